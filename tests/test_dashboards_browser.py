"""In headless Chromium: a leader 督办s an overdue ticket from the overdue list and the clerk finds it at the top of
the 工作台; the county office sorts its table of townships. Screenshots at 1366×768 and 390×844."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD
from tests.permissions.disputes import make_dispute, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
INSTRUCTION = "请于本周五前办结，并向我报告办理结果。"


def _phone_page(browser):
    return browser.new_context(viewport=PHONE, locale="zh-CN").new_page()


def test_a_leader_supervises_an_overdue_ticket_and_the_clerk_sees_it_first(browser, page, live_server, demo):
    ticket = make_ticket(demo.xilian, title="路灯损坏报修")
    log_in(page, live_server, "xilian_leader", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.locator("#overdue-card").click()
    page.locator(f'[data-supervise="{ticket.ticket_number}"]').click()
    page.get_by_label("批示").fill(INSTRUCTION)
    screenshot(page, "supervise-form")
    page.get_by_role("button", name="确认督办").click()
    page.wait_for_url(f"**/disputes/tickets/{ticket.pk}/")
    expect(page.locator("#supervision-banner")).to_contain_text(INSTRUCTION)
    expect(page.locator("#timeline")).to_contain_text("领导督办（督办中）")
    screenshot(page, "supervised-ticket")

    for clerk, name in ((page.context.browser.new_context(locale="zh-CN").new_page(), "staff-home-supervised"),
                        (_phone_page(browser), "staff-home-supervised-phone")):
        log_in(clerk, live_server, "xilian_staff", PASSWORD)
        clerk.wait_for_url(f"**/t/{demo.xilian.code}/")
        panel = clerk.locator("#supervision-panel")
        expect(panel).to_contain_text(INSTRUCTION)
        expect(panel).to_contain_text(f"工单 {ticket.ticket_number} 路灯损坏报修")
        assert panel.bounding_box()["y"] < clerk.locator("#year-figures").bounding_box()["y"]
        screenshot(clerk, name)
        clerk.context.close()


def test_the_county_office_sorts_the_townships_and_the_link_keeps_the_order(browser, page, live_server, demo):
    for serial in range(1, 4):
        make_dispute(demo.xilian, case_number=f"（2026）西连调字第{serial}号", received_on=date(2026, 1, serial))
    make_dispute(demo.maichen, case_number="（2026）迈陈调字第1号", received_on=date(2026, 1, 5),
                 village=demo.maichen.villages.first())
    log_in(page, live_server, "county_office", PASSWORD)
    page.wait_for_url("**/county/")
    page.locator("#year-select").select_option("2026")
    page.locator("#year-picker").get_by_role("button", name="查看").click()
    page.wait_for_url("**/county/?year=2026")
    rows = page.locator("#county-table tbody tr")
    expect(rows.first).to_have_attribute("data-township", "迈陈镇")  # by 区划代码
    page.locator('[data-sort="disputes_received"]').click()
    page.wait_for_url("**/county/?year=2026&sort=disputes_received&dir=desc")
    expect(rows.first).to_have_attribute("data-township", "西连镇")
    expect(page.locator('#county-total [data-figure="disputes_received"]')).to_have_text("4")
    chart = page.locator('#county-chart [data-chart-ready="true"]')
    expect(chart.locator("svg")).to_be_visible()
    # The chart draws the table's numbers, in the table's order: 西连镇's 3 disputes, then 迈陈镇's 1.
    expect(chart.locator("svg text", has_text="西连镇")).to_have_count(1)
    assert chart.evaluate("element => echarts.getInstanceByDom(element).getOption().series[0].data") == [3, 1]
    screenshot(page, "county-sorted")
    phone = _phone_page(browser)
    log_in(phone, live_server, "county_office", PASSWORD)
    phone.goto(page.url)
    expect(phone.locator("#county-table tbody tr").first).to_have_attribute("data-township", "西连镇")
    screenshot(phone, "county-sorted-phone")
    phone.context.close()
