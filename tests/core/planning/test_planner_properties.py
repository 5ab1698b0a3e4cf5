"""Invariants of the planner over random valid intakes (hypothesis).

The checks here restate each safety rule from the intake directly instead of calling the
planner's own constraint code, so a mistake in that code cannot hide itself.
"""

from typing import Any

from hypothesis import HealthCheck, given, settings

from hipalign.core.dosing import dose_problems
from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.planner import day_script_items, generate_plan
from hipalign.core.session_script import build_script
from hipalign.core.vocab import FLOOR_POSITIONS, MUSCLE_GROUP, WEEKDAYS

from .strategies import intakes

LIB = default_library()
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plan(doc: dict[str, Any]) -> tuple[Intake, PlanDocument]:
    intake = Intake.model_validate(doc)
    return intake, generate_plan(intake, LIB)


def _forbidden_tags(intake: Intake) -> set[str]:
    tags: set[str] = set()
    if intake.pregnant:
        tags |= {"pregnancy", "fall_risk"}
        if intake.pregnancy_weeks >= 13:
            tags.add("pregnancy_after_week_13")
    stance = intake.findings.single_leg_stance_s
    if "poor_balance" in intake.limitations or (
        stance and any(v is not None and v < 5 for v in (stance.left, stance.right))
    ):
        tags.add("fall_risk")
    if intake.hip_precautions == "posterior_approach":
        tags |= {"hip_flexion_past_90", "hip_adduction_past_midline", "hip_internal_rotation"}
    if intake.hip_precautions == "anterior_approach":
        tags |= {
            "hip_extension_past_neutral",
            "hip_external_rotation",
            "hip_extension_external_rotation",
        }
    if "wrist_or_shoulder_pain" in intake.limitations:
        tags.add("arm_support")
    if "lateral_hip_pain" in intake.symptoms:
        # gluteal tendon pain: no side-lying work, nothing across the midline (issue 13 item 7)
        tags |= {"lateral_hip_compression", "side_lying", "hip_adduction_past_midline"}
    faber = intake.findings.faber
    if faber is not None and "groin_pain" in (faber.left, faber.right):
        tags |= {"end_range_hip_flexion", "hip_flexion_adduction_internal_rotation"}
    if (
        intake.age >= 65
        or "fall_risk" in tags
        or intake.hip_precautions in ("posterior_approach", "anterior_approach")
        or intake.flagged("recent_hip_surgery")
    ) and not intake.pregnant:
        tags.add("floor_plank")  # planks are second line (issue 13 item 9)
    return tags


@SETTINGS
@given(intakes())
def test_no_exercise_is_contraindicated_for_the_intake(doc: dict[str, Any]) -> None:
    intake, plan_doc = _plan(doc)
    if plan_doc.plan is None:
        return
    forbidden = _forbidden_tags(intake)
    for day in plan_doc.plan.days:
        for item in day.items:
            ex = LIB[item.exercise]
            assert not forbidden & set(ex.contraindications), (item.exercise, forbidden)
            assert set(ex.equipment) <= set(intake.equipment), item.exercise
            if intake.pregnant:
                assert ex.position != "prone", item.exercise
            if intake.pregnancy_weeks >= 13:
                assert ex.position != "supine", item.exercise
            if "cannot_get_to_floor" in intake.limitations:
                assert ex.position not in FLOOR_POSITIONS, item.exercise
            if "cannot_lie_prone" in intake.limitations:
                assert ex.position != "prone"
            if "cannot_lie_supine" in intake.limitations:
                assert ex.position != "supine"
            if (
                intake.pregnant or "fall_risk" in forbidden
            ) and "needs_support_for_balance" in ex.cautions:
                assert {"sturdy_support", "wall"} & set(intake.equipment), item.exercise


@SETTINGS
@given(intakes())
def test_plan_is_withheld_exactly_when_the_referral_says_so(doc: dict[str, Any]) -> None:
    intake, plan_doc = _plan(doc)
    level = plan_doc.referral.level
    must_withhold = (
        level in ("emergency", "urgent")
        or (level == "see_doctor" and not intake.cleared_by_clinician)
        or (intake.flagged("recent_hip_surgery") and intake.hip_precautions is None)
    )
    assert (plan_doc.plan is None) == must_withhold
    assert plan_doc.referral.plan_withheld == must_withhold


@SETTINGS
@given(intakes(red_flag_chance=False))
def test_time_budget_and_sessions_per_week_are_respected(doc: dict[str, Any]) -> None:
    intake, plan_doc = _plan(doc)
    assert plan_doc.plan is not None or plan_doc.referral.plan_withheld
    if plan_doc.plan is None:
        return
    assert len(plan_doc.plan.days) <= intake.sessions_per_week
    for day in plan_doc.plan.days:
        assert day.duration_s <= intake.minutes_per_session * 60
        assert day.items, "a planned day has at least one exercise"


@SETTINGS
@given(intakes(red_flag_chance=False))
def test_minutes_are_the_real_length_of_the_session_script(doc: dict[str, Any]) -> None:
    _, plan_doc = _plan(doc)
    if plan_doc.plan is None:
        return
    for day in plan_doc.plan.days:
        script = build_script(
            day_script_items(day, LIB), day.warm_up.moves if day.warm_up else None
        )
        assert script.total_s == day.duration_s
        assert day.minutes == round(script.total_s / 60, 1)
        assert sum(step.duration_s for step in script.steps) == script.total_s
        # Every session opens with its 2-3 minute warm-up phase (issue 13 item 14).
        assert day.warm_up is not None
        warm = [s for s in script.steps if s.kind == "warm_up"]
        assert 120 <= sum(s.duration_s for s in warm) == day.warm_up.seconds <= 180
        assert [s.index for s in warm] == list(range(len(warm)))


@SETTINGS
@given(intakes(red_flag_chance=False))
def test_no_muscle_group_gets_strength_work_on_consecutive_days(doc: dict[str, Any]) -> None:
    _, plan_doc = _plan(doc)
    if plan_doc.plan is None:
        return
    days_by_group: dict[str, set[int]] = {}
    for day in plan_doc.plan.days:
        for item in day.items:
            if item.intent == "strengthen":
                for muscle in LIB[item.exercise].targets:
                    days_by_group.setdefault(MUSCLE_GROUP[muscle], set()).add(
                        WEEKDAYS.index(day.day)
                    )
    for group, days in days_by_group.items():
        for d in days:
            # The week repeats, so Sunday and Monday are consecutive too.
            assert (d + 1) % 7 not in days, (group, sorted(days))


@SETTINGS
@given(intakes(red_flag_chance=False))
def test_every_dose_is_within_guideline_ranges(doc: dict[str, Any]) -> None:
    _, plan_doc = _plan(doc)
    if plan_doc.plan is None:
        return
    for day in plan_doc.plan.days:
        for item in day.items:
            ex = LIB[item.exercise]
            doses = list(item.dose_by_side.values()) if item.dose_by_side else [item]
            for dose in doses:
                assert (
                    dose_problems(
                        ex.primary_intent, ex.dose.kind, dose.sets, dose.reps, dose.hold_s, ex.id
                    )
                    == []
                )


@SETTINGS
@given(intakes())
def test_every_item_has_a_why_with_a_source(doc: dict[str, Any]) -> None:
    _, plan_doc = _plan(doc)
    if plan_doc.plan is None:
        return
    for day in plan_doc.plan.days:
        for item in day.items:
            assert item.why
            assert all(w.text and w.source for w in item.why)
            assert any(w.kind in ("pattern", "general", "answer") for w in item.why)


@SETTINGS
@given(intakes())
def test_same_intake_gives_the_same_plan(doc: dict[str, Any]) -> None:
    _, first = _plan(doc)
    _, second = _plan(doc)
    assert first.model_dump_json() == second.model_dump_json()


@SETTINGS
@given(intakes())
def test_plan_text_never_claims_a_diagnosis_or_misalignment(doc: dict[str, Any]) -> None:
    _, plan_doc = _plan(doc)
    text = plan_doc.model_dump_json().lower()
    for word in ("misalign", "realign", "abnormal", "proven", "out of alignment"):
        assert word not in text
