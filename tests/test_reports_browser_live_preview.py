"""The live preview in headless Chromium: a clerk types a figure reference into a section's body and the preview
beside the editor shows the figure's value in the report, with a warning under the field for a number typed where
a figure belongs — all before saving, and nothing is saved."""

from datetime import date

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from reports.models import Part
from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD
from tests.permissions.disputes import make_dispute
from tests.permissions.reports import make_report, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_figure_reference_shows_its_value_in_the_preview_without_saving(page, live_server, demo):
    for day in (2, 3, 4):
        make_dispute(demo.xilian, received_on=date(2021, 3, day))
    report = make_report(demo.xilian, dated_on=date(2021, 12, 8), intro="现将情况报告如下：")
    for part in Part:
        for position in (1, 2):
            make_section(report, part=part, position=position, heading=f"第{part}部分第{position}小节",
                         body="已有的正文。\n" * 4)
    section = make_section(report, part=Part.NEXT_YEAR, position=3, heading="依法化解矛盾纠纷", body="")
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/reports/2021/edit/?edit={section.pk}#section-{section.pk}")
    expect(page.locator("#preview-hint")).to_have_text("（随输入即时更新，保存后才写入报告）")

    body = page.locator(f"#section-{section.pk}").get_by_label("正文")
    body.press_sequentially("全年受理各类纠纷{{disputes_received}}，化解率稳步提高。")
    unsaved = page.locator("#preview .report-unsaved")
    expect(unsaved.locator("p")).to_have_text("全年受理各类纠纷3宗，化解率稳步提高。")
    expect(unsaved.locator("h3")).to_have_text("（三）依法化解矛盾纠纷")
    expect(unsaved.locator(".report-figure")).to_have_text("3宗")
    expect(unsaved).to_be_in_viewport()
    screenshot(page, "reports-live-preview")

    body.press_sequentially("另有3宗")
    warning = page.locator(f"#section-{section.pk} .live-warning")
    expect(warning).to_have_text("这个数字来自记录，请插入指标：纠纷受理数（3宗）、纠纷在办数（3宗）")
    expect(warning).to_have_attribute("aria-live", "polite")

    page.set_viewport_size({"width": 390, "height": 844})  # the preview below the editor; typing stays in view
    body.press_sequentially("，再加一句")
    expect(unsaved.locator("p")).to_contain_text("另有3宗，再加一句")
    expect(body).to_be_in_viewport()
    screenshot(page, "reports-live-preview-phone")

    with scope(township=demo.xilian):
        section.refresh_from_db()
        report.refresh_from_db()
    assert (section.body, report.version) == ("", 1)
