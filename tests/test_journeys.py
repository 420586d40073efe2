"""The four journeys of issue 12, in order, in headless Chromium against one live server with the full demo:
1. 西连镇 staff import the 12345 sample after fixing a refused file, record a 普法活动 with a photo, void a dispute
   and submit the 2021 report;
2. the leader follows an overdue ticket from the 工作台 and approves the report, which staff then archive;
3. the county office compares the townships and downloads the archived PDF: the bytes the archive recorded;
4. 迈陈镇 staff open every 西连镇 address of journey 1 and get 404 each time.
They share one database (a live server's test flushes it afterwards), so they are one test. Every page visited is
screenshotted to test-artifacts/journeys/ (numbered) and checked by axe-core: no serious or critical violation."""

import hashlib
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from disputes.models import Dispute, Ticket
from reports.models import ReportArchive
from tests.browser import ARTIFACTS, log_in, watch_csp_violations
from tests.conftest import PASSWORD
from tests.permissions.publicity import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parent / "samples"
TICKETS_SAMPLE = SAMPLES / "12345工单_西连镇_2021.xlsx"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ARTIFACTS / "journeys"
BLOCKING_IMPACTS = {"serious", "critical"}
# axe-core is injected through the DevTools protocol (page.evaluate), not a <script> element: the Content Security
# Policy allows no inline script, and the portal must not serve axe. Returns the serious and critical violations.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
}"""


class Journeys:
    """What the journeys share: the step counter for the screenshots, and 西连镇's addresses journey 1 visited."""

    def __init__(self, live_server, browser):
        self.live_server, self.browser = live_server, browser
        self.step = 0
        self.xilian_urls = []
        self.inaccessible = []
        self.csp_violations = {}

    def new_page(self):
        page = self.browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
        self.csp_violations[page] = watch_csp_violations(page)
        return page

    def url(self, path):
        return f"{self.live_server.url}{path}"

    def check(self, page, name, *, xilian=False):
        """The page as it stands: screenshotted, checked by axe-core, and for journey 4 remembered. Every step of
        every journey comes through here, and no page may have broken the Content Security Policy."""
        page.wait_for_load_state("load")
        if xilian:
            self.remember(page.url)
        self.step += 1
        page.screenshot(path=SHOTS / f"{self.step:02d}-{name}.png", full_page=True)
        assert not self.csp_violations[page], f"{name}: Content Security Policy violations:\n" + "\n".join(
            self.csp_violations[page])
        self.inaccessible += axe_violations(page, f"{self.step:02d}-{name}")

    def visit(self, page, path, name, *, xilian=False):
        response = page.goto(self.url(path))
        assert response.ok, f"{path}: HTTP {response.status}"
        self.check(page, name, xilian=xilian)

    def remember(self, url):
        path = url.removeprefix(self.live_server.url)
        if path not in self.xilian_urls:
            self.xilian_urls.append(path)


def axe_violations(page, name):
    """axe-core's serious and critical violations on the page, one line each."""
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (package.json pins axe-core)"
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return [f"{name} {page.url.split('/', 3)[-1]}: [{v['impact']}] {v['id']} ({v['help']}) — {', '.join(v['targets'])}"
            for v in page.evaluate(AXE_RUN)]


def refused_tickets_file(folder):
    """The 12345 sample with one bad cell: row 7's 联系电话 one digit short."""
    workbook = openpyxl.load_workbook(TICKETS_SAMPLE)
    sheet = workbook.active
    phone_column = [cell.value for cell in sheet[2]].index("联系电话") + 1
    sheet.cell(row=7, column=phone_column).value = "1390712613"
    path = folder / "12345工单_西连镇_2021_有误.xlsx"
    workbook.save(path)
    return path


@pytest.fixture
def journeys(live_server, browser, settings, monkeypatch, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115  (DEBUG stays off: real 404s)
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return Journeys(live_server, browser)


def test_four_journeys_staff_leader_county_and_another_township(journeys, tmp_path):
    staff = staff_import_record_void_and_submit(journeys, tmp_path)
    leader_follows_an_overdue_ticket_and_approves(journeys, staff)
    county_compares_and_downloads_the_archived_pdf(journeys)
    another_township_gets_404_for_every_xilian_address(journeys)
    assert not journeys.inaccessible, "axe-core:\n" + "\n".join(journeys.inaccessible)


def staff_import_record_void_and_submit(j, tmp_path):
    page = j.new_page()
    j.visit(page, "/accounts/login/", "login")
    log_in(page, j.live_server, "xilian_staff", PASSWORD)
    page.wait_for_url("**/t/440825106/")
    j.check(page, "staff-home", xilian=True)

    page.locator("#sidebar").get_by_role("link", name="12345工单").click()
    page.wait_for_url("**/disputes/tickets/")
    j.check(page, "staff-tickets", xilian=True)
    page.locator("a[href$='/tickets/import/']").click()
    page.wait_for_url("**/tickets/import/")
    j.check(page, "staff-import-upload", xilian=True)

    page.locator("input[type=file]").set_input_files(refused_tickets_file(tmp_path))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#import-errors")).to_contain_text("第7行「联系电话」")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    j.check(page, "staff-import-refused", xilian=True)

    page.get_by_role("link", name="重新上传").click()
    page.locator("input[type=file]").set_input_files(TICKETS_SAMPLE)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-counts")).to_contain_text("94")
    j.check(page, "staff-import-preview", xilian=True)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成：新增94条")
    page.locator("#imported-records").wait_for()
    j.check(page, "staff-import-done", xilian=True)
    with scopes_disabled():
        assert Ticket.objects.filter(township__name="西连镇", ticket_number="XW202101270001").exists()
    page.locator("#imported-records a").first.click()
    page.wait_for_url(re.compile(r"/disputes/tickets/\d+/$"))
    j.check(page, "staff-imported-ticket", xilian=True)

    record_an_event_with_a_photo(j, page)
    void_a_dispute(j, page)
    j.visit(page, "/t/440825106/reports/2021/", "staff-report-draft", xilian=True)
    confirm_step(page, "submit", "提交")
    expect(page.locator("h1.h4 .report-state")).to_have_text("已提交")
    j.check(page, "staff-report-submitted")
    return page


def record_an_event_with_a_photo(j, page):
    page.locator("#sidebar").get_by_role("link", name="普法活动").click()
    page.wait_for_url("**/publicity/events/")
    j.check(page, "staff-events", xilian=True)
    page.get_by_role("link", name="登记活动").click()
    page.wait_for_url("**/publicity/events/new/")
    j.check(page, "staff-event-form", xilian=True)
    page.get_by_label("活动日期").fill("2021-12-04")
    page.get_by_label("活动名称").fill("国家宪法日宪法宣传（旅程）")
    page.get_by_label("主题").fill("12·4国家宪法日")
    page.get_by_label("宣传节点").select_option(label="12·4国家宪法日（宪法宣传周）")
    page.get_by_label("街头宣传").check()
    page.locator("#id_place").fill("镇政府广场")
    page.get_by_label("所属村（社区）").select_option(label="西连社区")
    page.get_by_label("参与人数").fill("380")
    page.get_by_label("发放资料（份）").fill("1500")
    page.get_by_label("照片和附件").set_input_files(
        files=[{"name": "宪法宣誓.png", "mimeType": "image/png", "buffer": png_bytes(size=(640, 480))}]
    )
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/publicity/events/\d+/$"))
    thumbnail = page.locator("img.attachment-thumb")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => img.naturalWidth") == 640
    j.check(page, "staff-event-detail", xilian=True)
    j.remember(page.locator("a:has(img.attachment-thumb)").first.evaluate("a => a.href"))


def void_a_dispute(j, page):
    page.locator("#sidebar").get_by_role("link", name="矛盾纠纷").click()
    page.wait_for_url("**/disputes/cases/**")
    j.check(page, "staff-disputes", xilian=True)
    first = page.evaluate("() => [...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))"
                          ".find(href => /\\/disputes\\/cases\\/\\d+\\/$/.test(href))")
    page.locator(f'main a[href="{first}"]:visible').first.click()
    page.wait_for_url(re.compile(r"/disputes/cases/\d+/$"))
    j.check(page, "staff-dispute", xilian=True)
    dispute_pk = int(re.search(r"/cases/(\d+)/$", page.url).group(1))
    page.get_by_role("link", name="作废").click()
    page.wait_for_url("**/void/")
    j.check(page, "staff-dispute-void", xilian=True)
    page.get_by_label("作废原因").fill("与同日登记的纠纷重复")
    page.get_by_role("button", name="确认作废").click()
    page.wait_for_url("**/disputes/cases/**")
    j.check(page, "staff-dispute-voided")
    with scopes_disabled():
        assert Dispute.objects.get(pk=dispute_pk).void_reason == "与同日登记的纠纷重复"


def confirm_step(page, action, title):
    page.locator(f"#step-{action}").click()
    page.get_by_role("button", name=f"确认{title}").click()
    expect(page.locator(".alert-success")).to_contain_text(f"报告已{title}")


def leader_follows_an_overdue_ticket_and_approves(j, staff):
    leader = j.new_page()
    log_in(leader, j.live_server, "xilian_leader", PASSWORD)
    leader.wait_for_url("**/t/440825106/")
    j.check(leader, "leader-home")
    leader.locator("#overdue-card").click()
    leader.wait_for_url("**/tickets/overdue/")
    j.check(leader, "leader-overdue")
    overdue = leader.locator("#overdue a[href*='/disputes/tickets/']").first
    number = overdue.inner_text()
    overdue.click()
    leader.wait_for_url(re.compile(r"/disputes/tickets/\d+/$"))
    expect(leader.locator("h1")).to_contain_text(number)
    j.check(leader, "leader-overdue-ticket")

    j.visit(leader, "/t/440825106/reports/2021/", "leader-report-submitted")
    confirm_step(leader, "approve", "审定")
    expect(leader.locator("h1.h4 .report-state")).to_have_text("已审定")
    j.check(leader, "leader-report-approved")
    leader.context.close()

    staff.reload()
    confirm_step(staff, "archive", "归档")
    expect(staff.locator("h1.h4 .report-state")).to_have_text("已归档")
    j.check(staff, "staff-report-archived")
    for pdf in ("#download-pdf", "#archives a[href$='/archives/1.pdf']"):  # 迈陈镇 must not get these either
        j.remember(staff.locator(pdf).get_attribute("href"))
    staff.context.close()


def county_compares_and_downloads_the_archived_pdf(j):
    page = j.new_page()
    log_in(page, j.live_server, "county_office", PASSWORD)
    page.wait_for_url("**/county/")
    j.check(page, "county-overview")
    pick_year(page, "2021")
    for township in ("西连镇", "迈陈镇"):
        expect(page.locator(f'#county-table tr[data-township="{township}"]')).to_be_visible()
    j.check(page, "county-overview-2021")
    page.get_by_role("link", name="年度报告报送").click()
    page.wait_for_url("**/county/reports/")
    j.check(page, "county-reports")
    pick_year(page, "2021")
    cell = page.locator('tr[data-township="西连镇"] td[data-year="2021"]')
    expect(cell).to_contain_text("已归档")
    j.check(page, "county-reports-2021")
    with page.expect_download() as download:
        cell.locator('[data-download="pdf"]').click()
    content = Path(download.value.path()).read_bytes()
    with scopes_disabled():
        archive = ReportArchive.objects.get(revision=1, report__township__name="西连镇", report__year=2021)
    assert content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == archive.pdf_sha256
    page.context.close()


def pick_year(page, year):
    page.locator("#year-select").select_option(year)
    page.locator("#year-picker").get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"[?&]year={year}$"))


def another_township_gets_404_for_every_xilian_address(j):
    page = j.new_page()
    log_in(page, j.live_server, "maichen_staff", PASSWORD)
    page.wait_for_url("**/t/440825105/")
    assert len(j.xilian_urls) >= 12, j.xilian_urls
    for path in j.xilian_urls:
        response = page.goto(j.url(path))
        assert response.status == 404, f"迈陈镇 staff got HTTP {response.status} for {path}"
        expect(page.locator("h1")).to_have_text("页面不存在（404）")
        assert "西连镇" not in page.content(), path
        j.check(page, "maichen-404")
    page.context.close()
