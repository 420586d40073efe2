"""The one scoping path for township data.

Every township page lives under /t/<township code>/. `TownshipScopeMiddleware` resolves that code once per
request against the townships the user may see (their own; every one of the county for the county office): an
unknown or foreign township is 404, a role that reads no business records is 403. The view then runs inside a
django-scopes scope for that township, so a query on a township model without a scope raises instead of
returning every township's rows, and views receive the Township object as their `township` argument.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import Resolver404, resolve
from django_scopes import scope

from xilian.roles import Perm

TOWNSHIP_URL_KWARG = "township"


class TownshipCodeConverter:
    regex = r"\d{9}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return getattr(value, "code", value)


def township_for_user(user, code):
    if not user.can(Perm.VIEW_RECORDS):
        raise PermissionDenied("您的角色不能查看镇的业务记录。")
    township = user.visible_townships().select_related("county").filter(code=code).first()
    if township is None:
        raise Http404("没有找到该镇，或您无权查看。")
    return township


def _township_code(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.kwargs.get(TOWNSHIP_URL_KWARG)


class TownshipScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.township = None
        code = _township_code(request)
        if code is None or not request.user.is_authenticated:
            return self.get_response(request)
        request.township = township_for_user(request.user, code)
        with scope(township=request.township):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.township is not None and TOWNSHIP_URL_KWARG in view_kwargs:
            view_kwargs[TOWNSHIP_URL_KWARG] = request.township


def permission_required(permission):
    """403 unless the user's role holds `permission` (see xilian.roles)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.can(permission):
                raise PermissionDenied("您的角色无权进行此操作。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def county_scope(user):
    """The scope for a county-wide query: every township the user may see, never 'all' (None)."""
    return scope(township=list(user.visible_townships()))
