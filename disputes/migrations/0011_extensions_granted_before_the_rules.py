"""Extensions recorded before a 延期 had to name who granted it and when it was applied for.

One applied for (its 延期 step dated) on or before the deadline keeps its new deadline and is marked as granted by
an unrecorded authority. One applied for after the deadline — a clerk extending an overdue ticket alone — cannot
stand under the rules: its new deadline is withdrawn (the ticket is overdue again, as it was), and a 更正 step
says so; the original 延期 step stays in the history."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.utils import timezone

UNRECORDED = "（升级前登记，未记录批准单位）"


def backfill(apps, schema_editor):
    ticket_model = apps.get_model("disputes", "Ticket")
    step_model = apps.get_model("disputes", "TicketStep")
    zone = ZoneInfo(settings.TIME_ZONE)
    legacy = ticket_model._base_manager.filter(extended_deadline__isnull=False, extension_granted_by="")
    for ticket in legacy:
        step = step_model.objects.filter(ticket=ticket, action="extend").order_by("-happened_at").first()
        applied_on = (step.happened_at if step else ticket.received_at).astimezone(zone).date()
        if applied_on <= ticket.deadline:
            ticket.extension_granted_by, ticket.extension_applied_on = UNRECORDED, applied_on
            ticket.save(update_fields=["extension_granted_by", "extension_applied_on"])
            continue
        step_model.objects.create(
            ticket=ticket, action="correct", happened_at=timezone.now(),
            note=f"撤销延期至 {ticket.extended_deadline:%Y-%m-%d}：{applied_on:%Y-%m-%d} 申请时已逾期，"
                 "且未经12345平台批准（系统升级时按办理规则处理）",
        )
        ticket.extended_deadline, ticket.extension_reason = None, ""
        ticket.save(update_fields=["extended_deadline", "extension_reason"])


class Migration(migrations.Migration):
    dependencies = [("disputes", "0010_ticket_extension_and_survey")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
