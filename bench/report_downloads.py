"""Benchmark: the county's side of the annual reports in PostgreSQL, 17 townships × 3 years of filed copies.

    make bench          (or: python -m bench.report_downloads [--runs 50])

Through Django's test client (the whole stack in process: middleware, scoping, storage, no network): a filed PDF
downloaded by the county office (target: median ≤ 50 ms), the public copy without login, the county reports page
(target: ≤ 10 queries, and its time) and the year's zip. The database is a throwaway one created and dropped here
(test_<name of DATABASE_URL's database>); the files go to a temporary MEDIA_ROOT."""

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fazhitong_bench_reports")

TOWNSHIPS, YEARS = 17, (2021, 2022, 2023)
PDF_SIZE = 400 * 1024  # about a rendered report with its subset CJK fonts and a chart
MAX_DOWNLOAD_MS = 50
MAX_PAGE_QUERIES = 10


def _pdf(label):
    body = hashlib.shake_256(label.encode()).digest(PDF_SIZE)
    return b"%PDF-1.7\n" + body + b"\n%%EOF\n"


def _county():
    """The demo county with 15 more townships (17), its users, and a filed copy of every township × year, half
    of them published."""
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from reports.models import Report, ReportArchive
    from xilian.demo import load_organisation, load_users
    from xilian.models import Township, User

    with scopes_disabled():
        county = load_organisation()
        for n in range(TOWNSHIPS - county.townships.count()):
            Township.objects.create(county=county, name=f"测试{n + 1}镇", code=f"{county.code}{200 + n}")
        load_users(county, "Bench@2021")
        leader = User.objects.get(username="xilian_leader")
        for i, township in enumerate(county.townships.all()):
            for year in YEARS:
                report = Report.objects.create(township=township, year=year, state=Report.State.ARCHIVED)
                archive = ReportArchive(
                    report=report, revision=1, figures={}, approved_by=leader, archived_by=leader,
                    archived_at=timezone.make_aware(datetime(year + 1, 2, 20, 10, 0)),
                    published_at=timezone.make_aware(datetime(year + 1, 3, 1, 9, 0)) if i % 2 else None,
                )
                for field in ("pdf", "pdfa"):
                    content = _pdf(f"{township.code}-{year}-{field}")
                    setattr(archive, f"{field}_sha256", hashlib.sha256(content).hexdigest())
                    getattr(archive, field).save(f"{year}-1-{field}.pdf", ContentFile(content), save=False)
                archive.save()
    return county


def _timed(client, url, runs):
    """(median ms, last response's body): each request read to its last byte, as a browser would."""
    times, body = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), body


def measure(runs):
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from reports.models import ReportArchive
    from xilian.models import User

    county = _county()
    with scopes_disabled():
        archive = ReportArchive.objects.select_related("report__township").get(
            report__township__name="西连镇", report__year=YEARS[-1])
        public = ReportArchive.objects.select_related("report__township").filter(
            published_at__isnull=False, report__year=YEARS[-1]).first()
    office = Client()
    office.force_login(User.objects.get(username="county_office"))
    pdf_url = reverse("reports:archive_pdf", kwargs={
        "township": archive.report.township.code, "year": archive.report.year, "revision": 1})
    public_url = reverse("gongkai:pdf", kwargs={
        "county_code": county.code, "year": public.report.year, "township_code": public.report.township.code,
        "revision": 1})
    page_url = f"{reverse('county_reports')}?year={YEARS[-1]}"
    zip_url = reverse("county_reports_zip", kwargs={"year": YEARS[-1]})

    _timed(office, pdf_url, 3)  # warm: URL resolver, templates, storage
    download_ms, body = _timed(office, pdf_url, runs)
    assert hashlib.sha256(body).hexdigest() == archive.pdf_sha256
    public_ms, body = _timed(Client(), public_url, runs)
    assert hashlib.sha256(body).hexdigest() == public.pdf_sha256
    _timed(office, page_url, 2)
    queries = []
    # Counted by a wrapper, not CaptureQueriesContext: the client closes the connection at the end of a request
    # outside a transaction, which empties the captured log.
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        office.get(page_url)
    page_ms, page = _timed(office, page_url, max(runs // 5, 5))
    assert page.decode().count('data-download="pdf"') == TOWNSHIPS * len(YEARS)
    zip_ms, bundle = _timed(office, zip_url, 5)

    print(f"data: {TOWNSHIPS} townships × {len(YEARS)} years of filed copies ({PDF_SIZE // 1024} KB each), "
          f"database: {os.environ['DATABASE_URL'].split('@')[-1]} (test_ copy, dropped after)")
    ok_download = download_ms <= MAX_DOWNLOAD_MS
    ok_queries = len(queries) <= MAX_PAGE_QUERIES
    print(f"filed PDF download (county office)  median {download_ms:6.1f} ms of {runs}   target ≤ {MAX_DOWNLOAD_MS} ms "
          f"({download_ms / MAX_DOWNLOAD_MS:.2f} of it)   {'PASS' if ok_download else 'FAIL'}")
    print(f"public PDF download (no login)      median {public_ms:6.1f} ms of {runs}")
    print(f"county reports page ({TOWNSHIPS} × {len(YEARS)})    median {page_ms:6.1f} ms, {len(queries)} queries   "
          f"target ≤ {MAX_PAGE_QUERIES} queries   {'PASS' if ok_queries else 'FAIL'}")
    print(f"year's zip ({TOWNSHIPS} copies, {len(bundle) / 1024 / 1024:.1f} MB)    median {zip_ms:6.1f} ms of 5")
    return ok_download and ok_queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test.utils import override_settings, setup_databases, teardown_databases

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            passed = measure(args.runs)
    finally:
        teardown_databases(old_config, verbosity=0)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
