"""The program service: intake versions and plans, logs once per client id, next-morning pain,
decisions, check-ins. The clock is a parameter, so every date here is fixed."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User

from hipalign.adapters.db.models import (
    DecisionRecord,
    ExerciseLogRecord,
    IntakeRecord,
    PlanRecord,
    SessionRecord,
)
from hipalign.core.errors import InputError
from hipalign.core.library import default_library
from hipalign.services.kernel.access import NotFound, owned
from hipalign.services.program import checkins, doses, plans, recording
from hipalign.services.program.today import session_today
from tests.core.conftest import flags, intake_doc
from tests.services.factories import (
    EXERCISE,
    LOG_TODAY,
    MONDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    all_counts,
    log_payload,
    make_plan,
    snapshot,
)

pytestmark = pytest.mark.django_db


# --- intake and plans --------------------------------------------------------------------


def test_intake_submit_stores_one_intake_and_one_plan_starting_today(
    owner: User,
) -> None:
    plan = plans.intake_submit(owner, intake_doc(), TUESDAY)

    assert IntakeRecord.objects.filter(user=owner).count() == 1
    assert PlanRecord.objects.filter(user=owner).count() == 1
    assert plan.starts_on == TUESDAY
    assert plan.withheld is False
    assert plan.referral_level == "none"
    assert plans.plan_document(plan).plan is not None


def test_stored_intake_reads_back_equal_to_what_was_submitted(owner: User) -> None:
    doc = intake_doc(
        equipment=["mat", "resistance_band"],
        findings={"single_leg_stance_s": {"left": 12, "right": 30}},
    )
    plans.intake_submit(owner, doc, MONDAY)

    current = plans.intake_current(owner)

    assert current is not None
    assert current.model_dump(mode="json", by_alias=True, exclude_none=True) == (
        IntakeRecord.objects.get(user=owner).document
    )
    assert set(current.equipment) == {"mat", "resistance_band"}


def test_replan_keeps_every_earlier_intake_and_plan(owner: User) -> None:
    first = make_plan(owner, MONDAY)
    second = make_plan(owner, WEDNESDAY, age=70)

    assert plans.plan_current(owner) == second
    assert plans.plan_history(owner) == [second, first]
    assert IntakeRecord.objects.filter(user=owner).count() == 2
    assert plans.intake_current(owner).age == 70  # type: ignore[union-attr]


def test_red_flag_intake_stores_a_withheld_plan_with_the_referral(owner: User) -> None:
    plan = make_plan(owner, screening=flags("saddle_numbness_bladder_bowel"))

    assert plan.withheld is True
    assert plan.referral_level == "emergency"
    doc = plans.plan_document(plan)
    assert doc.plan is None
    assert [r.id for r in doc.referral.reasons] == ["saddle_numbness_bladder_bowel"]


def test_invalid_intake_raises_naming_the_field_and_stores_nothing(owner: User) -> None:
    before = all_counts()

    with pytest.raises(InputError) as exc:
        plans.intake_submit(owner, intake_doc(age="forty"), MONDAY)

    assert any(p.startswith("age:") for p in exc.value.problems)
    assert all_counts() == before


def test_plan_of_another_person_is_not_found(owner: User, other_plan: PlanRecord) -> None:
    with pytest.raises(NotFound):
        plans.plan_get(owner, str(other_plan.id))


@pytest.mark.parametrize("pk", ["not-a-uuid", "", str(uuid.uuid4()), "1"])
def test_plan_id_that_is_no_uuid_or_unknown_is_not_found(owner_plan: PlanRecord, pk: str) -> None:
    with pytest.raises(NotFound):
        plans.plan_get(owner_plan.user, pk)


def test_anonymous_user_owns_nothing(owner_plan: PlanRecord) -> None:
    with pytest.raises(NotFound):
        owned(PlanRecord, AnonymousUser(), owner_plan.id)


def test_owner_gets_their_own_plan(owner_plan: PlanRecord) -> None:
    assert plans.plan_get(owner_plan.user, str(owner_plan.id)) == owner_plan


# --- logs ----------------------------------------------------------------------------------


def test_first_log_creates_the_session_the_log_and_one_decision(owner_plan: PlanRecord) -> None:
    body = log_payload(owner_plan)

    result = recording.log_record(owner_plan.user, body, today=LOG_TODAY)

    assert result.created is True
    log = ExerciseLogRecord.objects.get(pk=result.log_id)
    assert log.client_id == body["client_id"]
    assert log.performed_on == MONDAY
    session = SessionRecord.objects.get(pk=body["session_id"])
    assert (session.user_id, session.plan_id, session.day) == (
        owner_plan.user.pk,
        owner_plan.id,
        "mon",
    )
    assert DecisionRecord.objects.filter(log=log).count() == 1
    assert result.decision is not None and result.decision.action == "hold"


def test_resending_a_log_five_times_stores_one_row_and_returns_the_same_id(
    owner_plan: PlanRecord,
) -> None:
    body = log_payload(owner_plan)

    results = [recording.log_record(owner_plan.user, dict(body), today=LOG_TODAY) for _ in range(5)]

    assert [r.created for r in results] == [True, False, False, False, False]
    assert {r.log_id for r in results} == {results[0].log_id}
    assert ExerciseLogRecord.objects.count() == 1
    assert SessionRecord.objects.count() == 1
    assert DecisionRecord.objects.count() == 1
    assert results[-1].decision == results[0].decision.model_copy(  # type: ignore[union-attr]
        update={"triggered_by": [body["client_id"]]}
    )


def test_same_client_id_with_another_payload_conflicts_and_changes_nothing(
    owner_plan: PlanRecord,
) -> None:
    body = log_payload(owner_plan)
    recording.log_record(owner_plan.user, body, today=LOG_TODAY)
    before = snapshot(owner_plan.user.pk)

    with pytest.raises(recording.LogConflict):
        recording.log_record(owner_plan.user, {**body, "pain_during": 4}, today=LOG_TODAY)

    assert snapshot(owner_plan.user.pk) == before


def test_client_ids_are_scoped_per_person(owner_plan: PlanRecord, other_plan: PlanRecord) -> None:
    mine = recording.log_record(
        owner_plan.user, log_payload(owner_plan, client_id="shared-id-1"), today=LOG_TODAY
    )
    theirs = recording.log_record(
        other_plan.user, log_payload(other_plan, client_id="shared-id-1"), today=LOG_TODAY
    )

    assert mine.created and theirs.created
    assert mine.log_id != theirs.log_id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pain_during": 11}, "pain_during"),
        ({"pain_during": -1}, "pain_during"),
        ({"colour": "red"}, "colour"),
        ({"reps_done": "8"}, "reps_done"),
        ({"sharp_pain": "no"}, "sharp_pain"),
        ({"exercise": "moonwalk"}, "exercise"),
        ({"rung": 6}, "rung"),  # glute_bridge has 6 rungs: 0-5
        ({"rung": 99}, "rung"),
        ({"performed_on": "2026-02-30"}, "performed_on"),
        ({"day": "someday"}, "day"),
        ({"side": "middle"}, "side"),
        ({"client_id": "short"}, "client_id"),
        ({"client_id": "has spaces in it"}, "client_id"),
        ({"session_id": "x" * 32}, "session_id"),
    ],
)
def test_bad_log_is_refused_naming_the_field_and_stores_nothing(
    owner_plan: PlanRecord, change: dict[str, Any], field: str
) -> None:
    before = all_counts()

    with pytest.raises(InputError) as exc:
        recording.log_record(
            owner_plan.user, {**log_payload(owner_plan), **change}, today=LOG_TODAY
        )

    assert any(p.startswith(f"{field}:") for p in exc.value.problems), exc.value.problems
    assert all_counts() == before


@pytest.mark.parametrize("key", ["user", "user_id", "id", "payload_hash"])
def test_owner_fields_in_the_payload_are_refused(
    owner_plan: PlanRecord, other: User, key: str
) -> None:
    before = all_counts()

    with pytest.raises(InputError) as exc:
        recording.log_record(
            owner_plan.user, log_payload(owner_plan, **{key: other.pk}), today=LOG_TODAY
        )

    assert any(p.startswith(f"{key}:") for p in exc.value.problems)
    assert all_counts() == before


def test_log_against_another_persons_plan_is_not_found_and_stores_nothing(
    owner: User, other_plan: PlanRecord
) -> None:
    make_plan(owner)
    before = all_counts()

    with pytest.raises(NotFound):
        recording.log_record(owner, log_payload(other_plan), today=LOG_TODAY)

    assert all_counts() == before


def test_log_into_another_persons_session_is_not_found_and_leaves_it_unchanged(
    owner_plan: PlanRecord, other_plan: PlanRecord
) -> None:
    theirs = recording.log_record(other_plan.user, log_payload(other_plan), today=LOG_TODAY)
    their_session = ExerciseLogRecord.objects.get(pk=theirs.log_id).session_id
    before_counts = all_counts()
    before = snapshot(other_plan.user.pk)

    with pytest.raises(NotFound):
        recording.log_record(
            owner_plan.user, log_payload(owner_plan, session_id=their_session), today=LOG_TODAY
        )

    assert all_counts() == before_counts
    assert snapshot(other_plan.user.pk) == before


def test_log_of_an_exercise_with_sides_keeps_its_side(owner_plan: PlanRecord) -> None:
    ex = default_library()["side_hip_abduction"]
    step = ex.ladder[1]
    result = recording.log_record(
        owner_plan.user,
        log_payload(
            owner_plan,
            exercise=ex.id,
            side="left",
            rung=1,
            sets_done=step.sets,
            reps_done=step.reps,
            hold_s_done=step.hold_s,
        ),
        today=LOG_TODAY,
    )

    assert ExerciseLogRecord.objects.get(pk=result.log_id).side == "left"
    assert result.decision is not None and result.decision.side == "left"


# --- progression -----------------------------------------------------------------------------


def _session_of(log_id: str) -> str:
    return str(ExerciseLogRecord.objects.get(pk=log_id).session_id)


def test_two_full_dose_sessions_with_calm_mornings_progress_one_rung(
    owner_plan: PlanRecord,
) -> None:
    user = owner_plan.user
    first = recording.log_record(
        user, log_payload(owner_plan, performed_on=MONDAY), today=LOG_TODAY
    )
    assert recording.next_morning_record(user, _session_of(first.log_id), 1)[0].action == "hold"
    second = recording.log_record(
        user, log_payload(owner_plan, performed_on=WEDNESDAY), today=LOG_TODAY
    )
    assert second.decision is not None and second.decision.action == "hold"

    decisions = recording.next_morning_record(user, _session_of(second.log_id), 1)

    assert [(d.exercise, d.action, d.rung) for d in decisions] == [(EXERCISE, "progress", 2)]
    assert SessionRecord.objects.get(pk=_session_of(second.log_id)).pain_next_morning == 1
    now = doses.plan_items_now(user, plans.plan_document(owner_plan))[EXERCISE]
    step = default_library()[EXERCISE].ladder[2]
    assert (now.sides[0].rung, now.sides[0].reps, now.sides[0].action) == (2, step.reps, "progress")


def test_a_worse_next_morning_regresses_instead_of_progressing(owner_plan: PlanRecord) -> None:
    user = owner_plan.user
    first = recording.log_record(
        user, log_payload(owner_plan, performed_on=MONDAY), today=LOG_TODAY
    )
    recording.next_morning_record(user, _session_of(first.log_id), 1)
    second = recording.log_record(
        user, log_payload(owner_plan, performed_on=WEDNESDAY), today=LOG_TODAY
    )

    decisions = recording.next_morning_record(user, _session_of(second.log_id), 4)

    assert [(d.action, d.rung) for d in decisions] == [("regress", 0)]


def test_pain_above_five_regresses_one_rung_with_review_advice(owner_plan: PlanRecord) -> None:
    result = recording.log_record(
        owner_plan.user, log_payload(owner_plan, pain_during=7), today=LOG_TODAY
    )

    assert result.decision is not None
    assert (result.decision.action, result.decision.rung) == ("regress", 0)
    assert any("review" in a for a in result.stop_advice)


def test_pain_above_five_on_the_easiest_rung_stops_and_suggests_review(
    owner_plan: PlanRecord,
) -> None:
    step = default_library()[EXERCISE].ladder[0]
    result = recording.log_record(
        owner_plan.user,
        log_payload(
            owner_plan,
            rung=0,
            sets_done=step.sets,
            reps_done=step.reps,
            hold_s_done=step.hold_s,
            pain_during=7,
        ),
        today=LOG_TODAY,
    )

    assert result.decision is not None
    assert result.decision.action == "stop_and_review"
    assert result.decision.review_suggested is True
    assert any("review with a professional is suggested" in a for a in result.stop_advice)


def test_sharp_pain_stops_and_suggests_review_at_any_pain(owner_plan: PlanRecord) -> None:
    result = recording.log_record(
        owner_plan.user, log_payload(owner_plan, sharp_pain=True), today=LOG_TODAY
    )

    assert result.decision is not None and result.decision.action == "stop_and_review"
    assert result.stop_advice


def test_low_pain_log_gives_no_stop_advice(owner_plan: PlanRecord) -> None:
    assert (
        recording.log_record(owner_plan.user, log_payload(owner_plan), today=LOG_TODAY).stop_advice
        == []
    )


# --- next morning --------------------------------------------------------------------------


@pytest.mark.parametrize("pain", [-1, 11])
def test_next_morning_pain_out_of_range_is_refused_and_not_stored(
    owner_plan: PlanRecord, pain: int
) -> None:
    result = recording.log_record(owner_plan.user, log_payload(owner_plan), today=LOG_TODAY)
    session_id = _session_of(result.log_id)

    with pytest.raises(InputError):
        recording.next_morning_record(owner_plan.user, session_id, pain)

    assert SessionRecord.objects.get(pk=session_id).pain_next_morning is None


def test_next_morning_for_another_persons_session_is_not_found_and_unchanged(
    owner_plan: PlanRecord, other: User
) -> None:
    result = recording.log_record(owner_plan.user, log_payload(owner_plan), today=LOG_TODAY)
    session_id = _session_of(result.log_id)
    before = snapshot(owner_plan.user.pk)

    with pytest.raises(NotFound):
        recording.next_morning_record(other, session_id, 9)

    assert snapshot(owner_plan.user.pk) == before


# --- today ---------------------------------------------------------------------------------


def test_session_today_on_a_planned_day_has_items_and_a_script(owner_plan: PlanRecord) -> None:
    t = session_today(owner_plan.user, MONDAY)

    assert t is not None and t.day is not None and t.script is not None
    assert EXERCISE in [n.exercise.id for n in t.items]
    assert (t.week, t.done_today, t.next_morning_for) == (1, False, None)


def test_session_today_on_a_rest_day_has_no_session(owner_plan: PlanRecord) -> None:
    t = session_today(owner_plan.user, TUESDAY)

    assert t is not None and t.day is None and t.items == []


def test_session_today_asks_next_morning_pain_for_yesterdays_session(
    owner_plan: PlanRecord,
) -> None:
    result = recording.log_record(
        owner_plan.user, log_payload(owner_plan, performed_on=MONDAY), today=LOG_TODAY
    )

    t = session_today(owner_plan.user, TUESDAY)
    done = session_today(owner_plan.user, MONDAY)

    assert t is not None and t.next_morning_for is not None
    assert str(t.next_morning_for.id) == _session_of(result.log_id)
    assert done is not None and done.done_today is True


def test_session_today_stops_asking_once_next_morning_is_given(owner_plan: PlanRecord) -> None:
    result = recording.log_record(
        owner_plan.user, log_payload(owner_plan, performed_on=MONDAY), today=LOG_TODAY
    )
    recording.next_morning_record(owner_plan.user, _session_of(result.log_id), 0)

    t = session_today(owner_plan.user, TUESDAY)

    assert t is not None and t.next_morning_for is None


def test_session_today_never_shows_another_persons_pending_session(
    owner_plan: PlanRecord, other_plan: PlanRecord
) -> None:
    recording.log_record(
        owner_plan.user, log_payload(owner_plan, performed_on=MONDAY), today=LOG_TODAY
    )

    t = session_today(other_plan.user, TUESDAY)

    assert t is not None and t.next_morning_for is None


def test_session_today_without_a_plan_is_none(owner: User) -> None:
    assert session_today(owner, MONDAY) is None


def test_review_point_is_due_in_week_two(owner_plan: PlanRecord) -> None:
    week1 = session_today(owner_plan.user, MONDAY)
    week2 = session_today(owner_plan.user, MONDAY + timedelta(days=8))

    assert week1 is not None and week1.reviews_due == []
    assert week2 is not None and [r.week for r in week2.reviews_due] == [2]


# --- check-ins -----------------------------------------------------------------------------


def _no_answers() -> dict[str, bool]:
    return dict(intake_doc()["screening"])


def test_checkin_with_a_red_flag_refers(owner_plan: PlanRecord) -> None:
    answers = {**_no_answers(), "calf_swollen_warm_red": True}

    rec, referral = checkins.checkin_record(owner_plan.user, answers, 2, 3, THURSDAY)

    assert referral.level == "urgent"
    assert rec.referral_level == "urgent"
    assert rec.referral["reasons"][0]["id"] == "calf_swollen_warm_red"


def test_checkin_with_no_flags_refers_nobody(owner_plan: PlanRecord) -> None:
    rec, referral = checkins.checkin_record(owner_plan.user, _no_answers(), 1, 2, THURSDAY)

    assert referral.level == "none"
    assert (rec.pain_now, rec.pain_worst_week, rec.performed_on) == (1, 2, THURSDAY)


def test_checkin_with_a_missing_answer_is_refused_and_not_stored(owner_plan: PlanRecord) -> None:
    answers = _no_answers()
    answers.pop("fall_cannot_bear_weight")
    before = all_counts()

    with pytest.raises(InputError):
        checkins.checkin_record(owner_plan.user, answers, 1, 2, THURSDAY)

    assert all_counts() == before


def test_checkin_before_any_intake_is_refused(owner: User) -> None:
    with pytest.raises(InputError):
        checkins.checkin_record(owner, _no_answers(), 1, 1, MONDAY)


def test_checkin_is_due_seven_days_after_the_plan_starts(owner_plan: PlanRecord) -> None:
    user = owner_plan.user
    assert checkins.checkin_due(user, MONDAY + timedelta(days=6)) is False
    assert checkins.checkin_due(user, MONDAY + timedelta(days=7)) is True


def test_checkin_is_due_again_seven_days_after_the_last_one(owner_plan: PlanRecord) -> None:
    user = owner_plan.user
    done_on = MONDAY + timedelta(days=8)
    checkins.checkin_record(user, _no_answers(), 1, 1, done_on)

    assert checkins.checkin_due(user, done_on + timedelta(days=6)) is False
    assert checkins.checkin_due(user, done_on + timedelta(days=7)) is True


def test_no_checkin_is_due_for_a_withheld_plan(owner: User) -> None:
    make_plan(owner, screening=flags("fall_cannot_bear_weight"))

    assert checkins.checkin_due(owner, MONDAY + timedelta(days=30)) is False


def test_the_decisions_next_dose_is_the_dose_today_will_show(owner: User) -> None:
    # An older adult's plan gives single-leg balance an extra set (balance minutes, Sherrington):
    # the player's "next time" line must say the dose Today shows after the decision.
    plan = make_plan(owner, age=72)
    user = plan.user
    ex = "single_leg_balance"
    item = doses.plan_items_now(user, plans.plan_document(plan))[ex].sides
    left = next(s for s in item if s.side == "left")
    done = {"sets_done": left.sets, "reps_done": left.reps, "hold_s_done": left.hold_s}
    sent = {"exercise": ex, "side": "left", "rung": left.rung, **done}
    first = recording.log_record(
        user, log_payload(plan, performed_on=MONDAY, **sent), today=LOG_TODAY
    )
    recording.next_morning_record(user, _session_of(first.log_id), 1)
    second = recording.log_record(
        user, log_payload(plan, performed_on=WEDNESDAY, **sent), today=LOG_TODAY
    )

    (decision,) = recording.next_morning_record(user, _session_of(second.log_id), 1)

    now = next(
        s
        for s in doses.plan_items_now(user, plans.plan_document(plan))[ex].sides
        if s.side == "left"
    )
    ladder = default_library()[ex].ladder[decision.rung]
    assert now.sets > ladder.sets  # the extra set survived the decision
    assert (decision.dose.sets, decision.dose.reps, decision.dose.hold_s) == (
        now.sets,
        now.reps,
        now.hold_s,
    )
    assert f"{now.sets} \u00d7" in doses.decision_text(decision)
