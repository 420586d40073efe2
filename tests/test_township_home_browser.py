"""A leader opens the 工作台 on the demo: this year's figures, then 2021's through the year picker, in a link."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_picks_the_year_and_the_link_keeps_it(page, live_server, demo, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo")
    log_in(page, live_server, "xilian_leader", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    this_year = timezone.localdate().year
    expect(page.locator("#year-figures h2")).to_contain_text(f"{this_year}年度主要数据")
    expect(page.locator("#overdue-card")).not_to_contain_text("已逾期 0 件")
    screenshot(page, "township-home-this-year")
    page.locator("#year-select").select_option("2021")
    page.locator("#year-picker").get_by_role("button", name="查看").click()
    page.wait_for_url("**/?year=2021")
    expect(page.locator('[data-figure="disputes_received"]')).to_contain_text("118宗")
    expect(page.locator('[data-figure="tickets_received"]')).to_contain_text("94个")
    screenshot(page, "township-home-2021")
