from django_scopes import scope

from tests.permissions import READERS, Page


def make_report(township, year=2021, **fields):
    from reports.models import Report

    with scope(township=township):
        report, _ = Report.objects.get_or_create(township=township, year=year, defaults=fields)
    return report


def _report_kwargs(demo):
    return {"township": demo.xilian.code, "year": make_report(demo.xilian).year}


def _chart_kwargs(demo):
    return {"township": demo.xilian.code, "key": "villages"}


PAGES = [
    Page("reports:report_list", READERS),
    Page("reports:report_preview", READERS, kwargs=_report_kwargs),
    Page("reports:chart_xlsx", READERS, kwargs=_chart_kwargs),
]
