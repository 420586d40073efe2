# 法治通 — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= Xilian@2021
export DEMO_PASSWORD

.PHONY: run test bench setup system-packages lint scale-demo

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-packages:
	./scripts/system-packages.sh

setup: system-packages $(VENV)/.installed node_modules/.installed

run: setup
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# Two gunicorn app servers behind nginx, one PostgreSQL, shared files, a Celery worker, all on loopback; an import
# and a report's filing through the worker, the worker killed mid-job (the job runs again, once), an app server
# killed during a stream of requests (all answered). PASS/FAIL per step; see docs/deploy.md.
scale-demo: setup
	./scripts/system-packages.sh --with-nginx
	$(PY) -m bench.scaleout

test: setup
	./scripts/system-packages.sh --with-browser
	$(VENV)/bin/pytest

# Import of 20,000 12345 tickets into PostgreSQL (DATABASE_URL, default the local cluster), against
# django-import-export's own import; prints the times, peak memory and ratios. Then a county's year, 200,000 tickets
# (preview and confirm, ≤ 10 s and ≤ 400 MB peak, in a throwaway PostgreSQL database). Then the refusal of hostile files
# (each < 1 s and < 200 MB). Then the county's side of the reports: a filed PDF's download (≤ 50 ms) and the county
# reports page for 17 townships × 3 years (≤ 10 queries); a cold render of the full 2021 demo report to PDF
# (≤ 1.0 s) against the naive path (fontTools subsetting); the charts drawn as SVG for the report (load of
# ECharts, time a chart). Last, the 工作台 and the county dashboard on a generated
# county of 17 townships (10,000 and 200,000 tickets, in a throwaway PostgreSQL database): server time and queries,
# the ratio between the sizes, admin's changelist as a baseline, PASS/FAIL per target. Then the portal under load
# as in production (gunicorn, 4 workers × 4 threads, DEBUG off, a throwaway PostgreSQL database with the demo
# data): locust, 50 users over the journeys of 西连镇 staff, the leader, the county office and the public page,
# arriving 2 a second, then 60 s with all of them (p50/p95/p99, requests/s and errors per page group; p95 ≤ 300 ms,
# 0 errors), and 20 users logging in at once (all in ≤ 20 s).
BENCHES := import_tickets import_county_year hostile_files report_downloads report_download render_report charts dashboards load scaleout
# Every benchmark runs even when one misses its target; `make bench` fails at the end if any did.
bench: setup
	./scripts/system-packages.sh --with-nginx
	@status=0; for name in $(BENCHES); do echo "== bench.$$name"; $(PY) -m bench.$$name || status=1; done; exit $$status

lint: setup
	$(VENV)/bin/ruff check .
