"""A failure shows a Chinese 500 page with the request's id and nothing of the failure; the log line, one JSON
object, carries the same id."""

import io
import json
import logging
import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from xilian.urls import handler500  # noqa: F401 (handler500: the real one is used)
from xilian.urls import urlpatterns as portal_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_server_errors")]


def broken_view(request):
    raise RuntimeError("secret-detail-of-the-failure")


def logging_view(request):
    logging.getLogger("xilian.test").warning("记录一条")
    return HttpResponse("好")


urlpatterns = [*portal_urls, path("broken/", broken_view), path("logs/", logging_view)]


@pytest.fixture
def log_lines():
    """What the root logger's stdout handler writes, one entry a line."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "stdout")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    handler.setStream(previous)


@pytest.fixture
def client_for_errors(demo):
    client = Client(raise_request_exception=False)
    client.force_login(demo.users["xilian_staff"])
    return client


def test_a_failure_shows_the_request_id_and_no_traceback(client_for_errors, log_lines, staff):
    response = client_for_errors.get("/broken/")
    page = response.content.decode()
    request_id = response["X-Request-ID"]
    assert response.status_code == 500 and "系统出错了" in page
    assert f"错误编号：<code class=\"user-select-all\">{request_id}</code>" in page
    assert "Traceback" not in page and "secret-detail-of-the-failure" not in page and "RuntimeError" not in page

    [entry] = [e for e in log_lines() if e["logger"] == "django.request"]
    assert entry["request_id"] == request_id and re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert (entry["level"], entry["path"], entry["user_id"], entry["status"]) == ("ERROR", "/broken/", staff.pk, 500)
    assert "secret-detail-of-the-failure" in entry["exception"]
    assert entry["message"] == "Internal Server Error: /broken/" and entry["time"].endswith("+00:00")


def test_a_request_id_from_the_proxy_is_kept_and_a_forged_one_replaced(client_for_errors, log_lines):
    kept = client_for_errors.get("/broken/", headers={"X-Request-ID": "nginx-7f3a.42"})
    forged = client_for_errors.get("/broken/", headers={"X-Request-ID": 'x"} {"level": "INFO'})
    assert kept["X-Request-ID"] == "nginx-7f3a.42" and "nginx-7f3a.42" in kept.content.decode()
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])
    assert [e["request_id"] for e in log_lines()] == ["nginx-7f3a.42", forged["X-Request-ID"]]


def test_a_log_call_while_a_request_runs_carries_its_id_path_and_user(client_for_errors, log_lines, staff):
    response = client_for_errors.get("/logs/")
    [entry] = log_lines()
    assert response.content.decode() == "好"
    assert {key: entry[key] for key in ("level", "logger", "message", "request_id", "path", "user_id")} == {
        "level": "WARNING", "logger": "xilian.test", "message": "记录一条", "request_id": response["X-Request-ID"],
        "path": "/logs/", "user_id": staff.pk,
    }


def test_a_log_call_outside_a_request_has_no_id(log_lines):
    logging.getLogger("xilian.test").warning("命令中的记录")
    [entry] = log_lines()
    assert (entry["message"], entry["request_id"], entry["path"]) == ("命令中的记录", None, None)
