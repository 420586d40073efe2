from django import forms, template
from django.utils import timezone

from disputes import selectors
from disputes.workdays import WorkCalendar

register = template.Library()


@register.filter
def is_wide(bound_field):
    return isinstance(bound_field.field.widget, forms.Textarea)


@register.filter
def marked_invalid(bound_field):
    """The widget with Bootstrap's is-invalid class and a pointer to its error message."""
    css = bound_field.field.widget.attrs.get("class", "")
    described_by = f"{bound_field.auto_id}-error"
    return bound_field.as_widget(attrs={"class": f"{css} is-invalid", "aria-describedby": described_by})


@register.simple_tag
def ticket_alerts(township):
    """What the 工作台 shows a leader first: open tickets past their deadline and those due within 2 working days,
    with the figures of the latest year that has records."""
    today = timezone.localdate()
    year = max(selectors.dispute_years(township=township)[:1] + selectors.ticket_years(township=township)[:1],
               default=today.year)
    return {
        "overdue": selectors.overdue_tickets(township=township, today=today).count(),
        "due_soon": selectors.due_soon_tickets(township=township, today=today, calendar=WorkCalendar.load()).count(),
        "year": year,
        "disputes": selectors.dispute_stats(township=township, year=year),
        "tickets": selectors.ticket_stats(township=township, year=year),
    }
