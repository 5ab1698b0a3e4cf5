"""Skipped exercises (issue 14 item 2): stored as skipped with what was done, through the same
idempotent log path; they never move the dose, and a client that does not know `skipped` still
logs (and resends) as before."""

import hashlib
import json
import uuid

import pytest

from hipalign.adapters.db.models import CurrentDose, DecisionRecord, ExerciseLogRecord, PlanRecord
from hipalign.core.errors import InputError
from hipalign.services.program import logs, recording
from tests.services.factories import (
    EXERCISE,
    LOG_TODAY,
    MONDAY,
    RUNG,
    WEDNESDAY,
    log_payload,
    snapshot,
)

pytestmark = pytest.mark.django_db


def _skip(plan: PlanRecord, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {"skipped": True, "sets_done": 0, "reps_done": 0, "hold_s_done": 0}
    body.update(overrides)
    payload = log_payload(plan, **body)
    if "pain_during" not in overrides:
        del payload["pain_during"]
    return payload


def test_a_skip_is_stored_as_skipped_without_pain_and_makes_no_decision(
    owner_plan: PlanRecord,
) -> None:
    user = owner_plan.user
    result = recording.log_record(user, _skip(owner_plan), today=LOG_TODAY)

    rec = ExerciseLogRecord.objects.get(pk=result.log_id)
    assert (rec.skipped, rec.sets_done, rec.reps_done, rec.pain_during) == (True, 0, 0, None)
    assert result.decision is None and result.stop_advice == []
    assert not DecisionRecord.objects.filter(user_id=user.pk).exists()
    assert logs.log_get(user, log_id=result.log_id).detail == "Skipped (0 \u00d7 0 done)"


def test_a_resent_skip_stores_nothing_new(owner_plan: PlanRecord) -> None:
    user = owner_plan.user
    body = _skip(owner_plan)
    first = recording.log_record(user, body, today=LOG_TODAY)

    again = recording.log_record(user, body, today=LOG_TODAY)

    assert (again.created, again.log_id) == (False, first.log_id)
    assert ExerciseLogRecord.objects.filter(user_id=user.pk).count() == 1


def test_skips_at_the_full_dose_with_calm_mornings_never_progress(owner_plan: PlanRecord) -> None:
    user = owner_plan.user
    done = recording.log_record(user, log_payload(owner_plan, performed_on=MONDAY), today=LOG_TODAY)
    monday = ExerciseLogRecord.objects.get(pk=done.log_id).session_id
    recording.next_morning_record(user, str(monday), 0)
    for day, session in ((MONDAY, monday), (WEDNESDAY, None)):
        # A skip that claims the whole dose at pain 0, a calm morning after: still no step up.
        skip = recording.log_record(
            user,
            log_payload(
                owner_plan, performed_on=day, session_id=session, skipped=True, pain_during=0
            ),
            today=LOG_TODAY,
        )
        assert skip.decision is None
        session_of_skip = ExerciseLogRecord.objects.get(pk=skip.log_id).session_id
        recording.next_morning_record(user, str(session_of_skip), 0)

    decisions = DecisionRecord.objects.filter(user_id=user.pk)
    assert set(decisions.values_list("log_id", "action")) == {(uuid.UUID(done.log_id), "hold")}
    assert CurrentDose.objects.get(user_id=user.pk).decision.rung == RUNG


def test_a_skip_reporting_sharp_pain_stops_the_exercise(owner_plan: PlanRecord) -> None:
    result = recording.log_record(
        owner_plan.user, _skip(owner_plan, sharp_pain=True), today=LOG_TODAY
    )

    assert result.decision is not None
    assert (result.decision.exercise, result.decision.action) == (EXERCISE, "stop_and_review")


def test_a_log_that_is_not_a_skip_still_needs_pain_and_nothing_is_stored(
    owner_plan: PlanRecord,
) -> None:
    body = log_payload(owner_plan)
    del body["pain_during"]
    before = snapshot(owner_plan.user.pk)

    with pytest.raises(InputError, match="pain_during"):
        recording.log_record(owner_plan.user, body, today=LOG_TODAY)

    assert snapshot(owner_plan.user.pk) == before


def test_a_log_from_a_client_without_skipped_hashes_as_before(owner_plan: PlanRecord) -> None:
    """The hash a stored log had before `skipped` existed is what a resend from an old outbox
    is compared with: it must not change, or the resend would be refused with 422."""
    body = log_payload(owner_plan)
    result = recording.log_record(owner_plan.user, body, today=LOG_TODAY)

    old_fields = recording.LogIn.model_validate(body).model_dump(
        mode="json", exclude={"skipped", "counted_by"}
    )
    old_hash = hashlib.sha256(json.dumps(old_fields, sort_keys=True).encode()).hexdigest()
    rec = ExerciseLogRecord.objects.get(pk=result.log_id)
    assert (rec.payload_hash, rec.skipped) == (old_hash, False)
    assert recording.log_record(owner_plan.user, body, today=LOG_TODAY).created is False
