"""Issue 13 item 5: two steps back in a row, sharp pain or new numbness stop that exercise
until a review. It leaves Today with the reason shown, the clinician's list flags it, and only
a clinician's prescription or a new intake brings it back."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.prescription import prescription_from
from hipalign.services.care import clinic
from hipalign.services.care.prescribe import plan_prescribe
from hipalign.services.program import plans, recording
from hipalign.services.program.today import session_today
from tests.services.factories import (
    EXERCISE,
    LOG_TODAY,
    MONDAY,
    WEDNESDAY,
    log_payload,
    make_plan,
    public_id,
)

pytestmark = pytest.mark.django_db


def _day_with_exercise(plan: PlanRecord) -> int:
    """Days after MONDAY of the first planned day with the exercise under test."""
    doc = plans.plan_document(plan)
    assert doc.plan is not None
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    day = next(d.day for d in doc.plan.days if any(it.exercise == EXERCISE for it in d.items))
    return names.index(day)


def _today_ids(user: User, plan: PlanRecord) -> tuple[list[str], list[str]]:
    on = MONDAY + timedelta(days=7 + _day_with_exercise(plan))
    t = session_today(user, on)
    assert t is not None
    return [n.exercise.id for n in t.items], [n.exercise.id for n in t.stopped]


def _flags(clinician: User) -> set[str]:
    rows = clinic.patients_attention(clinician, MONDAY + timedelta(days=8))
    return {f.kind for r in rows for f in r.flags}


@pytest.mark.parametrize("what", ["sharp_pain", "new_numbness"])
def test_sharp_pain_or_new_numbness_takes_the_exercise_off_today_with_the_reason(
    owner_plan: PlanRecord, what: str
) -> None:
    user = owner_plan.user
    assert EXERCISE in _today_ids(user, owner_plan)[0]
    recording.log_record(user, log_payload(owner_plan, **{what: True}), today=LOG_TODAY)

    items, stopped = _today_ids(user, owner_plan)

    assert EXERCISE not in items and stopped == [EXERCISE]
    t = session_today(user, MONDAY + timedelta(days=7 + _day_with_exercise(owner_plan)))
    assert t is not None
    reasons = [r for s in t.stopped[0].sides for r in s.reasons]
    assert any("stop this exercise" in r for r in reasons)
    assert t.script is None or all(s.exercise != EXERCISE for s in t.script.steps)


def test_two_steps_back_in_a_row_take_the_exercise_off_today(owner_plan: PlanRecord) -> None:
    user = owner_plan.user
    first = recording.log_record(
        user, log_payload(owner_plan, rung=2, pain_during=6, performed_on=MONDAY), today=LOG_TODAY
    )
    assert first.decision is not None and first.decision.action == "regress"
    assert EXERCISE in _today_ids(user, owner_plan)[0]  # one step back does not stop it
    second = recording.log_record(
        user,
        log_payload(owner_plan, rung=1, pain_during=6, performed_on=WEDNESDAY),
        today=LOG_TODAY,
    )
    assert second.decision is not None and second.decision.action == "stop_and_review"

    assert _today_ids(user, owner_plan)[1] == [EXERCISE]


def test_the_clinicians_list_flags_a_stopped_exercise_until_a_prescription(
    owner_plan: PlanRecord, clinician: User
) -> None:
    user = owner_plan.user
    recording.log_record(user, log_payload(owner_plan, sharp_pain=True), today=LOG_TODAY)
    assert "stop_and_review" in _flags(clinician)

    rx = prescription_from(PlanDocument.model_validate(owner_plan.document))
    assert rx is not None
    made = plan_prescribe(
        clinician,
        public_id(user),
        rx.model_dump(mode="json"),
        owner_plan.version,
    )

    assert "stop_and_review" not in _flags(clinician)
    assert EXERCISE in _today_ids(user, made)[0]


def test_a_new_intake_brings_a_stopped_exercise_back(owner_plan: PlanRecord) -> None:
    user = owner_plan.user
    recording.log_record(user, log_payload(owner_plan, sharp_pain=True), today=LOG_TODAY)
    assert _today_ids(user, owner_plan)[1] == [EXERCISE]

    again = make_plan(user, MONDAY)

    items, stopped = _today_ids(user, again)
    assert EXERCISE in items and stopped == []


def test_another_persons_stop_leaves_my_today_alone(
    owner_plan: PlanRecord, other_plan: PlanRecord
) -> None:
    recording.log_record(other_plan.user, log_payload(other_plan, sharp_pain=True), today=LOG_TODAY)
    assert _today_ids(owner_plan.user, owner_plan)[1] == []


def test_a_log_made_while_stopped_is_kept_but_does_not_bring_the_exercise_back(
    owner_plan: PlanRecord,
) -> None:
    user = owner_plan.user
    recording.log_record(user, log_payload(owner_plan, sharp_pain=True), today=LOG_TODAY)

    later = recording.log_record(
        user, log_payload(owner_plan, performed_on=WEDNESDAY), today=LOG_TODAY
    )

    assert later.decision is not None and later.decision.action == "stop_and_review"
    assert _today_ids(user, owner_plan)[1] == [EXERCISE]
