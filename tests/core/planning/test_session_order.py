"""Issue 13 item 14: exercises are grouped by position so nobody goes floor -> standing -> floor."""

from typing import Any

import pytest

from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.planner import day_script, generate_plan
from hipalign.core.planning.warm_up import warm_up
from hipalign.core.screening.catalog import QUESTION_IDS
from hipalign.core.vocab import FLOOR_POSITIONS

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


CASES: dict[str, dict[str, Any]] = {
    "general": {},
    "older": {"age": 72},
    "poor_balance": {"limitations": ["poor_balance"]},
    "patterns": {
        "findings": {
            "trendelenburg": {"left": "positive", "right": "negative"},
            "single_leg_stance_s": {"left": 10, "right": 30},
            "plank_hold_s": 20,
            "hip_rotation_restricted": {"left": True},
        }
    },
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_session_goes_down_to_the_floor_once_and_stays_there(case: str) -> None:
    doc = generate_plan(intake(**CASES[case]), LIB)
    assert doc.plan is not None
    for day in doc.plan.days:
        on_floor = [it.position in FLOOR_POSITIONS for it in day.items]
        # once on the floor, no standing or chair exercise follows
        first_floor = on_floor.index(True) if True in on_floor else len(on_floor)
        assert all(on_floor[first_floor:]), (day.day, [it.position for it in day.items])
        positions = [it.position for it in day.items]
        # each position is one block: the person changes position at most once per position
        blocks = [p for i, p in enumerate(positions) if i == 0 or positions[i - 1] != p]
        assert len(blocks) == len(set(blocks)), (day.day, positions)


# --- the warm-up (issue 13 item 14) -----------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_session_opens_with_a_two_to_three_minute_warm_up_phase(case: str) -> None:
    doc = generate_plan(intake(**CASES[case]), LIB)
    assert doc.plan is not None and doc.plan.days
    for day in doc.plan.days:
        warm = day.warm_up
        assert warm is not None
        assert 2 <= len(warm.moves) <= 4
        assert 120 <= sum(m.seconds for m in warm.moves) == warm.seconds <= 180
        assert "fradkin2010" in warm.refs and "Fradkin" in warm.source
        script = day_script(day, LIB)
        kinds = [s.kind for s in script.steps]
        assert kinds[: len(warm.moves)] == ["warm_up"] * len(warm.moves)
        assert "warm_up" not in kinds[len(warm.moves) :]
        # The warm-up is no exercise: nothing to log, count or progress.
        assert all(it.exercise in LIB for it in day.items)
        assert all(s.exercise is None for s in script.steps if s.kind == "warm_up")
        assert day.duration_s == script.total_s <= 30 * 60


@pytest.mark.parametrize("minutes", [5, 10])
def test_short_sessions_keep_the_warm_up_inside_their_minutes_and_still_hold_exercises(
    minutes: int,
) -> None:
    doc = generate_plan(intake(minutes_per_session=minutes), LIB)
    assert doc.plan is not None and doc.plan.days
    for day in doc.plan.days:
        assert day.warm_up is not None and day.items
        assert day.duration_s <= minutes * 60


def test_the_warm_up_data_breaks_none_of_its_rules() -> None:
    warm = warm_up()
    assert warm.seconds == sum(m.seconds for m in warm.moves)
    assert len({m.id for m in warm.moves}) == len(warm.moves)
    assert all(m.how and m.name for m in warm.moves)
