"""The charts as the report draws them: ECharts' own SVG (mini-racer), with its Chinese text in a CJK face and the
values of the aggregates on the bars; the report's charts counted as of its 统计截止日期, agreeing with its figures."""

import re
import xml.etree.ElementTree as ElementTree
from datetime import date

import pytest
from django.core.management import call_command
from django_scopes import scope

from reports import charts
from reports.chart_svg import chart_svg
from reports.charts import townships_side_by_side
from reports.figures import Figure
from reports.models import Report
from reports.selectors import report_figures
from tests.conftest import PASSWORD
from tests.permissions.disputes import make_dispute

pytestmark = pytest.mark.django_db
TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")
RESOLVED = {"state": "resolved", "resolution_method": "people"}


def texts(svg):
    return TEXT.findall(svg)


def bar_labels(svg, last_axis_label):
    """The numbers drawn on the bars: the texts after the category axis's last label, before the legend."""
    drawn = texts(svg)
    return [int(text) for text in drawn[drawn.index(last_axis_label) + 1:] if text.isdecimal()]


@pytest.fixture
def three_months(demo, time_machine):
    time_machine.move_to("2026-05-20 09:00 +08:00", tick=False)
    for number, (received, resolved) in enumerate([
        (date(2026, 1, 5), date(2026, 1, 9)), (date(2026, 1, 6), None), (date(2026, 3, 2), date(2026, 4, 1)),
        (date(2026, 3, 3), date(2026, 3, 4)), (date(2026, 3, 4), None),
    ], 1):
        extra = {**RESOLVED, "resolved_on": resolved} if resolved else {}
        make_dispute(demo.xilian, case_number=f"（2026）西连调字第{number}号", received_on=received, **extra)
    return demo


def test_the_svg_is_echarts_drawing_with_chinese_labels_and_the_months_values(three_months):
    with scope(township=three_months.xilian):
        chart = charts.disputes_by_month(township=three_months.xilian, year=2026, months=(1, 4))
    assert chart.rows == [("1月", 2, 1), ("2月", 0, 0), ("3月", 3, 2), ("4月", 0, 0), ("合计", 5, 3)]
    svg = chart_svg(chart.option, width=640, height=300)
    ElementTree.fromstring(svg)  # well-formed: the PDF renderer parses it
    assert {"1月", "2月", "3月", "4月", "受理", "已化解"} <= set(texts(svg))
    assert bar_labels(svg, "4月") == [2, 3, 1, 2]  # 受理 of 1月 and 3月, then 已化解 (the zeros carry no label)
    assert "font-family:'Noto Sans CJK SC'" in svg and 'width="640"' in svg
    # WeasyPrint ignores paint-order: a white halo round a value would be painted over it and hide it in the PDF.
    assert not re.search(r'<text[^>]*stroke="rgb\(255,255,255\)"', svg)


def test_text_from_the_records_is_escaped_in_the_svg():
    option = charts._bars(["<b>村&</b>"], [("受理", [1], charts.RECEIVED_COLOUR)])
    svg = chart_svg(option, width=300, height=200)
    ElementTree.fromstring(svg)
    assert "&lt;b&gt;村&amp;&lt;/b&gt;" in svg and "<b>" not in svg


def test_a_narrow_chart_leaves_the_values_to_the_tooltip(three_months):
    with scope(township=three_months.xilian):
        chart = charts.disputes_by_month(township=three_months.xilian, year=2026, months=(1, 4))
    assert bar_labels(chart_svg(chart.option, width=400, height=300), "4月") == []


@pytest.fixture
def loaded_demo(demo, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo")
    return demo


def test_the_reports_charts_agree_with_its_figures_at_its_cut_off(loaded_demo):
    township = loaded_demo.xilian
    with scope(township=township):
        report = Report.objects.get(township=township, year=2021)
        figures = report_figures(report=report)
        drawn = charts.report_charts(township=township, year=2021, as_of=report.figures_date)
        disputes = charts.disputes_by_month(township=township, year=2021, as_of=report.figures_date)
        tickets = charts.tickets_by_month(township=township, year=2021, as_of=report.figures_date)
    assert [caption for caption, _ in drawn] == [
        "2021年矛盾纠纷：每月受理与化解（截至2021年12月8日，按受理月份）",
        "2021年12345工单：每月受理与办结（截至2021年12月8日，按受理月份）",
    ]
    assert disputes.rows[-1] == ("合计", figures.disputes_received.value, figures.disputes_resolved.value) == (
        "合计", 118, 106)
    assert tickets.rows[-1] == ("合计", figures.tickets_received.value, figures.tickets_closed.value)
    for (_, svg), chart in zip(drawn, (disputes, tickets), strict=True):
        received = [row[1] for row in chart.rows[:-1] if row[1]]
        done = [row[2] for row in chart.rows[:-1] if row[2]]
        assert bar_labels(svg, "12月") == received + done
        assert "受理" in texts(svg)


def test_the_county_chart_draws_the_townships_figures_in_the_tables_order():
    def figure(key, value):
        return Figure(key, key, "宗", "", value, "")

    rows = [(name, {key: figure(key, value) for key, value in values.items()}) for name, values in [
        ("西连镇", {"disputes_received": 118, "disputes_resolved": 106, "tickets_received": 94}),
        ("迈陈镇", {"disputes_received": 7, "disputes_resolved": 5, "tickets_received": 0}),
    ]]
    option = townships_side_by_side(rows)
    assert option["xAxis"]["data"] == ["西连镇", "迈陈镇"]
    assert [(series["name"], series["data"]) for series in option["series"]] == [
        ("纠纷受理", [118, 7]), ("纠纷已化解", [106, 5]), ("工单受理", [94, 0])]
    svg = chart_svg(option, width=640, height=300)
    assert "西连镇" in svg and "工单受理" in svg
