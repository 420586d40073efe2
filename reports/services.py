"""Writing reports: create a year's report (from last year's when there is one) and edit its text. Only a 草稿 can be
edited: each edit locks the report and checks its state, so an edit cannot slip in after a submission. Every write
is audited in the same transaction. Moving a report from one state to the next: reports/workflow.py."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from reports.models import Report, ReportSection
from xilian.audit import audit_record_change, record_snapshot
from xilian.models import AuditLog
from xilian.records import record_save

UP, DOWN = "up", "down"
NOT_A_DRAFT = {
    Report.State.SUBMITTED: "报告已提交，不能再修改；如需修改，请镇领导退回。",
    Report.State.APPROVED: "报告已审定，不能再修改；归档后如需更正，可以修订。",
    Report.State.ARCHIVED: "报告已归档，不能再修改；如需更正，请修订（成为新一版的草稿）。",
}


def report_lock_draft(report):
    """Lock the report's row until the transaction ends and refuse unless it is a 草稿."""
    state = Report.objects.select_for_update().values_list("state", flat=True).get(pk=report.pk)
    if state != Report.State.DRAFT:
        raise ValidationError(NOT_A_DRAFT[state])


@transaction.atomic
def report_create(*, township, user, year):
    """A new 草稿 for `year`. When the township has last year's report, its intro and sections (structure, text and
    figure references, so the figures are this year's by construction) are copied; otherwise the five parts start
    empty."""
    if Report.objects.filter(township=township, year=year).exists():
        raise ValidationError(f"本镇已有{year}年度报告。")
    previous = Report.objects.filter(township=township, year=year - 1).first()
    report = Report(township=township, year=year, created_by=user, intro=previous.intro if previous else "")
    report.full_clean()
    report.save()
    if previous:
        _copy_sections(previous, report)
    detail = {"沿用": f"{previous.year}年度报告的结构和文字"} if previous else None
    audit_record_change(request=None, actor=user, township=township, instance=report, detail=detail)
    return report


@transaction.atomic
def report_update(*, report, user, form, request=None):
    """Save the report's own text (导语, dates, 署名) from a VersionedModelForm: a draft's only, and only over the
    version the form was loaded at."""
    report_lock_draft(report)
    return record_save(township=report.township, user=user, form=form, request=request)


def _copy_sections(source, report):
    copies = {}
    sections = source.sections.order_by("part", "position", "pk")
    for section in [*sections.filter(parent__isnull=True), *sections.filter(parent__isnull=False)]:
        copies[section.pk] = ReportSection.objects.create(
            report=report, part=section.part, parent=copies.get(section.parent_id), position=section.position,
            heading=section.heading, body=section.body,
        )


@transaction.atomic
def section_add(*, report, user, part, parent=None, heading="", body=""):
    """A sub-part at the end of `part`, or a point at the end of the sub-part `parent`."""
    report_lock_draft(report)
    section = ReportSection(report=report, part=parent.part if parent else part, parent=parent,
                            heading=heading, body=body)
    last = section.siblings().aggregate(last=Max("position"))["last"]
    section.position = 1 if last is None else last + 1
    section.full_clean()
    section.save()
    _audit(user, section)
    return section


@transaction.atomic
def section_update(*, section, user, heading, body):
    report_lock_draft(section.report)
    before = record_snapshot(section)
    section.heading, section.body = heading, body
    section.full_clean()
    section.save(update_fields=["heading", "body"])
    _audit(user, section, before=before)
    return section


@transaction.atomic
def section_move(*, section, user, direction):
    """Swap the section with its neighbour above (`UP`) or below (`DOWN`); at either end nothing changes."""
    report_lock_draft(section.report)
    siblings = section.siblings()
    if direction == UP:
        neighbour = siblings.filter(position__lt=section.position).order_by("-position", "-pk").first()
    elif direction == DOWN:
        neighbour = siblings.filter(position__gt=section.position).order_by("position", "pk").first()
    else:
        raise ValueError(f"unknown direction {direction!r}")
    if neighbour is None:
        return section
    before = record_snapshot(section)
    section.position, neighbour.position = neighbour.position, section.position
    section.save(update_fields=["position"])
    neighbour.save(update_fields=["position"])
    _audit(user, section, before=before)
    return section


@transaction.atomic
def section_delete(*, section, user):
    """Delete a section with its points."""
    report_lock_draft(section.report)
    points = section.points.count()
    detail = {"一并删除的要点数": points} if points else None
    _audit(user, section, before=record_snapshot(section), action=AuditLog.Action.DELETE, detail=detail)
    section.delete()


def _audit(user, section, *, before=None, action=None, detail=None):
    audit_record_change(request=None, actor=user, township=section.report.township, instance=section,
                        before=before, action=action, detail=detail)
