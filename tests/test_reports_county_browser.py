"""The county office opens 年度报告报送 from its navigation, reads the table and downloads a township's filed PDF
(the bytes as filed); a leader publishes the report and anyone reads it on the public page, without login."""

import hashlib
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.county import current_report_year
from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD
from tests.permissions.reports import make_report
from tests.permissions.reports_archives import make_archive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def filed(demo, settings, tmp_path):
    """西连镇's report of the current report year filed (twice: a correction), 迈陈镇's still a draft."""
    settings.MEDIA_ROOT = tmp_path
    year = current_report_year(county=demo.county)
    make_archive(demo.xilian, year, revision=1, archived_at=timezone.now() - timezone.timedelta(days=3))
    latest = make_archive(demo.xilian, year, revision=2, archived_at=timezone.now() - timezone.timedelta(days=1))
    make_report(demo.maichen, year)
    return year, latest


def test_the_county_office_reads_the_table_and_downloads_a_filed_pdf(page, live_server, demo, filed):
    year, latest = filed
    log_in(page, live_server, "county_office", PASSWORD)
    page.get_by_role("link", name="年度报告报送").click()
    page.wait_for_url("**/county/reports/")
    xilian = page.locator(f'tr[data-township="西连镇"] td[data-year="{year}"]')
    expect(xilian).to_contain_text("已归档")
    expect(xilian).to_contain_text("第2版")
    expect(page.locator(f'tr[data-township="迈陈镇"] td[data-year="{year}"]')).to_contain_text("草稿")
    expect(page.locator("#missing")).to_contain_text("迈陈镇")
    expect(page.locator("#filed-count")).to_have_text("1 / 2")
    screenshot(page, "county-reports-1366")
    with page.expect_download() as download:
        xilian.locator('[data-download="pdf"]').click()
    content = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == latest.pdf_sha256
    assert download.value.suggested_filename == f"西连镇{year}年度法治政府建设情况报告（第2版）.pdf"
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#county-reports")).to_be_visible()
    screenshot(page, "county-reports-390")


def test_a_leader_publishes_and_anyone_reads_it_without_login(browser, page, live_server, demo, filed):
    year, latest = filed
    log_in(page, live_server, "xilian_leader", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    page.goto(f"{live_server.url}/t/{demo.xilian.code}/reports/{year}/archives/")
    page.locator('tr[data-revision="2"]').get_by_role("button", name="公开").click()
    expect(page.get_by_role("alert")).to_contain_text("第2版已公开")
    screenshot(page, "township-archives-published")
    for width, height in ((1366, 768), (390, 844)):
        visitor = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        public = visitor.new_page()
        public.goto(f"{live_server.url}/gongkai/{demo.county.code}/")
        expect(public.locator(f'[data-published="西连镇-{year}"]')).to_contain_text("第2版")
        expect(public.locator("#published-count")).to_have_text("1")
        screenshot(public, f"public-reports-{width}")
        visitor.close()
