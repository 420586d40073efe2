import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_office_reads_the_demo_report_from_the_list(page, live_server, demo):
    from django_scopes import scopes_disabled

    from reports.demo import load

    with scopes_disabled():
        load(demo.county)
    log_in(page, live_server, "county_office", PASSWORD)
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/reports/")
    expect(page.locator("#reports")).to_contain_text("西连镇2021年度法治政府建设情况报告")
    page.get_by_role("link", name="预览").click()
    title = page.locator(".report-title")
    expect(title).to_have_text("西连镇2021年度法治政府建设情况报告")
    expect(title).to_have_css("text-align", "center")
    expect(page.locator(".report-signature")).to_have_css("text-align", "right")
    expect(page.locator(".report")).to_contain_text("（五）切实转变政府职能，健全科学民主决策机制")
    screenshot(page, "reports-preview")
