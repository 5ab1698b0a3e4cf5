"""Accounts: first run, sign-up rules, export of everything (GDPR 15/20), erasure (GDPR 17)."""

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from hipalign.adapters.db.models import AuditEvent, ExerciseLogRecord, PostureUpload
from hipalign.core.errors import InputError
from hipalign.services import accounts, habits, program
from tests.services.factories import (
    PASSWORD,
    THURSDAY,
    log_payload,
    make_plan,
    make_user,
    owned_counts,
    person_models,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def _fill(user: AbstractBaseUser, client_id: str) -> dict[str, str]:
    """Some of everything for `user`: two plans, a session with a log and decision, a check-in."""
    make_plan(user)
    plan = make_plan(user, age=55, lifestyle={"sitting_hours_per_day": 9})
    habits.habit_check(user, str(plan.id), "workstation_check", "", THURSDAY)
    PostureUpload.objects.create(user=user, kind="photo")
    result = program.log_record(user, log_payload(plan, client_id=client_id))
    session_id = str(ExerciseLogRecord.objects.get(pk=result.log_id).session_id)
    program.next_morning_record(user, session_id, 1)
    screening = dict.fromkeys(plan.intake.document["screening"], False)
    program.checkin_record(user, screening, 1, 2, THURSDAY)
    return {"plan": str(plan.id), "session": session_id, "log": result.log_id}


def _session_for(user: AbstractBaseUser) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    assert store.session_key is not None
    return store.session_key


def test_first_run_lasts_until_the_first_account_exists(db: None) -> None:
    assert accounts.account_first_run() is True
    accounts.account_create("first", PASSWORD, admin=True)
    assert accounts.account_first_run() is False


def test_first_account_can_be_made_admin_and_later_ones_are_not(db: None) -> None:
    admin = accounts.account_create("first", PASSWORD, admin=True)
    person = accounts.account_create("second", PASSWORD)

    assert (admin.is_staff, admin.is_superuser) == (True, True)  # type: ignore[attr-defined]
    assert (person.is_staff, person.is_superuser) == (False, False)  # type: ignore[attr-defined]
    assert person.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("dora", "short", "password"),
        ("dora", "password", "password"),  # on the common-passwords list
        ("dora", "12345678901", "password"),  # all digits
        ("dora", "x" * 257, "password"),
        ("", PASSWORD, "username"),
        ("   ", PASSWORD, "username"),
        ("dora smith", PASSWORD, "username"),
        ("d" * 151, PASSWORD, "username"),
    ],
)
def test_account_create_refuses_bad_input_naming_the_field(
    db: None, username: str, password: str, field: str
) -> None:
    with pytest.raises(InputError) as exc:
        accounts.account_create(username, password)

    assert any(p.startswith(f"{field}:") for p in exc.value.problems), exc.value.problems
    assert not User._default_manager.exists()


def test_account_create_allows_a_long_passphrase_without_composition_rules(db: None) -> None:
    phrase = "the quick brown fox jumps over the lazy dog " * 5  # 220 characters, no digits

    user = accounts.account_create("dora", phrase)

    assert user.check_password(phrase)
    assert not user.check_password(phrase[:72])  # nothing is truncated


def test_username_taken_in_another_case_is_refused(db: None) -> None:
    make_user("Dora")

    with pytest.raises(InputError) as exc:
        accounts.account_create("dora", PASSWORD)

    assert exc.value.problems == ["username: already taken; choose another"]
    assert User._default_manager.count() == 1


def test_account_create_is_audited(db: None) -> None:
    user = accounts.account_create("dora", PASSWORD)

    assert list(AuditEvent.objects.values_list("actor_id", "action")) == [
        (user.pk, "account.create")
    ]


def test_export_holds_every_own_row_and_none_of_another_persons(
    owner: AbstractBaseUser, other: AbstractBaseUser
) -> None:
    mine = _fill(owner, "canary-owner-log")
    theirs = _fill(other, "canary-other-log")

    doc = accounts.account_export(owner)

    text = json.dumps(doc)
    assert doc["schema"] == "hipalign.export/1"
    assert doc["account"]["username"] == owner.get_username()
    sections = {
        "intakes": "IntakeRecord",
        "plans": "PlanRecord",
        "sessions": "SessionRecord",
        "exercise_logs": "ExerciseLogRecord",
        "decisions": "DecisionRecord",
        "checkins": "CheckInRecord",
        "current_doses": "CurrentDose",
        "habit_checks": "HabitCheck",
        "outcomes": "OutcomeRecord",
        "posture_uploads": "PostureUpload",
    }
    for section, model in sections.items():
        m = next(m for m in person_models() if m.__name__ == model)
        own_ids = {
            str(pk) for pk in m._default_manager.filter(user=owner).values_list("pk", flat=True)
        }
        assert own_ids, model
        assert {str(row["id"]) for row in doc[section]} == own_ids, section
    assert set(sections.values()) == {m.__name__ for m in person_models()}  # no model forgotten
    assert "canary-owner-log" in text and mine["session"] in text
    for canary in [*theirs.values(), "canary-other-log", other.get_username()]:
        assert canary not in text


def test_export_is_audited_without_health_data(owner: AbstractBaseUser) -> None:
    _fill(owner, "canary-owner-log")

    accounts.account_export(owner)

    event = AuditEvent.objects.get(action="account.export")
    assert (event.actor_id, event.target) == (owner.pk, "")


def test_delete_with_the_wrong_password_deletes_nothing(
    owner: AbstractBaseUser, other: AbstractBaseUser
) -> None:
    _fill(owner, "canary-owner-log")
    key = _session_for(owner)
    before = owned_counts(owner.pk)

    with pytest.raises(InputError) as exc:
        accounts.account_delete(owner, "not the password")

    assert exc.value.problems[0].startswith("password:")
    assert User._default_manager.filter(pk=owner.pk).exists()
    assert owned_counts(owner.pk) == before
    assert Session.objects.filter(session_key=key).exists()


def test_delete_erases_the_account_every_owned_row_and_its_sessions_only(
    owner: AbstractBaseUser, other: AbstractBaseUser
) -> None:
    _fill(owner, "canary-owner-log")
    _fill(other, "canary-other-log")
    owner_key, other_key = _session_for(owner), _session_for(other)
    other_before = owned_counts(other.pk)
    uid = owner.pk

    accounts.account_delete(owner, PASSWORD)

    assert not User._default_manager.filter(pk=uid).exists()
    assert owned_counts(uid) == dict.fromkeys(owned_counts(uid), 0)
    assert not Session.objects.filter(session_key=owner_key).exists()
    assert owned_counts(other.pk) == other_before
    assert Session.objects.filter(session_key=other_key).exists()
    assert AuditEvent.objects.filter(actor_id=uid, action="account.delete").count() == 1


def test_audit_events_name_records_but_hold_no_health_data(owner: AbstractBaseUser) -> None:
    ids = _fill(owner, "canary-owner-log")
    accounts.account_export(owner)

    rows: list[dict[str, Any]] = list(AuditEvent.objects.values("action", "target"))

    assert {r["action"] for r in rows} == {"plan.create", "checkin.create", "account.export"}
    assert ids["plan"] in {r["target"] for r in rows if r["action"] == "plan.create"}
    assert all("canary" not in r["target"] for r in rows)
