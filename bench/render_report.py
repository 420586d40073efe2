"""Benchmark: a cold render of 西连镇's full 2021 demo report (all parts, a chart) to PDF, against the naive path
(the same document with WeasyPrint subsetting its fonts through fontTools instead of HarfBuzz).

    make bench          (or: python -m bench.render_report [--runs N] [--naive-runs N])

"Cold" means the first render in a new process: fontconfig and Pango build their font map, the CJK faces are opened
and shaped, and their subsets are cut; ECharts is loaded into V8 and draws the two monthly charts as SVG, all inside
the timed part. Importing Python modules and setting up Django
and loading the URLconf are not timed (a server has done them before a download reaches it); they are printed
apart. What is timed is what a
download does: count the figures as of the report's cut-off, draw the charts, lay out the report, write the PDF.

The demo is loaded once into a throwaway database, created and dropped here: `fazhitong_bench_render` on the
PostgreSQL server of DATABASE_URL (by default the local cluster), whatever database DATABASE_URL names, or a file
under test-artifacts/ when DATABASE_URL is a sqlite:// URL. Target: median ≤ 1.0 s."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
TARGET_SECONDS = 1.0
BENCH_DATABASE = "fazhitong_bench_render"

def bench_database_url():
    """The throwaway database's URL on the server DATABASE_URL names (never that database itself)."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if url.startswith("sqlite"):
        return f"sqlite:///{ROOT / 'test-artifacts' / BENCH_DATABASE}.sqlite3"
    return f"{url.rsplit('/', 1)[0]}/{BENCH_DATABASE}"


def prepare_database():
    """Creates the throwaway database, migrates it and loads the demo."""
    _create_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    with override_settings(DEBUG=True):
        os.environ.setdefault("DEMO_PASSWORD", "Bench#2021x")
        call_command("load_demo", stdout=StringIO())


def drop_database():
    from django.db import connections

    connections.close_all()
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')


def _create_database():
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(exist_ok=True)
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        _postgres_admin(f'CREATE DATABASE "{BENCH_DATABASE}"')


def _postgres_admin(statement):
    import psycopg2

    url = os.environ["DATABASE_URL"]
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def render_once(naive):
    """One cold render in this (new) process; prints its times as JSON."""
    started = time.perf_counter()
    import django

    django.setup()
    import weasyprint.pdf.fonts
    from django.urls import get_resolver
    from django_scopes import scope, scopes_disabled

    from reports.pdf import report_pdf
    from reports.selectors import report_charts, report_figures, report_get
    from xilian.models import Township

    if naive:
        weasyprint.pdf.fonts.harfbuzz_subset = None  # WeasyPrint then subsets with fontTools
    get_resolver().reverse_dict  # noqa: B018 -- imports the URLconf, as a server's first request has done
    with scopes_disabled():
        township = Township.objects.get(name="西连镇")
    setup_seconds = time.perf_counter() - started

    started = time.perf_counter()
    with scope(township=township):
        report = report_get(township=township, year=2021)
        content = report_pdf(report, report_figures(report=report), charts=report_charts(report=report))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "setup_seconds": setup_seconds, "bytes": len(content)}))


def cold_runs(count, naive):
    results = []
    for _ in range(count):
        command = [sys.executable, "-m", "bench.render_report", "--one"] + (["--naive"] if naive else [])
        output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if output.returncode != 0:
            raise SystemExit(f"render failed:\n{output.stderr[-3000:]}")
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7, help="cold renders with HarfBuzz subsetting")
    parser.add_argument("--naive-runs", type=int, default=3, help="cold renders with fontTools subsetting")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        render_once(args.naive)
        return

    os.environ["DATABASE_URL"] = bench_database_url()  # for this process and the renders it starts
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}")
    prepare_database()
    try:
        fast = cold_runs(args.runs, naive=False)
        naive = cold_runs(args.naive_runs, naive=True)
    finally:
        drop_database()
    for name, runs in (("HarfBuzz subsetting", fast), ("fontTools subsetting (naive)", naive)):
        times = [run["seconds"] for run in runs]
        print(f"{name:<30} median {statistics.median(times):6.3f} s   runs {' '.join(f'{t:.3f}' for t in times)}   "
              f"PDF {runs[0]['bytes'] / 1024:.0f} KB   (imports and Django setup, not timed: "
              f"{statistics.median(run['setup_seconds'] for run in runs):.2f} s)")
    median = statistics.median(run["seconds"] for run in fast)
    naive_median = statistics.median(run["seconds"] for run in naive)
    print(f"HarfBuzz is {naive_median / median:.1f}x faster than the naive path")
    print(f"target cold render ≤ {TARGET_SECONDS:.1f} s median: {'PASS' if median <= TARGET_SECONDS else 'FAIL'}")


if __name__ == "__main__":
    main()
