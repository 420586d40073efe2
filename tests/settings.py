"""Test settings: the real settings, with a throwaway key and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from xilian.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"  # noqa: F405
# The suite's files go to that folder whatever a .env says; tests/test_storage_s3.py points a test at a bucket.
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}  # noqa: F405
STATIC_ROOT = None  # tests serve static files from the finders; nothing is collected
# The test client and the live server speak plain http: the HTTPS that production gets by default
# (tests/test_settings.py checks it) is off here.
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
