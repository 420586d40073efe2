"""The report's text: figures written the Chinese way, references resolved, numbering generated, clerk text
escaped."""

from datetime import date

import pytest
from django.utils.html import strip_tags
from django_scopes import scope

from reports.figures import Figure
from reports.models import Part, Report
from reports.rendering import chinese_numeral, figure_text, report_html, typed_numbers_matching_figures
from reports.services import section_add

pytestmark = pytest.mark.django_db


def _figure(value, unit="宗", key="disputes_received", label="纠纷受理数"):
    return Figure(key, label, unit, "口径", value, "/t/x/")


FIGURES = {figure.key: figure for figure in [
    _figure(118),
    _figure(0.898305, "%", "dispute_resolution_rate", "纠纷化解率"),
    _figure(16, "次", "studies", "学法次数"),
    _figure(None, "%", "ticket_closing_rate", "工单办结率"),
]}


@pytest.mark.parametrize(("value", "unit", "text"), [
    (118, "宗", "118宗"), (9, "场", "9场"), (0, "个", "0个"), (None, "宗", "—"),
    (0.895, "%", "90%"), (0.885, "%", "89%"), (1.0, "%", "100%"), (0.0, "%", "0%"), (106 / 118, "%", "90%"),
    (0.005, "%", "1%"), (None, "%", "—"),
])
def test_figure_text_writes_counts_with_their_unit_and_rates_as_whole_percents_rounded_half_up(value, unit, text):
    assert figure_text(_figure(value, unit)) == text


def test_figure_text_without_unit_is_the_number_alone():
    assert figure_text(_figure(16, "次"), unit=False) == "16"
    assert figure_text(_figure(0.895, "%"), unit=False) == "90"


def test_chinese_numerals_for_the_numbering():
    assert [chinese_numeral(n) for n in (1, 5, 10, 11, 20, 23)] == ["一", "五", "十", "十一", "二十", "二十三"]


def test_typed_numbers_that_equal_a_figure_are_found_and_references_are_not():
    body = "受理纠纷118宗，化解率90%，学法{{studies:number}}余次，2021年。"
    assert [f.key for f in typed_numbers_matching_figures(body, FIGURES)] == [
        "disputes_received", "dispute_resolution_rate",
    ]


def test_typed_numbers_match_whole_numbers_only():
    # 1180 and 11.8 are not 118; 90 without % is not the 90% rate; a date's parts are not 16次
    body = "受理1180宗，占11.8%，第90号，2021-12-16，12月16日，{{disputes_received}}"
    assert typed_numbers_matching_figures(body, FIGURES) == []


def test_a_figure_without_a_value_never_matches():
    assert typed_numbers_matching_figures("办结率0%，—", FIGURES) == []


@pytest.fixture
def report(demo, staff):
    with scope(township=demo.xilian):
        yield Report.objects.create(township=demo.xilian, year=2021, dated_on=date(2021, 12, 8), intro="导语。")


def _text(report, figures=FIGURES):
    with scope(township=report.township):
        return strip_tags(report_html(report, figures))


def test_figure_references_are_written_in_and_an_unknown_one_is_named(report, staff):
    with scope(township=report.township):
        section_add(report=report, user=staff, part=Part.MEASURES, heading="化解纠纷",
                    body="受理{{disputes_received}}，化解率{{dispute_resolution_rate}}，学法{{studies:number}}余次，"
                         "办结率{{ticket_closing_rate}}，{{受理纠纷数}}。")
    assert "受理118宗，化解率90%，学法16余次，办结率—，【未知指标：受理纠纷数】。" in _text(report)


def test_clerk_text_is_escaped_everywhere(report, staff):
    report.intro = "<script>alert(1)</script>"
    report.signed_by = "<b>镇政府</b>"
    with scope(township=report.township):
        report.save()
        section_add(report=report, user=staff, part=Part.MEASURES, heading="<img src=x onerror=alert(1)>",
                    body="{{<script>}} & <i>斜体</i>")
        html = report_html(report, FIGURES)
    assert "<script>" not in html and "<img" not in html and "<i>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "【未知指标：&lt;script&gt;】 &amp; &lt;i&gt;斜体&lt;/i&gt;" in html


def test_title_signature_and_chinese_date_close_the_report(report):
    html = report_html(report, FIGURES)
    assert '<h1 class="report-title">西连镇2021年度法治政府建设情况报告</h1>' in html
    assert html.index("徐闻县西连镇人民政府") < html.index("2021年12月8日")
    assert '<p class="report-date">2021年12月8日</p>' in html
    assert '<p class="report-signature">徐闻县西连镇人民政府</p>' in html


def test_parts_one_to_four_are_always_shown_and_five_only_with_text(report, staff):
    text = _text(report)
    assert "一、推进法治政府建设的主要举措和成效" in text and "四、下一步推进法治政府建设的主要安排" in text
    assert "其他需要报告的情况" not in text
    with scope(township=report.township):
        section_add(report=report, user=staff, part=Part.OTHER, body="无。")
    assert "五、其他需要报告的情况无。" in _text(report).replace("\n", "")


def test_numbering_is_generated_and_a_headingless_section_is_not_numbered(report, staff):
    with scope(township=report.township):
        section_add(report=report, user=staff, part=Part.MEASURES, body="本部分导语。")
        first = section_add(report=report, user=staff, part=Part.MEASURES, heading="强化组织领导")
        section_add(report=report, user=staff, part=Part.MEASURES, heading="开展法治宣传", body="正文。")
        section_add(report=report, user=staff, part=Part.MEASURES, parent=first, heading="权责明确。", body="甲。")
        section_add(report=report, user=staff, part=Part.MEASURES, parent=first, body="乙。")
    text = _text(report).replace("\n", "")
    assert "本部分导语。（一）强化组织领导1、权责明确。甲。2、乙。（二）开展法治宣传正文。" in text
