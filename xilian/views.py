from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from xilian.county_dashboard import chosen_sort, county_table, county_table_xlsx, headers
from xilian.dashboard import chosen_period, chosen_year, township_breakdown, township_key_figures
from xilian.forms import AuditLogFilterForm, LoginForm
from xilian.jobs import job_progress
from xilian.ledger.exporting import CONTENT_TYPES
from xilian.models import AuditLog, Job
from xilian.panels import Dashboard, township_panels
from xilian.roles import Perm, Role
from xilian.scoping import county_scope, permission_required


class PortalLoginView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


def home(request):
    """Where a user lands after login: the place their role works in."""
    user = request.user
    if user.role in (Role.STAFF, Role.LEADER) and user.township_id:
        return redirect("township_home", township=user.township.code)
    if user.can(Perm.VIEW_COUNTY):
        return redirect("county_overview")
    if user.can(Perm.VIEW_AUDIT):
        return redirect("audit_log")
    if user.can(Perm.MANAGE_ORGANISATION):
        return redirect("admin:index")
    return render(request, "xilian/no_role.html", status=403)


@permission_required(Perm.VIEW_RECORDS)
def township_home(request, township):
    """The 工作台: the period's key figures beside the same months of last year, what needs action now, the
    charts; the apps' panels (xilian.panels). The period is in the URL (?year=2026&from=1&to=6), to be sent on."""
    period, years, period_problem = chosen_period(request.GET, townships=[township])
    breakdown = township_breakdown(township=township, period=period)
    key_figures, figures = township_key_figures(breakdown=breakdown)
    dashboard = Dashboard(township=township, user=request.user, period=period, today=timezone.localdate(),
                          breakdown=breakdown)
    return render(request, "xilian/township_home.html", {
        "township": township, "actions": home_actions(township, request.user), "period": period,
        "year": period.year, "years": years, "months": range(1, 13), "period_problem": period_problem,
        "figures": key_figures, "villages": figures.villages, "panels": township_panels(dashboard),
    })


def home_actions(township, user):
    """The 登记 buttons of the 工作台, for users who enter records: each app lists its own as `home_actions` on its
    AppConfig, so the core names no app's pages."""
    if not user.can(Perm.EDIT_RECORDS):
        return []
    return [
        {"label": label, "url": reverse(name, kwargs={"township": township.code}), "icon": icon}
        for config in apps.get_app_configs()
        for label, name, icon in getattr(config, "home_actions", ())
    ]


@permission_required(Perm.VIEW_COUNTY)
def county_overview(request):
    """Every township of the county side by side for one year (the current one unless ?year= picks another),
    sorted as ?sort=…&dir=… asks."""
    table, years = _county_table(request)
    return render(request, "xilian/county_overview.html", {
        "table": table, "headers": headers(table), "year": table.year, "years": years,
        "query": request.GET.urlencode(),
    })


@permission_required(Perm.VIEW_COUNTY)
def county_overview_xlsx(request):
    """The county table as .xlsx, as the page shows it (same year, same order)."""
    table, _ = _county_table(request)
    response = HttpResponse(county_table_xlsx(table), content_type=CONTENT_TYPES["xlsx"])
    filename = f"{table.county.name}各镇（街道）{table.year}年度主要数据.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _county_table(request):
    townships = list(request.user.visible_townships())
    with county_scope(request.user):
        year, years = chosen_year(request.GET, townships=townships)
        sort, direction = chosen_sort(request.GET)
        table = county_table(county=request.user.county, year=year, sort=sort, direction=direction)
    return table, years


@permission_required(Perm.VIEW_AUDIT)
def audit_log(request):
    form = AuditLogFilterForm(request.GET or None)
    entries = AuditLog.objects.select_related("township", "content_type")
    if form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "xilian/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})


@login_not_required
def locked_out(request, original_response=None, credentials=None):
    """Called by django-axes when an account is locked on this address (AXES_LOCKOUT_CALLABLE)."""
    context = {
        "username": (credentials or {}).get("username") or request.POST.get("username", ""),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


@permission_required(Perm.EDIT_RECORDS)
def job_detail(request, township, pk):
    """A job's page (jobs are started by the township's staff): while it runs, its stage and progress (the page
    refreshes itself); then its result's page, with the outcome as a message, or — when it could not be done — why."""
    job = get_object_or_404(Job.objects.select_related("requested_by"), pk=pk)
    if job.status == Job.Status.DONE and job.result_url:
        messages.success(request, job.message)
        return redirect(job.result_url)
    progress = job_progress(job) if not job.finished else None
    return render(request, "xilian/job_detail.html", {"job": job, "progress": progress})


def server_error(request):
    """The 500 page: nothing about the failure, only the request's id, which is also in the log line. Rendered
    without the request, so that no context processor (and no database) is needed to say it."""
    return HttpResponseServerError(render_to_string("500.html", {"request_id": getattr(request, "id", "")}))
