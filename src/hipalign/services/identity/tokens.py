"""API tokens: bearer credentials for API clients (issue 5, JSON API).

A token is random, shown once at creation, and stored only as its sha256, so a copy of the
database does not give anyone a working token. A short prefix is kept for display so a person
can tell their tokens apart. A revoked token is refused at once; the token acts for its owner with
exactly the owner's rights (every endpoint still goes through services.access).

Issue 12 item 6: a token follows the account's security events. Every live token of an account
is revoked when its role changes, its second factor is reset, its password changes or it is
disabled (api_tokens_revoke_all, called from services.roles and the User signals in web), each
token expires (DEFAULT_DAYS unless chosen, at most MAX_DAYS), and a clinician's or admin's token
works only while the account has a confirmed second factor: a token is never a way around it.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hipalign.adapters.db.models import ApiToken
from hipalign.core.errors import InputError
from hipalign.services.identity.mfa import mfa_confirmed
from hipalign.services.kernel.access import Actor, NotFound, needs_second_factor
from hipalign.services.kernel.audit import audit_record

# "hpa_" marks the string as a hipalign token (secret scanners, logs); 32 random bytes after it.
TOKEN_MARK = "hpa_"
TOKEN_BYTES = 32
PREFIX_LENGTH = 12  # the mark and 8 random characters: enough to tell tokens apart, useless alone
NAME_MAX = 60
# Live tokens per account: enough for a few devices and scripts, few enough to review.
MAX_ACTIVE = 10
# last_used_at moves at most once a minute, so a busy client is not a write per request.
TOUCH_EVERY = timedelta(minutes=1)
# Lifetime in days: 90 by default (a quarter, one review of "which scripts still run"); a year at
# most, so no token is forever. The account page shows each token's expiry.
DEFAULT_DAYS = 90
MAX_DAYS = 365
DAYS_LABEL = gettext_noop("Expires after (days)")  # worded where shown
# Why every live token of an account was revoked at once (the audit row's target).
RevokeReason = Literal["role.change", "mfa.reset", "password.change", "account.disable"]


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once; only its sha256 is stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _signed_in(actor: Actor) -> User:
    if not actor.is_authenticated:
        raise NotFound("token")
    return actor  # type: ignore[return-value]


def _days(days: object) -> int:
    """The lifetime as a whole number of days within 1..MAX_DAYS, or InputError naming it."""
    text = str(days).strip()
    # ASCII digits, few of them: "²" is a digit to str.isdigit but int() refuses it, and
    # int() refuses 4,300 digits and more (tests/web/test_fuzz_inputs.py).
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not 1 <= int(text) <= MAX_DAYS:
        raise InputError(
            "token",
            [
                "days: "
                + _("%(label)s: give a whole number of days from 1 to %(max)s")
                % {"label": _(DAYS_LABEL), "max": MAX_DAYS}
            ],
        )
    return int(text)


def api_token_create(
    actor: Actor, name: str, *, days: int | str = DEFAULT_DAYS, now: datetime | None = None
) -> NewToken:
    """A new token for the signed-in user, named so they recognise it later, that expires
    `days` days from now (a form's text is accepted too and checked here)."""
    user = _signed_in(actor)
    clean = " ".join(name.split())
    if not 1 <= len(clean) <= NAME_MAX:
        raise InputError(
            "token", ["name: " + _("give a name of 1-%(max)s characters") % {"max": NAME_MAX}]
        )
    lifetime = timedelta(days=_days(days))
    at = now if now is not None else timezone.now()
    secret = TOKEN_MARK + secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        active = ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE:
            raise InputError(
                "token",
                [
                    "name: "
                    + _("you have %(count)s tokens; revoke one before making another")
                    % {"count": MAX_ACTIVE}
                ],
            )
        token = ApiToken.objects.create(
            user=user,
            name=clean,
            key_hash=_hash(secret),
            prefix=secret[:PREFIX_LENGTH],
            expires_at=at + lifetime,
        )
        audit_record(int(user.pk), "token.create", str(token.id))
    return NewToken(token=token, secret=secret)


def api_token_revoke(actor: Actor, token_id: str, now: datetime) -> ApiToken:
    """Revoke one of the caller's own tokens; anyone else's is NotFound."""
    user = _signed_in(actor)
    try:
        key = uuid.UUID(str(token_id))
    except ValueError:
        raise NotFound("token") from None
    token = ApiToken.objects.filter(pk=key, user_id=user.pk, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound("token")
    token.revoked_at = now
    token.save(update_fields=["revoked_at"])
    audit_record(int(user.pk), "token.revoke", str(token.id))
    return token


def api_tokens_revoke_all(user_id: int, *, reason: RevokeReason, now: datetime) -> int:
    """Revoke every live token of this account after a security event; how many were live.

    Called by the code that made the change (no actor check here): the admin's role change and
    second-factor reset, and the User save that changed the password or disabled the account."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if revoked:
            audit_record(None, "token.revoke_all", reason, subject_id=user_id)
    return revoked


def api_tokens_list(actor: Actor) -> list[ApiToken]:
    """The caller's tokens, newest first, revoked ones included for the record."""
    user = _signed_in(actor)
    return list(ApiToken.objects.filter(user_id=user.pk).order_by("-created_at"))


def api_token_authenticate(secret: str, now: datetime) -> User | None:
    """The active owner of a live token, or None: unknown, revoked, expired, the account
    disabled, or a clinician's or admin's account without a confirmed second factor."""
    if not secret.startswith(TOKEN_MARK) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.filter(key_hash=_hash(secret), revoked_at__isnull=True, expires_at__gt=now)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if needs_second_factor(token.user) and not mfa_confirmed(token.user.pk):
        # A staff token stands in for a session that passed the TOTP step (RELIABILITY.md B4).
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        # A plain UPDATE: concurrent requests may both write, which only moves the time again.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
