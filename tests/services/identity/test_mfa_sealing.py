"""TOTP seeds sealed at rest (issue 12 item 7): the column holds no seed, key rotation keeps
codes working, a missing key fails loudly, and the migration seals seeds stored before it."""

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pyotp
import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings
from typer.testing import CliRunner

from hipalign.adapters.db.models import AuditEvent, TotpDevice
from hipalign.services.identity import mfa

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _column(user: User) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT secret FROM hipalign_totpdevice WHERE user_id = %s", [user.pk])
        return str(cur.fetchone()[0])


def _set_up(user: User) -> str:
    """Confirm a device at T0; its plain secret (as the phone has it)."""
    secret = mfa.mfa_secret_of(mfa.mfa_setup_begin(user))
    mfa.mfa_setup_confirm(user, pyotp.TOTP(secret).at(T0), now=T0)
    return secret


def _verify_at(user: User, secret: str, minutes: int) -> str:
    at = T0 + timedelta(minutes=minutes)
    return mfa.mfa_verify(user, pyotp.TOTP(secret).at(at), now=at)


def test_the_database_column_holds_no_seed(clinician: User) -> None:
    secret = _set_up(clinician)

    stored = _column(clinician)
    assert secret not in stored and secret.lower() not in stored.lower()
    assert stored.startswith("gAAAA")  # a Fernet token (version byte 0x80)
    assert TotpDevice.objects.get(user_id=clinician.pk).secret == secret


def test_rotation_keeps_codes_working_and_rekey_moves_seeds_to_the_newest_key(
    clinician: User, admin: User
) -> None:
    with override_settings(TOTP_KEYS=[OLD]):
        secrets = [_set_up(clinician), _set_up(admin)]
        sealed_old = _column(clinician)

    with override_settings(TOTP_KEYS=[NEW, OLD]):  # new key first, old one still opens
        assert _verify_at(clinician, secrets[0], 1) == "totp"
        assert mfa.mfa_rekey() == 2
    assert _column(clinician) != sealed_old
    assert AuditEvent.objects.filter(action="mfa.rekey", target="2").exists()

    with override_settings(TOTP_KEYS=[NEW]):  # the old key removed
        assert _verify_at(clinician, secrets[0], 2) == "totp"
        assert _verify_at(admin, secrets[1], 2) == "totp"


def test_a_seed_sealed_with_a_removed_key_fails_loudly_not_silently(
    clinician: User,
) -> None:
    with override_settings(TOTP_KEYS=[OLD]):
        _set_up(clinician)
    with override_settings(TOTP_KEYS=[NEW]), pytest.raises(ImproperlyConfigured, match="TOTP"):
        TotpDevice.objects.get(user_id=clinician.pk)


@pytest.mark.parametrize("keys", [[], ["not-a-fernet-key"]])
def test_missing_or_malformed_keys_are_named(clinician: User, keys: list[str]) -> None:
    with override_settings(TOTP_KEYS=keys), pytest.raises(ImproperlyConfigured, match="TOTP_KEYS"):
        mfa.mfa_setup_begin(clinician)
    assert not TotpDevice.objects.exists()


def test_the_migration_seals_seeds_stored_in_plain_text(clinician: User) -> None:
    secret = _set_up(clinician)
    with connection.cursor() as cur:  # the state before 0011: the seed itself in the column
        cur.execute("UPDATE hipalign_totpdevice SET secret = %s", [secret])
    migration = importlib.import_module("hipalign.adapters.db.migrations.0011_totp_sealed")

    migration.seal_existing(None, SimpleNamespace(connection=connection))

    assert secret not in _column(clinician)
    assert _verify_at(clinician, secret, 1) == "totp"
    migration.unseal_existing(None, SimpleNamespace(connection=connection))
    assert _column(clinician) == secret


def test_the_cli_rekeys(clinician: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from hipalign.cli.main import app

    _set_up(clinician)
    before = _column(clinician)
    monkeypatch.setattr("hipalign.web.server.prepare", lambda data: None)

    result = CliRunner().invoke(app, ["totp-rekey"])

    assert result.exit_code == 0, result.output
    assert "1 two-step sign-in secret(s) sealed" in result.output
    assert _column(clinician) != before
