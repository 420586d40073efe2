from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def percent(ratio, digits=1):
    """0.8983 → "89.8%" (screens use one decimal; the report passes 0 for whole percents). None → "—"."""
    if ratio is None:
        return "—"
    return f"{ratio * 100:.{int(digits)}f}%"


@register.simple_tag(takes_context=True)
def sort_link(context, column, label):
    """A column header that sorts by `column`, toggling the direction, keeping the other filters."""
    request = context["request"]
    query = request.GET.copy()
    current = query.get("sort", "")
    query["sort"] = f"-{column}" if current == column else column
    query.pop("page", None)
    arrow = " ▲" if current == column else " ▼" if current == f"-{column}" else ""
    link = '<a class="text-reset text-decoration-none" href="?{}">{}{}</a>'
    return format_html(link, query.urlencode(), label, arrow)
