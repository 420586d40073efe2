import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD
from tests.permissions.disputes import make_dispute, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_registers_a_ticket_sees_its_deadline_and_closes_it(page, live_server, demo):
    _register_and_close_a_ticket(page, live_server, demo)


def _register_and_close_a_ticket(page, live_server, demo):
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.locator("#sidebar").get_by_role("link", name="12345工单").click()
    page.get_by_role("link", name="登记工单").click()
    page.locator("#id_ticket_number").fill("XW202109300001")
    page.locator("#id_received_at").fill("2021-09-30T10:00")
    page.locator("#id_request_type").select_option(label="咨询")
    page.locator("#id_subject").select_option(label="社会保障")
    page.locator("#id_title").fill("城乡居民医保缴费咨询")
    page.locator("#id_content").fill("咨询今年城乡居民医保缴费标准和缴费渠道。")
    page.locator("#id_caller_name").fill("林霞")
    page.locator("#id_caller_phone").fill("13907126138")
    page.locator("#id_village").select_option(label="迈谷村")
    screenshot(page, "disputes-ticket-form")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("#deadline")).to_contain_text("2021年10月9日")  # 国庆 skipped, the 调休 Saturday counted
    expect(page.locator("#caller-phone")).to_have_text("139****6138")
    page.wait_for_load_state()
    assert "13907126138" not in page.content()
    screenshot(page, "disputes-ticket-detail")

    page.get_by_role("link", name="办结").click()
    page.locator("#id_closed_at").fill("2021-09-29T16:00")
    page.locator("#id_reply").fill("已告知缴费标准和缴费渠道。")
    page.get_by_role("button", name="确认办结").click()
    expect(page.locator("#id_closed_at-error")).to_have_text(
        re.compile(r"^办结时间（2021-09-29 16:00）不能早于受理时间（2021-09-30 10:00）"))
    screenshot(page, "disputes-ticket-close-error")

    page.locator("#id_closed_at").fill("2021-10-08T16:00")
    page.get_by_role("button", name="确认办结").click()
    expect(page.locator("h1")).to_contain_text("已办结")  # the action page's own h1 reads 办结
    expect(page.locator("#deadline")).to_contain_text("按期办结")
    expect(page.locator("#reply")).to_contain_text("已告知缴费标准和缴费渠道。")
    screenshot(page, "disputes-ticket-closed")


def test_a_leader_reaches_the_overdue_list_in_one_click(page, live_server, demo):
    make_ticket(demo.xilian, title="村道路灯不亮", village=demo.xilian.villages.get(name="龙腋村"))
    make_ticket(demo.xilian, ticket_number="XW202610010001", title="低保申请进度",
                received_at=timezone.now(), deadline=timezone.localdate())
    _open_the_overdue_list(page, live_server, demo)


def _open_the_overdue_list(page, live_server, demo):
    log_in(page, live_server, "xilian_leader", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    screenshot(page, "disputes-home")
    page.locator("#overdue-card").click()
    page.wait_for_url("**/tickets/overdue/")
    expect(page.locator("#overdue")).to_contain_text("村道路灯不亮")
    expect(page.locator("#due-soon")).to_contain_text("低保申请进度")
    screenshot(page, "disputes-overdue")


def test_the_lists_show_the_demo_figures(page, live_server, demo, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo")
    _read_the_lists(page, live_server, demo)


def _read_the_lists(page, live_server, demo):
    log_in(page, live_server, "xilian_leader", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/disputes/tickets/?year=2021")
    expect(page.locator('[data-figure="办结率"]')).to_have_text("100.0%")
    screenshot(page, "disputes-ticket-list")
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/disputes/cases/?year=2021")
    expect(page.locator('[data-figure="化解率"]')).to_have_text("89.8%")
    screenshot(page, "disputes-dispute-list")


def test_the_state_form_shows_only_the_chosen_transitions_fields(page, live_server, demo):
    dispute = make_dispute(demo.xilian)
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/disputes/cases/{dispute.pk}/state/")
    resolved, transferred = page.locator('[data-for-state="resolved"]'), page.locator('[data-for-state="transferred"]')
    expect(resolved).to_be_hidden()
    expect(transferred).to_be_hidden()
    page.locator("#id_state").select_option(label="已化解")
    expect(resolved).to_be_visible()
    expect(transferred).to_be_hidden()
    page.locator("#id_step_date").fill("2021-03-09")
    page.locator("#id_resolved_on").fill("2021-03-09")
    page.locator("#id_resolution_method").select_option(label="人民调解")
    screenshot(page, "disputes-state-form")
    page.get_by_role("button", name="确认变更状态").click()
    expect(page.locator("h1")).to_contain_text("已化解")
