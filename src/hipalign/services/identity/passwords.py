"""Changing a password, and the admin's one-time reset link (issue 14 item 17).

A new password ends the account's other sessions: Django refuses a session whose stored password
hash no longer matches, and sessions_end deletes the rows too. Its API tokens are revoked by the
User save itself (web/signals.py, issue 12 item 6), so every way a password changes does it.

For installs without email, an admin issues a reset link for an account: its secret is random
(secrets.token_urlsafe, 32 bytes), shown once, and stored only as its sha256, so a copy of the
database opens no account. A link works once, for LINK_LIFETIME; issuing a new one retires the
account's earlier unused links. Issuing and using are both audited.
"""

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hipalign.adapters.db.models import PasswordResetLink, Profile
from hipalign.core.access import Action
from hipalign.core.errors import InputError
from hipalign.services.identity.roles import sessions_end
from hipalign.services.kernel.access import Actor, NotFound, authorize
from hipalign.services.kernel.audit import audit_record

LINK_LIFETIME = timedelta(hours=24)  # a working day for the admin to pass it on, and no longer
LINK_BYTES = 32
SECRET_MAX = 100  # token_urlsafe(32) is 43 characters; anything much longer is not a link of ours
NEW_PASSWORD_LABEL = "New password"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def password_changed(actor: Actor, *, keep_session: str | None) -> int:
    """After the signed-in user changed their own password (the form checked the current one and
    the validators): record it and end their other sessions; how many were ended."""
    if not actor.is_authenticated:
        raise NotFound("account")
    user_id = int(actor.pk)
    audit_record(user_id, "password.change")
    return sessions_end(user_id, keep=keep_session)


def reset_link_issue(actor: Actor, public_id: str, *, now: datetime | None = None) -> str:
    """A new one-time reset link secret for the account `public_id` (admins only; anyone else,
    or an unknown account, is NotFound). The caller shows it once; only its hash is kept."""
    admin = authorize(actor=actor, action=Action.ACCOUNTS_WRITE).user
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound("account") from exc
    at = now if now is not None else timezone.now()
    secret = secrets.token_urlsafe(LINK_BYTES)
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(public_id=key).first()
        if profile is None:
            raise NotFound("account")
        # One live link per account: an earlier one handed to the wrong person stops working.
        PasswordResetLink.objects.filter(user_id=profile.user_id, used_at__isnull=True).update(
            used_at=at
        )
        link = PasswordResetLink.objects.create(
            user_id=profile.user_id,
            issued_by_id=admin.pk,
            key_hash=_hash(secret),
            expires_at=at + LINK_LIFETIME,
        )
        audit_record(
            int(admin.pk), "password.reset_issue", str(link.id), subject_id=profile.user_id
        )
    return secret


def _live(secret: str, now: datetime, *, lock: bool = False) -> PasswordResetLink | None:
    if not secret or len(secret) > SECRET_MAX:
        return None
    qs = PasswordResetLink.objects.select_related("user")
    if lock:
        qs = qs.select_for_update()
    link = qs.filter(key_hash=_hash(secret), used_at__isnull=True, expires_at__gt=now).first()
    if link is None or not link.user.is_active:
        return None
    return link


def reset_link_account(secret: str, *, now: datetime) -> User | None:
    """The account a live link is for, or None: unknown, used, replaced, expired or disabled."""
    link = _live(secret, now)
    return None if link is None else link.user


def reset_link_use(secret: str, *, password: str, now: datetime) -> User:
    """Set the account's new password through a live link, once: the link is spent, the
    account's sessions end and its API tokens are revoked. NotFound when the link does not work;
    InputError naming the field when the password is refused (then nothing changes)."""
    with transaction.atomic():
        link = _live(secret, now, lock=True)
        if link is None:
            raise NotFound("reset link")
        user = link.user
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InputError(
                "password", [f"new_password1: {NEW_PASSWORD_LABEL}: {m}" for m in exc.messages]
            ) from None
        user.set_password(password)
        user.save()  # the post_save signal revokes the account's API tokens
        link.used_at = now
        link.save(update_fields=["used_at"])
        audit_record(None, "password.reset_use", str(link.id), subject_id=int(user.pk))
    sessions_end(int(user.pk))
    return user
