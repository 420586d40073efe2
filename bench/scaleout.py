"""Demo: a province's deployment on one machine — two app servers behind nginx, one PostgreSQL, shared storage, a
Celery worker — and what happens when the worker or an app server is killed.

    make scale-demo     (or: python -m bench.scaleout [--rows 20000]; `make bench` runs it too)

Started on loopback, all as the current user: a throwaway PostgreSQL database (fazhitong_scale_<pid>, migrated,
load_demo), one MEDIA_ROOT folder for every process, Redis database 9 as the broker and the jobs' cache (emptied at
the start and the end), two gunicorn app servers (2 workers each, each on its own free port, TRUSTED_PROXIES=
127.0.0.1), Debian's nginx in front of both with its own configuration in a temporary folder (the upstream of the
two servers, then docs/deploy/fazhitong-proxy.conf as production includes it), and the worker (`celery -A xilian
worker --pool solo`). Then, each step printed with its figures and PASS/FAIL:

a. both app servers answer through nginx (nginx names the one that answered in an X-Upstream header);
b. 西连镇 staff upload a generated 12345 工单 file of 20,000 rows: the worker checks it; the clerk confirms; while the
   commit job runs, the worker is killed (SIGKILL): the job still says 进行中 and no ticket was written; a new
   worker gets the job again from Redis (JOBS_REDELIVER_AFTER_SECONDS=10) and finishes it: attempts 2, exactly
   20,000 more tickets;
c. the 2021 report is submitted (staff), approved (leader) and filed through the worker; the PDF downloaded through
   nginx has the SHA-256 recorded at filing;
d. during a stream of GETs through nginx one app server is killed (SIGKILL): every request is still answered.

Everything started is stopped, and the database, the folders and Redis database 9 are removed, also on failure."""

import argparse
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg2
import redis
import requests

from bench.import_tickets import generate_xlsx
from bench.load import (
    BIN,
    CSRF_INPUT,
    DEMO_PASSWORD,
    ROOT,
    create_database,
    drop_database,
    free_port,
    manage,
    portal_env,
    start_gunicorn,
    tail,
    wait_until_answering,
)

BROKER_URL = os.environ.get("SCALE_BROKER_URL", "redis://127.0.0.1:6379/9")
REDELIVER_AFTER_SECONDS = 10
TOWNSHIP = "440825106"  # 西连镇
YEAR = 2021
PROXY_SNIPPET = ROOT / "docs" / "deploy" / "fazhitong-proxy.conf"
LOADED_VERSION = re.compile(r'name="loaded_version" value="(\d+)"')
JOB_STATUS = re.compile(r'id="job-status">([^<]*)<')
JOB_MESSAGE = re.compile(r'id="job-message">([^<]*)<')
NGINX_CONF = """
{user}worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    log_format fazhitong '$remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time '
                         'request_id=$request_id upstream=$upstream_addr';
    access_log {tmp}/nginx-access.log fazhitong;

    upstream fazhitong {{
        server 127.0.0.1:{app_a};
        server 127.0.0.1:{app_b};
    }}

    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        client_max_body_size 50m;
        location / {{
            include {snippet};
            add_header X-Upstream $upstream_addr always;  # the demo's only addition: which app server answered
        }}
    }}
}}
"""


class Processes:
    """The demo's processes, each the leader of its own process group (killed with everything it started)."""

    def __init__(self, tmp, env):
        self.tmp, self.env, self.running = tmp, env, {}

    def start(self, name, command):
        log = self.tmp / f"{name}.log"
        self.running[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log.open("w"),
                                              stderr=subprocess.STDOUT, start_new_session=True)
        return self.running[name]

    def add(self, name, process):
        self.running[name] = process

    def kill(self, name):
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self):
        for name, process in list(self.running.items()):
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
            del self.running[name]

    def log(self, name):
        return tail(self.tmp / f"{name}.log")


class Demo:
    def __init__(self, database, tmp, rows):
        self.tmp, self.rows, self.failed = tmp, rows, []
        self.env = portal_env(database, media=tmp / "media", conn_max_age=0)
        self.env.update({"CELERY_BROKER_URL": BROKER_URL, "JOBS_REDELIVER_AFTER_SECONDS": str(REDELIVER_AFTER_SECONDS),
                         "TRUSTED_PROXIES": "127.0.0.1", "LOG_LEVEL": "WARNING"})
        self.database_url = self.env["DATABASE_URL"]
        self.processes = Processes(tmp, self.env)
        self.app_ports = [free_port(), free_port()]
        self.base = ""

    # What was checked

    def check(self, passed, label):
        print(f"  {'PASS' if passed else 'FAIL'}: {label}")
        if not passed:
            self.failed.append(label)
        return passed

    def sql(self, statement, *params):
        with psycopg2.connect(self.database_url) as connection, connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()

    def tickets(self):
        return self.sql("SELECT count(*) FROM disputes_ticket")[0]

    def job(self, pk):
        return self.sql("SELECT status, attempts FROM xilian_job WHERE id = %s", pk)

    # Starting

    def start(self):
        started = time.monotonic()
        manage(self.env, "migrate", "--noinput")
        manage(self.env, "load_demo", "--force")
        print(f"数据库 database: migrated, load_demo ({time.monotonic() - started:.0f} s); "
              f"共享文件目录 shared MEDIA_ROOT {self.env['MEDIA_ROOT']}")
        for name, port in zip(("app-a", "app-b"), self.app_ports, strict=True):
            log = self.tmp / f"{name}.log"
            self.processes.add(name, start_gunicorn(self.env, port, 2, 1, log=log))
        for name, port in zip(("app-a", "app-b"), self.app_ports, strict=True):
            wait_until_answering(self.processes.running[name], port, log=self.tmp / f"{name}.log")
        self.start_nginx()
        self.start_worker("worker-1")
        print(f"应用服务器 app servers: gunicorn ×2 (2 workers each) on 127.0.0.1:{self.app_ports[0]} and "
              f"127.0.0.1:{self.app_ports[1]}; nginx on {self.base}; Celery worker (solo pool), broker {BROKER_URL}")

    def start_nginx(self):
        port = free_port()
        user = "user root;\n" if os.geteuid() == 0 else ""  # as root, the workers must write the temp folders
        conf = self.tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user=user, tmp=self.tmp, port=port, app_a=self.app_ports[0],
                                          app_b=self.app_ports[1], snippet=PROXY_SNIPPET), encoding="utf-8")
        nginx = self.processes.start("nginx", ["nginx", "-p", str(self.tmp), "-e", str(self.tmp / "nginx-error.log"),
                                               "-c", str(conf), "-g", "daemon off;"])
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if nginx.poll() is not None:
                raise SystemExit(f"nginx stopped at start:\n{self.processes.log('nginx')}\n"
                                 f"{tail(self.tmp / 'nginx-error.log')}")
            try:
                requests.get(f"{self.base}/accounts/login/", timeout=10)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise SystemExit("nginx did not answer within 20 s")

    def start_worker(self, name):
        self.processes.start(name, [str(BIN / "celery"), "-A", "xilian", "worker", "--pool", "solo",
                                    "--concurrency", "1", "-l", "INFO", "-n", f"{name}@%h"])
        deadline = time.monotonic() + 60
        while "ready." not in (self.tmp / f"{name}.log").read_text(errors="replace"):
            if time.monotonic() > deadline or self.processes.running[name].poll() is not None:
                raise SystemExit(f"the worker did not start:\n{self.processes.log(name)}")
            time.sleep(0.2)

    # Through nginx, as a user

    def log_in(self, username):
        session = requests.Session()
        form = session.get(f"{self.base}/accounts/login/", timeout=30)
        answer = session.post(f"{self.base}/accounts/login/", timeout=60, data={
            "username": username, "password": DEMO_PASSWORD, "next": "",
            "csrfmiddlewaretoken": CSRF_INPUT.search(form.text).group(1)})
        if f"/t/{TOWNSHIP}/" not in answer.url:
            raise SystemExit(f"{username} could not log in through nginx: {answer.status_code} {answer.url}")
        return session

    def post_form(self, session, path, files=None, form_page=None, **fields):
        """The form on `form_page` (default: `path`) with its CSRF token and the version it shows, posted to
        `path`; the redirect's target."""
        page = session.get(f"{self.base}{form_page or path}", timeout=30)
        data = {"csrfmiddlewaretoken": CSRF_INPUT.search(page.text).group(1), **fields}
        if version := LOADED_VERSION.search(page.text):
            data["loaded_version"] = version.group(1)
        answer = session.post(f"{self.base}{path}", data=data, files=files, timeout=120, allow_redirects=False)
        if answer.status_code != 302:
            raise SystemExit(f"POST {path}: {answer.status_code}, expected a redirect\n{answer.text[-2000:]}")
        return answer.headers["Location"]

    def wait_for_job(self, session, job_path, timeout=300):
        """Poll the job page as the browser does, until it redirects to the result or says 未完成."""
        if "/jobs/" not in job_path:
            raise SystemExit(f"not handed to the worker: the answer went to {job_path}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page = session.get(f"{self.base}{job_path}", timeout=30, allow_redirects=False)
            if page.status_code == 302:
                return page.headers["Location"]
            if "未完成" in page.text:
                message = JOB_MESSAGE.search(page.text)
                raise SystemExit(f"job {job_path} failed: {message.group(1) if message else page.text[-1000:]}")
            time.sleep(0.2)
        raise SystemExit(f"job {job_path} did not finish within {timeout} s")

    # The steps

    def both_servers_answer(self):
        print("\n(a) 两台应用服务器经 nginx 应答 · both app servers answer through nginx")
        answers = [requests.get(f"{self.base}/accounts/login/", timeout=30) for _ in range(10)]
        upstreams = Counter(answer.headers.get("X-Upstream") for answer in answers)
        print(f"  10 GET /accounts/login/: status {dict(Counter(a.status_code for a in answers))}, "
              f"answered by {dict(upstreams)}")
        self.check(all(a.status_code == 200 for a in answers)
                   and set(upstreams) == {f"127.0.0.1:{port}" for port in self.app_ports},
                   "both app servers answered, every request 200")

    def import_through_the_worker(self):
        print(f"\n(b) 后台导入 {self.rows:,} 条12345工单，中途杀掉 worker · import through the worker, killed mid-job")
        path = self.tmp / "12345工单_西连镇_大.xlsx"
        generate_xlsx(self.rows, path)
        staff = self.log_in("xilian_staff")
        before = self.tickets()
        started = time.monotonic()
        with path.open("rb") as upload:
            job_path = self.post_form(staff, f"/t/{TOWNSHIP}/ledgers/tickets/import/",
                                      files={"file": (path.name, upload)})
        preview = self.wait_for_job(staff, job_path)
        print(f"  upload {path.stat().st_size / 1e6:.1f} MB → {job_path}; checked by the worker in "
              f"{time.monotonic() - started:.1f} s → {preview}")
        self.check("/ledgers/tickets/import/" in preview and self.tickets() == before,
                   "the check ended on the preview page, nothing written yet")

        commit_path = self.post_form(staff, f"{preview}confirm/", form_page=preview)
        commit_id = int(re.search(r"/jobs/(\d+)/", commit_path).group(1))
        deadline = time.monotonic() + 60
        while self.job(commit_id)[0] == "queued" and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)  # well into the commit
        status_at_kill = self.job(commit_id)
        self.processes.kill("worker-1")
        killed = time.monotonic()
        page = staff.get(f"{self.base}{commit_path}", timeout=30, allow_redirects=False)
        shown = JOB_STATUS.search(page.text)
        after_kill = self.tickets()
        print(f"  confirm → {commit_path}; job {commit_id} {status_at_kill[0]} (attempt {status_at_kill[1]}) "
              f"when the worker was killed (SIGKILL); "
              f"job page now: {shown.group(1) if shown else page.status_code}; "
              f"tickets {before:,} → {after_kill:,}")
        self.check(status_at_kill[0] == "running" and "进行中" in page.text and after_kill == before,
                   "killed mid-job: the job still 进行中, no ticket written")

        self.start_worker("worker-2")
        result = self.wait_for_job(staff, commit_path, timeout=REDELIVER_AFTER_SECONDS * 6 + 120)
        status, attempts = self.job(commit_id)
        received = [line for line in (self.tmp / "worker-2.log").read_text(errors="replace").splitlines()
                    if " received" in line or " succeeded" in line]
        for line in received:
            print(f"  worker-2: {line.strip()[:150]}")
        after = self.tickets()
        done = staff.get(f"{self.base}{result}", timeout=30).text
        message = re.search(r"导入完成：[^<]*", done)
        print(f"  new worker started; job redelivered and {status} {time.monotonic() - killed:.0f} s after the kill, "
              f"attempts {attempts}; tickets {before:,} → {after:,} (+{after - before:,}); "
              f"page says {message.group(0) if message else '—'}")
        self.check(status == "done" and attempts == 2, "the job was retried (attempts 2), not lost")
        self.check(after - before == self.rows, f"exactly +{self.rows:,} tickets: not lost, not doubled")

    def archive_through_the_worker(self):
        print(f"\n(c) 经后台归档{YEAR}年度报告 · file the {YEAR} report through the worker")
        staff, leader = self.log_in("xilian_staff"), self.log_in("xilian_leader")
        report_path = f"/t/{TOWNSHIP}/reports/{YEAR}/"
        self.post_form(staff, f"{report_path}submit/")
        self.post_form(leader, f"{report_path}approve/", comment="同意归档。")
        started = time.monotonic()
        job_path = self.post_form(staff, f"{report_path}archive/")
        result = self.wait_for_job(staff, job_path)
        pdf = staff.get(f"{self.base}{report_path}report.pdf", timeout=60)
        recorded = self.sql("SELECT a.pdf_sha256 FROM reports_reportarchive a JOIN reports_report r "
                            "ON a.report_id = r.id WHERE r.year = %s ORDER BY a.id DESC LIMIT 1", YEAR)
        digest = hashlib.sha256(pdf.content).hexdigest()
        print(f"  submitted, approved, archive → {job_path} → {result} in {time.monotonic() - started:.1f} s; "
              f"PDF {len(pdf.content):,} bytes via {pdf.headers.get('X-Upstream')}, SHA-256 {digest[:16]}…, "
              f"recorded {recorded[0][:16] if recorded else '—'}…")
        self.check(result == report_path and pdf.content.startswith(b"%PDF") and recorded
                   and digest == recorded[0], "filed by the worker; the downloaded PDF has the recorded SHA-256")

    def kill_an_app_server(self, seconds=8.0, kill_at=3.0, threads=4):
        print("\n(d) 连续请求中杀掉一台应用服务器 · kill an app server during a stream of GETs")
        staff = self.log_in("xilian_staff")
        answers, start = [], time.monotonic()

        def stream():
            session = requests.Session()
            session.cookies.update(staff.cookies)
            while (at := time.monotonic() - start) < seconds:
                try:
                    answer = session.get(f"{self.base}/t/{TOWNSHIP}/", timeout=30)
                    answers.append((at, answer.status_code, answer.headers.get("X-Upstream"),
                                    "工作台" in answer.text))
                except requests.RequestException as error:
                    answers.append((at, repr(error), None, False))

        workers = [threading.Thread(target=stream) for _ in range(threads)]
        for worker in workers:
            worker.start()
        time.sleep(kill_at)
        self.processes.kill("app-a")
        for worker in workers:
            worker.join()
        errors = [a for a in answers if a[1] != 200 or not a[3]]
        before = Counter(a[2] for a in answers if a[0] < kill_at)
        after = Counter(a[2] for a in answers if a[0] >= kill_at)
        print(f"  {threads} clients × {seconds:.0f} s of GET /t/{TOWNSHIP}/ (工作台, signed in); app server "
              f"127.0.0.1:{self.app_ports[0]} killed (SIGKILL) at {kill_at:.0f} s")
        print(f"  started before the kill: {sum(before.values())} requests, answered by {dict(before)}")
        print(f"  started after the kill:  {sum(after.values())} requests, answered by {dict(after)}")
        retried = sum(1 for a in answers if a[2] and "," in a[2])
        print(f"  {retried} request(s) in flight on the killed server were passed on by nginx (X-Upstream lists "
              f"both); errors: {len(errors)}{'' if not errors else ' — ' + str(errors[:5])}")
        survivor = f"127.0.0.1:{self.app_ports[1]}"
        self.check(not errors and sum(after.values()) > 0, "every request answered (0 errors)")
        self.check(all(survivor in upstream for upstream in after), f"after the kill every answer came via {survivor}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000, help="rows of the generated 12345 工单 file")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a stopped demo still cleans up (the finally below)
    database = f"fazhitong_scale_{os.getpid()}"
    broker = redis.Redis.from_url(BROKER_URL)
    broker.flushdb()
    with tempfile.TemporaryDirectory(prefix="fazhitong-scale-") as tmp:
        demo = Demo(database, Path(tmp), args.rows)
        create_database(database)
        try:
            demo.start()
            demo.both_servers_answer()
            demo.import_through_the_worker()
            demo.archive_through_the_worker()
            demo.kill_an_app_server()
        except SystemExit as stopped:
            demo.failed.append(str(stopped))
            print(f"  FAIL: {stopped}")
            for name in demo.processes.running:
                print(f"--- {name}.log\n{demo.processes.log(name)}")
        finally:
            demo.processes.stop_all()
            drop_database(database)
            broker.flushdb()
    print("\n" + ("PASS" if not demo.failed else f"FAIL ({len(demo.failed)})") + " overall")
    sys.exit(1 if demo.failed else 0)


if __name__ == "__main__":
    main()
