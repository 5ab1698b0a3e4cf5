"""Failed log-ins (django-axes): lock per account and address first, per account only later.

Locking per account alone let anyone lock any account, the only admin included, with ten wrong
passwords from anywhere (issue 12 item 12). Now:
- AXES_FAILURE_LIMIT wrong passwords for one account from one client address lock that account
  for that address only; the owner signs in from another address as before.
- ACCOUNT_FAILURE_LIMIT (higher) wrong passwords for one account from all addresses together,
  within the same cool-off, lock the account everywhere: a spread-out guessing attack still stops.
- `hipalign unlock USERNAME` (services.accounts.account_unlock) lifts both, audited.

Usernames are counted in their login key (NFKC + casefold), so `Admin` and `admin` share one
counter; addresses come from `client_ip` (the trusted proxy's X-Forwarded-For, when configured).
"""

import math
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hipalign.services.identity.usernames import username_key


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind HIPALIGN_TRUSTED_PROXIES proxies, the
    address the outermost trusted proxy saw (X-Forwarded-For, counted from the right, so a
    client cannot choose its own address by sending the header)."""
    remote = str(request.META.get("REMOTE_ADDR") or "0.0.0.0")
    hops = int(getattr(settings, "TRUSTED_PROXIES", 0))
    if hops <= 0:
        return remote
    forwarded = [
        a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if a.strip()
    ]
    return forwarded[-hops] if len(forwarded) >= hops else remote


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username axes counts under: its login key, so case or width changes share a counter."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = getattr(request, "POST", {}).get("username")
    return None if raw is None else username_key(str(raw)[:150])


class AccountAndAddressHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler with a second, higher limit for the account over all addresses.

    Axes compares one failure count with one limit (is_locked and user_login_failed both call
    get_failures). The count axes sees is the failures of this account from this address
    (AXES_LOCKOUT_PARAMETERS); once the account's failures from every address reach
    ACCOUNT_FAILURE_LIMIT, it reports at least the per-address limit, so axes locks everywhere."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        here = int(super().get_failures(request, credentials))
        username = get_client_username(request, credentials)
        if not username:
            return here
        everywhere = (
            AccessAttempt.objects.filter(
                username=username, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(n=Sum("failures_since_start"))["n"]
            or 0
        )
        if everywhere >= settings.ACCOUNT_FAILURE_LIMIT:
            return max(here, int(get_failure_limit(request, credentials)))
        return here


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """429 with Retry-After (the cool-off in seconds) and a page that says what to do."""
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else 1800
    response = render(
        request,
        "hipalign/locked_out.html",
        {"minutes": math.ceil(seconds / 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
