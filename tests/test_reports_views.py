"""年度报告 pages: the township's reports by year, and a report's preview."""

from datetime import date

import pytest
from django.urls import reverse

from tests.permissions.disputes import make_dispute
from tests.permissions.reports import make_report

pytestmark = pytest.mark.django_db


def _preview(demo, township=None, year=2021):
    return reverse("reports:report_preview", kwargs={"township": (township or demo.xilian).code, "year": year})


def test_the_list_shows_the_townships_reports_by_year_with_their_state(client, demo):
    make_report(demo.xilian, 2021, dated_on=date(2021, 12, 8))
    make_report(demo.xilian, 2022)
    make_report(demo.maichen, 2023)
    response = demo.client_for(client, "xilian_staff").get(reverse("reports:report_list",
                                                                   kwargs={"township": demo.xilian.code}))
    page = response.content.decode()
    assert page.index("2022年度") < page.index("2021年度")
    assert "西连镇2021年度法治政府建设情况报告" in page and "草稿" in page
    assert "2023" not in page and "迈陈镇" not in page.split('id="reports"')[1]
    assert _preview(demo, year=2022) in page


def test_the_preview_shows_the_rendered_report_with_figures_from_the_records(client, demo):
    make_report(demo.xilian, 2021, dated_on=date(2021, 12, 8), intro="全年受理纠纷{{disputes_received}}。")
    make_dispute(demo.xilian, received_on=date(2021, 3, 2))
    page = demo.client_for(client, "county_office").get(_preview(demo)).content.decode()
    assert "<h1 class=\"report-title\">西连镇2021年度法治政府建设情况报告</h1>" in page
    assert "全年受理纠纷<span class=\"report-figure\" title=\"纠纷受理数\">1宗</span>。" in page
    assert "2021年12月8日" in page and "统计截止2021年12月8日" in page


def test_an_undated_report_counts_to_today_and_says_so(client, demo):
    make_report(demo.xilian, 2021)
    page = demo.client_for(client, "xilian_staff").get(_preview(demo)).content.decode()
    assert "统计截止今日（尚未确定成文日期）" in page and "report-date" not in page


def test_another_townships_report_is_404(client, demo):
    make_report(demo.maichen, 2021)
    client = demo.client_for(client, "xilian_staff")
    assert client.get(_preview(demo, township=demo.maichen)).status_code == 404
    assert client.get(_preview(demo)).status_code == 404  # 西连镇 has no 2021 report


@pytest.mark.parametrize("year", [1999, 2101, 10**30])
def test_an_implausible_year_is_404(client, demo, year):
    make_report(demo.xilian, 2021)
    assert demo.client_for(client, "xilian_staff").get(_preview(demo, year=year)).status_code == 404
