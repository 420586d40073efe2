import pytest

from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_logs_in_and_walks_the_navigation(page, live_server, demo):
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    assert page.get_by_role("heading", name="西连镇工作台").is_visible()
    screenshot(page, "foundation-township-home")
    sidebar = page.locator("#sidebar")
    for label in ("工作台", "普法活动", "学法记录", "矛盾纠纷", "12345工单", "年度报告"):
        assert sidebar.get_by_role("link", name=label).is_visible()
    sidebar.get_by_role("link", name="矛盾纠纷").click()
    page.wait_for_url("**/disputes/cases/")
    assert page.locator(".breadcrumb").inner_text().split() == ["首页", "西连镇", "矛盾纠纷"]


def test_a_wrong_password_is_told_in_chinese(page, live_server, demo):
    log_in(page, live_server, "xilian_staff", "Wrong@Pass1")
    assert "用户名或密码不正确" in page.locator(".alert-danger").inner_text()
    screenshot(page, "foundation-login-error")


def test_the_county_office_switches_township(page, live_server, demo):
    log_in(page, live_server, "county_office", PASSWORD)
    page.wait_for_url("**/county/")
    page.get_by_role("link", name="进入").first.click()
    page.locator("#township-switcher").click()
    page.get_by_role("link", name="西连镇").click()
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    assert "西连镇" in page.locator("#township-switcher").inner_text()
    screenshot(page, "foundation-county-switch")


def test_the_layout_works_on_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone = context.new_page()
    log_in(phone, live_server, "xilian_leader", PASSWORD)
    phone.wait_for_url(f"**/t/{demo.xilian.code}/")
    assert not phone.locator("#sidebar").get_by_role("link", name="矛盾纠纷").is_visible()
    phone.get_by_role("button", name="菜单").click()
    phone.locator("#sidebar.show").wait_for(state="visible")
    phone.wait_for_timeout(400)  # let the slide-in finish before the screenshot
    assert phone.locator("#sidebar").get_by_role("link", name="矛盾纠纷").is_visible()
    screenshot(phone, "foundation-phone-menu")
    context.close()
