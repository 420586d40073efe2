"""A real Celery worker process, on the Redis at 127.0.0.1:6379, takes a big import and a report's filing from the
pages and does them. The worker is another process, so it needs a database another process can open: it runs where
the suite runs on PostgreSQL (`.ci/run`); the killed-worker case is `make scale-demo` (bench/scaleout.py)."""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from disputes.models import Ticket
from reports.models import Report
from tests.permissions.reports import make_report, make_section, move_report
from xilian.celery import app as celery_app
from xilian.models import Job

BROKER = "redis://127.0.0.1:6379/14"
SAMPLE = Path(__file__).resolve().parent / "samples" / "12345工单_西连镇_2021.xlsx"
ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                       reason="the worker is another process: it needs the test database on PostgreSQL (.ci/run)"),
]


@pytest.fixture
def worker(monkeypatch):
    redis.Redis.from_url(BROKER).flushdb()
    monkeypatch.setattr(celery_app.conf, "broker_url", BROKER)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "CELERY_BROKER_URL": BROKER,
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "xilian", "worker", "--pool", "solo", "-l", "WARNING"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    with override_settings(CELERY_BROKER_URL=BROKER, JOBS_BACKGROUND_MIN_BYTES=1024):
        yield process
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _finished(pk, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with scopes_disabled():
            job = Job.objects.get(pk=pk)
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {pk} not finished within {seconds} s: {job.status}")


def _job_id(response):
    return int(response.url.rstrip("/").rsplit("/", 1)[1])


def test_the_worker_checks_and_commits_a_big_import(client, demo, worker):
    staff = demo.client_for(client, "xilian_staff")
    upload = staff.post(reverse("ledger_import", kwargs={"township": demo.xilian.code, "kind": "tickets"}),
                        {"file": SimpleUploadedFile("工单.xlsx", SAMPLE.read_bytes())})
    checked = _finished(_job_id(upload))
    assert checked.status == Job.Status.DONE, checked.message
    preview = staff.get(upload.url, follow=True)
    assert preview.context["row"].counts["new"] == 94

    confirm = staff.post(reverse("ledger_import_confirm", kwargs={
        "township": demo.xilian.code, "kind": "tickets", "pk": preview.context["row"].pk}))
    committed = _finished(_job_id(confirm))
    assert (committed.status, committed.attempts) == (Job.Status.DONE, 1)
    assert "导入完成：新增94条" in staff.get(confirm.url, follow=True).content.decode()
    with scope(township=demo.xilian):
        assert Ticket.objects.count() == 94


def test_the_worker_files_a_report(client, demo, worker):
    report = make_report(demo.xilian, dated_on=date(2021, 12, 8), intro="全年受理纠纷{{disputes_received}}。")
    make_section(report, heading="强化组织领导", body="甲。")
    move_report(report, "submit", "approve", users=demo.users)
    staff = demo.client_for(client, "xilian_staff")
    filing = staff.post(reverse("reports:report_step", kwargs={
        "township": demo.xilian.code, "year": 2021, "action": "archive"}), {"loaded_version": report.version})
    job = _finished(_job_id(filing))
    assert job.status == Job.Status.DONE, job.message
    report.refresh_from_db()
    with scope(township=demo.xilian):
        archive = report.archives.get()
    assert report.state == Report.State.ARCHIVED and archive.pdf.read().startswith(b"%PDF")
