"""On a 390 px phone a record list shows one card per record first, with the filters and totals folded away."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD
from tests.permissions.disputes import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_the_ticket_list_on_a_phone_starts_with_the_first_card(phone, live_server, demo):
    for number in range(3):
        make_ticket(demo.xilian, title=f"村道路灯不亮已有两周，群众夜间出行不便，请尽快维修{number}")
    log_in(phone, live_server, "xilian_staff", PASSWORD)
    phone.wait_for_url(f"**/t/{demo.xilian.code}/")
    phone.goto(f"{live_server.url}/t/{demo.xilian.code}/disputes/tickets/")

    first_card = phone.locator("#record-cards .record-card").first
    expect(first_card).to_be_visible()
    expect(first_card).to_contain_text("村道路灯不亮")
    expect(phone.locator("table")).to_be_hidden()
    expect(phone.locator("#list-filters")).to_be_hidden()
    expect(phone.locator('[data-figure="办结率"]')).to_be_hidden()
    box = first_card.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]  # the whole first card, without scrolling
    screenshot(phone, "list-phone-tickets")

    phone.locator("#list-tools-toggle").click()
    expect(phone.locator("#list-filters")).to_be_visible()
    expect(phone.locator('[data-figure="办结率"]')).to_be_visible()
    expect(phone.locator("#list-filters")).to_have_class(re.compile(r"\bshow\b"))  # the fold has finished opening
    screenshot(phone, "list-phone-tickets-filters")


def test_the_ticket_list_on_a_computer_is_a_table_with_its_filters(page, live_server, demo):
    make_ticket(demo.xilian)
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/disputes/tickets/")
    expect(page.locator("table")).to_be_visible()
    expect(page.locator("#list-filters")).to_be_visible()
    expect(page.locator("#record-cards")).to_be_hidden()
    expect(page.locator("#list-tools-toggle")).to_be_hidden()
