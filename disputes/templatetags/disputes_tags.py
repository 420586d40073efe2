from django import template

register = template.Library()


@register.filter
def overdue_label(ticket, today):
    """"逾期" for an open ticket past its deadline on `today`, else ""."""
    return "逾期" if ticket.is_overdue(today) else ""
