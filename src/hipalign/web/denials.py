"""Refused access into the audit trail (issue 12, item 14): who was refused what.

One place for every route: a 403 or 404 answered to a signed-in caller (session or API token) is
written as one `denied.*` row with the actor and the target (status, method and path: record
ids and public ids, never a query string, a body or health data). The guard's 404 for another
person's record, a role refused (`Forbidden`, a 404 on pages, a 403 in the API) and CSRF failures
all pass here. Recorded after the view returned, outside its transaction, so a refusal inside a
rolled-back transaction is still written.

Anonymous callers are not recorded here: they are sent to log in (pages) or get 401 (API), and
an internet scanner's 404s would fill the log; their failed logins are (web.signals)."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse

from hipalign.services.kernel.access import Forbidden, NotFound
from hipalign.services.kernel.audit import audit_record

KIND_ATTR = "_hipalign_denied"  # set by whoever turned a guard's exception into a response


def mark(request: HttpRequest, exc: BaseException) -> None:
    """Remember why a request is refused (the API's exception handlers call this)."""
    seen: BaseException | None = exc
    for _ in range(5):  # the guard's exception is at most a few links down the chain
        if seen is None:
            return
        if isinstance(seen, Forbidden):
            setattr(request, KIND_ATTR, "role")
            return
        if isinstance(seen, NotFound):
            setattr(request, KIND_ATTR, "not_found")
            return
        seen = seen.__cause__ or seen.__context__


def _actor(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return int(user.pk)
    auth = getattr(request, "auth", None)  # django-ninja's bearer token user
    return int(auth.pk) if isinstance(auth, User) else None


class DeniedAccessAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404):
            actor = _actor(request)
            if actor is not None:
                default = "forbidden" if response.status_code == 403 else "not_found"
                kind = getattr(request, KIND_ATTR, default)
                target = f"{response.status_code} {request.method} {request.path}"
                audit_record(actor, f"denied.{kind}", target[:80])
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        mark(request, exception)
        return None
