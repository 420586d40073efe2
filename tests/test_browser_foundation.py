import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_logs_in_and_walks_the_navigation(page, live_server, demo):
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    expect(page.get_by_role("heading", name="西连镇工作台")).to_be_visible()
    screenshot(page, "foundation-township-home")
    sidebar = page.locator("#sidebar")
    for label in ("工作台", "普法活动", "学法记录", "矛盾纠纷", "12345工单", "年度报告"):
        expect(sidebar.get_by_role("link", name=label)).to_be_visible()
    sidebar.get_by_role("link", name="矛盾纠纷").click()
    page.wait_for_url("**/disputes/cases/")
    expect(page.locator(".breadcrumb li")).to_have_text(["首页", "西连镇", "矛盾纠纷"])


# Text colour against the background actually behind it (translucent colours blended), as axe-core's
# color-contrast rule measures it: [text, ratio] for every visible element of the top bar that holds text.
TOP_BAR_CONTRASTS = """() => {
    const rgba = value => {
        const parts = value.match(/[\\d.]+/g).map(Number);
        return parts.length > 3 ? parts : [...parts, 1];
    };
    const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
    const backdrop = element => {
        if (!element) return [255, 255, 255, 1];
        const own = rgba(getComputedStyle(element).backgroundColor);
        return over(own, backdrop(element.parentElement));
    };
    const linear = v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    const luminance = colour => {
        const [r, g, b] = colour.slice(0, 3).map(v => linear(v / 255));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
        const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (light + 0.05) / (dark + 0.05);
    };
    const ownText = element => [...element.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    return [...document.querySelectorAll("header *")].filter(e => e.checkVisibility() && ownText(e)).map(e => {
        const behind = backdrop(e), text = over(rgba(getComputedStyle(e).color), behind);
        return [e.textContent.trim().replace(/\\s+/g, " "), ratio(text, behind)];
    });
}"""


@pytest.mark.parametrize(("username", "landing"), [("xilian_staff", "**/t/*/"), ("county_office", "**/county/")])
def test_the_top_bar_text_passes_wcag_aa_contrast(page, live_server, demo, username, landing):
    log_in(page, live_server, username, PASSWORD)
    page.wait_for_url(landing)
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/")
    contrasts = page.evaluate(TOP_BAR_CONTRASTS)
    assert any("西连镇" in text for text, _ in contrasts), contrasts
    assert [(text, round(ratio, 2)) for text, ratio in contrasts if ratio < 4.5] == []


def test_a_wrong_password_is_told_in_chinese(page, live_server, demo):
    log_in(page, live_server, "xilian_staff", "Wrong@Pass1")
    expect(page.locator(".alert-danger")).to_contain_text("用户名或密码不正确")
    screenshot(page, "foundation-login-error")


def test_the_county_office_switches_township(page, live_server, demo):
    log_in(page, live_server, "county_office", PASSWORD)
    page.wait_for_url("**/county/")
    page.locator("#county-table tbody th a").first.click()  # a township's name opens its 工作台
    page.locator("#township-switcher").click()
    page.get_by_role("link", name="西连镇").click()
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    expect(page.locator("#township-switcher")).to_contain_text("西连镇")
    screenshot(page, "foundation-county-switch")


def test_the_layout_works_on_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone = context.new_page()
    log_in(phone, live_server, "xilian_leader", PASSWORD)
    phone.wait_for_url(f"**/t/{demo.xilian.code}/")
    expect(phone.locator("#sidebar").get_by_role("link", name="矛盾纠纷")).to_be_hidden()
    phone.get_by_role("button", name="菜单").click()
    phone.locator("#sidebar.show").wait_for(state="visible")  # Bootstrap adds .show when the slide-in has ended
    expect(phone.locator("#sidebar").get_by_role("link", name="矛盾纠纷")).to_be_visible()
    screenshot(phone, "foundation-phone-menu")
    context.close()
