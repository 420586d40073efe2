"""Small helpers the record lists share: sorting by a whitelisted column and paginating with the filters kept."""

from django.core.paginator import Paginator


def sort_queryset(request, queryset, columns, default):
    """`columns` maps a ?sort= value to an order_by expression, or to a tuple of them (the later ones break ties);
    '-name' sorts descending."""
    requested = request.GET.get("sort", default)
    key = requested.lstrip("-")
    if key not in columns:
        requested, key = default, default.lstrip("-")
    direction = "-" if requested.startswith("-") else ""
    expressions = columns[key] if isinstance(columns[key], tuple) else (columns[key],)
    return queryset.order_by(*(direction + expression for expression in expressions), "-pk"), requested


def paginate(request, queryset, per_page=20, param="page"):
    """The requested page, and the query string of the current filters without the page number. `param` names
    the page number when one page shows several paginated lists."""
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return page, query.urlencode()
