"""API tokens follow the account's security events (issue 12 item 6): each case shows the token
working first, then 401 after the event, and the patient's data unchanged by the attempt."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from hipalign.adapters.db.models import ApiToken, AuditEvent
from hipalign.services.identity import roles, tokens
from hipalign.services.program import recording
from tests.services.factories import (
    MONDAY,
    PASSWORD,
    log_payload,
    make_totp,
    public_id,
    staff_token,
)
from tests.web.test_api_v1 import get, send, snapshot

pytestmark = pytest.mark.django_db


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _revoked_for(user: User, reason: str) -> bool:
    return AuditEvent.objects.filter(
        action="token.revoke_all", target=reason, subject_id=user.pk
    ).exists()


def test_a_clinicians_token_stops_reading_the_patient_after_their_mfa_reset(
    owner_plan: object,
    owner: User,
    clinician: User,
    admin: User,
) -> None:
    recording.log_record(owner, log_payload(owner_plan), today=MONDAY)  # type: ignore[arg-type]
    secret = staff_token(clinician)
    logs = f"/patients/{public_id(owner)}/logs"
    assert get(logs, _auth(secret)).status_code == 200
    before = snapshot(owner.pk)

    roles.mfa_reset(admin, public_id(clinician))

    assert get(logs, _auth(secret)).status_code == 401
    assert get("/me", _auth(secret)).status_code == 401
    assert snapshot(owner.pk) == before
    assert ApiToken.objects.get(user_id=clinician.pk).revoked_at is not None
    assert _revoked_for(clinician, "mfa.reset")


def test_a_person_promoted_to_clinician_loses_their_token(owner: User, admin: User) -> None:
    secret = tokens.api_token_create(owner, "script").secret
    assert get("/me", _auth(secret)).json()["role"] == "person"

    roles.role_change(admin, public_id(owner), "clinician")

    assert get("/me", _auth(secret)).status_code == 401
    assert get("/patients", _auth(secret)).status_code == 401
    assert _revoked_for(owner, "role.change")


def test_a_staff_token_works_only_while_the_account_has_a_second_factor(
    owner: User, clinician: User
) -> None:
    """A token made before TOTP was set up (or while it is missing) does not act as a
    clinician: the token is never a way around the second factor."""
    secret = tokens.api_token_create(clinician, "no totp yet").secret
    pid = public_id(owner)
    assert get(f"/patients/{pid}/plan", _auth(secret)).status_code == 401

    make_totp(clinician)

    assert get("/me", _auth(secret)).json()["role"] == "clinician"


def test_a_password_change_revokes_every_token(owner: User, owner_plan: object) -> None:
    secrets = [tokens.api_token_create(owner, f"t{i}").secret for i in range(2)]
    assert all(get("/me", _auth(s)).status_code == 200 for s in secrets)
    before = snapshot(owner.pk)

    user = User.objects.get(pk=owner.pk)
    user.set_password("a new long passphrase 2026")
    user.save()

    assert [get("/me", _auth(s)).status_code for s in secrets] == [401, 401]
    assert send("post", "/logs", log_payload(owner_plan), _auth(secrets[0])).status_code == 401  # type: ignore[arg-type]
    assert snapshot(owner.pk) == before
    assert _revoked_for(owner, "password.change")


def test_the_changepassword_command_revokes_tokens_too(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tokens.api_token_create(owner, "script").secret
    answers = iter(["a new long passphrase 2026"] * 2)
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: next(answers))

    call_command("changepassword", owner.get_username())

    assert get("/me", _auth(secret)).status_code == 401


def test_a_login_that_only_upgrades_the_stored_hash_keeps_tokens(owner: User) -> None:
    """check_password() rehashes under the preferred hasher and saves: not a password change."""
    User.objects.filter(pk=owner.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    secret = tokens.api_token_create(owner, "script").secret

    login = Client().post("/login", {"username": owner.get_username(), "password": PASSWORD})
    assert login.status_code == 302

    assert not User.objects.get(pk=owner.pk).password.startswith("pbkdf2_sha256$")
    assert get("/me", _auth(secret)).status_code == 200


def test_disabling_the_account_revokes_tokens_for_good(owner: User) -> None:
    secret = tokens.api_token_create(owner, "script").secret
    assert get("/me", _auth(secret)).status_code == 200

    user = User.objects.get(pk=owner.pk)
    user.is_active = False
    user.save()
    assert get("/me", _auth(secret)).status_code == 401

    user.is_active = True
    user.save()
    assert get("/me", _auth(secret)).status_code == 401
    assert _revoked_for(owner, "account.disable")


def test_other_accounts_tokens_survive_someone_elses_event(
    owner: User, other: User, admin: User
) -> None:
    mine = tokens.api_token_create(owner, "script").secret
    theirs = tokens.api_token_create(other, "script").secret

    roles.role_change(admin, public_id(other), "clinician")

    assert get("/me", _auth(mine)).status_code == 200
    assert get("/me", _auth(theirs)).status_code == 401
