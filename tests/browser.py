"""Headless Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by Playwright (which cannot download
its own browsers here). Screenshots land in test-artifacts/ to be looked at."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    yield context.new_page()
    context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


# Reports each Content Security Policy violation of every page the context opens, from Playwright's side: an init
# script is the browser's, not the page's, so the policy under test does not block it.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation([event.effectiveDirective, event.blockedURI || "inline",
                         (event.sourceFile || location.href) + ":" + event.lineNumber, event.sample].join(" "));
});
"""


def watch_csp_violations(page):
    """The list the page's CSP violations are appended to, from the violation event and from the console (where
    Chromium reports one the event missed, e.g. during a navigation)."""
    violations = []

    def report(text):
        violations.append(text)

    def read_console(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.context.expose_function("__cspViolation", report)
    page.context.add_init_script(_CSP_LISTENER)
    page.on("console", read_console)
    return violations


@pytest.fixture
def csp_violations(page):
    """The page's CSP violations; a test may assert the list empty where it matters, and any left fail it anyway."""
    violations = watch_csp_violations(page)
    yield violations
    assert violations == [], "Content Security Policy violations:\n" + "\n".join(violations)
