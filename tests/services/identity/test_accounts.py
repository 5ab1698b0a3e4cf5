"""Accounts: first run, sign-up rules, export of everything (GDPR 15/20), erasure (GDPR 17)."""

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from hipalign.adapters.db.models import (
    ApiToken,
    AssessmentRecord,
    AuditEvent,
    CareEpisode,
    ExerciseLogRecord,
    OutcomeRecord,
    PostureUpload,
    TotpDevice,
)
from hipalign.core.errors import InputError
from hipalign.services.followup import habits
from hipalign.services.identity import accounts
from hipalign.services.program import checkins, doses, plans, recording, safety
from tests.services.factories import (
    LOG_TODAY,
    MONDAY,
    PASSWORD,
    THURSDAY,
    log_payload,
    make_link,
    make_plan,
    make_role,
    make_user,
    owned_counts,
    person_models,
    public_id,
)

pytestmark = pytest.mark.django_db
POSTURE_OK = {
    "status": "ok",
    "reasons": [],
    "metrics": {
        "hip_tilt_deg": {"value": 1.5, "uncertainty": 2.4},
        "shoulder_tilt_deg": {"value": -0.5, "uncertainty": 2.7},
        "trunk_lean_deg": {"value": 0.2, "uncertainty": 0.9},
        "lateral_shift_pct": {"value": -0.3, "uncertainty": 1.6},
    },
    "high_side": "left",
    "frames": 1,
    "frames_used": 1,
    "model": "pose_landmarker_full",
    "wording": "The left hip sits a little higher in this photo.",
}


def _fill(user: User, client_id: str) -> dict[str, str]:
    """Some of everything for `user`: two plans (the second by a linked clinician, with an
    override and a note), a session with a log, decision and next-morning pain, a habit tick,
    posture results, a check-in, an assessment, an API token, a second factor and a care link.
    Texts carry `client_id` as a canary, so a leak between people shows."""
    name = user.get_username()
    clinician = make_role(f"clin_for_{name}", "clinician")
    make_link(clinician, user)
    make_plan(user)
    plan = make_plan(user, age=55, lifestyle={"sitting_hours_per_day": 9})
    with transaction.atomic():
        prescribed = plans.plan_store(
            user,
            plan.intake,
            plans.plan_document(plan),
            THURSDAY,
            expected_version=plan.version,
            author=clinician,
            author_role="clinician",
            changes=[{"what": "dose", "text": "Fewer reps."}],
            overrides=[{"exercise": "glute_bridge", "reason": f"{client_id} reason"}],
            note=f"{client_id} note",
        )
    habits.habit_check(user, str(prescribed.id), "workstation_check", "", THURSDAY)
    PostureUpload.objects.create(user=user, kind="photo")  # still waiting for analysis
    PostureUpload.objects.create(user=user, kind="photo", status="done", result=POSTURE_OK)
    PostureUpload.objects.create(user=user, kind="clip", status="failed", error="too dark")
    result = recording.log_record(
        user, log_payload(prescribed, client_id=client_id), today=LOG_TODAY
    )
    session_id = str(ExerciseLogRecord.objects.get(pk=result.log_id).session_id)
    recording.next_morning_record(user, session_id, 1)
    screening = dict.fromkeys(plan.intake.document["screening"], False)
    safety.safety_stop_record(user, {"fall_cannot_bear_weight": True}, THURSDAY)
    checkins.checkin_record(user, screening, 1, 2, THURSDAY)  # after the stop: it clears it
    AssessmentRecord.objects.create(
        user=user,
        clinician=clinician,
        performed_on=THURSDAY,
        intake=plan.intake,
        document={
            "schema": "hipalign.assessment/1",
            "performed_on": THURSDAY.isoformat(),
            "notes": f"{client_id} assessment",
        },
    )
    ApiToken.objects.create(
        user=user,
        name=f"{client_id} token",
        key_hash=hashlib.sha256(f"{client_id}-key".encode()).hexdigest(),
        prefix=client_id[:8],
        expires_at=timezone.now() + timedelta(days=90),
    )
    TotpDevice.objects.create(
        user=user, secret=f"SECRET{name.upper()}", confirmed_at=timezone.now()
    )
    return {"plan": str(plan.id), "session": session_id, "log": result.log_id}


def _session_for(user: User) -> str:
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

    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert (person.is_staff, person.is_superuser) == (False, False)
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


def test_export_holds_every_own_row_and_none_of_another_persons(owner: User, other: User) -> None:
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
        "safety_stops": "SafetyStop",
        "current_doses": "CurrentDose",
        "habit_checks": "HabitCheck",
        "episodes": "CareEpisode",
        "outcomes": "OutcomeRecord",
        "posture_uploads": "PostureUpload",
        "assessments": "AssessmentRecord",
        "api_tokens": "ApiToken",
    }
    for section, model in sections.items():
        m = next(m for m in person_models() if m.__name__ == model)
        own_ids = {
            str(pk) for pk in m._default_manager.filter(user=owner).values_list("pk", flat=True)
        }
        assert own_ids, model
        assert {str(row["id"]) for row in doc[section]} == own_ids, section
    # One row per person, keyed by the user: exported as one object each.
    assert doc["profile"] == {"role": "person", "public_id": public_id(owner)}
    assert doc["totp"]["set_up"] is True and doc["totp"]["confirmed_at"]
    one_per_person = {"Profile", "TotpDevice"}
    # Left out on purpose: a password-reset link is a credential of this install only; even its
    # hash is worth nothing elsewhere and would only widen what a leaked export holds.
    # Reach (issue 18): a device's push subscription works only with this install's VAPID key,
    # the delivery rows are the worker's bookkeeping, and the reach settings hold an email
    # verification hash; the account's email address itself travels with the account.
    not_exported = {"PasswordResetLink", "PushSubscription", "Delivery", "ReachPreference"}
    assert set(sections.values()) | one_per_person | not_exported == {
        m.__name__ for m in person_models()
    }
    assert not any("reset" in key for key in doc)
    assert [(c["as"], c["with"], c["status"]) for c in doc["care_links"]] == [
        ("patient", "clin_for_ann_owner", "active")
    ]
    prescribed = next(p for p in doc["plans"] if p["version"] == 3)
    assert prescribed["author_role"] == "clinician"
    assert prescribed["note"] == "canary-owner-log note"
    assert prescribed["overrides"][0]["reason"] == "canary-owner-log reason"
    assert doc["assessments"][0]["clinician"] == "clin_for_ann_owner"
    assert doc["checkins"][0]["referral"]["level"] == "none"
    assert "canary-owner-log" in text and mine["session"] in text
    for canary in [*theirs.values(), "canary-other-log", other.get_username(), "clin_for_bea"]:
        assert canary not in text


def test_export_never_holds_a_secret(owner: User) -> None:
    _fill(owner, "canary-owner-log")

    text = json.dumps(accounts.account_export(owner))

    token = ApiToken.objects.get(user=owner)
    assert token.key_hash not in text and "key_hash" not in text
    assert "SECRETANN_OWNER" not in text and "secret" not in text
    assert "recovery" not in text and "code_hash" not in text
    assert '"prefix": "canary-o"' in text


def test_export_is_audited_without_health_data(owner: User) -> None:
    _fill(owner, "canary-owner-log")

    accounts.account_export(owner)

    event = AuditEvent.objects.get(action="account.export")
    assert (event.actor_id, event.target) == (owner.pk, "")


def test_delete_with_the_wrong_password_deletes_nothing(owner: User, other: User) -> None:
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
    owner: User, other: User
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


def test_audit_events_name_records_but_hold_no_health_data(owner: User) -> None:
    ids = _fill(owner, "canary-owner-log")
    accounts.account_export(owner)

    rows: list[dict[str, Any]] = [dict(r) for r in AuditEvent.objects.values("action", "target")]

    assert {r["action"] for r in rows} == {
        "plan.create",
        "safety_stop.create",
        "checkin.create",
        "account.export",
    }
    assert ids["plan"] in {r["target"] for r in rows if r["action"] == "plan.create"}
    assert all("canary" not in r["target"] for r in rows)


# --- import ------------------------------------------------------------------------------

# Fields that name the account on the install that made the export, not the person's data:
# they are not imported (an import must not carry a role, tokens, a second factor or links to
# accounts of another install), so they are left out of the comparison.
ACCOUNT_IDENTITY = ("account", "profile", "api_tokens", "totp", "care_links")


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """An export without its account identity, and without what an import cannot carry over:
    - current_doses[].id: a row number of the exporting database (the rows themselves come
      back, pointing at the same decisions);
    - assessments[].clinician: the clinician's account is on the other install (null here)."""
    out = {k: v for k, v in json.loads(json.dumps(doc)).items() if k not in ACCOUNT_IDENTITY}
    for row in out["current_doses"]:
        row.pop("id")
    for row in out["assessments"]:
        row.pop("clinician")
    return out


def _expected_after_import(doc: dict[str, Any]) -> dict[str, Any]:
    """What importing `doc` gives back: the same rows, except an upload that was still waiting
    for analysis, whose file did not travel, comes back failed and says why."""
    out = _comparable(doc)
    for row in out["posture_uploads"]:
        if row["status"] in ("queued", "running"):
            row["status"], row["error"] = "failed", accounts.NOT_IMPORTED_FILE
    return out


def _renamed_ids(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with every UUID replaced by its order of first appearance, so two exports
    whose ids differ compare equal exactly when every row and every link between rows does."""
    text = json.dumps(doc)
    seen: dict[str, str] = {}
    for found in re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text):
        seen.setdefault(found, f"id-{len(seen)}")
    for old, new in seen.items():
        text = text.replace(old, new)
    return json.loads(text)  # type: ignore[no-any-return]


def snapshot(user_id: Any) -> dict[str, list[dict[str, Any]]]:
    """Every field of every row the person owns (factories.snapshot assumes an `id` column,
    which Profile and TotpDevice, keyed by the user, do not have)."""
    return {
        m.__name__: list(m._default_manager.filter(user_id=user_id).order_by("pk").values())
        for m in person_models()
    }


def _as_file(doc: dict[str, Any]) -> Any:
    return json.loads(json.dumps(doc))  # what a download and an upload carry


def test_export_import_export_gives_the_same_data_in_a_new_account(
    owner: User,
) -> None:
    _fill(owner, "canary-owner-log")
    exported = _as_file(accounts.account_export(owner))
    # "Another instance": the rows of the first account are gone from this database.
    accounts.account_delete(owner, PASSWORD)
    newcomer = make_user("nina_new")

    result = accounts.account_import(newcomer, exported, today=LOG_TODAY)

    again = accounts.account_export(newcomer)
    assert result.remapped == 0  # every id was free, so every id was kept
    assert _comparable(again) == _expected_after_import(exported)
    assert again["account"]["username"] == "nina_new"
    assert result.counts["exercise_logs"] == 1 and result.counts["assessments"] == 1


def test_import_beside_the_original_gives_new_ids_and_keeps_every_link(
    owner: User,
) -> None:
    _fill(owner, "canary-owner-log")
    exported = _as_file(accounts.account_export(owner))
    before = snapshot(owner.pk)
    newcomer = make_user("nina_new")

    result = accounts.account_import(newcomer, exported, today=LOG_TODAY)

    again = accounts.account_export(newcomer)
    rows = sum(
        len(v) for k, v in exported.items() if isinstance(v, list) and k not in ACCOUNT_IDENTITY
    )
    assert result.remapped == rows - len(exported["current_doses"])  # all ids were taken
    assert _renamed_ids(_comparable(again)) == _renamed_ids(_expected_after_import(exported))
    assert snapshot(owner.pk) == before  # the original account is untouched


def test_an_imported_log_resent_stores_nothing_twice(owner: User) -> None:
    _fill(owner, "canary-owner-log")
    log = ExerciseLogRecord.objects.select_related("session").get(user=owner)
    resend = log_payload(
        log.session.plan,
        client_id=log.client_id,
        session_id=log.session_id,
        performed_on=log.performed_on,
    )
    exported = _as_file(accounts.account_export(owner))
    accounts.account_delete(owner, PASSWORD)
    newcomer = make_user("nina_new")
    accounts.account_import(newcomer, exported, today=LOG_TODAY)

    replay = recording.log_record(newcomer, resend, today=LOG_TODAY)

    assert replay.created is False
    assert ExerciseLogRecord.objects.filter(user=newcomer).count() == 1
    with pytest.raises(recording.LogConflict):
        recording.log_record(newcomer, {**resend, "pain_during": 4}, today=LOG_TODAY)


def test_a_skip_goes_through_export_and_import_and_an_older_file_without_skipped_imports(
    owner: User,
) -> None:
    plan = make_plan(owner)
    skip = {**log_payload(plan, sets_done=0, reps_done=0, skipped=True)}
    del skip["pain_during"]
    recording.log_record(owner, skip, today=LOG_TODAY)
    recording.log_record(owner, log_payload(plan), today=LOG_TODAY)
    exported = _as_file(accounts.account_export(owner))
    older = json.loads(json.dumps(exported))
    older["exercise_logs"] = [r for r in older["exercise_logs"] if not r["skipped"]]
    for row in older["exercise_logs"]:
        del row["skipped"]  # as written before issue 14 item 2
    accounts.account_delete(owner, PASSWORD)

    accounts.account_import(make_user("nina_new"), exported, today=LOG_TODAY)
    accounts.account_import(make_user("olga_old"), older, today=LOG_TODAY)

    rows = ExerciseLogRecord.objects.filter(user__username="nina_new")
    assert sorted((r.skipped, r.pain_during) for r in rows) == [(False, 1), (True, None)]
    assert list(
        ExerciseLogRecord.objects.filter(user__username="olga_old").values_list(
            "skipped", flat=True
        )
    ) == [False]
    # The first import kept the ids, and the skip its hash: resending it stores nothing.
    resend = recording.log_record(User.objects.get(username="nina_new"), skip, today=LOG_TODAY)
    assert resend.created is False


def test_imported_plan_and_doses_show_as_before(owner: User) -> None:
    _fill(owner, "canary-owner-log")
    plan_before = plans.plan_current(owner)
    assert plan_before is not None
    doses_before = doses.plan_items_now(owner, plans.plan_document(plan_before))
    exported = _as_file(accounts.account_export(owner))
    accounts.account_delete(owner, PASSWORD)
    newcomer = make_user("nina_new")

    accounts.account_import(newcomer, exported, today=LOG_TODAY)

    plan_after = plans.plan_current(newcomer)
    assert plan_after is not None
    assert (plan_after.id, plan_after.version, plan_after.author_role) == (
        plan_before.id,
        3,
        "clinician",
    )
    assert plan_after.author_id is None
    doses_after = doses.plan_items_now(newcomer, plans.plan_document(plan_after))
    assert [n.sides for n in doses_after.values()] == [n.sides for n in doses_before.values()]
    upload = PostureUpload.objects.get(user=newcomer, status="done")
    assert (upload.stored_name, upload.overlay_name) == ("", "")
    assert upload.result == POSTURE_OK


def _minimal_export() -> dict[str, Any]:
    return {
        "schema": "hipalign.export/1",
        "account": {"username": "someone"},
        **{
            section: []
            for section in (
                "intakes",
                "plans",
                "sessions",
                "exercise_logs",
                "decisions",
                "current_doses",
                "habit_checks",
                "outcomes",
                "posture_uploads",
                "checkins",
            )
        },
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"schema": "hipalign.export/2"}, "schema:"),
        ({"schema": None}, "schema:"),
        ({"plans": "not a list"}, "plans:"),
        ({"intakes": [{"id": "not-a-uuid", "created_at": "x", "document": {}}]}, "intakes[0].id:"),
        ({"surprise": []}, "surprise:"),
        (
            {
                "sessions": [
                    {
                        "id": "00000000-0000-4000-8000-000000000001",
                        "plan_id": "00000000-0000-4000-8000-000000000002",
                        "day": "mon",
                        "session": 1,
                        "performed_on": "2026-03-02",
                        "pain_next_morning": None,
                        "created_at": "2026-03-02T10:00:00+00:00",
                    }
                ]
            },
            "sessions[0].plan_id:",
        ),
    ],
)
def test_import_refuses_a_bad_document_naming_the_field_and_stores_nothing(
    owner: User, change: dict[str, Any], field: str
) -> None:
    doc = {**_minimal_export(), **change}
    if change.get("schema", "") is None:
        doc.pop("schema")

    with pytest.raises(InputError) as exc:
        accounts.account_import(owner, doc, today=LOG_TODAY)

    assert any(p.startswith(field) for p in exc.value.problems), exc.value.problems
    assert owned_counts(owner.pk) == dict.fromkeys(owned_counts(owner.pk), 0)


def test_import_refuses_what_is_not_an_object(owner: User) -> None:
    with pytest.raises(InputError) as exc:
        accounts.account_import(owner, ["hipalign.export/1"], today=LOG_TODAY)

    assert exc.value.problems == ["(document): must be a JSON object"]


def test_import_refuses_an_account_that_has_data_and_changes_nothing(
    owner: User, other: User
) -> None:
    _fill(other, "canary-other-log")
    exported = _as_file(accounts.account_export(other))
    make_plan(owner)
    before = snapshot(owner.pk)

    with pytest.raises(InputError) as exc:
        accounts.account_import(owner, exported, today=LOG_TODAY)

    assert exc.value.problems[0].startswith("account: already holds data")
    assert snapshot(owner.pk) == before


def test_import_is_all_or_nothing(owner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(owner, "canary-owner-log")
    exported = _as_file(accounts.account_export(owner))
    newcomer = make_user("nina_new")
    real_insert = accounts._insert
    calls = []

    def failing(model: Any, rows: list[Any], created: list[Any]) -> None:
        calls.append(model)
        if len(calls) == 5:  # after intakes, plans, sessions and logs are in
            raise RuntimeError("disk full")
        real_insert(model, rows, created)

    monkeypatch.setattr(accounts, "_insert", failing)

    with pytest.raises(RuntimeError):
        accounts.account_import(newcomer, exported, today=LOG_TODAY)

    assert owned_counts(newcomer.pk) == dict.fromkeys(owned_counts(newcomer.pk), 0)
    assert not AuditEvent.objects.filter(action="account.import").exists()


def test_import_is_audited_without_health_data(owner: User) -> None:
    _fill(owner, "canary-owner-log")
    exported = _as_file(accounts.account_export(owner))
    newcomer = make_user("nina_new")

    accounts.account_import(newcomer, exported, today=LOG_TODAY)

    event = AuditEvent.objects.get(action="account.import")
    assert (event.actor_id, event.target) == (newcomer.pk, "")


def _scored_export(owner: User) -> dict[str, Any]:
    from hipalign.services.followup.outcome_records import outcome_record

    make_plan(owner, pain={"now": 6, "worst_week": 7})
    outcome_record(owner, "psfs", {"stairs": 3, "walking": 4, "car": 5}, MONDAY)
    return _as_file(accounts.account_export(owner))  # type: ignore[no-any-return]


def test_scores_come_back_in_their_episode_of_care(owner: User) -> None:
    from hipalign.services.followup.outcome_records import outcomes_summary

    exported = _scored_export(owner)
    assert {o["episode_id"] for o in exported["outcomes"]} == {exported["episodes"][0]["id"]}
    newcomer = make_user("nina_new")

    accounts.account_import(newcomer, exported, today=LOG_TODAY)

    s = outcomes_summary(newcomer, MONDAY)
    assert s.episode is not None and str(s.episode.id) != exported["episodes"][0]["id"]  # taken
    assert {v.measure.id: len(v.records) for v in s.views if v.records} == {"nprs": 1, "psfs": 1}


def test_a_file_from_before_episodes_joins_its_scores_to_one_episode(
    owner: User,
) -> None:
    from hipalign.services.followup.outcome_records import outcomes_summary

    exported = _scored_export(owner)
    exported.pop("episodes")
    for o in exported["outcomes"]:
        o.pop("episode_id")
    accounts.account_delete(owner, PASSWORD)
    newcomer = make_user("nina_new")

    accounts.account_import(newcomer, exported, today=LOG_TODAY)

    (episode,) = CareEpisode.objects.filter(user=newcomer)
    assert episode.started_on == MONDAY
    assert set(OutcomeRecord.objects.filter(user=newcomer).values_list("episode", flat=True)) == {
        episode.id
    }
    assert outcomes_summary(newcomer, MONDAY).psfs_activities


def test_a_score_naming_an_episode_not_in_the_file_is_refused(owner: User) -> None:
    exported = _scored_export(owner)
    exported["episodes"] = []
    newcomer = make_user("nina_new")
    before = owned_counts(newcomer.pk)

    with pytest.raises(InputError) as exc:
        accounts.account_import(newcomer, exported, today=LOG_TODAY)

    assert "outcomes[0].episode_id: names no row of this file" in exc.value.problems
    assert owned_counts(newcomer.pk) == before


def test_imported_plans_keep_their_week_beside_the_document(owner: User) -> None:
    from hipalign.adapters.db.models import PlanRecord
    from hipalign.core.adherence import planned_week

    _fill(owner, "canary-owner-log")
    exported = _as_file(accounts.account_export(owner))
    newcomer = make_user("nina_new")

    accounts.account_import(newcomer, exported, today=LOG_TODAY)

    rows = list(PlanRecord.objects.filter(user_id=newcomer.pk).values_list("document", "week"))
    assert rows and all(week == planned_week(doc) and week for doc, week in rows)
