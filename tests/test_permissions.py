"""One harness over every URL of the portal (pretix-style): logged out → login; another township → 404;
a role without the right → 403; an allowed role → 200. Pages are registered in tests/permissions/."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions import all_pages
from xilian.roles import Role

PAGES = all_pages()

# One user per role; all of them can see 西连镇 when their role reads township records at all.
USER_OF_ROLE = {
    Role.STAFF: "xilian_staff",
    Role.LEADER: "xilian_leader",
    Role.COUNTY: "county_office",
    Role.AUDITOR: "auditor",
    Role.ADMIN: "admin",
}
# Login, logout and the landing redirect are covered by tests/test_login.py; the Django admin by test_admin.py;
# the public reports page (no login at all) by tests/test_reports_public.py.
NOT_IN_HARNESS = {"login", "logout", "home", "gongkai:county", "gongkai:year", "gongkai:pdf"}


def _request(client, demo, page):
    url = reverse(page.name, kwargs=page.kwargs(demo))
    return getattr(client, page.method)(url, page.data)


def _cases(kind):
    return list(_generate_cases(kind))


def _generate_cases(kind):
    for page in PAGES:
        if kind == "allowed":
            yield from (pytest.param(page, role, id=f"{page}-{role}") for role in sorted(page.allowed))
        elif kind == "forbidden":
            yield from (pytest.param(page, role, id=f"{page}-{role}") for role in sorted(set(Role) - page.allowed))
        elif kind == "scoped" and page.scoped or kind == "all":
            yield pytest.param(page, id=str(page))


@pytest.mark.parametrize("page", _cases("all"))
def test_it_sends_anonymous_users_to_login(client, demo, page):
    response = _request(client, demo, page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", _cases("scoped"))
def test_it_hides_another_townships_pages(client, demo, page):
    client.force_login(demo.users["maichen_staff"])
    assert _request(client, demo, page).status_code == 404


@pytest.mark.parametrize(("page", "role"), _cases("forbidden"))
def test_it_refuses_a_role_without_the_right(client, demo, page, role):
    client.force_login(demo.users[USER_OF_ROLE[role]])
    assert _request(client, demo, page).status_code == 403


@pytest.mark.parametrize(("page", "role"), _cases("allowed"))
def test_it_serves_an_allowed_role(client, demo, page, role):
    client.force_login(demo.users[USER_OF_ROLE[role]])
    assert _request(client, demo, page).status_code == page.ok_status


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_is_registered():
    registered = {page.name for page in PAGES}
    unregistered = set(_url_names(get_resolver().url_patterns)) - registered - NOT_IN_HARNESS
    assert not unregistered, f"register these URLs in tests/permissions/: {sorted(unregistered)}"
