"""Issue 13 items 12 and 15: the weaker side gets more, the words say only what is true."""

from typing import Any

import pytest

from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.document import Item, PlanDocument
from hipalign.core.planning.planner import generate_plan
from hipalign.core.planning.sides import side_findings, symptom_free
from hipalign.core.screening.catalog import QUESTION_IDS

LIB = default_library()


def intake(**over: Any) -> Intake:
    doc: dict[str, Any] = {
        "schema": "hipalign.intake/1",
        "age": 45,
        "screening": dict.fromkeys(QUESTION_IDS, False),
        "equipment": ["mat", "wall", "sturdy_support"],
        "minutes_per_session": 45,
        "sessions_per_week": 3,
    }
    doc.update(over)
    return Intake.model_validate(doc)


def planned(doc: PlanDocument) -> dict[str, Item]:
    assert doc.plan is not None
    return {it.exercise: it for day in doc.plan.days for it in day.items}


RIGHT_WEAK = {
    "trendelenburg": {"left": "negative", "right": "positive"},
    "single_leg_stance_s": {"left": 30, "right": 12},
}


def test_the_weaker_side_gets_one_more_set_of_one_leg_strength_work_and_the_plan_says_so() -> None:
    # pain on the left too: the left is not symptom-free, so both sides train
    doc = generate_plan(intake(findings=RIGHT_WEAK, pain={"now": 2, "side": "both"}), LIB)
    item = planned(doc)["side_hip_abduction"]
    assert item.lead_side == "right" and item.dose_by_side is not None
    assert item.dose_by_side["right"].sets == item.dose_by_side["left"].sets + 1
    assert any("one set more" in w.text for w in item.why if w.kind == "lead_side")


def test_only_the_weaker_side_trains_when_the_other_side_is_symptom_free() -> None:
    # right: positive standing test and a short stance; left: negative test, normal stance,
    # no pain anywhere -> the left is symptom-free (seed 001 trains the weaker side)
    doc = generate_plan(intake(findings=RIGHT_WEAK), LIB)
    assert doc.plan is not None
    item = planned(doc)["side_hip_abduction"]
    assert item.side == "right" and item.lead_side == "right"
    assert item.dose_by_side is not None and list(item.dose_by_side) == ["right"]
    lead = [w.text for w in item.why if w.kind == "lead_side"]
    assert lead == [
        "Only your right side, the weaker one: your left side has no pain and no positive "
        "test, so it does not need this work."
    ]
    assert (
        "One-leg strength work trains only your weaker right side: your left side has no pain "
        "and no positive test." in doc.plan.summary
    )


def test_only_the_weaker_side_applies_to_strength_work_not_to_stretches() -> None:
    doc = generate_plan(intake(findings=RIGHT_WEAK), LIB)
    stretch = planned(doc)["hip_flexor_stretch"]
    assert stretch.dose_by_side is not None and set(stretch.dose_by_side) == {"left", "right"}


@pytest.mark.parametrize(
    "left_has",
    [
        {"pain": {"now": 3, "side": "left"}},
        {"pain": {"now": 3, "side": "both"}},
        {"symptoms": ["hip_pain"]},  # pain without a side: neither side counts as free
        {"findings": {**RIGHT_WEAK, "faber": {"left": "other_pain"}}},
        {"findings": {**RIGHT_WEAK, "lateral_pain_in_stance": {"left": True}}},
        {"findings": {**RIGHT_WEAK, "thomas_test": {"left": "hip_flexor_tight"}}},
        {"findings": {**RIGHT_WEAK, "hip_rotation_restricted": {"left": True}}},
        {"findings": {**RIGHT_WEAK, "trendelenburg": {"left": "positive", "right": "positive"}}},
        {"findings": {**RIGHT_WEAK, "single_leg_stance_s": {"left": 20, "right": 12}}},
    ],
)
def test_a_side_with_pain_or_a_positive_test_keeps_training_and_the_weaker_gets_more(
    left_has: dict[str, Any],
) -> None:
    doc = generate_plan(intake(**{"findings": RIGHT_WEAK, **left_has}), LIB)
    assert doc.plan is not None
    for it in planned(doc).values():
        if it.intent == "strengthen" and it.dose_by_side:
            assert set(it.dose_by_side) == {"left", "right"}, (it.exercise, left_has)
    assert "trains only" not in doc.plan.summary


def test_symptom_free_reads_the_intake_per_side() -> None:
    person = intake(findings=RIGHT_WEAK)
    assert symptom_free(person, "left") and not symptom_free(person, "right")
    assert side_findings(person, "right") == [
        "a positive standing test on the right",
        "a short stance on the right leg",
    ]


def test_stretches_keep_the_same_dose_on_both_sides() -> None:
    doc = generate_plan(intake(findings={**RIGHT_WEAK, "weaker_side": "right"}), LIB)
    item = planned(doc)["hip_flexor_stretch"]
    assert item.dose_by_side is not None
    assert item.dose_by_side["right"].sets == item.dose_by_side["left"].sets


def test_a_self_report_that_contradicts_the_tests_is_named_and_the_test_wins() -> None:
    doc = generate_plan(intake(findings={**RIGHT_WEAK, "weaker_side": "left"}), LIB)
    assert doc.plan is not None
    assert "You said your left side feels weaker" in doc.plan.summary
    assert "follows the test" in doc.plan.summary
    assert planned(doc)["side_hip_abduction"].lead_side == "right"


def test_the_summary_says_weaker_side_leading_only_when_a_side_leads() -> None:
    tight = {"thomas_test": {"left": "hip_flexor_tight", "right": "hip_flexor_tight"}}
    doc = generate_plan(intake(findings=tight, lifestyle={"sitting_hours_per_day": 9}), LIB)
    assert doc.plan is not None and doc.patterns
    assert "weaker" not in doc.plan.summary
    led = generate_plan(intake(findings=RIGHT_WEAK), LIB)
    assert led.plan is not None and "weaker right side leading" in led.plan.summary


def test_the_weaker_one_is_said_only_of_a_side_chosen_for_weakness() -> None:
    # a one-sided mobility restriction leads on its side without calling it weaker
    doc = generate_plan(intake(findings={"hip_rotation_restricted": {"left": True}}), LIB)
    for it in planned(doc).values():
        for w in it.why:
            if w.kind == "lead_side":
                assert "weaker" not in w.text, (it.exercise, w.text)


def test_an_exercise_dropped_from_the_base_program_is_listed_with_the_reason() -> None:
    # no floor: the base program's bridge, plank and side-lying lift have standing stand-ins,
    # but knees to chest and the piriformis stretch need a chair variant allowed
    doc = generate_plan(
        intake(
            limitations=["cannot_get_to_floor"],
            hip_precautions="posterior_approach",
            cleared_by_clinician=True,
        ),
        LIB,
    )
    assert doc.plan is not None
    left = {lo.exercise: lo.reason for lo in doc.plan.left_out}
    assert left, "something from the base program is ruled out here"
    for ex_id, reason in left.items():
        assert reason.strip() and ex_id not in planned(doc)
    assert any("base program" in r for r in left.values())
