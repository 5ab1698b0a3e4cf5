"""Session lifetime and caching rules the stock middleware does not give."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from hipalign.services.access import role_of
from hipalign.services.mfa import mfa_confirmed

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


MFA_SESSION_KEY = "hipalign_mfa"  # set by the TOTP step (views_security); tests set it too
# Pages a signed-in clinician or admin reaches before the TOTP step: the step itself, leaving,
# and what every page loads (static files, the service worker) or a monitor polls.
MFA_EXEMPT = frozenset(
    {
        "/account/security/setup",
        "/account/security/verify",
        "/logout",
        "/healthz",
        "/sw.js",
        "/manifest.webmanifest",
    }
)


class MfaRequiredMiddleware:
    """Clinicians and admins pass the TOTP step before any page or API call (RELIABILITY.md 1
    V6, B4): with the password alone they see no health data. The role is read on each request
    (services.access.role_of), so a person made clinician is asked at their next request; a
    person is never asked. The role is kept on the request for the `hipalign_role` context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        role = role_of(user)
        request.hipalign_role = role  # type: ignore[attr-defined]
        if role not in ("clinician", "admin") or request.session.get(MFA_SESSION_KEY):
            return self.get_response(request)
        path = request.path
        if path in MFA_EXEMPT or path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if path.startswith("/api/"):
            if request.headers.get("Authorization", "").startswith("Bearer "):
                # Token auth decides on the token alone; a password-only session riding along
                # must not count as a signed-in user.
                request.user = AnonymousUser()
                return self.get_response(request)
            return JsonResponse(
                {"error": "two-step sign-in needed: enter a code at /account/security/verify"},
                status=401,
            )
        step = "mfa_verify" if mfa_confirmed(user.pk) else "mfa_setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
