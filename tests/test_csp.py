"""The Content Security Policy on every answer: each registered page as each role allowed to see it, the login and
public pages without login, and the Django admin; the attachments keep their own sandbox. And no template writes
inline script or style, which the policy would refuse (tests/test_csp_browser.py watches the pages in Chromium)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.permissions import all_pages
from tests.permissions.reports_archives import make_archive
from tests.test_permissions import USER_OF_ROLE
from tests.test_reports_public import at, public_pdf_url
from xilian.roles import Role

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# An attachment is served with a policy of its own (publicity/views.py), which must survive the middleware.
OWN_POLICY = {"publicity:attachment_file": "sandbox"}


def directives(response):
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


@pytest.mark.parametrize(("page", "role"), [
    pytest.param(page, role, id=f"{page}-{role}") for page in all_pages() for role in sorted(page.allowed)
])
def test_every_page_carries_the_policy_for_every_role_that_sees_it(client, demo, page, role):
    client.force_login(demo.users[USER_OF_ROLE[role]])
    response = getattr(client, page.method)(reverse(page.name, kwargs=page.kwargs(demo)), page.data)
    assert response.status_code == page.ok_status
    if page.name in OWN_POLICY:
        assert response["Content-Security-Policy"] == OWN_POLICY[page.name]
    else:
        assert directives(response) == POLICY


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/gongkai/440825/", "/gongkai/440825/2021/"])
def test_the_pages_without_login_carry_the_policy(client, demo, url):
    make_archive(demo.xilian, 2021, published_at=at("2022-03-02 10:00"))
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert directives(response) == POLICY


def test_a_published_pdf_shown_in_the_browser_carries_the_policy(client, demo):
    """Chrome's viewer draws a PDF opened in the tab under object-src 'none' (checked by hand with Chromium 156)."""
    archive = make_archive(demo.xilian, 2021, published_at=at("2022-03-02 10:00"))
    response = client.get(public_pdf_url(archive))
    assert response["Content-Disposition"].startswith("inline")
    assert directives(response) == POLICY


def test_the_django_admin_carries_the_policy(client, demo):
    client.force_login(demo.users[USER_OF_ROLE[Role.ADMIN]])
    user = demo.users["maichen_staff"]
    for url in ("/admin/", "/admin/xilian/user/", f"/admin/xilian/user/{user.pk}/change/",
                f"/admin/xilian/township/{demo.xilian.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == POLICY, url


def test_an_error_page_carries_the_policy_with_debug_off(client, demo, settings):
    settings.DEBUG = False  # with DEBUG on, django-csp leaves Django's technical 404 and 500 pages alone
    client.force_login(demo.users["maichen_staff"])
    response = client.get(f"/t/{demo.xilian.code}/")
    assert response.status_code == 404
    assert directives(response) == POLICY


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_writes_inline_script_or_style():
    found = []
    for template_dir in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(template_dir).rglob("*.html")):
            text = path.read_text()
            found += [f"{path.name}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []
