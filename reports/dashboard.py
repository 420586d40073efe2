"""This app's panels on a township's 工作台 (see xilian.panels): the annual report now due — its state and the days
to its deadline — and the charts of the period shown, each with the table behind it."""

from django.urls import reverse

from reports.charts import township_charts
from reports.models import Report
from xilian.panels import Attention, Panel, attention_panel

DONE_STATES = (Report.State.SUBMITTED, Report.State.APPROVED, Report.State.ARCHIVED)


def report_due(*, township, today):
    """(year, report or None, submission deadline): the report whose deadlines come next — last year's until its
    publication deadline (4月1日 by default) has passed, then this year's."""
    year = today.year - 1
    if today > township.county.report_deadlines(year)[1]:
        year = today.year
    report = Report.objects.filter(township=township, year=year).first()
    return year, report, township.county.report_deadlines(year)[0]


def _report_attention(township, today):
    year, report, due = report_due(township=township, today=today)
    state = report.get_state_display() if report else "未起草"
    days = (due - today).days
    if report and report.state in DONE_STATES:
        detail, alert = f"报送期限 {due.year}年{due.month}月{due.day}日", False
    elif days >= 0:
        detail, alert = f"距报送期限（{due.year}年{due.month}月{due.day}日）还有{days}天", days <= 30
    else:
        detail, alert = f"已超过报送期限（{due.year}年{due.month}月{due.day}日）{-days}天", True
    return Attention("annual-report", f"{year}年度法治政府建设情况报告", state,
                     reverse("reports:report_list", kwargs={"township": township.code}), "file-earmark-text",
                     detail, alert=alert)


def panels(dashboard):
    period = dashboard.period
    charts = township_charts(township=dashboard.township, year=period.year, months=period.months,
                             breakdown=dashboard.breakdown)
    return [
        attention_panel(_report_attention(dashboard.township, dashboard.today), order=90),
        Panel("charts", "reports/_charts_panel.html",
              {"charts": charts, "period": period, "township": dashboard.township}),
    ]
