"""TOTP for clinicians and admins: setup, one use per code, recovery codes, lockout (B4)."""

import hashlib
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from hipalign.adapters.db.models import AuditEvent, TotpDevice
from hipalign.core.errors import InputError
from hipalign.services.identity import mfa
from hipalign.services.kernel.access import Forbidden

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def _code(user: User, at: datetime, offset: int = 0) -> str:
    secret = TotpDevice.objects.get(user_id=user.pk).secret
    return pyotp.TOTP(secret).at(at, counter_offset=offset)


def _set_up(user: User, at: datetime = T0) -> list[str]:
    mfa.mfa_setup_begin(user)
    return mfa.mfa_setup_confirm(user, _code(user, at), now=at)


def _actions(user: User) -> list[str]:
    return list(AuditEvent.objects.filter(actor_id=user.pk).values_list("action", flat=True))


def test_setup_keeps_one_secret_until_confirmed(clinician: User) -> None:
    first = mfa.mfa_setup_begin(clinician)
    again = mfa.mfa_setup_begin(clinician)
    assert first == again
    assert first.startswith("otpauth://totp/hipalign:cleo_clinician?")
    assert len(mfa.mfa_secret_of(first)) == 32  # 160 bits, RFC 4226 4 R6
    assert not mfa.mfa_confirmed(int(clinician.pk))


def test_confirm_gives_ten_recovery_codes_stored_as_sha256_only(
    clinician: User,
) -> None:
    codes = _set_up(clinician)
    device = TotpDevice.objects.get(user_id=clinician.pk)
    assert len(set(codes)) == 10
    assert device.recovery_hashes == [
        hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes
    ]
    assert not any(c in str(device.recovery_hashes) for c in codes)
    assert device.confirmed_at == T0
    assert mfa.mfa_confirmed(int(clinician.pk))
    assert "mfa.setup" in _actions(clinician)


def test_confirm_refuses_a_wrong_code_and_confirms_nothing(clinician: User) -> None:
    mfa.mfa_setup_begin(clinician)
    right = _code(clinician, T0)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with pytest.raises(InputError, match="code: does not match"):
        mfa.mfa_setup_confirm(clinician, wrong, now=T0)
    assert not mfa.mfa_confirmed(int(clinician.pk))
    assert TotpDevice.objects.get(user_id=clinician.pk).recovery_hashes == []


def test_setup_again_is_refused_once_confirmed(clinician: User) -> None:
    _set_up(clinician)
    secret = TotpDevice.objects.get(user_id=clinician.pk).secret
    with pytest.raises(InputError, match="already set up"):
        mfa.mfa_setup_begin(clinician)
    assert TotpDevice.objects.get(user_id=clinician.pk).secret == secret


def test_a_person_has_no_second_factor_to_set_up(owner: User) -> None:
    with pytest.raises(Forbidden):
        mfa.mfa_setup_begin(owner)
    assert not TotpDevice.objects.exists()


def test_verify_accepts_a_current_code_once_and_refuses_its_replay(
    clinician: User,
) -> None:
    _set_up(clinician)
    later = T0 + timedelta(minutes=5)
    code = _code(clinician, later)
    assert mfa.mfa_verify(clinician, code, now=later) == "totp"
    with pytest.raises(InputError, match="already used"):
        mfa.mfa_verify(clinician, code, now=later + timedelta(seconds=5))
    assert _actions(clinician)[-2:] == ["mfa.verify", "mfa.fail"]


def test_verify_refuses_the_code_used_to_confirm_the_device(clinician: User) -> None:
    mfa.mfa_setup_begin(clinician)
    code = _code(clinician, T0)
    mfa.mfa_setup_confirm(clinician, code, now=T0)
    with pytest.raises(InputError, match="already used"):
        mfa.mfa_verify(clinician, code, now=T0)


def test_verify_accepts_one_step_of_clock_drift_and_no_more(clinician: User) -> None:
    _set_up(clinician)
    at = T0 + timedelta(hours=1)
    assert mfa.mfa_verify(clinician, _code(clinician, at, -1), now=at) == "totp"
    far = at + timedelta(hours=1)
    with pytest.raises(InputError, match="does not match"):
        mfa.mfa_verify(clinician, _code(clinician, far, -2), now=far)


def test_an_older_step_is_refused_after_a_newer_one(clinician: User) -> None:
    _set_up(clinician)
    at = T0 + timedelta(hours=1)
    mfa.mfa_verify(clinician, _code(clinician, at, 1), now=at)
    with pytest.raises(InputError, match="already used"):
        mfa.mfa_verify(clinician, _code(clinician, at, 0), now=at)


def test_a_recovery_code_works_once(clinician: User) -> None:
    codes = _set_up(clinician)
    assert mfa.mfa_verify(clinician, codes[3].upper(), now=T0) == "recovery"
    assert mfa.mfa_status(clinician).recovery_left == 9
    with pytest.raises(InputError, match="does not match"):
        mfa.mfa_verify(clinician, codes[3], now=T0)
    assert mfa.mfa_verify(clinician, codes[4], now=T0) == "recovery"
    assert "mfa.recovery_used" in _actions(clinician)


def test_audit_rows_hold_no_secret_or_code(clinician: User) -> None:
    codes = _set_up(clinician)
    mfa.mfa_verify(clinician, codes[0], now=T0)
    secret = TotpDevice.objects.get(user_id=clinician.pk).secret
    text = " ".join(f"{e.action} {e.target}" for e in AuditEvent.objects.all())
    assert secret not in text
    assert not any(c in text or c.replace("-", "") in text for c in codes)


# The failure count reads the audit rows' real timestamps, so these tests run on the real clock.


def test_five_wrong_codes_lock_verification_even_for_the_right_code(
    clinician: User,
) -> None:
    at = timezone.now()
    _set_up(clinician, at - timedelta(hours=1))
    for _ in range(mfa.MFA_FAILURE_LIMIT):
        with pytest.raises(InputError):
            mfa.mfa_verify(clinician, "not-a-code", now=at)
    with pytest.raises(mfa.MfaLocked):
        mfa.mfa_verify(clinician, _code(clinician, at), now=at)
    # The window passes: the right code works again.
    after = at + mfa.MFA_WINDOW + timedelta(minutes=1)
    assert mfa.mfa_verify(clinician, _code(clinician, after), now=after) == "totp"


def test_a_success_resets_the_failure_count(clinician: User) -> None:
    at = timezone.now()
    _set_up(clinician, at - timedelta(hours=1))
    for _ in range(mfa.MFA_FAILURE_LIMIT - 1):
        with pytest.raises(InputError):
            mfa.mfa_verify(clinician, "not-a-code", now=at)
    mfa.mfa_verify(clinician, _code(clinician, at), now=at)
    with pytest.raises(InputError):
        mfa.mfa_verify(clinician, "not-a-code", now=at)
    later = at + timedelta(minutes=1)
    assert mfa.mfa_verify(clinician, _code(clinician, later, 1), now=later) == "totp"


def test_renewing_recovery_codes_needs_a_fresh_code_and_voids_the_old_ones(
    clinician: User,
) -> None:
    old = _set_up(clinician)
    at = T0 + timedelta(hours=1)
    with pytest.raises(InputError):
        mfa.mfa_recovery_renew(clinician, "123", now=at)
    new = mfa.mfa_recovery_renew(clinician, _code(clinician, at), now=at)
    assert set(new).isdisjoint(old)
    with pytest.raises(InputError):
        mfa.mfa_verify(clinician, old[0], now=at)
    assert mfa.mfa_verify(clinician, new[0], now=at) == "recovery"


# --- clock drift (issue 12 item 19): one 30 s step either side, replay still refused --------


@pytest.mark.parametrize("phone_off_s", [-30, -15, 15, 30])
def test_a_phone_up_to_30_s_off_the_server_clock_is_accepted(
    clinician: User, phone_off_s: int
) -> None:
    _set_up(clinician)
    server = T0 + timedelta(hours=1)  # on a step boundary: the worst case for a drifting phone
    phone = server + timedelta(seconds=phone_off_s)
    code = pyotp.TOTP(TotpDevice.objects.get(user_id=clinician.pk).secret).at(phone)
    assert mfa.mfa_verify(clinician, code, now=server) == "totp"


@pytest.mark.parametrize("phone_off_s", [-61, -90, 61, 90, 600])
def test_a_phone_more_than_a_minute_off_is_refused(clinician: User, phone_off_s: int) -> None:
    _set_up(clinician)
    server = T0 + timedelta(hours=1)
    phone = server + timedelta(seconds=phone_off_s)
    code = pyotp.TOTP(TotpDevice.objects.get(user_id=clinician.pk).secret).at(phone)
    with pytest.raises(InputError, match="does not match"):
        mfa.mfa_verify(clinician, code, now=server)


def test_a_drifted_code_is_still_accepted_once_only(clinician: User) -> None:
    _set_up(clinician)
    server = T0 + timedelta(hours=1)
    late = pyotp.TOTP(TotpDevice.objects.get(user_id=clinician.pk).secret).at(
        server - timedelta(seconds=30)
    )
    assert mfa.mfa_verify(clinician, late, now=server) == "totp"
    with pytest.raises(InputError, match="already used"):
        mfa.mfa_verify(clinician, late, now=server + timedelta(seconds=20))
