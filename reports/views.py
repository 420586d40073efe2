from django.http import Http404
from django.shortcuts import render

from reports import selectors
from reports.models import MAX_YEAR, MIN_YEAR, Report
from reports.rendering import report_html
from xilian.roles import Perm
from xilian.scoping import permission_required


@permission_required(Perm.VIEW_RECORDS)
def report_list(request, township):
    return render(request, "reports/report_list.html", {"reports": selectors.report_list(township=township)})


@permission_required(Perm.VIEW_RECORDS)
def report_preview(request, township, year):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("没有该年度的报告。")
    try:
        report = selectors.report_get(township=township, year=year)
    except Report.DoesNotExist:
        raise Http404("没有该年度的报告。") from None
    html = report_html(report, selectors.report_figures(report=report))
    return render(request, "reports/report_preview.html", {"report": report, "report_html": html})
