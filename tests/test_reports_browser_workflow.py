"""The report from first draft to filed PDF in headless Chromium: staff write 2021 with a figure from the picker and
submit it, the leader approves it, staff archive it, and the PDF downloads."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD
from tests.permissions.disputes import make_dispute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _confirm(page, action, title):
    page.locator(f"#step-{action}").click()
    page.get_by_role("button", name=f"确认{title}").click()
    expect(page.locator(".alert-success")).to_contain_text(f"报告已{title}")


def test_staff_write_and_submit_the_leader_approves_and_the_filed_pdf_downloads(browser, page, live_server, demo):
    make_dispute(demo.xilian, received_on=date(2021, 3, 2))
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/reports/")
    page.get_by_label("年度").fill("2021")
    page.get_by_role("button", name="新建年度报告").click()
    expect(page.locator("h1.h4")).to_contain_text("编辑西连镇2021年度法治政府建设情况报告")

    page.locator("#details").get_by_role("link", name="编辑").click()
    page.get_by_label("成文日期").fill("2021-12-08")
    page.locator("#details").get_by_role("button", name="保存").click()
    expect(page.locator("#details")).to_contain_text("2021年12月8日")

    page.locator("#part-1").get_by_role("link", name="添加小节").click()
    form = page.locator("#part-1 .report-section-form")
    form.get_by_label("标题").fill("依法化解矛盾纠纷")
    body = form.get_by_label("正文")
    body.fill("全年受理各类纠纷")
    body.press("End")
    form.locator(".figure-insert", has_text="纠纷受理数").click()
    body.press("End")
    body.type("。")
    expect(body).to_have_value("全年受理各类纠纷{{disputes_received}}。")
    screenshot(page, "reports-editor-form")
    form.get_by_role("button", name="保存").click()

    preview = page.locator("#preview")
    expect(preview).to_contain_text("（一）依法化解矛盾纠纷")
    expect(preview.locator(".report-figure")).to_have_text("1宗")
    expect(page.locator("#part-1 .report-number")).to_have_text("（一）")
    screenshot(page, "reports-editor")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "reports-editor-phone")
    page.set_viewport_size({"width": 1366, "height": 768})

    _confirm(page, "submit", "提交")
    expect(page.locator("h1.h4 .report-state")).to_have_text("已提交")

    leader = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    log_in(leader, live_server, "xilian_leader", PASSWORD)
    leader.goto(page.url)
    expect(leader.locator(".report")).to_contain_text("全年受理各类纠纷1宗。")
    _confirm(leader, "approve", "审定")
    expect(leader.locator("h1.h4 .report-state")).to_have_text("已审定")
    leader.context.close()

    page.reload()
    _confirm(page, "archive", "归档")
    expect(page.locator("h1.h4 .report-state")).to_have_text("已归档")
    expect(page.locator("#archives")).to_contain_text("审定：王建国 · 归档：陈晓玲")
    screenshot(page, "reports-archived")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "reports-archived-phone")

    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    assert download.value.suggested_filename == "西连镇2021年度法治政府建设情况报告.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
