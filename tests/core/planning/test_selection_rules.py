"""Issue 13 item 11 and issue 14 item 15: every library entry is reachable where it fits, and
equipment the person has is used (planning/selection.toml, the library's band variants)."""

from typing import Any

import pytest

from hipalign.core.intake import Intake
from hipalign.core.library import default_library, parse_library
from hipalign.core.library.catalog import _package_files
from hipalign.core.planning.document import Item, PlanDocument
from hipalign.core.planning.planner import generate_plan
from hipalign.core.planning.selection import SelectionRule, selection_problems
from tests.core.conftest import make_intake

LIB = default_library()
BASE: dict[str, Any] = {
    "equipment": ["mat", "wall", "sturdy_support"],
    "minutes_per_session": 60,
    "sessions_per_week": 3,
}
RIGHT_WEAK = {
    "trendelenburg": {"right": "positive"},
    "single_leg_stance_s": {"left": 40, "right": 12},
}
BAND = ["mat", "wall", "sturdy_support", "resistance_band"]
TRUNK_LOW = {"plank_hold_s": 10, "side_plank_hold_s": {"left": 8, "right": 9}}
PREGNANT_20 = {"pregnant": True, "weeks": 20}

# Valid intakes, each a person the planner serves; together they reach every library entry.
CASES: dict[str, dict[str, Any]] = {
    "no findings": {},
    "weaker right side": {"findings": RIGHT_WEAK},
    "weaker right side, a band": {"findings": RIGHT_WEAK, "equipment": BAND},
    "restricted left hip": {
        "findings": {"hip_rotation_restricted": {"left": True}},
        "symptoms": ["hip_tightness"],
        "pain": {"now": 1, "side": "left"},
    },
    "forward tilt": {
        "findings": {
            "pelvic_tilt": "anterior_increased",
            "thomas_test": {"left": "hip_flexor_tight", "right": "hip_flexor_tight"},
        },
        "lifestyle": {"sitting_hours_per_day": 9},
    },
    "forward tilt, pregnant": {
        "pregnancy": PREGNANT_20,
        "findings": {"pelvic_tilt": "anterior_increased"},
        "symptoms": ["low_back_pain"],
    },
    "outer-thigh pain": {"symptoms": ["it_band_pain"], "pain": {"now": 2, "side": "left"}},
    "outer-thigh pain, pregnant": {
        "pregnancy": PREGNANT_20,
        "symptoms": ["it_band_pain"],
        "pain": {"now": 2, "side": "left"},
    },
    "outer-hip pain": {
        "symptoms": ["lateral_hip_pain"],
        "pain": {"now": 2, "side": "right"},
        "findings": RIGHT_WEAK,
    },
    "pain 7": {"pain": {"now": 7, "worst_week": 7, "side": "right"}, "findings": RIGHT_WEAK},
    "pain 7, pregnant": {
        "pain": {"now": 7, "worst_week": 7, "side": "right"},
        "pregnancy": PREGNANT_20,
    },
    "pregnant, low trunk endurance": {
        "pregnancy": PREGNANT_20,
        "findings": TRUNK_LOW,
        "symptoms": ["low_back_pain"],
    },
    "70 years old": {"age": 70},
    "no floor": {"findings": RIGHT_WEAK, "limitations": ["cannot_get_to_floor"]},
    "no floor, no wall": {
        "findings": RIGHT_WEAK,
        "equipment": ["sturdy_support"],
        "limitations": ["cannot_get_to_floor"],
    },
}


def intake(**over: Any) -> Intake:
    return make_intake(**{**BASE, **over})


def planned(doc: PlanDocument) -> dict[str, Item]:
    assert doc.plan is not None
    return {it.exercise: it for day in doc.plan.days for it in day.items}


def test_every_library_entry_is_reachable_by_some_valid_intake() -> None:
    """In a plan, or as the next exercise a planned one's ladder leads to (the single-leg plank
    after the plank), so no entry can fall out of reach unnoticed."""
    reached: set[str] = set()
    for over in CASES.values():
        items = planned(generate_plan(intake(**over), LIB))
        reached |= set(items)
        reached |= {n for ex_id in items for n in LIB[ex_id].next_exercises}
    assert sorted(set(LIB) - reached) == []


@pytest.mark.parametrize(
    ("exercise", "case"),
    [
        ("prone_hip_extension", "weaker right side"),
        ("seated_straddle_stretch", "weaker right side"),
        ("band_hip_flexion", "weaker right side, a band"),
        ("band_hip_abduction", "weaker right side, a band"),
        ("it_band_stretch", "outer-thigh pain"),
        ("side_lying_tfl_stretch", "outer-thigh pain, pregnant"),
        ("seated_hamstring_stretch", "restricted left hip"),
        ("isometric_hip_hold", "pain 7"),
    ],
)
def test_the_seed_exercises_the_planner_never_picked_are_in_the_plan_where_they_fit(
    exercise: str, case: str
) -> None:
    assert exercise in planned(generate_plan(intake(**CASES[case]), LIB))


def test_outer_thigh_pain_brings_the_it_band_stretch_with_the_answer_and_its_source() -> None:
    item = planned(generate_plan(intake(**CASES["outer-thigh pain"]), LIB))["it_band_stretch"]
    why = next(w for w in item.why if w.kind == "answer")
    assert "outside of the thigh" in why.text and "seed_hip_exercises_eleven" in why.refs


def test_with_outer_hip_pain_the_it_band_stretch_stays_out_and_says_why() -> None:
    doc = generate_plan(
        intake(symptoms=["it_band_pain", "lateral_hip_pain"], pain={"now": 2, "side": "left"}), LIB
    )
    assert doc.plan is not None
    items = planned(doc)
    assert "it_band_stretch" not in items and "side_lying_tfl_stretch" not in items
    reason = next(lo.reason for lo in doc.plan.left_out if lo.exercise == "it_band_stretch")
    assert "outer-hip" in reason and "No safe substitute" in reason


def test_prone_hip_extension_trains_the_weaker_side_and_says_which() -> None:
    item = planned(generate_plan(intake(findings=RIGHT_WEAK), LIB))["prone_hip_extension"]
    assert item.lead_side == "right"
    assert any(
        "Your right side is the weaker one" in w.text for w in item.why if w.kind == "answer"
    )


def test_prone_hip_extension_needs_a_known_weaker_side_and_is_never_done_pregnant() -> None:
    assert "prone_hip_extension" not in planned(generate_plan(intake(), LIB))
    pregnant = planned(
        generate_plan(intake(findings=RIGHT_WEAK, pregnancy={"pregnant": True, "weeks": 8}), LIB)
    )
    assert "prone_hip_extension" not in pregnant


def test_the_adductor_stretch_joins_the_asymmetry_pattern_with_its_source() -> None:
    doc = generate_plan(
        intake(
            findings={
                "pelvic_obliquity": {"degrees": 4, "high_side": "left", "source": "clinician"},
                "leg_length_difference_mm": 12,
            }
        ),
        LIB,
    )
    item = planned(doc)["seated_straddle_stretch"]
    why = next(w for w in item.why if w.kind == "pattern")
    assert why.pattern == "frontal_asymmetry" and why.intent == "stretch"
    assert "inner-thigh" in why.text and "seed_hip_mechanics_overview" in why.refs


def test_the_adductor_stretch_respects_hip_precautions() -> None:
    doc = generate_plan(
        intake(
            findings=RIGHT_WEAK, hip_precautions="posterior_approach", cleared_by_clinician=True
        ),
        LIB,
    )
    assert doc.plan is not None and "seated_straddle_stretch" not in planned(doc)
    assert any(lo.exercise == "seated_straddle_stretch" for lo in doc.plan.left_out)


def test_the_hamstring_stretch_joins_the_mobility_pattern() -> None:
    item = planned(generate_plan(intake(**CASES["restricted left hip"]), LIB))[
        "seated_hamstring_stretch"
    ]
    assert any(w.pattern == "mobility_restriction" for w in item.why)
    assert item.side == "left"  # the pattern's side, as for its other stretches


def test_band_hip_flexion_comes_with_a_band_only_and_not_for_short_hip_flexors() -> None:
    assert "band_hip_flexion" not in planned(generate_plan(intake(findings=RIGHT_WEAK), LIB))
    assert "band_hip_flexion" in planned(generate_plan(intake(equipment=BAND), LIB))
    tight = {"thomas_test": {"left": "hip_flexor_tight", "right": "hip_flexor_tight"}}
    doc = generate_plan(
        intake(equipment=BAND, findings=tight, lifestyle={"sitting_hours_per_day": 9}), LIB
    )
    assert any(p.id == "hip_flexor_tightness" for p in doc.patterns)
    assert "band_hip_flexion" not in planned(doc)


def test_with_a_band_and_no_ankle_weights_the_banded_leg_lift_carries_the_ladder_on() -> None:
    items = planned(generate_plan(intake(findings=RIGHT_WEAK, equipment=BAND), LIB))
    assert "side_hip_abduction" not in items
    why = [w.text for w in items["band_hip_abduction"].why if w.kind == "substitute"]
    assert why == [
        "Uses your resistance band: Banded side leg lift works the same muscles as the "
        "side-lying leg lift, and a stronger band adds load later where the side-lying leg lift "
        "would need ankle weights, which you did not list."
    ]


def test_with_ankle_weights_too_the_side_lying_lift_stays() -> None:
    items = planned(
        generate_plan(intake(findings=RIGHT_WEAK, equipment=[*BAND, "ankle_weights"]), LIB)
    )
    assert "side_hip_abduction" in items and "band_hip_abduction" not in items


def test_the_rule_reasons_read_as_plain_words_without_ids_or_arrows() -> None:
    for name, over in CASES.items():
        for it in planned(generate_plan(intake(**over), LIB)).values():
            for w in it.why:
                assert "->" not in w.text and "{" not in w.text, (name, it.exercise, w.text)
                ids = [ex_id for ex_id in LIB if "_" in ex_id]  # "plank" is a word too
                assert not any(ex_id in w.text for ex_id in ids), (name, it.exercise, w.text)


def test_a_one_sided_stretch_says_where_the_pattern_was_found_not_weaker() -> None:
    item = planned(generate_plan(intake(findings=RIGHT_WEAK), LIB))["seated_straddle_stretch"]
    assert item.side == "right"
    assert [w.text for w in item.why if w.kind == "lead_side"] == [
        "Only the right side, where the pattern was found."
    ]


def test_the_shipped_selection_rules_are_valid() -> None:
    assert selection_problems(LIB) == []


def test_a_selection_rule_naming_an_unknown_exercise_or_pattern_is_reported() -> None:
    bad = SelectionRule(
        exercise="no_such_move",
        intent="stretch",
        patterns=["no_such_pattern"],
        text="A reason long enough.",
        sources=["no_such_source"],
    )
    problems = selection_problems(LIB, (bad,))
    assert any("'no_such_move' is not an exercise" in p for p in problems)
    assert any("'no_such_pattern' is not a pattern id" in p for p in problems)
    assert any("unknown bibliography id 'no_such_source'" in p for p in problems)


def test_a_band_variant_must_need_a_band_and_keep_the_aim() -> None:
    files = _package_files()
    files["side_hip_abduction.toml"] = files["side_hip_abduction.toml"].replace(
        'band_variant = "band_hip_abduction"', 'band_variant = "plank"'
    )
    _, problems = parse_library(files)
    assert (
        "side_hip_abduction.toml: band_variant 'plank' does not need a resistance band" in problems
    )
    assert (
        "side_hip_abduction.toml: band_variant 'plank' works another main muscle group" in problems
    )
