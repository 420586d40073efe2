from pathlib import Path

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from disputes.models import Ticket
from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parent / "samples"


def test_a_clerk_imports_the_12345_export_after_fixing_a_bad_file(page, live_server, demo):
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.locator("#sidebar").get_by_role("link", name="12345工单").click()
    page.locator("a[href$='/tickets/import/']").click()
    page.locator("input[type=file]").set_input_files(SAMPLES / "12345工单_错误示例.xlsx")
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-errors tbody tr")).to_have_count(6)
    expect(page.locator(".alert-danger")).to_contain_text("有 6 处需要修改")
    expect(page.get_by_role("link", name="重新上传")).to_be_visible()  # offered instead of 确认导入
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    screenshot(page, "ledger-import-refused")

    page.get_by_role("link", name="重新上传").click()
    page.locator("input[type=file]").set_input_files(SAMPLES / "12345工单_西连镇_2021.xlsx")
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-counts")).to_contain_text("94")
    screenshot(page, "ledger-import-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成：新增94条")
    page.locator("#imported-records").wait_for()
    screenshot(page, "ledger-import-done")
    with scope(township=demo.xilian):
        assert Ticket.objects.count() == 94
