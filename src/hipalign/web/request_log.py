"""Structured request logs (issue 19): one JSON line per request on stdout.

Each line has the request id, a keyed hash of the user id (never the id, name or address), the
route *pattern* (`api/v1/plans/<uuid:plan_id>`, not the path with its ids), the method, the
status and the duration. Never a body, a query string, a header or a form field: those are
where health data travels (RELIABILITY.md V16), so the logger is given none of them."""

import hashlib
import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("hipalign.request")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")  # a proxy's id is kept if it looks like one
# Attributes every LogRecord has; anything else on a record came through `extra=`.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for k, v in vars(record).items():
            if k not in _STANDARD and not k.startswith("_"):
                out[k] = v if isinstance(v, (str, int, float, bool, type(None))) else str(v)
        if record.exc_info and record.exc_info[0] is not None:
            out["error"] = record.exc_info[0].__name__  # the type; a traceback's locals stay out
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def user_hash(user_id: object) -> str:
    """The same person gives the same 16 hex digits in every line of one install, and no one
    can go back from them to the id without the install's secret key."""
    key = hashlib.sha256(b"hipalign request log\n" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()[:16]


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        rid = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        match = getattr(request, "resolver_match", None)
        # Only a user already loaded: loading one here would query the database after the
        # answer, and a database that just failed would turn a 503 into a crash.
        user = getattr(request, "_cached_user", None)
        log.info(
            "request",
            extra={
                "request_id": rid,
                "user": user_hash(user.pk) if user is not None and user.is_authenticated else None,
                "method": request.method,
                "route": ("/" + match.route) if match is not None else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
            },
        )
        return response
