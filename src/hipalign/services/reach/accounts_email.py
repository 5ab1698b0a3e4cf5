"""Email for accounts (issue 18): a person's own address, verified by a link, and "Forgot
password", which mails a one-time reset link.

Secrets are random (secrets.token_urlsafe, 32 bytes), mailed once and stored only as their
sha256, so a copy of the database opens nothing. A verification link lasts a day; a reset link
an hour, works once, and a newer one retires the older (services/passwords.py keeps the same
rule for an admin's links and sets the password through either).

"Forgot password" answers the same whatever the address: the lookup and the link are made in
the request, the mail leaves in a thread after the answer, so neither the words nor the time of
the answer tell whether an account has that address.
"""

import hashlib
import logging
import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import close_old_connections, transaction
from django.utils.translation import gettext

from hipalign.adapters.db.models import PasswordResetLink, ReachPreference
from hipalign.core.errors import InputError
from hipalign.services.kernel.access import Actor, NotFound
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.languages import speaking
from hipalign.services.reach import mail

log = logging.getLogger("hipalign.reach")

VERIFY_LIFETIME = timedelta(hours=24)
RESET_LIFETIME = timedelta(hours=1)
LINK_BYTES = 32
SECRET_MAX = 100
ADDRESS_LABEL = "Email address"

# Link builders come from the web edge (they know the host the person used): secret -> URL.
LinkFor = Callable[[str], str]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _address(raw: str) -> str:
    address = raw.strip()
    try:
        validate_email(address)
    except ValidationError:
        raise InputError(
            "email", [f"email: {ADDRESS_LABEL}: give an address such as name@example.org"]
        ) from None
    if len(address) > 254:
        raise InputError("email", [f"email: {ADDRESS_LABEL}: at most 254 characters"])
    return address


def _taken(address: str, *, by_other_than: int) -> bool:
    return (
        User.objects.filter(email__iexact=address, reach__email_verified=True)
        .exclude(pk=by_other_than)
        .exists()
    )


def email_address_request(actor: Actor, *, address: str, now: datetime, link_for: LinkFor) -> str:
    """Mail a verification link to `address` for the signed-in person; the address. The current
    verified address (if any) stays until the new one is verified. An address another account
    has verified gets no mail, and the answer is the same (no way to test whose it is)."""
    if not actor.is_authenticated:
        raise NotFound("account")
    if not mail.email_enabled():
        raise InputError("email", [f"email: {ADDRESS_LABEL}: this install does not send email"])
    clean = _address(address)
    secret = secrets.token_urlsafe(LINK_BYTES)
    with transaction.atomic():
        pref, _ = ReachPreference.objects.select_for_update().get_or_create(user_id=actor.pk)
        pref.email_pending = clean
        pref.email_token_hash = _hash(secret)
        pref.email_token_expires = now + VERIFY_LIFETIME
        pref.save(update_fields=["email_pending", "email_token_hash", "email_token_expires"])
        audit_record(int(actor.pk), "email.verify_sent")
    if not _taken(clean, by_other_than=int(actor.pk)):
        # In the page's language: the person asked for it from their own signed-in page.
        mail.send(
            clean,
            subject=gettext("hipalign: confirm your email address"),
            body=gettext(
                "Someone (we hope you) added this address to a hipalign account.\n\n"
                "To confirm it, open this link within 24 hours:\n%(link)s\n\n"
                "If it was not you, ignore this email; nothing changes."
            )
            % {"link": link_for(secret)},
        )
    return clean


def email_address_verify(secret: str, *, now: datetime) -> User | None:
    """Make the pending address the account's verified one, once; None when the link does not
    work (unknown, used, expired, or the address was verified by another account meanwhile)."""
    if not secret or len(secret) > SECRET_MAX:
        return None
    with transaction.atomic():
        pref = (
            ReachPreference.objects.select_for_update()
            .select_related("user")
            .filter(email_token_hash=_hash(secret), email_token_expires__gt=now)
            .first()
        )
        if pref is None or not pref.user.is_active or not pref.email_pending:
            return None
        user = pref.user
        address = pref.email_pending
        pref.email_pending, pref.email_token_hash, pref.email_token_expires = "", "", None
        if _taken(address, by_other_than=int(user.pk)):
            pref.save(update_fields=["email_pending", "email_token_hash", "email_token_expires"])
            return None
        pref.email_verified = True
        pref.save()
        user.email = address
        user.save(update_fields=["email"])
        audit_record(int(user.pk), "email.verified")
    return user


def email_address_remove(actor: Actor) -> None:
    """Forget the address: no more email of any kind, and no reset by email."""
    if not actor.is_authenticated:
        raise NotFound("account")
    with transaction.atomic():
        ReachPreference.objects.filter(user_id=actor.pk).update(
            email_verified=False,
            email_reminders=False,
            weekly_summary=False,
            email_pending="",
            email_token_hash="",
            email_token_expires=None,
        )
        User.objects.filter(pk=actor.pk).update(email="")
        audit_record(int(actor.pk), "email.removed")


def _mail_later(to: str, subject: str, body: str) -> None:
    def run() -> None:
        try:
            mail.send(to, subject=subject, body=body)
        except Exception:  # the page has answered already: the log is the only place to tell
            log.exception("the password-reset email could not be sent")
        finally:
            close_old_connections()

    threading.Thread(target=run, name="hipalign-reset-mail", daemon=True).start()


def password_reset_request(*, address: str, now: datetime, link_for: LinkFor) -> None:
    """Forgot password: when an active account has verified `address`, make a one-time link
    (1 hour, stored as a hash, earlier unused links retired) and mail it. Returns nothing either
    way. Nothing happens when email is off."""
    if not mail.email_enabled():
        return
    try:
        clean = _address(address)
    except InputError:
        return
    user = User.objects.filter(
        email__iexact=clean, reach__email_verified=True, is_active=True
    ).first()
    if user is None:
        return
    secret = secrets.token_urlsafe(LINK_BYTES)
    with transaction.atomic():
        PasswordResetLink.objects.select_for_update().filter(
            user_id=user.pk, used_at__isnull=True
        ).update(used_at=now)
        link = PasswordResetLink.objects.create(
            user_id=user.pk, issued_by=None, key_hash=_hash(secret), expires_at=now + RESET_LIFETIME
        )
        audit_record(None, "password.reset_email", str(link.id), subject_id=int(user.pk))
    with speaking(user):  # the account's language, not the signed-out browser's
        subject = gettext("hipalign: reset your password")
        body = gettext(
            "Someone (we hope you) asked to reset the password of your hipalign account.\n\n"
            "Open this link within 1 hour to choose a new one; it works once:\n%(link)s\n\n"
            "If it was not you, ignore this email: your password stays as it is."
        ) % {"link": link_for(secret)}
    _mail_later(user.email, subject, body)  # after the commit above
