"""A leader and a staff member open the 工作台 on the demo: this year's figures, what needs action, the charts drawn
by ECharts (from static files); 2021's through the year picker, in a link; on a desktop and on a phone."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope
from playwright.sync_api import expect

from reports.dashboard import report_due
from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}


@pytest.fixture
def loaded_demo(demo, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo")
    return demo


def expect_charts_drawn(page):
    for key in ("disputes-by-month", "tickets-by-month", "dispute-categories", "ticket-subjects", "villages",
                "satisfaction"):
        expect(page.locator(f"#chart-{key} .chart svg").first).to_be_visible()


def test_a_leader_picks_the_year_and_the_link_keeps_it(page, live_server, loaded_demo):
    log_in(page, live_server, "xilian_leader", PASSWORD)
    page.wait_for_url(f"**/t/{loaded_demo.xilian.code}/")
    this_year = timezone.localdate().year
    expect(page.locator("#year-figures h2")).to_contain_text(f"{this_year}年度主要数据")
    expect(page.locator("#overdue-card")).not_to_contain_text("已逾期 0 件")
    with scope(township=loaded_demo.xilian):
        due_year, _, _ = report_due(township=loaded_demo.xilian, today=timezone.localdate())
    expect(page.locator("#annual-report-card")).to_contain_text(f"{due_year}年度法治政府建设情况报告")
    expect_charts_drawn(page)
    screenshot(page, "township-home-leader-1366")
    page.locator("#year-select").select_option("2021")
    page.locator("#year-picker").get_by_role("button", name="查看").click()
    page.wait_for_url("**/?year=2021&from=1&to=12")
    expect(page.locator('[data-figure="disputes_received"]')).to_contain_text("118宗")
    expect(page.locator('[data-figure="tickets_received"]')).to_contain_text("94个")
    expect_charts_drawn(page)
    screenshot(page, "township-home-2021")


def test_the_table_behind_a_chart_opens_under_it(page, live_server, loaded_demo):
    log_in(page, live_server, "xilian_leader", PASSWORD)
    page.goto(f"{live_server.url}/t/{loaded_demo.xilian.code}/?year=2021&from=1&to=6")
    expect(page.locator("#year-figures h2")).to_contain_text("2021年1—6月主要数据")
    table = page.locator("#chart-disputes-by-month-table")
    expect(table).to_have_class("table-responsive visually-hidden chart-table")
    page.locator('[data-table-toggle="chart-disputes-by-month-table"]').click()
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(7)  # 1月 to 6月 and 合计
    expect(table.locator("tbody tr").last).to_contain_text("合计")


def test_staff_on_a_phone_see_the_cards_and_the_charts(browser, live_server, loaded_demo):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, "xilian_staff", PASSWORD)
        page.wait_for_url(f"**/t/{loaded_demo.xilian.code}/")
        expect(page.locator("#home-actions")).to_contain_text("登记工单")
        expect(page.locator("#long-open-disputes-card")).to_contain_text("受理超过30天仍在办")
        expect_charts_drawn(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
        screenshot(page, "township-home-staff-390")
    finally:
        context.close()


def test_staff_on_a_desktop(page, live_server, loaded_demo):
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{loaded_demo.xilian.code}/")
    expect_charts_drawn(page)
    screenshot(page, "township-home-staff-1366")
