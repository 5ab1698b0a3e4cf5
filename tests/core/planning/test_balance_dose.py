"""Issue 13 item 10: older adults and people with poor balance get more balance minutes per
session where the time budget allows, and the plan says how many a week against the target."""

from typing import Any

import pytest

from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.balance import balance_rule
from hipalign.core.planning.document import PlanBody
from hipalign.core.planning.planner import day_script_items, generate_plan
from hipalign.core.screening.catalog import QUESTION_IDS
from hipalign.core.session_script import item_seconds

LIB = default_library()
BALANCE = "single_leg_balance"


def _plan(**over: Any) -> PlanBody:
    doc: dict[str, Any] = {
        "schema": "hipalign.intake/1",
        "age": 72,
        "screening": dict.fromkeys(QUESTION_IDS, False),
        "equipment": ["mat", "wall", "sturdy_support"],
        "minutes_per_session": 30,
        "sessions_per_week": 3,
    }
    doc.update(over)
    plan = generate_plan(Intake.model_validate(doc), LIB).plan
    assert plan is not None
    return plan


def _balance_items(plan: PlanBody) -> list[Any]:
    return [it for d in plan.days for it in d.items if it.exercise == BALANCE]


def _week_seconds(plan: PlanBody) -> int:
    return sum(it.seconds for it in _balance_items(plan))


def _next_step_cost(plan: PlanBody) -> int | None:
    """Seconds one more balance step (a set, or at the most sets a hold per set) would add to a
    session, or None when the balance dose is at the rule's most."""
    rule = balance_rule()
    day = next(d for d in plan.days if any(it.exercise == BALANCE for it in d.items))
    item = next(it for it in day.items if it.exercise == BALANCE)
    script = next(s for s in day_script_items(day, LIB) if s.exercise == BALANCE)
    if item.sets < rule.max_sets:
        change = {"sets": item.sets + 1}
    elif item.reps < rule.max_holds:
        change = {"reps": item.reps + 1}
    else:
        return None
    bigger = script.model_copy(
        update={"doses": [d.model_copy(update=change) for d in script.doses]}
    )
    return item_seconds(bigger) - item.seconds


WHO = [{"age": 72}, {"age": 45, "limitations": ["poor_balance"]}]


@pytest.mark.parametrize("minutes", [15, 20, 30, 40, 60])
@pytest.mark.parametrize("who", WHO)
def test_balance_work_takes_the_time_left_until_no_more_fits_or_it_is_at_the_most(
    who: dict[str, Any], minutes: int
) -> None:
    plan = _plan(minutes_per_session=minutes, **who)
    assert _balance_items(plan)
    cost = _next_step_cost(plan)
    room = min(
        minutes * 60 - d.duration_s
        for d in plan.days
        if any(it.exercise == BALANCE for it in d.items)
    )
    assert room >= 0
    assert cost is None or cost > room, (minutes, room, cost)


@pytest.mark.parametrize("who", WHO)
def test_with_time_to_spare_the_balance_dose_goes_past_the_ladder_start(
    who: dict[str, Any],
) -> None:
    plan = _plan(minutes_per_session=60, **who)
    items = _balance_items(plan)
    assert items
    rule = balance_rule()
    for it in items:
        assert it.dose_by_side is not None
        rung = LIB[BALANCE].ladder[it.dose_by_side["left"].rung]
        assert (it.sets, it.reps) == (rule.max_sets, rule.max_holds)
        assert it.sets > rung.sets
        assert {(d.sets, d.reps) for d in it.dose_by_side.values()} == {(it.sets, it.reps)}
        assert any("More balance practice" in w.text for w in it.why)
    for day in plan.days:
        assert day.duration_s <= 60 * 60


def test_every_session_of_the_week_has_the_same_balance_dose() -> None:
    items = _balance_items(_plan(sessions_per_week=5, minutes_per_session=20))
    assert len(items) == 5
    assert len({(it.sets, it.reps, it.hold_s, it.seconds) for it in items}) == 1


def test_the_plan_says_its_balance_minutes_a_week_against_the_target_from_the_data() -> None:
    plan = _plan(minutes_per_session=20)
    dose = plan.balance
    assert dose is not None
    rule = balance_rule()
    assert dose.target_minutes_per_week == rule.target_minutes_per_week == 180
    assert dose.minutes_per_week == round(_week_seconds(plan) / 60, 1)
    share = round(100 * _week_seconds(plan) / (180 * 60))
    assert (
        f"about {round(_week_seconds(plan) / 60)} minutes of balance practice a week" in dose.text
    )
    assert f"about {share} % of the 3 hours a week" in dose.text
    assert "More minutes per session" in dose.text
    assert "sherrington2017" in dose.refs
    assert "Sherrington" in dose.source


def test_at_the_most_balance_work_the_plan_does_not_ask_for_more_minutes() -> None:
    dose = _plan(minutes_per_session=90, sessions_per_week=7).balance
    assert dose is not None
    assert "More minutes per session" not in dose.text


def test_a_younger_person_with_steady_balance_gets_no_balance_dose() -> None:
    plan = _plan(age=40)
    assert plan.balance is None
    assert _balance_items(plan) == []
