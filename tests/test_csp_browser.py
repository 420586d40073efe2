"""Every page of the portal in headless Chromium with the Content Security Policy on, and nothing refused: each
registered HTML page as each role that may see it, the pages without login, the Django admin, and the scripts that
act on a page (the report editor's figure picker and live preview, the phone menu, the upload progress bar, the
dispute state form, a void confirmation). `csp_violations` (tests/browser.py) fails a test on any violation."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.browser import log_in, screenshot, watch_csp_violations
from tests.conftest import PASSWORD
from tests.permissions import all_pages
from tests.permissions.disputes import make_dispute
from tests.permissions.publicity import make_attachment, make_event
from tests.permissions.reports_archives import make_archive
from tests.test_permissions import USER_OF_ROLE
from tests.test_reports_public import at
from xilian.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parent / "samples"


def test_the_watcher_reports_an_inline_style_and_script(page, live_server, demo):
    """The check can fail: markup the policy refuses, put into a served page, is reported."""
    violations = watch_csp_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    refused = page.evaluate("""() => new Promise((resolve) => {
      const directives = [];
      document.addEventListener("securitypolicyviolation", (event) => {
        directives.push(event.effectiveDirective);
        if (directives.length === 2) resolve(directives.sort());
      });
      document.body.insertAdjacentHTML("beforeend", '<p style="color: red">injected</p>');
      const script = document.createElement("script");
      script.textContent = "window.injected = true";
      document.body.append(script);
    })""")
    assert refused == ["script-src-elem", "style-src-attr"]
    assert page.evaluate("window.injected") is None
    assert any("style-src-attr" in v for v in violations) and any("script-src-elem" in v for v in violations)


@pytest.fixture
def signed_in(browser, live_server):
    """{role: (page, its CSP violations)}: a browser of each role that reads township pages, signed in."""
    contexts, signed_in = [], {}
    for role in (Role.STAFF, Role.LEADER, Role.COUNTY, Role.AUDITOR):
        contexts.append(browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN"))
        page = contexts[-1].new_page()
        signed_in[role] = (page, watch_csp_violations(page))
        log_in(page, live_server, USER_OF_ROLE[role], PASSWORD)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    yield signed_in
    for context in contexts:
        context.close()


def _built_kwargs(page, demo, built):
    """The page's URL kwargs, made once for pages that make the same records (the register's builders each make
    their records, and a second event or section like the first would be refused); None when the records cannot
    be made any more (a report step the report has moved past)."""
    closure = tuple(cell.cell_contents for cell in page.kwargs.__closure__ or ())
    key = (page.kwargs.__code__, closure)
    if key not in built:
        try:
            with transaction.atomic():
                built[key] = page.kwargs(demo)
        except Exception:  # noqa: BLE001 - a record the register's builder cannot make twice
            built[key] = None
    return built[key]


def test_every_page_as_every_role_raises_no_violation(page, live_server, demo, client, signed_in, csp_violations):
    built, visited, not_shown = {}, [], []
    for registered in all_pages():
        if registered.method != "get":
            continue
        kwargs = _built_kwargs(registered, demo, built)
        if kwargs is None:
            not_shown.append(f"{registered.name}: records not made")
            continue
        url = reverse(registered.name, kwargs=kwargs)
        for role in sorted(registered.allowed & set(signed_in)):
            client.force_login(demo.users[USER_OF_ROLE[role]])
            answer = client.get(url)
            if answer.status_code != 200 or not answer["Content-Type"].startswith("text/html"):
                not_shown.append(f"{role} {url} {answer.status_code}")
                continue
            role_page, violations = signed_in[role]
            assert role_page.goto(live_server.url + url).status == 200, url
            assert violations == [], f"{role} {url}"
            visited.append(registered.name)
    print(f"{len(visited)} visits of {len(set(visited))} pages; not HTML or not shown: {not_shown}")
    assert len(set(visited)) >= 47

    event = make_event(demo.xilian, name="带照片的活动")  # its photo shown from an answer with its own policy
    make_attachment(event)
    staff_page, violations = signed_in[Role.STAFF]
    staff_page.goto(f"{live_server.url}/t/{demo.xilian.code}/publicity/events/{event.pk}/")
    expect(staff_page.locator("img.attachment-thumb")).to_have_js_property("naturalWidth", 8)
    assert violations == []

    make_archive(demo.maichen, 2021, published_at=at("2022-03-02 10:00"))
    for url in ("/accounts/login/", "/gongkai/440825/", "/gongkai/440825/2021/"):
        assert page.goto(live_server.url + url).status == 200
    expect(page.locator("[data-published]")).to_have_count(1)
    assert csp_violations == []


def test_the_django_admin_raises_no_violation(page, live_server, demo, csp_violations):
    log_in(page, live_server, "admin", PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/admin/xilian/user/")
    page.locator("#searchbar").fill("xilian")
    page.locator("#changelist-search").get_by_role("button").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(page.locator("#main")).to_have_class(re.compile(r"\bshifted\b"))  # nav_sidebar.js: the sidebar folds
    page.locator("#toggle-nav-sidebar").click()
    expect(page.locator("#main")).not_to_have_class(re.compile(r"\bshifted\b"))
    page.goto(f"{live_server.url}/admin/xilian/user/{demo.users['maichen_staff'].pk}/change/")
    expect(page.locator("#id_username")).to_have_value("maichen_staff")
    page.goto(f"{live_server.url}/admin/xilian/township/{demo.xilian.pk}/change/")
    rows = page.locator(".inline-related .form-row.dynamic-villages")  # inlines.js adds a row on a click
    count = rows.count()
    page.locator(".add-row a").click()
    expect(rows).to_have_count(count + 1)
    screenshot(page, "csp-admin-inline")
    assert csp_violations == []


def test_the_pages_scripts_act_under_the_policy(page, live_server, demo, csp_violations):
    from reports.demo import load as load_reports

    with scopes_disabled():
        load_reports(demo.county)
    make_dispute(demo.xilian, received_on=date(2021, 3, 2))
    event = make_event(demo.xilian, name="宪法宣传")
    log_in(page, live_server, "xilian_staff", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    base = f"{live_server.url}/t/{demo.xilian.code}"

    page.goto(f"{base}/reports/2021/edit/")  # the figure picker puts a reference in; the preview follows typing
    page.locator("#part-1").get_by_role("link", name="添加小节").click()
    form = page.locator("#part-1 .report-section-form")
    body = form.get_by_label("正文")
    body.fill("全年受理各类纠纷")
    body.press("End")
    form.locator(".figure-insert", has_text="纠纷受理数").click()
    expect(body).to_have_value("全年受理各类纠纷{{disputes_received}}")
    body.press("End")
    body.press_sequentially("，化解率稳步提高。")
    expect(page.locator("#preview .report-unsaved .report-figure")).to_have_text("1宗")

    page.goto(f"{base}/ledgers/tickets/import/")  # the upload's progress bar
    page.locator("input[type=file]").set_input_files(SAMPLES / "12345工单_西连镇_2021.xlsx")
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-counts")).to_contain_text("94")

    dispute = make_dispute(demo.xilian, received_on=date(2021, 3, 3))
    page.goto(f"{base}/disputes/cases/{dispute.pk}/state/")  # the state form shows the chosen state's fields only
    state = page.locator("#id_state")
    chosen = state.locator("option").nth(1).get_attribute("value")
    state.select_option(chosen)
    expect(page.locator(f"fieldset[data-for-state='{chosen}']")).to_be_visible()

    page.goto(f"{base}/publicity/events/{event.pk}/")  # a void confirmation, refused without a reason
    page.get_by_role("link", name="作废").click()
    page.get_by_role("button", name="确认作废").click()
    expect(page.locator("#id_reason-error")).to_have_text("请填写作废原因。")

    page.set_viewport_size({"width": 390, "height": 844})  # the phone menu
    page.get_by_role("button", name="菜单").click()
    page.locator("#sidebar.show").wait_for(state="visible")
    expect(page.locator("#sidebar").get_by_role("link", name="矛盾纠纷")).to_be_visible()
    screenshot(page, "csp-phone-menu")
    assert csp_violations == []


def test_a_charts_tooltip_raises_no_violation(page, live_server, demo):
    violations = watch_csp_violations(page)  # not the fixture: its check at teardown would not be an expected failure
    for day in (1, 2, 3):
        make_dispute(demo.xilian, received_on=date.today().replace(day=day))
    log_in(page, live_server, "xilian_leader", PASSWORD)
    page.wait_for_url(f"**/t/{demo.xilian.code}/")
    chart = page.locator("#chart-disputes-by-month [data-chart-ready]")
    expect(chart.locator("svg").first).to_be_visible()
    drawn = chart.evaluate("element => element.querySelectorAll('*').length")
    chart.hover()  # the tooltip, HTML or drawn, and the axis pointer's shadow add elements
    page.wait_for_function("([element, drawn]) => element.querySelectorAll('*').length > drawn",
                           arg=[chart.element_handle(), drawn])
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve))")  # the violation events queued, handled
    assert violations == []
