"""API tokens: bearer credentials for API clients (issue 5, JSON API).

A token is random, shown once at creation, and stored only as its sha256, so a copy of the
database does not give anyone a working token. A short prefix is kept for display so a person
can tell their tokens apart. A revoked token is refused at once; the token acts for its owner with
exactly the owner's rights (every endpoint still goes through services.access).
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from hipalign.adapters.db.models import ApiToken
from hipalign.core.errors import InputError
from hipalign.services.access import Actor, NotFound
from hipalign.services.audit import audit_record

# "hpa_" marks the string as a hipalign token (secret scanners, logs); 32 random bytes after it.
TOKEN_MARK = "hpa_"
TOKEN_BYTES = 32
PREFIX_LENGTH = 12  # the mark and 8 random characters: enough to tell tokens apart, useless alone
NAME_MAX = 60
# Live tokens per account: enough for a few devices and scripts, few enough to review.
MAX_ACTIVE = 10
# last_used_at moves at most once a minute, so a busy client is not a write per request.
TOUCH_EVERY = timedelta(minutes=1)


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


def api_token_create(actor: Actor, name: str) -> NewToken:
    """A new token for the signed-in user, named so they recognise it later."""
    user = _signed_in(actor)
    clean = " ".join(name.split())
    if not 1 <= len(clean) <= NAME_MAX:
        raise InputError("token", [f"name: give a name of 1-{NAME_MAX} characters"])
    secret = TOKEN_MARK + secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        active = ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE:
            raise InputError(
                "token", [f"name: you have {MAX_ACTIVE} tokens; revoke one before making another"]
            )
        token = ApiToken.objects.create(
            user=user, name=clean, key_hash=_hash(secret), prefix=secret[:PREFIX_LENGTH]
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


def api_tokens_list(actor: Actor) -> list[ApiToken]:
    """The caller's tokens, newest first, revoked ones included for the record."""
    user = _signed_in(actor)
    return list(ApiToken.objects.filter(user_id=user.pk).order_by("-created_at"))


def api_token_authenticate(secret: str, now: datetime) -> User | None:
    """The active owner of a live token, or None (unknown, revoked, or the account disabled)."""
    if not secret.startswith(TOKEN_MARK) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.filter(key_hash=_hash(secret), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        # A plain UPDATE: concurrent requests may both write, which only moves the time again.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
