"""A clerk's day, in a real browser, on a phone and at 1366×768: a ticket from 受理 to 回访 and a dispute from 登记 to
回访结案, each step in order, with a 办理记录 between them; the record's 办理过程 tells it all in one place."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from playwright.sync_api import expect

from disputes.models import Dispute, Ticket
from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


@pytest.fixture(params=list(SIZES))
def sized_page(request, browser):
    context = browser.new_context(viewport=SIZES[request.param], locale="zh-CN")
    yield request.param, context.new_page()
    context.close()


def _typed(moment):
    """As a clerk types a time: 2026/11/24 9:05."""
    return f"{moment:%Y/%m/%d} {moment.hour}:{moment:%M}"


def _timeline_titles(page):
    return page.locator("#timeline .fw-semibold").all_inner_texts()


def _step(page, link, button, fields, shot):
    # Not exact: an icon's glyph (CSS generated content) is part of a link's accessible name.
    page.locator("main").get_by_role("link", name=link).first.click()
    for selector, value in fields:
        target = page.locator(selector)
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(label=value)
        else:
            target.fill(value)
    screenshot(page, shot)
    page.get_by_role("button", name=button).click()
    expect(page.locator("#timeline")).to_be_visible()


def test_a_ticket_from_receipt_to_survey(sized_page, live_server, demo):
    size, page = sized_page
    now = timezone.localtime().replace(second=0, microsecond=0)
    received = (now - timedelta(days=2)).replace(hour=9, minute=5)
    base = f"{live_server.url}/t/{demo.xilian.code}/disputes/tickets"
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.goto(f"{base}/new/")
    for selector, value in [("#id_ticket_number", "XW-WALK-1"), ("#id_received_at", _typed(received)),
                            ("#id_title", "村道路灯不亮"), ("#id_content", "反映村道路灯不亮，夜间出行不便。"),
                            ("#id_caller_name", "林霞"), ("#id_caller_phone", "13907126138")]:
        page.locator(selector).fill(value)
    page.locator("#id_request_type").select_option(label="投诉")
    page.locator("#id_subject").select_option(label="城乡建设")
    page.locator("#id_village").select_option(label="迈谷村")
    screenshot(page, f"walk-{size}-ticket-1-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#timeline")).to_contain_text("受理")
    with scope(township=demo.xilian):
        deadline = Ticket.objects.get(ticket_number="XW-WALK-1").deadline

    _step(page, "签收", "确认签收", [("#id_signed_at", _typed(received + timedelta(minutes=30)))],
          f"walk-{size}-ticket-2-sign")
    _step(page, "添加办理记录", "确认添加办理记录", [
        ("#id_happened_at", _typed(received + timedelta(hours=2))), ("#id_kind", "现场核查"),
        ("#id_text", "到迈谷村核查，3盏路灯损坏。"),
    ], f"walk-{size}-ticket-3-note")
    _step(page, "延期", "确认延期", [
        ("#id_extension_applied_on", f"{now:%Y-%m-%d}"),
        ("#id_extension_granted_by", "县12345平台 徐12345延〔2026〕8号"),
        ("#id_extended_deadline", f"{deadline + timedelta(days=10):%Y-%m-%d}"), ("#id_extension_reason", "需采购灯具"),
    ], f"walk-{size}-ticket-4-extend")
    # 办结 and 回访 keep the times their forms offer: now.
    _step(page, "办结", "确认办结", [("#id_reply", "已更换损坏路灯3盏。")], f"walk-{size}-ticket-5-close")
    _step(page, "回访", "确认回访", [("#id_survey_method", "电话"), ("#id_satisfaction", "满意")],
          f"walk-{size}-ticket-6-survey")

    assert _timeline_titles(page) == ["受理", "签收", "办理记录 · 现场核查", "延期", "办结", "回访"]
    expect(page.locator("#timeline")).to_contain_text("满意（电话）")
    screenshot(page, f"walk-{size}-ticket-7-done")
    with scope(township=demo.xilian):
        ticket = Ticket.objects.get(ticket_number="XW-WALK-1")
    assert (ticket.state, ticket.satisfaction, ticket.caller_phone) == ("closed", "satisfied", "139****6138")


def test_a_dispute_from_registration_to_follow_up(sized_page, live_server, demo):
    size, page = sized_page
    today = timezone.localdate()
    base = f"{live_server.url}/t/{demo.xilian.code}/disputes/cases"
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.goto(f"{base}/new/")
    expect(page.locator("#id_case_number")).to_have_value(f"（{today.year}）西连调字第1号")
    page.locator("#id_received_on").fill(f"{today - timedelta(days=5):%Y-%m-%d}")
    page.locator("#id_category").select_option(label="邻里")
    page.locator("#id_village").select_option(label="东岭村")
    page.locator("#id_parties").fill("徐某、唐某")
    page.locator("#id_summary").fill("因排水沟走向发生纠纷。")
    screenshot(page, f"walk-{size}-dispute-1-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#timeline")).to_contain_text("登记")

    _step(page, "变更状态", "确认变更状态", [
        ("#id_state", "调解中"), ("#id_step_date", f"{today - timedelta(days=4):%Y-%m-%d}"),
    ], f"walk-{size}-dispute-2-mediating")
    _step(page, "添加办理记录", "确认添加办理记录", [
        ("#id_happened_at", f"{today - timedelta(days=3):%Y/%m/%d} 15:00"), ("#id_kind", "协调会"),
        ("#id_text", "召开协调会，双方同意按原走向修复排水沟。"),
    ], f"walk-{size}-dispute-3-note")
    resolved_on = f"{today - timedelta(days=2):%Y-%m-%d}"
    _step(page, "变更状态", "确认变更状态", [
        ("#id_state", "已化解"), ("#id_step_date", resolved_on), ("#id_resolved_on", resolved_on),
        ("#id_resolution_method", "人民调解"),
    ], f"walk-{size}-dispute-4-resolved")
    _step(page, "变更状态", "确认变更状态", [
        ("#id_state", "回访结案"), ("#id_step_date", f"{today - timedelta(days=1):%Y-%m-%d}"),
        ("#id_follow_up", "电话回访，双方已按协议修复排水沟。"),
    ], f"walk-{size}-dispute-5-closed")

    assert _timeline_titles(page) == ["登记", "调解中", "办理记录 · 协调会", "已化解", "回访结案"]
    screenshot(page, f"walk-{size}-dispute-6-done")
    with scope(township=demo.xilian):
        dispute = Dispute.objects.get()
    assert (dispute.state, dispute.follow_up) == ("closed", "电话回访，双方已按协议修复排水沟。")
