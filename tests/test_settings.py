"""Start-up with a missing or malformed environment variable stops with a message naming it."""

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
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_LIKE and k not in inherited_by_tests}
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
