"""Session lifetime and caching rules the stock middleware does not give."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

ABSOLUTE_KEY = "hipalign_login_at"


def now() -> float:
    """Seconds since the epoch; one clock for the login stamp and the limit check."""
    return time.time()


class AbsoluteSessionLimitMiddleware:
    """Logs out a session older than SESSION_ABSOLUTE_S, however active (ASVS 4.0.3 3.3.2)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(ABSOLUTE_KEY)
            t = now()
            if started is None:
                request.session[ABSOLUTE_KEY] = t
            elif t - float(started) > settings.SESSION_ABSOLUTE_S:
                logout(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """Health data must not sit in shared or browser caches (RELIABILITY.md 1 V14)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL) and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
