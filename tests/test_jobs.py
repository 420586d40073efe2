"""Long work in the worker (xilian/jobs.py): a big import's check and commit and a report's filing are handed to
Celery when a broker is configured; the page shows the job's progress and then its result; a job whose worker died
runs again, once, and writes once. The worker's side is `run_job(pk)`, called here as the Celery task calls it."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from kombu.exceptions import OperationalError

from disputes.models import Ticket
from reports.models import Report
from tests.permissions.reports import make_report, make_section, move_report
from xilian import jobs
from xilian.models import AuditLog, Job, LedgerImport

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parent / "samples" / "12345工单_西连镇_2021.xlsx"
CLERK_ADDRESS = "10.20.30.40"


@pytest.fixture
def queued(monkeypatch):
    """A configured worker that has not run anything yet: the ids of the jobs handed to it, in order."""
    handed = []
    monkeypatch.setattr("xilian.tasks.run_job_task.delay", handed.append)
    # Outside a test's wrapping transaction a request's writes are committed as it returns (no ATOMIC_REQUESTS),
    # so the job is handed over at once.
    monkeypatch.setattr("xilian.jobs.transaction.on_commit", lambda callback: callback())
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/15", JOBS_BACKGROUND_MIN_BYTES=1024):
        yield handed


@pytest.fixture
def clerk(client, demo):
    return demo.client_for(client, "xilian_staff")


def _import_url(name, demo, **kwargs):
    return reverse(name, kwargs={"township": demo.xilian.code, "kind": "tickets", **kwargs})


def _upload(clerk, demo, content, name="工单.xlsx"):
    return clerk.post(_import_url("ledger_import", demo), {"file": SimpleUploadedFile(name, content)},
                      REMOTE_ADDR=CLERK_ADDRESS)


def _job(pk):
    with scopes_disabled():
        return Job.objects.get(pk=pk)


def _tickets(demo):
    with scope(township=demo.xilian):
        return Ticket.objects.count()


def test_a_big_import_is_checked_and_committed_by_the_worker(clerk, demo, queued):
    response = _upload(clerk, demo, SAMPLE.read_bytes())
    [job_id] = queued
    assert response.url == reverse("job_detail", kwargs={"township": demo.xilian.code, "pk": job_id})
    waiting = clerk.get(response.url).content.decode()
    assert "排队中" in waiting and 'http-equiv="refresh"' in waiting
    with scopes_disabled():
        assert not LedgerImport.objects.exists()

    jobs.run_job(job_id)  # what the worker does
    preview = clerk.get(response.url, follow=True)
    row = preview.context["row"]
    assert "文件检查完成" in preview.content.decode() and row.counts["new"] == 94
    assert _tickets(demo) == 0

    confirm = clerk.post(_import_url("ledger_import_confirm", demo, pk=row.pk), REMOTE_ADDR=CLERK_ADDRESS)
    commit_id = queued[1]
    assert confirm.url.endswith(f"/jobs/{commit_id}/") and _tickets(demo) == 0
    jobs.run_job(commit_id)
    done = clerk.get(confirm.url, follow=True).content.decode()
    assert "导入完成：新增94条" in done and _tickets(demo) == 94
    with scopes_disabled():
        created = AuditLog.objects.filter(action=AuditLog.Action.CREATE, username="xilian_staff")
        assert created.count() == 94
        assert set(created.values_list("ip_address", flat=True)) == {CLERK_ADDRESS}
    assert (_job(commit_id).status, _job(commit_id).attempts) == (Job.Status.DONE, 1)


def test_a_job_whose_worker_died_runs_again_and_writes_once(clerk, demo, queued):
    _upload(clerk, demo, SAMPLE.read_bytes())
    jobs.run_job(queued[0])
    with scopes_disabled():
        row = LedgerImport.objects.get()
    clerk.post(_import_url("ledger_import_confirm", demo, pk=row.pk))
    commit_id = queued[1]
    with scopes_disabled():  # a worker took it and was killed: its transaction rolled back, the job says 进行中
        Job.objects.filter(pk=commit_id).update(status=Job.Status.RUNNING, attempts=1)
    interrupted = clerk.get(reverse("job_detail", kwargs={"township": demo.xilian.code, "pk": commit_id}))
    assert "进行中" in interrupted.content.decode() and _tickets(demo) == 0

    jobs.run_job(commit_id)  # the broker hands it to a worker again
    jobs.run_job(commit_id)  # a late second delivery of a finished job does nothing
    assert (_job(commit_id).status, _job(commit_id).attempts) == (Job.Status.DONE, 2)
    assert _tickets(demo) == 94


def test_a_second_run_of_a_job_does_not_overwrite_the_outcome_of_the_first(clerk, demo, queued):
    _upload(clerk, demo, SAMPLE.read_bytes())
    job = _job(queued[0])
    with scopes_disabled():  # handed out again while the first run was still going: two runs at once
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=2)
    jobs._finish(job, Job.Status.DONE, "文件检查完成", "/preview/")  # the first run ends
    jobs._finish(job, Job.Status.FAILED, "报告的状态已经变化", "")  # the second finds the work done
    assert (_job(job.pk).status, _job(job.pk).message) == (Job.Status.DONE, "文件检查完成")


def test_the_job_page_shows_the_stage_and_rows_the_worker_reported(clerk, demo, queued):
    _upload(clerk, demo, SAMPLE.read_bytes())
    job = _job(queued[0])
    with scopes_disabled():
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1)
    jobs._progress_reporter(job)("检查", 5000, 200000)
    page = clerk.get(reverse("job_detail", kwargs={"township": demo.xilian.code, "pk": job.pk})).content.decode()
    assert "检查：5000 / 200000" in page and 'value="5000"' in page and 'max="200000"' in page


def test_a_refused_file_ends_the_job_with_the_reason(clerk, demo, queued):
    _upload(clerk, demo, "名称,日期\n".encode() + b"x" * 2048)
    jobs.run_job(queued[0])
    job = _job(queued[0])
    page = clerk.get(reverse("job_detail", kwargs={"township": demo.xilian.code, "pk": job.pk})).content.decode()
    assert job.status == Job.Status.FAILED and "找不到12345工单台账的表头" in page
    assert 'http-equiv="refresh"' not in page
    assert f'href="{_import_url("ledger_import", demo)}" id="job-next"' in page  # back to the upload form
    with scopes_disabled():
        assert not LedgerImport.objects.exists()


def test_a_small_file_is_still_previewed_in_the_request(clerk, demo, queued):
    small = "工单编号,受理时间\n".encode()
    response = clerk.post(_import_url("ledger_import", demo), {"file": SimpleUploadedFile("a.csv", small)})
    assert queued == [] and "表头" in response.content.decode()


def test_another_townships_job_is_404(client, demo, queued):
    _upload(demo.client_for(client, "xilian_staff"), demo, SAMPLE.read_bytes())
    client.logout()
    maichen = demo.client_for(client, "maichen_staff")
    foreign = reverse("job_detail", kwargs={"township": demo.xilian.code, "pk": queued[0]})
    assert maichen.get(foreign).status_code == 404
    own_code = reverse("job_detail", kwargs={"township": demo.maichen.code, "pk": queued[0]})
    assert maichen.get(own_code).status_code == 404


def test_filing_a_report_renders_its_pdfs_in_the_worker(client, demo, queued):
    report = make_report(demo.xilian, dated_on=date(2021, 12, 8), intro="全年受理纠纷{{disputes_received}}。")
    make_section(report, heading="强化组织领导", body="甲。")
    move_report(report, "submit", "approve", users=demo.users)
    staff = demo.client_for(client, "xilian_staff")
    step = reverse("reports:report_step", kwargs={"township": demo.xilian.code, "year": 2021, "action": "archive"})
    response = staff.post(step, {"loaded_version": report.version})
    report.refresh_from_db()
    assert report.state == Report.State.APPROVED and response.url.endswith(f"/jobs/{queued[0]}/")
    waiting = staff.get(reverse("reports:report_preview", kwargs={"township": demo.xilian.code, "year": 2021}))
    assert "正在归档" in waiting.content.decode() and 'id="step-archive"' not in waiting.content.decode()

    jobs.run_job(queued[0])
    page = staff.get(response.url, follow=True).content.decode()
    report.refresh_from_db()
    with scope(township=demo.xilian):
        archive = report.archives.get()
    assert report.state == Report.State.ARCHIVED and "报告已归档" in page
    assert archive.pdf.read().startswith(b"%PDF") and archive.archived_by == demo.users["xilian_staff"]


def test_when_the_broker_cannot_be_reached_the_job_says_so_and_nothing_is_written(clerk, demo, queued, monkeypatch):
    def unreachable(job_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("xilian.tasks.run_job_task.delay", unreachable)
    page = clerk.get(_upload(clerk, demo, SAMPLE.read_bytes()).url).content.decode()
    assert "后台处理服务暂时无法连接" in page and 'http-equiv="refresh"' not in page
    with scopes_disabled():
        assert Job.objects.get().status == Job.Status.FAILED and not LedgerImport.objects.exists()


def test_with_no_worker_configured_a_big_import_runs_in_the_request(clerk, demo):
    with override_settings(CELERY_BROKER_URL="", JOBS_BACKGROUND_MIN_BYTES=1024):
        preview = clerk.post(_import_url("ledger_import", demo),
                             {"file": SimpleUploadedFile("工单.xlsx", SAMPLE.read_bytes())}, follow=True)
    assert preview.context["row"].counts["new"] == 94
    with scopes_disabled():
        assert not Job.objects.exists()
