"""Moving a report through 草稿 → 已提交 → 已审定 → 已归档, back to 草稿 (退回), and from 已归档 to the next
revision's 草稿 (修订). Text editing is in reports/services.py.

Each move is one transaction: the report's row changes only if it still has the state and version the user saw
(a conditional UPDATE, so a double click or two users cannot move it twice), a dated ReportStep is written, and the
audit log gets the change. The figures are frozen with the report when it is submitted and thawed when it goes
back to 草稿; archiving renders the PDF and the PDF/A once and files them with their SHA-256 in a ReportArchive,
which nothing writes again."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from reports.figures import TownshipFigures
from reports.models import Report, ReportArchive, ReportStep
from reports.pdf import report_pdf
from reports.selectors import report_charts, report_figures
from xilian.audit import audit_record_change, record_snapshot

Action, State = ReportStep.Action, Report.State
STALE = "报告的状态已经变化（可能是重复点击或他人已处理），请刷新后查看。"


@transaction.atomic
def report_submit(*, report, user, loaded_version, request=None):
    """草稿 → 已提交, freezing the figures and the charts drawn from them as they stand at the report's
    统计截止日期."""
    if report.dated_on is None:
        raise ValidationError("请先填写成文日期再提交：报告的数字按成文日期（或统计截止日期）统计。")
    frozen = {**report_figures(report=report).frozen(), "charts": report_charts(report=report)}
    return _move(report, user=user, action=Action.SUBMIT, source=State.DRAFT, target=State.SUBMITTED,
                 loaded_version=loaded_version, request=request, frozen_figures=frozen)


@transaction.atomic
def report_approve(*, report, user, loaded_version, comment="", request=None):
    return _move(report, user=user, action=Action.APPROVE, source=State.SUBMITTED, target=State.APPROVED,
                 loaded_version=loaded_version, comment=comment, request=request)


@transaction.atomic
def report_return(*, report, user, loaded_version, comment, request=None):
    """已提交 → 草稿 with what the leader asks for; the figures are counted afresh again."""
    if not comment.strip():
        raise ValidationError("请填写退回意见，告诉起草人需要修改什么。")
    return _move(report, user=user, action=Action.RETURN, source=State.SUBMITTED, target=State.DRAFT,
                 loaded_version=loaded_version, comment=comment.strip(), request=request, frozen_figures=None)


@transaction.atomic
def report_archive(*, report, user, loaded_version, request=None):
    """已审定 → 已归档: the PDF and the PDF/A-2b rendered now, once, from the figures frozen at submission, and
    filed with their SHA-256, the approver and the archiver."""
    before = _claim(report, source=State.APPROVED, target=State.ARCHIVED, loaded_version=loaded_version)
    figures = TownshipFigures.thawed(report.township, report.frozen_figures)
    charts = report_charts(report=report)
    pdf = report_pdf(report, figures, archival=False, charts=charts)
    pdfa = report_pdf(report, figures, archival=True, charts=charts)
    approval = report.steps.filter(action=Action.APPROVE).latest("at", "pk")
    archive = ReportArchive(
        report=report, revision=report.revision, figures=report.frozen_figures,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(), pdfa_sha256=hashlib.sha256(pdfa).hexdigest(),
        approved_by=approval.actor, archived_by=user,
    )
    name = f"{report.township.code}-{report.year}-r{report.revision}"
    archive.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    archive.pdfa.save(f"{name}-pdfa.pdf", ContentFile(pdfa), save=False)
    archive.save()
    _record(report, before, user=user, action=Action.ARCHIVE, source=State.APPROVED, request=request, detail={
        "修订版次": archive.revision, "PDF 的 SHA-256": archive.pdf_sha256, "PDF/A-2b 的 SHA-256": archive.pdfa_sha256,
    })
    return report


@transaction.atomic
def report_revise(*, report, user, loaded_version, comment, request=None):
    """已归档 → the next revision's 草稿, to correct the filed text; the earlier filed copy stays as it is."""
    if not comment.strip():
        raise ValidationError("请填写修订原因。")
    return _move(report, user=user, action=Action.REVISE, source=State.ARCHIVED, target=State.DRAFT,
                 loaded_version=loaded_version, comment=comment.strip(), request=request, frozen_figures=None,
                 revision=F("revision") + 1)


def _move(report, *, user, action, source, target, loaded_version, comment="", request=None, **changes):
    before = _claim(report, source=source, target=target, loaded_version=loaded_version, **changes)
    _record(report, before, user=user, action=action, source=source, comment=comment, request=request)
    return report


def _claim(report, *, source, target, loaded_version, **changes):
    """Move the row only if it still has the state and version the user saw (the UPDATE locks it until commit);
    returns the report's audited values before the move."""
    before = record_snapshot(report)
    moved = Report.objects.filter(pk=report.pk, state=source, version=loaded_version).update(
        state=target, version=F("version") + 1, **changes
    )
    if not moved:
        raise ValidationError(STALE, code="stale")
    report.refresh_from_db()
    return before


def _record(report, before, *, user, action, source, comment="", request=None, detail=None):
    ReportStep.objects.create(report=report, action=action, from_state=source, to_state=report.state,
                              comment=comment, actor=user)
    detail = {"操作": action.label, **({"意见": comment} if comment else {}), **(detail or {})}
    audit_record_change(request=request, actor=user, township=report.township, instance=report, before=before,
                        detail=detail)
