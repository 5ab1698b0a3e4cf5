"""CurrentDose points at the newest decision per exercise and side, and can be rebuilt."""

import pytest

from hipalign.adapters.db.models import CurrentDose, DecisionRecord
from hipalign.services.program import doses, plans, recording
from tests.services.factories import EXERCISE, LOG_TODAY, TUESDAY, log_payload, make_plan, make_user

pytestmark = pytest.mark.django_db


def _newest_by_history(user_id: int) -> dict[tuple[str, str], str]:
    newest: dict[tuple[str, str], str] = {}
    for d in DecisionRecord.objects.filter(user_id=user_id).order_by("created_at"):
        newest[(d.exercise_id, d.side or "")] = str(d.id)
    return newest


def _current(user_id: int) -> dict[tuple[str, str], str]:
    return {
        (c.exercise_id, c.side): str(c.decision_id)
        for c in CurrentDose.objects.filter(user_id=user_id)
    }


def test_each_log_moves_the_current_dose_to_its_decision() -> None:
    user = make_user("ann")
    plan = make_plan(user)
    recording.log_record(user, log_payload(plan), today=LOG_TODAY)
    recording.log_record(
        user, log_payload(plan, performed_on=TUESDAY, pain_during=7), today=LOG_TODAY
    )

    assert _current(user.pk) == _newest_by_history(user.pk)
    assert CurrentDose.objects.filter(user_id=user.pk, exercise_id=EXERCISE).count() == 1


def test_a_regression_shows_on_today_through_the_current_dose() -> None:
    user = make_user("ann")
    plan = make_plan(user)
    recording.log_record(
        user, log_payload(plan, pain_during=7), today=LOG_TODAY
    )  # above 5: one rung down

    items = doses.plan_items_now(user, plans.plan_document(plan))

    side = items[EXERCISE].sides[0]
    assert side.action == "regress"
    assert side.rung == 0


def test_rebuild_gives_the_same_pointers_as_logging_did() -> None:
    user = make_user("ann")
    plan = make_plan(user)
    for pain in (1, 2, 7):
        recording.log_record(user, log_payload(plan, pain_during=pain), today=LOG_TODAY)
    before = _current(user.pk)
    CurrentDose.objects.filter(user_id=user.pk).delete()

    assert doses.current_dose_rebuild(user) == len(before)
    assert _current(user.pk) == before
