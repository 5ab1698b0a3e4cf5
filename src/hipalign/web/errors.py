"""Server errors: a database that cannot be reached answers 503, everything else 500.

Django calls `server_error` (urls.handler500) while it handles the uncaught exception, so
sys.exc_info() still holds it. Neither response shows a traceback; Django logs it
(RELIABILITY.md H7: a database outage gives 503s and the app is healthy again once the
database is back)."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.context_processors import csp
from django.template.loader import render_to_string
from django.utils.translation import gettext, gettext_noop
from django.views.defaults import server_error as django_server_error

# Seconds a client should wait before retrying; the database is usually back within this.
RETRY_AFTER_S = 10
UNAVAILABLE = gettext_noop("The database cannot be reached just now. Please try again in a moment.")


def _database_unreachable(exc: BaseException | None) -> bool:
    # OperationalError: refused or dropped connection, server shutting down, SQLite locked.
    # InterfaceError: a connection closed under us. Integrity or programming errors are bugs: 500.
    return isinstance(exc, (OperationalError, InterfaceError))


def server_error(request: HttpRequest) -> HttpResponse:
    if not _database_unreachable(sys.exc_info()[1]):
        return django_server_error(request)
    if request.path in (
        "/healthz",
        "/readyz",
    ):  # a session cookie can make middleware fail before the view
        response: HttpResponse = JsonResponse({"status": "unavailable"}, status=503)
    elif request.path.startswith("/api/"):
        response = JsonResponse({"error": UNAVAILABLE}, status=503)
    else:
        # No request context: its processors would load the user and messages from the
        # database that just failed. Without a user the page shows no navigation.
        html = render_to_string(
            "hipalign/unavailable.html", {"message": gettext(UNAVAILABLE), **csp(request)}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response
