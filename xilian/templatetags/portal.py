from django import forms, template
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


@register.filter
def field_columns(bound_field):
    """The grid columns of a field in an automatically laid-out form: a text area takes the whole row."""
    return "col-12" if isinstance(bound_field.field.widget, forms.Textarea) else "col-12 col-md-6 col-xl-4"


@register.filter
def marked_invalid(bound_field):
    """The widget with Bootstrap's is-invalid class and a pointer to its error message."""
    css = bound_field.field.widget.attrs.get("class", "")
    described_by = f"{bound_field.auto_id}-error"
    return bound_field.as_widget(attrs={"class": f"{css} is-invalid", "aria-describedby": described_by})
