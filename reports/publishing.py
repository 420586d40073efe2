"""已公开: a township makes its filed report public (the rule asks for it by 4月1日 of the next year), on a page
that needs no login.

Who: a leader of the township (the role that 审定s the report). Publishing is the 镇人民政府 releasing its own
document, the same authority as approving it; staff prepare it, and the county office writes nothing.
What: the current filed copy of an archived report. A correction is published the same way and replaces the earlier
copy on the public page, which is also how a published copy is taken down: there is no bare withdrawal, so the
public record of a year never goes silently empty."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from reports.models import Report, ReportArchive, ReportStep
from xilian.audit import audit_record_change, record_snapshot
from xilian.roles import Perm


@transaction.atomic
def report_publish(*, archive, user):
    report = Report.objects.select_for_update().get(pk=archive.report_id)
    if not (user.can(Perm.APPROVE_REPORT) and user.belongs_to(report.township)):
        raise PermissionDenied("只有本镇领导可以公开年度报告。")
    if report.state != Report.State.ARCHIVED or archive.revision != report.revision:
        raise ValidationError(
            f"只有已归档的报告才能公开：本报告第{report.revision}版目前为“{report.get_state_display()}”，"
            f"请归档后再公开。"
        )
    if archive.published_at:
        raise ValidationError(f"第{archive.revision}版已于{_day(archive.published_at)}公开。")
    before = record_snapshot(archive)
    archive.published_at, archive.published_by = timezone.now(), user
    archive.save(update_fields=["published_at", "published_by"])
    ReportStep.objects.create(
        report=report, action=ReportStep.Action.PUBLISH, from_state=report.state, to_state=report.state,
        actor=user, at=archive.published_at, comment=f"公开第{archive.revision}版",
    )
    audit_record_change(request=None, actor=user, township=report.township, instance=archive, before=before,
                        detail={"操作": "公开", "修订版次": archive.revision})
    return archive


def _day(moment):
    local = timezone.localdate(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def published_archives(*, county, year=None):
    """The county's public copies, one a township and year: the latest published revision (a published correction
    replaces the copy before it), ordered by year (latest first) and township."""
    published = ReportArchive.objects.filter(published_at__isnull=False)
    replaced = published.filter(report_id=OuterRef("report_id"), revision__gt=OuterRef("revision"))
    archives = published.filter(report__township__county=county).exclude(Exists(replaced))
    if year is not None:
        archives = archives.filter(report__year=year)
    return archives.select_related("report__township").order_by("-report__year", "report__township__code")


def published_archive_get(*, county, year, township_code, revision):
    """One public copy; ReportArchive.DoesNotExist unless it is the one the public page lists."""
    return published_archives(county=county, year=year).get(report__township__code=township_code, revision=revision)
