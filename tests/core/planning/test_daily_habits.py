"""Issue 13 items 10 and 13: balance work and a daily balance habit for older adults and poor
balance (Sherrington 2017); the seed's daily stretches offered on the days without a session."""

from typing import Any

import pytest

from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.planner import generate_plan
from hipalign.core.screening.catalog import QUESTION_IDS

LIB = default_library()


def intake(**over: Any) -> Intake:
    doc: dict[str, Any] = {
        "schema": "hipalign.intake/1",
        "age": 45,
        "screening": dict.fromkeys(QUESTION_IDS, False),
        "equipment": ["mat", "wall", "sturdy_support"],
        "minutes_per_session": 30,
        "sessions_per_week": 3,
    }
    doc.update(over)
    return Intake.model_validate(doc)


def habits(i: Intake) -> dict[str, Any]:
    doc = generate_plan(i, LIB)
    assert doc.plan is not None
    return {h.id: h for h in doc.plan.lifestyle}


def planned(i: Intake) -> set[str]:
    doc = generate_plan(i, LIB)
    assert doc.plan is not None
    return {it.exercise for d in doc.plan.days for it in d.items}


@pytest.mark.parametrize("over", [{"age": 70}, {"limitations": ["poor_balance"]}])
def test_older_adults_and_poor_balance_get_balance_work_and_a_daily_balance_habit(
    over: dict[str, Any],
) -> None:
    i = intake(**over)
    assert "single_leg_balance" in planned(i)
    habit = habits(i)["daily_balance"]
    assert habit.per_week == 7 and habit.moves == ["single_leg_balance"]
    assert "3 hours a week" in habit.reason
    assert "Sherrington C" in habit.source and "2017" in habit.source


def test_a_younger_person_with_good_balance_gets_no_balance_habit() -> None:
    assert "daily_balance" not in habits(intake())


def test_knees_to_chest_in_the_plan_is_offered_daily_on_the_days_without_a_session() -> None:
    i = intake()
    assert "knee_to_chest" in planned(i)
    habit = habits(i)["daily_stretches"]
    assert "knee_to_chest" in habit.moves
    assert habit.per_week == 7 - 3


def test_no_daily_stretch_habit_when_every_day_has_a_session() -> None:
    assert "daily_stretches" not in habits(intake(sessions_per_week=7))
