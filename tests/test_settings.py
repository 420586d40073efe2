"""Start-up with a missing or malformed environment variable stops with a message naming it; with DEBUG off,
HTTPS and the security headers are on unless the environment names one to turn off."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "x9Q!" * 16,
    "ALLOWED_HOSTS": "fazhi.example.gov.cn",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def _manage(*args, **env):
    inherited_by_tests = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items()
             if k not in PRODUCTION_LIKE and k not in inherited_by_tests and k != "BEHIND_HTTPS_PROXY"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_a_missing_secret_key_names_the_variable():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"), [("DEBUG", "maybe"), ("SECURE_HSTS_SECONDS", "a year"), ("DATABASE_URL", "nonsense")]
)
def test_a_malformed_variable_names_itself(name, value):
    result = _manage("check", **{**PRODUCTION_LIKE, name: value})
    assert result.returncode != 0 and name in result.stderr, result.stderr[-500:]


def test_the_deploy_check_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_LIKE)
    assert result.returncode == 0, result.stdout + result.stderr


MINIMAL = {"DEBUG": "false", "SECRET_KEY": "k3y-" + "x9Q!" * 12 + "zz", "ALLOWED_HOSTS": "fazhi.example.gov.cn"}
HTTPS_SETTINGS = ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
                  "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER"]


def _https_settings(**env):
    code = ("import json; from django.conf import settings; "
            f"print(json.dumps({{name: getattr(settings, name) for name in {HTTPS_SETTINGS}}}))")
    result = _manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr[-500:]
    return json.loads(result.stdout.splitlines()[-1])


def test_the_deploy_check_passes_with_debug_off_a_key_and_hosts_alone():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **MINIMAL)
    assert result.returncode == 0, result.stdout + result.stderr


def test_with_debug_off_https_is_on_by_default():
    assert _https_settings(**MINIMAL) == {
        "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_a_part_is_off_only_when_the_environment_names_it():
    values = _https_settings(**MINIMAL, SESSION_COOKIE_SECURE="false", SECURE_HSTS_SECONDS="0")
    assert (values["SESSION_COOKIE_SECURE"], values["SECURE_HSTS_SECONDS"]) == (False, 0)
    assert values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]


def test_behind_a_tls_proxy_the_proxy_redirects_and_its_header_is_trusted():
    values = _https_settings(**MINIMAL, BEHIND_HTTPS_PROXY="true")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] and values["SECURE_HSTS_SECONDS"] == 31536000
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **MINIMAL, BEHIND_HTTPS_PROXY="true")
    assert result.returncode == 0, result.stdout + result.stderr


def test_on_a_developers_machine_https_is_off():
    values = _https_settings(DEBUG="true")
    assert not any(values[name] for name in HTTPS_SETTINGS)


@pytest.mark.django_db
def test_every_answer_carries_the_security_headers(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Request-ID"]
