"""This app's panels on a township's 工作台 (see xilian.panels): the open 督办 first, then the tickets that are late
or nearly so and the disputes open for more than 30 days — as of today, whatever period the page shows — each
linking to its list."""

from urllib.parse import urlencode

from django.urls import reverse

from disputes import selectors
from disputes.workdays import WorkCalendar
from xilian.panels import Attention, Panel, attention_panel

LONG_OPEN_DAYS = 30


def _list(name, township, **filters):
    return f"{reverse(name, kwargs={'township': township.code})}?{urlencode(filters)}"


def panels(dashboard):
    township = dashboard.township
    supervisions = list(selectors.open_supervisions(township=township))
    supervision = [Panel("supervision", "disputes/_supervision_panel.html", supervisions, 0)] if supervisions else []
    return supervision + _attention_panels(township, dashboard.today)


def _attention_panels(township, today):
    counts = selectors.attention_counts(township=township, today=today, calendar=WorkCalendar.cached(),
                                        long_open_days=LONG_OPEN_DAYS)
    overdue, due_soon, long_open = counts["overdue"], counts["due_soon"], counts["long_open"]
    return [
        attention_panel(Attention(
            "overdue", "逾期工单", f"已逾期 {overdue} 件",
            reverse("disputes:ticket_overdue", kwargs={"township": township.code}), "alarm",
            "办理时限已过仍未办结的工单", alert=overdue > 0), order=10),
        attention_panel(Attention(
            "due-soon-tickets", "即将到期工单", f"2个工作日内到期 {due_soon} 件",
            _list("disputes:ticket_list", township, deadline="due_soon"), "hourglass-split",
            "今天起2个工作日内到期、尚未办结的工单"), order=20),
        attention_panel(Attention(
            "long-open-disputes", "久拖未结纠纷", f"受理超过{LONG_OPEN_DAYS}天仍在办 {long_open} 宗",
            _list("disputes:dispute_list", township, open_over=LONG_OPEN_DAYS), "hourglass-bottom",
            "登记、调解中或已流转，受理日期在30天以前的纠纷", alert=long_open > 0), order=30),
    ]
