"""Behind nginx the client's address is in X-Forwarded-For; it is believed only from TRUSTED_PROXIES, and only its
nearest untrusted entry (the others are whatever the client sent). The audit log and the login lock-out use it."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD
from xilian.audit import client_ip
from xilian.models import AuditLog

NGINX = "127.0.0.1"


def _ip(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@override_settings(TRUSTED_PROXIES=[NGINX, "10.8.0.0/16"])
@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    (NGINX, "203.0.113.9", "203.0.113.9"),  # nginx says who connected to it
    (NGINX, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client wrote 6.6.6.6 itself: not believed
    (NGINX, "203.0.113.9, 10.8.1.1", "203.0.113.9"),  # two proxies: the second one's entry is skipped
    ("198.51.100.7", "6.6.6.6", "198.51.100.7"),  # not through a trusted proxy: the header is the client's word
    (NGINX, None, NGINX),
    (NGINX, "unknown", NGINX),
])
def test_the_client_address_is_taken_from_the_trusted_proxy_only(remote, forwarded, expected):
    assert _ip(remote, forwarded) == expected


def test_with_no_trusted_proxy_the_header_is_ignored():
    assert _ip(NGINX, "203.0.113.9") == NGINX


def _login(client, password, forwarded):
    return client.post(reverse("login"), {"username": "xilian_staff", "password": password},
                       REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[NGINX])
def test_behind_nginx_the_lock_out_and_the_audit_log_see_the_clerks_own_address(client, demo):
    for _ in range(5):
        _login(client, "Wrong@Pass1", "203.0.113.9")
    assert _login(client, PASSWORD, "203.0.113.9").status_code == 429  # locked on the clerk's address
    assert _login(client, PASSWORD, "203.0.113.10").status_code == 302  # not every user behind the same nginx
    logged_in = AuditLog.objects.filter(action=AuditLog.Action.LOGIN).values_list("ip_address", flat=True)
    assert list(logged_in) == ["203.0.113.10"]
