"""Session lifetime, caching rules and JSON body limits the stock middleware does not give."""

import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port, validate_host
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode

from hipalign.core.access import SECOND_FACTOR_ROLES
from hipalign.core.errors import InputError, json_is_malformed, json_load
from hipalign.services.identity.mfa import mfa_confirmed
from hipalign.services.kernel.access import profiles_read_once, role_of
from hipalign.services.kernel.languages import language_for
from hipalign.services.kernel.time_zones import time_zone_of
from hipalign.web.edge import problem_body

ABSOLUTE_KEY = "hipalign_login_at"
TOUCH_KEY = "hipalign_touched_at"
# The idle expiry moves forward at most once a minute: saving the session on every request
# would make each page view a database write (30-minute idle timeout, +-1 minute).
TOUCH_EVERY_S = 60


def now() -> float:
    """Seconds since the epoch; one clock for the login stamp and the limit check."""
    return time.time()


class ProfileReadOnceMiddleware:
    """Each request reads the signed-in person's profile row (role, language, time zone) once,
    however many middlewares, views and templates ask for it (services.kernel.access): the role
    alone was read three times on Today. The scope ends with the request, so the next request
    reads again and a role changed meanwhile applies at once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with profiles_read_once():
            return self.get_response(request)


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
        "/readyz",
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
        if role not in SECOND_FACTOR_ROLES or request.session.get(MFA_SESSION_KEY):
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


# The largest JSON body an endpoint takes: an intake or a prescription is a few kB, a log under
# one; 256 kB is generous and keeps a request from making the parser do megabytes of work.
JSON_BODY_MAX_BYTES = 256 * 1024


class JsonLimitsMiddleware:
    """Refuses a JSON request body that is too large, nested too deep, or holds NaN/Infinity,
    before any parser or view reads it (issue 12, item 4): 413 or 422, naming the problem."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type == "application/json" and request.method not in ("GET", "HEAD"):
            refused = self._refused(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def _refused(request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > JSON_BODY_MAX_BYTES or len(request.body) > JSON_BODY_MAX_BYTES:
            problem = f"(body): at most {JSON_BODY_MAX_BYTES // 1024} kB of JSON"
            return JsonResponse(
                problem_body(f"request is not valid: {problem}", [problem]), status=413
            )
        text = request.body.decode("utf-8", "replace")
        try:
            json_load(text, "request")
        except InputError as exc:
            if json_is_malformed(text):
                return None  # not JSON at all: the endpoint answers that in its own words
            return JsonResponse(problem_body(exc.message, exc.problems), status=422)
        return None


# Issue 12.17: every powerful browser feature is off on every response (`feature=()`); a page
# gets one back, for this app's own origin only (`feature=(self)`), when it uses it. Names are
# those Chromium 156 knows (checked in Debian's chromium: an unknown name is only a console
# error, e.g. "bluetooth" and "web-share" there).
PERMISSIONS_DENIED = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)
PERMISSIONS_BY_PAGE = {
    # The posture page takes a photo: on a phone its file picker may open the camera.
    "/posture": frozenset({"camera"}),
    # The session player keeps the screen on during a countdown and beeps between steps; its
    # camera coach (issue 17) watches on the device when the person turns it on.
    "/today": frozenset({"screen-wake-lock", "autoplay", "camera"}),
}


def permissions_policy(path: str) -> str:
    allowed = PERMISSIONS_BY_PAGE.get(path, frozenset())
    return ", ".join(
        f"{name}=(self)" if name in allowed else f"{name}=()" for name in PERMISSIONS_DENIED
    )


class PermissionsPolicyMiddleware:
    """Sets Permissions-Policy on every response (static files and errors included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Permissions-Policy"] = permissions_policy(request.path)
        return response


class PersonTimeZoneMiddleware:
    """Counts dates and times of the request in the signed-in person's own zone: Django's
    timezone.localdate() and localtime(), which clock.today and the reminder minute use, follow
    the activated zone; without a person, the install's TIME_ZONE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(ZoneInfo(time_zone_of(user)))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # a worker thread must not carry one person's zone to the next


class PersonLanguageMiddleware:
    """The language of the request's pages, messages and emails: the signed-in user's choice
    (a clinician's own, on clinician pages too), else the browser's Accept-Language, else
    English (services/kernel/languages.py). Answers say which language they are in and that
    they vary by Accept-Language, so no cache hands one person's language to another."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = language_for(user, accept_language=request.headers.get("Accept-Language"))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()  # a worker thread must not carry one person's language
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language",))
        return response


SEEN_KEY = "hipalign_seen"  # [session key, time] of the last session_seen for this session


class BrowserSessionMiddleware:
    """Keeps the Account page's list of signed-in browsers current (services.sessions): after a
    signed-in request, at most once a minute per session, or at once when the key changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Before the view too, so a key cycled since the last request is followed before the
        # Account page reads the list; after it, for a key the view itself cycled (TOTP step).
        self._note(request)
        response = self.get_response(request)
        self._note(request)
        return response

    @staticmethod
    def _note(request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not user.is_authenticated:
            return
        key = session.session_key
        if not key:
            return
        seen_key, seen_at = (session.get(SEEN_KEY) or [None, 0.0])[:2]
        t = now()
        if seen_key == key and t - float(seen_at) < TOUCH_EVERY_S:
            return
        from hipalign.services.identity.sessions import session_seen

        session_seen(
            user_id=int(user.pk),
            session_key=key,
            user_agent=request.headers.get("User-Agent", ""),
            now=timezone.now(),
            old_key=seen_key,
        )
        session[SEEN_KEY] = [key, t]  # saved by SessionMiddleware, which runs after this


class ProbeMiddleware:
    """`/healthz` and `/readyz` answer whatever Host header they come with. In production
    ALLOWED_HOSTS names only the public host, but a probe (systemd, a container's HEALTHCHECK,
    a load balancer) calls the process by its address, and Django refuses such a Host with a 400
    before any view runs. The probes say only "ok"/"ready" or a reason code, never data, so a
    probe's Host is replaced by the first allowed host and the request then takes the usual path
    (security headers and all); every other path still meets host validation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in ("/healthz", "/readyz") and settings.ALLOWED_HOSTS:
            host = request.META.get("HTTP_HOST", "")
            if not validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS):
                request.META["HTTP_HOST"] = settings.ALLOWED_HOSTS[0].lstrip(".")
        return self.get_response(request)
