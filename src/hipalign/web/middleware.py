"""Session lifetime and caching rules the stock middleware does not give."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

ABSOLUTE_KEY = "hipalign_login_at"
TOUCH_KEY = "hipalign_touched_at"
# The idle expiry moves forward at most once a minute: saving the session on every request
# would make each page view a database write (30-minute idle timeout, +-1 minute).
TOUCH_EVERY_S = 60


def now() -> float:
    """Seconds since the epoch; one clock for the login stamp and the limit check."""
    return time.time()


class AbsoluteSessionLimitMiddleware:
    """Logs out a session older than SESSION_ABSOLUTE_S, however active (ASVS 4.0.3 3.3.2),
    and renews the idle expiry of an active one (see TOUCH_EVERY_S)."""

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
            if t - float(request.session.get(TOUCH_KEY, 0)) >= TOUCH_EVERY_S:
                request.session[TOUCH_KEY] = t  # marks the session modified: saved, expiry renewed
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
