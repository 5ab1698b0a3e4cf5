"""Issue 13 item 14: exercises are grouped by position so nobody goes floor -> standing -> floor."""

from typing import Any

import pytest

from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.planner import generate_plan
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


CASES = {
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
