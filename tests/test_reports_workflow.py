"""草稿 → 已提交 → 已审定 → 已归档, 退回 and 修订: who may make each move, the figures frozen at submission, the
filed copy that never changes, the downloads, and the audit of every move."""

import hashlib
from datetime import date
from io import BytesIO
from urllib.parse import quote

import pdfplumber
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import strip_tags
from django_scopes import scope, scopes_disabled
from docx import Document

from reports import charts, selectors, workflow
from reports.models import Report, ReportArchive, ReportSection, ReportStep
from tests.permissions.disputes import make_dispute
from tests.permissions.reports import make_report, make_section, move_report
from tests.test_one_look import assert_one_form_look
from xilian.models import AuditLog, User
from xilian.records import record_void
from xilian.roles import Role

pytestmark = pytest.mark.django_db
TITLE = "西连镇2021年度法治政府建设情况报告"


def _url(name, demo, township=None, **kwargs):
    return reverse(f"reports:{name}", kwargs={"township": (township or demo.xilian).code, "year": 2021, **kwargs})


def _step_url(demo, action):
    return _url("report_step", demo, action=action)


@pytest.fixture
def report(demo):
    report = make_report(demo.xilian, dated_on=date(2021, 12, 8), intro="全年受理纠纷{{disputes_received}}。")
    make_section(report, heading="强化组织领导", body="甲。")
    return report


def _as(client, demo, username):
    client.logout()
    return demo.client_for(client, username)


def _page(client, url):
    return client.get(url).content.decode()


def _bytes(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _steps(report, *fields):
    with scope(township=report.township):
        return list(report.steps.values_list(*fields))


def _void(demo, dispute):
    with scope(township=demo.xilian):
        record_void(township=demo.xilian, user=demo.users["xilian_staff"], instance=dispute, reason="重复登记",
                    loaded_version=dispute.version)


def _received(client, demo):
    return strip_tags(_page(client, _url("report_preview", demo))).split("全年受理纠纷")[1][:3]


def test_submitting_freezes_the_figures_and_returning_thaws_them(client, demo, report):
    first, second = (make_dispute(demo.xilian, received_on=date(2021, 3, day)) for day in (2, 3))
    client = _as(client, demo, "xilian_staff")
    _void(demo, first)
    assert _received(client, demo) == "1宗。"  # a draft counts the records as they stand
    client.post(_step_url(demo, "submit"), {"loaded_version": report.version})
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED
    assert {f["key"]: f["value"] for f in report.frozen_figures["figures"]}["disputes_received"] == 1
    _void(demo, second)
    assert _received(client, demo) == "1宗。"  # a submitted report keeps the figures it was submitted with
    move_report(report, "return", users=demo.users)
    assert report.frozen_figures is None and _received(client, demo) == "0宗。"


def test_a_report_without_its_date_cannot_be_submitted(client, demo, report):
    with scope(township=demo.xilian):
        Report.objects.filter(pk=report.pk).update(dated_on=None)
    page = _as(client, demo, "xilian_staff").post(_step_url(demo, "submit"), {"loaded_version": report.version})
    assert "请先填写成文日期再提交" in page.content.decode()
    report.refresh_from_db()
    assert report.state == Report.State.DRAFT


def test_staff_cannot_approve(client, demo, report):
    move_report(report, "submit", users=demo.users)
    client = _as(client, demo, "xilian_staff")
    assert client.get(_step_url(demo, "approve")).status_code == 403
    assert client.post(_step_url(demo, "approve"), {"loaded_version": report.version}).status_code == 403
    report.refresh_from_db()
    assert (report.state, len(_steps(report, "pk"))) == (Report.State.SUBMITTED, 1)
    assert 'id="step-approve"' not in _page(client, _url("report_preview", demo))


def test_the_leader_approves_and_staff_archive_from_the_report_page(client, demo, report):
    move_report(report, "submit", users=demo.users)
    leader = _as(client, demo, "xilian_leader")
    assert 'id="step-approve"' in _page(leader, _url("report_preview", demo))
    leader.post(_step_url(demo, "approve"), {"loaded_version": report.version, "comment": "同意。"})
    report.refresh_from_db()
    assert report.state == Report.State.APPROVED
    assert 'id="step-archive"' not in _page(leader, _url("report_preview", demo))
    staff = _as(client, demo, "xilian_staff")
    staff.post(_step_url(demo, "archive"), {"loaded_version": report.version})
    report.refresh_from_db()
    with scope(township=demo.xilian):
        archive = report.archives.get()
    assert report.state == Report.State.ARCHIVED
    assert (archive.revision, archive.approved_by, archive.archived_by) == (
        1, demo.users["xilian_leader"], demo.users["xilian_staff"])
    assert archive.figures == report.frozen_figures


def test_another_townships_leader_gets_404(client, demo, report):
    move_report(report, "submit", users=demo.users)
    with scopes_disabled():
        User.objects.create_user("maichen_leader", password="x", role=Role.LEADER, township=demo.maichen)
    client.force_login(User.objects.get(username="maichen_leader"))
    assert client.get(_step_url(demo, "approve")).status_code == 404
    assert client.post(_step_url(demo, "approve"), {"loaded_version": report.version}).status_code == 404
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED


def test_returning_needs_a_comment_which_staff_then_see_until_they_resubmit(client, demo, report):
    move_report(report, "submit", users=demo.users)
    leader = _as(client, demo, "xilian_leader")
    refused = leader.post(_step_url(demo, "return"), {"loaded_version": report.version, "comment": "  "})
    assert "请填写退回意见。" in refused.content.decode()
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED
    leader.post(_step_url(demo, "return"), {"loaded_version": report.version, "comment": "请补充12345工单办理情况。"})
    report.refresh_from_db()
    assert report.state == Report.State.DRAFT
    staff = _as(client, demo, "xilian_staff")
    for page in (_page(staff, _url("report_preview", demo)), _page(staff, _url("report_edit", demo))):
        notice = page.split('id="pending-return"')[1].split("</div>\n</div>")[0]
        assert "王建国于" in notice and "退回了报告" in notice and "请补充12345工单办理情况。" in notice
    move_report(report, "submit", users=demo.users)
    page = _page(staff, _url("report_preview", demo))
    assert 'id="pending-return"' not in page and "请补充12345工单办理情况。" in page.split('id="report-history"')[1]


def test_a_double_click_moves_the_report_once(client, demo, report):
    staff = _as(client, demo, "xilian_staff")
    data = {"loaded_version": report.version}
    staff.post(_step_url(demo, "submit"), data)
    second = staff.post(_step_url(demo, "submit"), data, follow=True)
    assert "报告已提交，不能提交。" in second.content.decode()
    assert _steps(report, "action") == [(ReportStep.Action.SUBMIT,)]


def test_two_leaders_cannot_both_decide_the_same_submission(demo, report):
    move_report(report, "submit", users=demo.users)
    seen = report.version
    with scope(township=demo.xilian):
        workflow.report_approve(report=report, user=demo.users["xilian_leader"], loaded_version=seen)
        with pytest.raises(ValidationError, match="报告的状态已经变化"):
            workflow.report_return(report=report, user=demo.users["xilian_leader"], loaded_version=seen,
                                   comment="再改改")
    report.refresh_from_db()
    assert (report.state, len(_steps(report, "pk"))) == (Report.State.APPROVED, 2)


def test_an_approval_of_a_text_the_leader_did_not_see_is_refused(demo, report):
    """Returned and resubmitted meanwhile: the same state, but a newer version than the leader's page."""
    move_report(report, "submit", users=demo.users)
    seen = report.version
    move_report(report, "return", "submit", users=demo.users)
    with scope(township=demo.xilian), pytest.raises(ValidationError, match="报告的状态已经变化"):
        workflow.report_approve(report=report, user=demo.users["xilian_leader"], loaded_version=seen)


def test_the_filed_pdf_never_changes(client, demo, report, monkeypatch):
    move_report(report, "submit", "approve", "archive", users=demo.users)
    with scope(township=demo.xilian):
        archive = report.archives.get()
    stored = archive.pdf.read()
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == archive.pdf_sha256
    assert hashlib.sha256(archive.pdfa.read()).hexdigest() == archive.pdfa_sha256
    # Whatever the renderer would make today, the download is the filed copy.
    monkeypatch.setattr("reports.workflow.report_pdf", lambda *args, **kwargs: b"%PDF-changed")
    monkeypatch.setattr("reports.views.report_pdf", lambda *args, **kwargs: b"%PDF-changed")
    county = _as(client, demo, "county_office")
    assert _bytes(county.get(_url("report_pdf", demo))) == stored
    assert _bytes(county.get(_url("archive_pdf", demo, revision=1))) == stored
    staff = _as(client, demo, "xilian_staff")
    staff.post(_step_url(demo, "archive"), {"loaded_version": report.version})
    with scope(township=demo.xilian), pytest.raises(ValidationError):
        workflow.report_archive(report=report, user=demo.users["xilian_staff"], loaded_version=report.version)
    archive.refresh_from_db()
    with scope(township=demo.xilian):
        assert report.archives.count() == 1
    assert (archive.pdf.read(), archive.pdf_sha256) == (stored, hashlib.sha256(stored).hexdigest())
    with pytest.raises(ValueError, match="归档件一经保存不能更改"):
        archive.save()
    with pytest.raises(ValueError, match="归档件一经保存不能更改"):
        archive.save(update_fields=["pdf", "pdf_sha256"])
    archive.save(update_fields=["published_at"])  # publishing is recorded on the filed copy; its files stay


def test_a_revision_files_a_second_copy_and_both_stay_downloadable(client, demo, report):
    move_report(report, "submit", "approve", "archive", users=demo.users)
    staff = _as(client, demo, "xilian_staff")
    refused = staff.post(_step_url(demo, "revise"), {"loaded_version": report.version})
    assert "请填写修订原因。" in refused.content.decode()
    staff.post(_step_url(demo, "revise"), {"loaded_version": report.version, "comment": "更正纠纷数字。"})
    report.refresh_from_db()
    assert (report.state, report.revision, report.frozen_figures) == (Report.State.DRAFT, 2, None)
    with scope(township=demo.xilian):
        section = ReportSection.objects.get(report=report)
    staff.post(_url("section_edit", demo, pk=section.pk), {"heading": "强化组织领导", "body": "乙。"})
    move_report(report, "submit", "approve", "archive", users=demo.users)
    with scope(township=demo.xilian):
        first, second = report.archives.order_by("revision")
    assert (first.revision, second.revision) == (1, 2) and first.pdf_sha256 != second.pdf_sha256
    county = _as(client, demo, "county_office")
    for archive in (first, second):
        download = county.get(_url("archive_pdf", demo, revision=archive.revision))
        assert hashlib.sha256(_bytes(download)).hexdigest() == archive.pdf_sha256
    assert _bytes(county.get(_url("report_pdf", demo))) == second.pdf.read()
    page = _page(county, _url("report_preview", demo))
    assert first.pdf_sha256 in page and second.pdf_sha256 in page and "第2版" in page


def test_every_move_is_a_step_and_an_audit_entry(demo, report):
    move_report(report, "submit", "return", "submit", "approve", "archive", "revise", users=demo.users)
    steps = _steps(report, "action", "from_state", "to_state", "actor__username")
    assert steps == [
        ("submit", "draft", "submitted", "xilian_staff"), ("return", "submitted", "draft", "xilian_leader"),
        ("submit", "draft", "submitted", "xilian_staff"), ("approve", "submitted", "approved", "xilian_leader"),
        ("archive", "approved", "archived", "xilian_staff"), ("revise", "archived", "draft", "xilian_staff"),
    ]
    audits = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Report), object_id=str(report.pk),
                                     action=AuditLog.Action.UPDATE).order_by("pk")
    assert [a.detail["操作"] for a in audits] == ["提交", "退回", "提交", "审定", "归档", "修订"]
    assert [a.changes["state"] for a in audits][:2] == [["draft", "submitted"], ["submitted", "draft"]]
    with scope(township=demo.xilian):
        archive = ReportArchive.objects.get(report=report)
    assert audits[4].detail["PDF 的 SHA-256"] == archive.pdf_sha256
    assert audits[1].detail["意见"] == "请补充数据。" and audits[5].changes["revision"] == [1, 2]


def test_a_drafts_pdf_and_word_are_rendered_now_and_named_in_chinese(client, demo, report):
    make_dispute(demo.xilian, received_on=date(2021, 3, 2))
    staff = _as(client, demo, "xilian_staff")
    pdf = staff.get(_url("report_pdf", demo))
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(TITLE + '（草稿）.pdf')}"
    word = staff.get(_url("report_docx", demo))
    assert word["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(TITLE + '（草稿）.docx')}"
    text = "\n".join(p.text for p in Document(BytesIO(word.content)).paragraphs)
    assert TITLE in text and "全年受理纠纷1宗。" in text


def test_an_archived_reports_files_are_named_by_revision(client, demo, report):
    move_report(report, "submit", "approve", "archive", users=demo.users)
    county = _as(client, demo, "county_office")
    assert county.get(_url("report_pdf", demo))["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote(TITLE + '.pdf')}")
    pdfa = county.get(_url("archive_pdfa", demo, revision=1))
    assert pdfa["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(TITLE + '（PDF-A）.pdf')}"
    with scope(township=demo.xilian):
        archive = report.archives.get()
    assert hashlib.sha256(_bytes(pdfa)).hexdigest() == archive.pdfa_sha256 != archive.pdf_sha256
    assert county.get(_url("archive_pdf", demo, revision=2)).status_code == 404


@pytest.mark.parametrize("name, kwargs", [
    ("report_preview", {}), ("report_pdf", {}), ("report_docx", {}), ("report_edit", {}),
    ("archive_pdf", {"revision": 1}), ("archive_pdfa", {"revision": 1}), ("archive_list", {}),
    ("report_step", {"action": "revise"}),
])
def test_another_townships_staff_get_404_for_every_report_url(client, demo, report, name, kwargs):
    move_report(report, "submit", "approve", "archive", users=demo.users)
    maichen = _as(client, demo, "maichen_staff")
    assert maichen.get(_url(name, demo, **kwargs)).status_code == 404


def test_the_county_office_reads_and_downloads_but_every_post_is_refused(client, demo, report):
    move_report(report, "submit", users=demo.users)
    county = _as(client, demo, "county_office")
    assert TITLE in _page(county, _url("report_preview", demo))
    assert county.get(_url("report_pdf", demo)).content.startswith(b"%PDF")
    assert county.get(_url("report_docx", demo)).content.startswith(b"PK")
    log_before, version = AuditLog.objects.count(), report.version
    for action in ("submit", "approve", "return", "archive", "revise"):
        response = county.post(_step_url(demo, action), {"loaded_version": version, "comment": "县里的意见"})
        assert response.status_code == 403, action
    report.refresh_from_db()
    assert (report.state, report.version, len(_steps(report, "pk")), AuditLog.objects.count()) == (
        Report.State.SUBMITTED, version, 1, log_before)


def test_an_archive_that_fails_to_render_leaves_the_report_approved_and_writes_nothing(demo, report, monkeypatch):
    move_report(report, "submit", "approve", users=demo.users)
    log_before = AuditLog.objects.count()

    def broken_renderer(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr("reports.workflow.report_pdf", broken_renderer)
    with scope(township=demo.xilian), pytest.raises(RuntimeError):
        workflow.report_archive(report=report, user=demo.users["xilian_staff"], loaded_version=report.version)
    report.refresh_from_db()
    assert (report.state, len(_steps(report, "pk")), AuditLog.objects.count()) == (
        Report.State.APPROVED, 2, log_before)
    with scopes_disabled():
        assert not ReportArchive.objects.exists()


def test_a_refused_step_has_the_one_form_look(client, demo, report):
    move_report(report, "submit", users=demo.users)
    leader = _as(client, demo, "xilian_leader")
    assert_one_form_look(leader.post(_step_url(demo, "return"), {"loaded_version": report.version}).content.decode())


def test_the_pdf_prints_the_monthly_charts_which_are_frozen_with_the_figures(client, demo, report):
    first, second = (make_dispute(demo.xilian, received_on=date(2021, 3, day)) for day in (2, 3))
    client = _as(client, demo, "xilian_staff")
    draft = _pdf_text(client.get(_url("report_pdf", demo)))
    assert "2021年矛盾纠纷：每月受理与化解（截至2021年12月8日，按受理月份）" in draft
    assert "2021年12345工单：每月受理与办结" in draft

    move_report(report, "submit", users=demo.users)
    with scope(township=demo.xilian):
        submitted = selectors.report_charts(report=report)
    _void(demo, first)
    with scope(township=demo.xilian):
        assert selectors.report_charts(report=report) == submitted  # the submitted report keeps its charts
        redrawn = charts.report_charts(township=demo.xilian, year=2021, as_of=report.figures_date)
    assert redrawn[0][1] != submitted[0][1]  # while the records now draw another March
    move_report(report, "approve", "archive", users=demo.users)
    with scope(township=demo.xilian):
        assert report.archives.get().figures["charts"] == [list(chart) for chart in submitted]


def _pdf_text(response):
    with pdfplumber.open(BytesIO(_bytes(response))) as pdf:
        return "".join((page.extract_text() or "").replace("\n", "") for page in pdf.pages)
