"""Reading reports, always through the township."""

from reports.figures import TownshipFigures, township_figures
from reports.models import Report


def report_list(*, township):
    return Report.objects.filter(township=township).select_related("township").order_by("-year")


def report_get(*, township, year):
    """The township's report of `year`; Report.DoesNotExist for another township's or a missing one."""
    return Report.objects.select_related("township__county").get(township=township, year=year)


def report_figures(*, report):
    """The figures the report quotes: those frozen when it was submitted, else counted now as of its 统计截止日期
    (today while it is not dated)."""
    if report.frozen_figures:
        return TownshipFigures.thawed(report.township, report.frozen_figures)
    return township_figures(township=report.township, year=report.year, as_of=report.figures_date)


NOT_STARTED = "未起草"


def report_states(*, townships, year):
    """{township id: the state of its report of `year`, in words ("未起草" without one)}: one query for all."""
    states = dict(Report.objects.filter(township__in=townships, year=year).values_list("township", "state"))
    return {township.pk: Report.State(states[township.pk]).label if township.pk in states else NOT_STARTED
            for township in townships}
