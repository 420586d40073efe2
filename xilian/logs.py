"""Logs as one JSON object a line on stdout, each carrying the id of the request it belongs to.

RequestIdMiddleware gives every request an id (the proxy's X-Request-ID when it sends a sane one, else a new
uuid4), returns it in the response's X-Request-ID header and keeps the request in a context variable, from which
RequestContextFilter adds the id, path and user to every log record made while the request runs. The 500 page
shows the same id, so that a user's report leads to the log line."""

import contextvars
import json
import logging
import re
import traceback
import uuid
from datetime import UTC, datetime

from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# An id from outside goes into every log line: only a plain token, never text that could forge a line.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current_request = contextvars.ContextVar("current_request", default=None)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request.id = offered if SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response[REQUEST_ID_HEADER] = request.id
        return response


def _user_id(request):
    """The signed-in user's id, only if authentication has already looked the user up: reading request.user from
    a log call must never run a query (or log from inside the login machinery)."""
    user = getattr(request, "user", None)
    user = getattr(user, "_wrapped", user)  # a SimpleLazyObject not evaluated yet holds `empty`
    if user is None or user is empty or not user.is_authenticated:
        return None
    return user.pk


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        request = getattr(record, "request", None) or _current_request.get()
        record.request_id = getattr(request, "id", None)
        record.path = getattr(request, "path", None)
        record.user_id = _user_id(request) if request is not None else None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "path": getattr(record, "path", None),
            "user_id": getattr(record, "user_id", None),
            "status": getattr(record, "status_code", None),
        }
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
