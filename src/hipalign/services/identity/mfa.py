"""The TOTP second factor of clinicians and admins (RELIABILITY.md 1, ASVS 6.3.3; B4).

A device is made unconfirmed, confirmed with a first code, and then asked for after every
password login. A code is accepted once only: the accepted time step is stored and a code from
the same or an earlier step is refused, so a code seen over a shoulder cannot be replayed.
The secret is sealed at rest with keys kept outside the database (adapters/db/sealed.py).

Clock drift: a code of the step before or after the server's is accepted (VALID_WINDOW, 30 s
either side, RFC 6238 5.2), so a phone or server up to 30 s off still works; further off, codes
are refused until the clock is set right (the README says how to keep it synced). Ten
recovery codes are shown once at confirmation and stored as sha256 only; each works once.

Wrong codes are counted per account from the audit log (`mfa.fail` rows since the last
`mfa.verify` or `mfa.setup`, within MFA_WINDOW): a persistent counter shared by every session, so logging in
again with the password does not reset it (django-axes resets its counter on each successful
password login, which would let someone holding the password guess codes without end).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import pyotp
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hipalign.adapters.db.models import AuditEvent, TotpDevice
from hipalign.core.access import Action
from hipalign.core.errors import InputError
from hipalign.services.kernel.access import authorize
from hipalign.services.kernel.audit import audit_record

ISSUER = "hipalign"
RECOVERY_CODES = 10
# One code either side of now: phones whose clocks drift by up to 30 s still work (RFC 6238 5.2).
VALID_WINDOW = 1
MFA_FAILURE_LIMIT = 5
MFA_WINDOW = timedelta(minutes=30)
# 10 random base32 characters (50 bits) in two groups of five, easy to type from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

Method = Literal["totp", "recovery"]


class MfaLocked(PermissionError):
    """Too many wrong codes lately: no code is checked, the right one included."""


@dataclass(frozen=True)
class MfaStatus:
    confirmed: bool
    confirmed_at: datetime | None
    recovery_left: int


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _normalise(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def mfa_status(user: User) -> MfaStatus:
    device = TotpDevice.objects.filter(user_id=user.pk).first()
    if device is None or device.confirmed_at is None:
        return MfaStatus(False, None, 0)
    return MfaStatus(True, device.confirmed_at, len(device.recovery_hashes))


def mfa_confirmed(user_id: int | str | None) -> bool:
    """Whether this account has a confirmed device (the middleware's setup-or-verify choice)."""
    if user_id is None:
        return False
    return TotpDevice.objects.filter(user_id=user_id, confirmed_at__isnull=False).exists()


def mfa_setup_begin(user: User) -> str:
    """The otpauth:// URI of this account's unconfirmed device, made on first call.

    The same secret comes back until it is confirmed, so reloading the page does not
    invalidate what the phone already scanned. Refused once a device is confirmed."""
    authorize(actor=user, action=Action.MFA_MANAGE)
    with transaction.atomic():
        device = TotpDevice.objects.filter(user_id=user.pk).first()
        if device is not None and device.confirmed_at is not None:
            raise InputError("setup", ["setup: " + _("two-step sign-in is already set up")])
        if device is None:
            device = TotpDevice.objects.create(user=user, secret=pyotp.random_base32())
    return pyotp.TOTP(device.secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def mfa_secret_of(uri: str) -> str:
    """The base32 secret inside an otpauth:// URI, for people who type it in by hand."""
    return pyotp.parse_uri(uri).secret


def _step_match(secret: str, code: str, at: datetime) -> int | None:
    """The time step `code` belongs to (within VALID_WINDOW of `at`), or None."""
    code = "".join(c for c in code if not c.isspace())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    found = None
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        # Every candidate is compared (no early exit) so timing says nothing about which matched.
        if hmac.compare_digest(totp.at(at, counter_offset=offset), code):
            found = now_step + offset
    return found


def _new_recovery_codes() -> tuple[list[str], list[str]]:
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes, [_hash(c) for c in codes]


def mfa_setup_confirm(user: User, code: str, *, now: datetime | None = None) -> list[str]:
    """Confirm the device with its first code; the ten recovery codes, to show once."""
    authorize(actor=user, action=Action.MFA_MANAGE)
    at = _now(now)
    _refuse_when_locked(user, at)
    with transaction.atomic():
        device = TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=True).first()
        if device is None:
            raise InputError("setup", ["setup: " + _("start again from the setup page")])
        step = _step_match(device.secret, code, at)
        if step is None:
            audit_record(int(user.pk), "mfa.fail", "setup")
            raise InputError("code", [_wrong_code()])
        codes, hashes = _new_recovery_codes()
        device.confirmed_at = at
        device.last_step = step
        device.recovery_hashes = hashes
        device.save(update_fields=["confirmed_at", "last_step", "recovery_hashes"])
        audit_record(int(user.pk), "mfa.setup")
    return codes


def _wrong_code() -> str:
    # Worded at raise time in the reader's language (issue 20); the "code:" field stays the id.
    return "code: " + _(
        "does not match; give the 6 digits your app shows now, or one of your recovery codes"
    )


def _failures(user_id: int, at: datetime) -> int:
    last_ok = (
        AuditEvent.objects.filter(actor_id=user_id, action__in=("mfa.verify", "mfa.setup"))
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    rows = AuditEvent.objects.filter(actor_id=user_id, action="mfa.fail", at__gt=at - MFA_WINDOW)
    if last_ok is not None:
        rows = rows.filter(id__gt=last_ok)
    return rows.count()


def _refuse_when_locked(user: User, at: datetime) -> None:
    if _failures(int(user.pk), at) >= MFA_FAILURE_LIMIT:
        raise MfaLocked(
            _("Too many wrong codes: try again in %(minutes)s minutes.")
            % {"minutes": int(MFA_WINDOW.total_seconds()) // 60}
        )


def mfa_verify(user: User, code: str, *, now: datetime | None = None) -> Method:
    """Check a code after the password: a current TOTP code not used before, or an unused
    recovery code (which is then spent). InputError when wrong, MfaLocked when locked."""
    authorize(actor=user, action=Action.MFA_MANAGE)
    at = _now(now)
    uid = int(user.pk)
    _refuse_when_locked(user, at)
    device = TotpDevice.objects.filter(user_id=uid, confirmed_at__isnull=False).first()
    if device is None:
        raise InputError("setup", ["setup: " + _("set up two-step sign-in first")])
    step = _step_match(device.secret, code, at)
    if step is not None:
        # Compare-and-set in one statement: of two requests with the same code, one wins.
        if TotpDevice.objects.filter(user_id=uid, last_step__lt=step).update(last_step=step):
            audit_record(uid, "mfa.verify", "totp")
            return "totp"
        audit_record(uid, "mfa.fail", "replay")
        raise InputError("code", ["code: " + _("already used; wait for the next code in your app")])
    if _recovery_spend(uid, code):
        audit_record(uid, "mfa.recovery_used")
        audit_record(uid, "mfa.verify", "recovery")
        return "recovery"
    audit_record(uid, "mfa.fail")
    raise InputError("code", [_wrong_code()])


def _recovery_spend(user_id: int, code: str) -> bool:
    digest = _hash(code)
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().get(user_id=user_id)
        kept = [h for h in device.recovery_hashes if not hmac.compare_digest(h, digest)]
        if len(kept) == len(device.recovery_hashes):
            return False
        device.recovery_hashes = kept
        device.save(update_fields=["recovery_hashes"])
    return True


def mfa_recovery_renew(user: User, code: str, *, now: datetime | None = None) -> list[str]:
    """Ten new recovery codes (the old ones stop working), against a current TOTP code."""
    authorize(actor=user, action=Action.MFA_MANAGE)
    at = _now(now)
    uid = int(user.pk)
    _refuse_when_locked(user, at)
    device = TotpDevice.objects.filter(user_id=uid, confirmed_at__isnull=False).first()
    if device is None:
        raise InputError("setup", ["setup: " + _("set up two-step sign-in first")])
    step = _step_match(device.secret, code, at)
    codes, hashes = _new_recovery_codes()
    if step is None or not TotpDevice.objects.filter(user_id=uid, last_step__lt=step).update(
        last_step=step, recovery_hashes=hashes
    ):
        audit_record(uid, "mfa.fail", "renew")
        raise InputError(
            "code", ["code: " + _("does not match or was already used; give a new code")]
        )
    audit_record(uid, "mfa.recovery_renew")
    return codes


def mfa_rekey() -> int:
    """Re-seal every stored secret under the newest key (the operator's key rotation, issue 12
    item 7); how many. Reading opens a secret with any key, saving seals it with the first."""
    count = 0
    with transaction.atomic():
        for device in TotpDevice.objects.select_for_update().iterator():
            device.save(update_fields=["secret"])
            count += 1
        audit_record(None, "mfa.rekey", str(count))
    return count
