"""Issue 13 items 6-9: anterior hip replacement, outer-hip and groin pain, planks as second line.

Each test names the behaviour and fails when its rule is removed from the constraints or the
library's movement tags.
"""

from typing import Any

import pytest

from hipalign.core.education.coaching import break_moves
from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.constraints import constraints_for, exclusion_reason
from hipalign.core.planning.document import Item, PlanDocument
from hipalign.core.planning.planner import generate_plan
from hipalign.core.screening.catalog import QUESTION_IDS

LIB = default_library()
ALL_EQUIPMENT = ["mat", "wall", "sturdy_support", "pillow", "resistance_band", "books_or_step"]


def intake(**over: Any) -> Intake:
    doc: dict[str, Any] = {
        "schema": "hipalign.intake/1",
        "age": 45,
        "screening": dict.fromkeys(QUESTION_IDS, False),
        "equipment": ALL_EQUIPMENT,
        "minutes_per_session": 40,
        "sessions_per_week": 3,
    }
    doc.update(over)
    return Intake.model_validate(doc)


def planned(doc: PlanDocument) -> dict[str, Item]:
    assert doc.plan is not None
    return {it.exercise: it for day in doc.plan.days for it in day.items}


MOBILITY = {"hip_rotation_restricted": {"left": True, "right": False}}
ABDUCTOR = {
    "trendelenburg": {"left": "positive", "right": "negative"},
    "single_leg_stance_s": {"left": 12, "right": 30},
}
TRUNK = {"plank_hold_s": 20, "side_plank_hold_s": {"left": 10, "right": 12}}
HIP_FLEXOR = {"thomas_test": {"left": "hip_flexor_tight", "right": "normal"}}


# --- item 6: anterior approach -------------------------------------------------------------


@pytest.mark.parametrize(
    "exercise_id",
    ["leg_swings", "hip_rotation_90", "standing_hip_extension", "hip_flexor_stretch"],
)
def test_anterior_approach_rules_out_every_move_that_extends_or_turns_the_hip_out(
    exercise_id: str,
) -> None:
    c = constraints_for(intake(hip_precautions="anterior_approach", cleared_by_clinician=True))
    assert exclusion_reason(LIB[exercise_id], c) is not None


def test_anterior_approach_plan_has_no_extension_or_external_rotation_move() -> None:
    doc = generate_plan(
        intake(
            hip_precautions="anterior_approach",
            cleared_by_clinician=True,
            findings={**MOBILITY, **HIP_FLEXOR},
            lifestyle={"sitting_hours_per_day": 9},
        ),
        LIB,
    )
    banned = {
        "hip_extension_past_neutral",
        "hip_external_rotation",
        "hip_extension_external_rotation",
    }
    for ex_id in planned(doc):
        assert not banned & set(LIB[ex_id].contraindications), ex_id
    assert doc.plan is not None
    breaks = [h for h in doc.plan.lifestyle if h.moves]
    for habit in breaks:
        for move in habit.moves:
            assert not banned & set(LIB[move].contraindications), move


def test_anterior_approach_movement_breaks_leave_out_leg_swings_and_hip_flexor_stretch() -> None:
    moves = break_moves(
        intake(hip_precautions="anterior_approach", lifestyle={"sitting_hours_per_day": 9}), LIB
    )
    assert "leg_swings" not in moves and "hip_flexor_stretch" not in moves
    assert moves  # a routine is still offered


def test_anterior_approach_bridge_stops_at_a_straight_line() -> None:
    doc = generate_plan(intake(hip_precautions="anterior_approach", cleared_by_clinician=True), LIB)
    bridge = planned(doc).get("glute_bridge")
    assert bridge is not None
    assert any("never higher" in n for n in bridge.notes)


# --- item 7: outer-hip (gluteal tendon) pain -----------------------------------------------


@pytest.mark.parametrize(
    "exercise_id",
    [
        "side_hip_abduction",
        "clamshell",
        "side_plank",
        "side_plank_knees",
        "side_lying_tfl_stretch",
        "leg_swings",
        "piriformis_stretch",
        "seated_piriformis_stretch",
        "it_band_stretch",
    ],
)
def test_outer_hip_pain_rules_out_side_lying_and_crossing_the_midline(exercise_id: str) -> None:
    c = constraints_for(intake(symptoms=["lateral_hip_pain"]))
    assert exclusion_reason(LIB[exercise_id], c) is not None


def test_outer_hip_pain_loads_the_abductors_standing_with_the_wall_press() -> None:
    doc = generate_plan(intake(symptoms=["lateral_hip_pain"], findings=ABDUCTOR), LIB)
    chosen = planned(doc)
    assert "standing_isometric_abduction" in chosen
    assert all(LIB[e].position != "side_lying" for e in chosen)
    sub = [w for w in chosen["standing_isometric_abduction"].why if w.kind == "substitute"]
    assert sub and "side" in sub[0].text


def test_the_wall_press_leads_back_to_side_lying_work_as_a_later_rung() -> None:
    ex = LIB["standing_isometric_abduction"]
    assert ex.next_exercises[-1] == "side_hip_abduction"
    assert ex.dose.start < len(ex.ladder) - 1


def test_outer_hip_pain_reason_for_crossing_the_midline_is_about_the_tendon_not_surgery() -> None:
    c = constraints_for(intake(symptoms=["lateral_hip_pain"]))
    reason = exclusion_reason(LIB["leg_swings"], c)
    assert reason is not None and "tendon" in reason and "precautions" not in reason


# --- item 8: groin pain --------------------------------------------------------------------


@pytest.mark.parametrize(
    "over",
    [
        {"findings": {"faber": {"left": "groin_pain", "right": "negative"}}},
        {"symptoms": ["groin_pain"], "findings": {"hip_flexion_limited": {"right": True}}},
    ],
    ids=["faber", "reported_with_limited_flexion"],
)
@pytest.mark.parametrize(
    "exercise_id", ["knee_to_chest", "seated_knee_to_chest", "hip_rotation_90"]
)
def test_groin_pain_rules_out_end_range_flexion_and_flexion_adduction_internal_rotation(
    over: dict[str, Any], exercise_id: str
) -> None:
    c = constraints_for(intake(**over))
    assert exclusion_reason(LIB[exercise_id], c) is not None


def test_reported_groin_pain_alone_keeps_knees_to_chest() -> None:
    c = constraints_for(intake(symptoms=["groin_pain"]))
    assert exclusion_reason(LIB["knee_to_chest"], c) is None


# --- item 9: planks are second line --------------------------------------------------------


@pytest.mark.parametrize(
    "over",
    [
        {"age": 70},
        {"limitations": ["poor_balance"]},
        {"hip_precautions": "posterior_approach", "cleared_by_clinician": True},
    ],
    ids=["over_65", "poor_balance", "after_hip_surgery"],
)
def test_plank_and_side_plank_start_with_the_incline_or_knee_variant(over: dict[str, Any]) -> None:
    doc = generate_plan(intake(findings=TRUNK, **over), LIB)
    chosen = planned(doc)
    assert "plank" not in chosen and "side_plank" not in chosen
    assert "incline_plank" in chosen
    assert "plank" in LIB["incline_plank"].next_exercises
    assert "side_plank" in LIB["side_plank_knees"].next_exercises


def test_a_younger_person_with_good_balance_may_start_with_the_floor_plank() -> None:
    doc = generate_plan(intake(findings=TRUNK), LIB)
    assert "plank" in planned(doc)
