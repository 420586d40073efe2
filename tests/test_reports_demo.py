"""The seed report reproduced: 西连镇's 2021 demo report renders the seed's text, its numbers written in from the
records."""

import html
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.html import strip_tags
from django_scopes import scope, scopes_disabled

from reports.models import Report, ReportSection
from reports.rendering import FIGURE_TOKEN, report_html
from reports.selectors import report_figures, report_get

pytestmark = pytest.mark.django_db
SEED = Path(__file__).parent / "samples" / "西连镇2021年度法治政府建设情况报告.txt"  # the seed report, verbatim
TITLE = "西连镇2021年度法治政府建设情况报告"


@pytest.fixture
def loaded_demo(demo, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo#2021x")
    call_command("load_demo")
    return demo


def _rendered_text(township, year=2021):
    with scope(township=township):
        report = report_get(township=township, year=year)
        return html.unescape(strip_tags(report_html(report, report_figures(report=report))))


def _without_spaces(text):
    return re.sub(r"\s+", "", text)


def test_the_demo_report_renders_the_seed_word_for_word(loaded_demo):
    text = _rendered_text(loaded_demo.xilian)
    assert _without_spaces(text) == TITLE + _without_spaces(SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("phrase", [
    "认真组织开展系列法治宣传教育活动9场",
    "水务等法律法规16余次",
    "各类纠纷118宗，截至目前已办结106宗，化解率90%，剩余12宗正在办理",
    "12345平台受理工单94个，已全部办结，办结率100%",
    "我镇16个村（社区）均配有驻点律师",
    "徐闻县西连镇人民政府",
    "2021年12月8日",
])
def test_the_demo_report_quotes_the_seed_figures_where_the_seed_says_them(loaded_demo, phrase):
    assert phrase in _rendered_text(loaded_demo.xilian)


def test_the_seed_figures_come_from_the_records_not_from_typed_text(loaded_demo):
    with scopes_disabled():
        report = Report.objects.get(township=loaded_demo.xilian, year=2021)
        text = report.intro + "".join(s.heading + s.body for s in report.sections.all())
    references = {match.group(1) for match in FIGURE_TOKEN.finditer(text)}
    assert references == {"events", "studies:number", "disputes_received", "disputes_resolved",
                          "dispute_resolution_rate", "disputes_in_progress", "tickets_received",
                          "ticket_closing_rate", "villages_with_lawyer"}
    assert "118" not in text and "106" not in text and "90%" not in text


def test_the_demo_report_is_dated_and_signed_as_the_seed(loaded_demo):
    with scopes_disabled():
        report = Report.objects.get(township=loaded_demo.xilian, year=2021)
    assert (report.dated_on, report.figures_date, report.signed_by, report.state) == (
        date(2021, 12, 8), date(2021, 12, 8), "徐闻县西连镇人民政府", Report.State.DRAFT,
    )


def test_maichen_has_a_2021_draft_with_the_four_parts_and_its_own_figures(loaded_demo):
    text = _rendered_text(loaded_demo.maichen)
    assert text.startswith("迈陈镇2021年度法治政府建设情况报告")
    for title in ["一、推进法治政府建设的主要举措和成效", "二、推进法治政府建设存在的不足和原因",
                  "三、党政主要负责人履行推进法治政府建设第一责任人职责情况", "四、下一步推进法治政府建设的主要安排"]:
        assert title in text
    assert "全年组织开展法治宣传教育活动4场" in text and "徐闻县迈陈镇人民政府" in text


def test_loading_the_demo_twice_duplicates_nothing(loaded_demo):
    with scopes_disabled():
        counts = (Report.objects.count(), ReportSection.objects.count())
    call_command("load_demo")
    with scopes_disabled():
        assert (Report.objects.count(), ReportSection.objects.count()) == counts == (2, counts[1])
    assert _without_spaces(_rendered_text(loaded_demo.xilian)).startswith(TITLE + "在县委")
