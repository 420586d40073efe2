import re

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD
from tests.permissions.publicity import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_event_form(page, live_server, demo):
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.locator("#sidebar").get_by_role("link", name="普法活动").click()
    page.get_by_role("link", name="登记活动").click()
    page.wait_for_url("**/publicity/events/new/")


def _fill_event(page, *, participants):
    page.get_by_label("活动日期").fill("2021-12-04")
    page.get_by_label("活动名称").fill("国家宪法日宪法宣传")
    page.get_by_label("主题").fill("12·4国家宪法日")
    page.get_by_label("宣传节点").select_option(label="12·4国家宪法日（宪法宣传周）")
    page.get_by_label("街头宣传").check()
    page.get_by_label("宪法宣誓").check()
    page.locator("#id_place").fill("镇政府广场")
    page.get_by_label("所属村（社区）").select_option(label="西连社区")
    page.get_by_label("参与人数").fill(participants)
    page.get_by_label("发放资料（份）").fill("1500")


def test_a_clerk_records_an_event_with_a_photo_and_voids_it(page, live_server, demo):
    _record_photo_event_and_void_it(page, live_server, demo)


def _record_photo_event_and_void_it(page, live_server, demo):
    _open_event_form(page, live_server, demo)
    _fill_event(page, participants="-5")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_participants ~ .field-error")).to_have_text("参与人数不能为负数。")
    screenshot(page, "publicity-event-error")

    page.get_by_label("参与人数").fill("380")
    page.get_by_label("照片和附件").set_input_files(
        files=[{"name": "宪法宣誓.png", "mimeType": "image/png", "buffer": png_bytes(size=(640, 480))}]
    )
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/publicity/events/\d+/$"))  # a glob's * would match the form's events/new/
    thumbnail = page.locator("img.attachment-thumb")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => img.naturalWidth") == 640
    screenshot(page, "publicity-event-detail")

    page.get_by_role("link", name="普法活动").last.click()
    expect(page.locator("#totals")).to_contain_text("共 1 场活动，参与 380 人次")
    expect(page.get_by_role("link", name="国家宪法日宪法宣传")).to_be_visible()
    screenshot(page, "publicity-event-list")

    page.get_by_role("link", name="国家宪法日宪法宣传").click()
    page.get_by_role("link", name="作废").click()
    page.get_by_role("button", name="确认作废").click()
    expect(page.locator("#id_reason-error")).to_have_text("请填写作废原因。")
    expect(page.locator("#form-errors")).to_contain_text("请修改以下标出的项目")
    page.get_by_label("作废原因").fill("与12月3日活动重复登记")
    page.get_by_role("button", name="确认作废").click()
    page.wait_for_url("**/publicity/events/")
    expect(page.locator("#totals")).to_contain_text("共 0 场活动")
    screenshot(page, "publicity-event-voided")


def test_the_lists_read_well_with_the_demo_ledgers(page, live_server, demo):
    from django_scopes import scopes_disabled

    from publicity.demo import load

    with scopes_disabled():
        load(demo.county)
    _read_the_demo_lists(page, live_server, demo)


def _read_the_demo_lists(page, live_server, demo):
    log_in(page, live_server, "xilian_leader", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/publicity/studies/?year=2021")
    expect(page.locator("#totals")).to_contain_text("共 16 次学法")
    expect(page.get_by_role("link", name="登记学法")).to_have_count(0)
    screenshot(page, "publicity-study-list")
    page.get_by_role("link", name="驻点律师").click()
    expect(page.locator("#coverage")).to_contain_text("16个村（社区）均配有驻点律师")
    screenshot(page, "publicity-lawyer-list")
