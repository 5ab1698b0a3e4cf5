"""Rate limits (issue 12 item 11): django-ratelimit's counters over the shared database cache.

One middleware, one table of rules, so every throttled route is listed in one place. Each rule
counts requests in fixed windows per key (a client address, a login name, an account, an API
token); the request past the limit is answered 429 with Retry-After (seconds to the end of the
window) before any view runs, so it changes nothing. Rates are in settings.RATE_LIMITS and can
be changed with HIPALIGN_RATE_LIMITS (settings.py).
"""

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from hipalign.services.identity.usernames import username_key
from hipalign.web.lockout import client_ip

Key = Callable[[HttpRequest], str | None]


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request)


def _login_name(request: HttpRequest) -> str | None:
    name = request.POST.get("username", "")
    return username_key(name[:150]) if name else None


def _email(request: HttpRequest) -> str | None:
    address = request.POST.get("email", "").strip().lower()[:254]
    return f"email:{address}" if address else None


def _account(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else None


def _api_caller(request: HttpRequest) -> str | None:
    """The bearer token (its sha256: the token itself is never a cache key), else the account,
    else the address."""
    auth = str(request.META.get("HTTP_AUTHORIZATION", ""))
    if auth[:7].lower() == "bearer ":
        return "token:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()
    return _account(request) or f"ip:{client_ip(request)}"


def _post(*paths: str) -> Callable[[HttpRequest], bool]:
    return lambda r: r.method == "POST" and r.path in paths


def _redeem(r: HttpRequest) -> bool:
    return (
        r.method == "POST"
        and r.path in ("/care", "/clinic/links")
        and r.POST.get("action") == "redeem"
    )


def _export(r: HttpRequest) -> bool:
    return r.method == "GET" and (
        r.path in ("/account/export.json", "/account/fhir.json")
        or r.path in ("/plan/handout.pdf", "/plan/calendar.ics")
        or (
            r.path.startswith("/clinic/patients/")
            and r.path.endswith(("/handout.pdf", "/calendar.ics", "/fhir.json"))
        )
    )


@dataclass(frozen=True)
class Rule:
    name: str  # the key of settings.RATE_LIMITS
    what: str | Promise  # for the person refused: what was done too often
    applies: Callable[[HttpRequest], bool]
    key: Key


RULES = [
    Rule("signup", _("new accounts from this address"), _post("/signup", "/setup"), _ip),
    Rule("login_ip", _("log-in attempts from this address"), _post("/login"), _ip),
    Rule(
        "login_account",
        _("log-in attempts for this account"),
        _post("/login"),
        _login_name,
    ),
    Rule("care_code", _("care codes entered"), _redeem, _account),
    Rule("care_code_ip", _("care codes entered from this address"), _redeem, _ip),
    Rule(
        "password_reset",
        _("password-reset link attempts from this address"),
        lambda r: r.path.startswith("/reset/"),
        _ip,
    ),
    Rule(
        "forgot_ip",
        _("password-reset emails asked from this address"),
        _post("/forgot-password"),
        _ip,
    ),
    Rule(
        "forgot_email",
        _("password-reset emails asked for this address"),
        _post("/forgot-password"),
        _email,
    ),
    Rule("email_add", _("verification emails"), _post("/account/email"), _account),
    Rule(
        "email_verify",
        _("email verification link attempts from this address"),
        lambda r: r.path.startswith("/email/verify/"),
        _ip,
    ),
    Rule("import", _("imports"), _post("/account/import"), _account),
    Rule("export", _("downloads of your data"), _export, _account),
    Rule("api", _("API requests"), lambda r: r.path.startswith("/api/"), _api_caller),
    Rule("api_ip", _("API requests from this address"), lambda r: r.path.startswith("/api/"), _ip),
]


def _limited(request: HttpRequest) -> tuple[Rule, int] | None:
    """The first rule this request exceeds and the seconds until its window ends."""
    refused: tuple[Rule, int] | None = None
    for rule in RULES:
        if not rule.applies(request):
            continue
        value = rule.key(request)
        rate = settings.RATE_LIMITS.get(rule.name)
        if value is None or not rate:
            continue
        usage = get_usage(
            request,
            group=f"hipalign.{rule.name}",
            key=lambda g, r, v=value: v,
            rate=rate,
            increment=True,
        )
        # Every matching rule counts this request, so a refused request spends its counters too.
        if usage is not None and usage["should_limit"] and refused is None:
            refused = (rule, max(1, int(usage["time_left"])))
    return refused


def _period(text: str) -> str:
    """django-ratelimit's period ("h", "10m") in words ("hour", "10 minutes")."""
    n = int(text[:-1]) if text[:-1].isdigit() else 1
    match text[-1:]:
        case "s":
            words = ngettext("second", "%(count)d seconds", n)
        case "m":
            words = ngettext("minute", "%(count)d minutes", n)
        case "h":
            words = ngettext("hour", "%(count)d hours", n)
        case "d":
            words = ngettext("day", "%(count)d days", n)
        case _:
            return text
    return words % {"count": n}


def _refusal_text(name: str, what: str, retry_after: int) -> str:
    """In the request's language (the language middleware sits above this one's)."""
    minutes = math.ceil(retry_after / 60)
    if retry_after < 120:
        wait = ngettext("%(count)d second", "%(count)d seconds", retry_after)
        wait %= {"count": retry_after}
    else:
        wait = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    limit, _, period = settings.RATE_LIMITS[name].partition("/")
    return gettext(
        "Too many %(what)s: at most %(limit)s per %(period)s. Try again in %(wait)s."
    ) % {
        "what": what,
        "limit": limit,
        "period": _period(period),
        "wait": wait,
    }


@dataclass(frozen=True)
class Refusal:
    message: str  # what was done too often, the limit, and how long to wait
    retry_after: int  # seconds


def messages_refused(request: HttpRequest, *, sender_id: int) -> Refusal | None:
    """Messages per sender (issue 18), counted here rather than in the middleware because an
    API caller is known only once its token is read (inside the view), and a sender with two
    tokens or a browser and a token is still one sender. Counts this attempt."""
    rate = settings.RATE_LIMITS.get("message")
    if not rate:
        return None
    usage = get_usage(
        request,
        group="hipalign.message",
        key=lambda g, r: f"user:{sender_id}",
        rate=rate,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    seconds = max(1, int(usage["time_left"]))
    return Refusal(_refusal_text("message", gettext("messages sent"), seconds), seconds)


def too_many(request: HttpRequest, rule: Rule, retry_after: int) -> HttpResponse:
    message = _refusal_text(rule.name, str(rule.what), retry_after)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": message, "retry_after": retry_after}, status=429)
    else:
        response = render(request, "hipalign/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """After authentication (the per-account keys need request.user), before any view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = _limited(request)
        if refused is not None:
            return too_many(request, *refused)
        return self.get_response(request)
