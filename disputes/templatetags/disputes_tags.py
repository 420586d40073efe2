from django import template
from django.utils import timezone

from disputes import selectors
from disputes.workdays import WorkCalendar

register = template.Library()


@register.filter
def overdue_label(ticket, today):
    """"逾期" for an open ticket past its deadline on `today`, else ""."""
    return "逾期" if ticket.is_overdue(today) else ""


@register.simple_tag
def ticket_alerts(township):
    """What the 工作台 shows a leader first: open tickets past their deadline and those due within 2 working days,
    as of today whatever year the page shows."""
    return selectors.ticket_alert_counts(township=township, today=timezone.localdate(), calendar=WorkCalendar.load())


@register.simple_tag
def open_supervisions(township):
    """The township's open 督办 (the panel at the top of the 工作台)."""
    return list(selectors.open_supervisions(township=township))
