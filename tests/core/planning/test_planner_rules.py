"""One test per planning rule, on hand-made intakes."""

from typing import Any

from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.document import Item, PlanDocument
from hipalign.core.planning.planner import generate_plan
from hipalign.core.screening.catalog import QUESTION_IDS

LIB = default_library()


def intake(**over: Any) -> Intake:
    doc: dict[str, Any] = {
        "schema": "hipalign.intake/1",
        "age": 40,
        "screening": dict.fromkeys(QUESTION_IDS, False),
        "equipment": ["mat", "wall", "sturdy_support"],
        "minutes_per_session": 30,
        "sessions_per_week": 3,
    }
    doc.update(over)
    return Intake.model_validate(doc)


def items(doc: PlanDocument) -> dict[str, Item]:
    assert doc.plan is not None
    return {it.exercise: it for day in doc.plan.days for it in day.items}


def test_pregnant_after_week_13_gets_no_supine_exercise_and_named_substitutes() -> None:
    doc = generate_plan(intake(pregnancy={"pregnant": True, "weeks": 14}), LIB)
    chosen = items(doc)
    assert all(LIB[e].position not in ("supine", "prone") for e in chosen)
    assert "knee_to_chest" not in chosen
    assert "seated_knee_to_chest" in chosen
    why = [w for w in chosen["seated_knee_to_chest"].why if w.kind == "substitute"]
    assert why and "knee to chest" in why[0].text.lower() and "week 13" in why[0].text


def test_pregnant_before_week_13_may_lie_on_the_back_but_never_face_down() -> None:
    doc = generate_plan(intake(pregnancy={"pregnant": True, "weeks": 10}), LIB)
    chosen = items(doc)
    assert "plank" not in chosen  # prone: no stage of pregnancy
    assert any(LIB[e].position == "supine" for e in chosen)


def test_no_findings_give_a_general_program_said_as_such() -> None:
    doc = generate_plan(intake(), LIB)
    assert doc.patterns == []
    assert doc.plan is not None and doc.plan.basis == "general"
    assert "general" in doc.plan.summary
    assert all(any(w.kind == "general" for w in it.why) for it in items(doc).values())


def test_weaker_side_leads_every_per_side_exercise() -> None:
    doc = generate_plan(
        intake(
            findings={
                "trendelenburg": {"left": "negative", "right": "positive"},
                "single_leg_stance_s": {"left": 40, "right": 10},
            }
        ),
        LIB,
    )
    assert next((p.id, p.side) for p in doc.patterns) == ("abductor_weakness", "right")
    per_side = [it for it in items(doc).values() if it.side == "both" and it.dose_by_side]
    assert per_side
    assert all(it.lead_side == "right" for it in per_side)
    assert all(next(iter(it.dose_by_side or {})) == "right" for it in per_side)


def test_pattern_items_come_with_pattern_intent_and_source() -> None:
    doc = generate_plan(
        intake(
            findings={
                "trendelenburg": {"left": "positive"},
                "single_leg_stance_s": {"left": 10, "right": 40},
            }
        ),
        LIB,
    )
    why = next(w for w in items(doc)["side_hip_abduction"].why if w.kind == "pattern")
    assert why.pattern == "abductor_weakness" and why.intent == "strengthen" and why.source


def test_one_sided_tightness_is_stretched_on_that_side_only() -> None:
    doc = generate_plan(
        intake(
            findings={"thomas_test": {"left": "hip_flexor_tight", "right": "normal"}},
            lifestyle={"sitting_hours_per_day": 9},
        ),
        LIB,
    )
    stretch = items(doc)["hip_flexor_stretch"]
    assert stretch.side == "left" and list(stretch.dose_by_side or {}) == ["left"]


def test_older_adults_hold_stretches_at_least_30_seconds() -> None:
    doc = generate_plan(intake(age=70, minutes_per_session=60), LIB)
    stretches = [it for it in items(doc).values() if it.intent == "stretch"]
    assert stretches
    assert all(it.hold_s >= 30 for it in stretches)


def test_ankle_weight_rungs_are_not_prescribed_without_ankle_weights() -> None:
    ex = LIB["side_hip_abduction"]
    heavy = next(i for i, s in enumerate(ex.ladder) if s.load == "ankle_weight")
    assert heavy > ex.dose.start  # the rule only matters once someone progresses
    doc = generate_plan(intake(), LIB)
    assert all(it.load != "ankle_weight" for it in items(doc).values())


def test_posterior_hip_precautions_drop_deep_flexion_and_crossing_moves() -> None:
    doc = generate_plan(
        intake(hip_precautions="posterior_approach", cleared_by_clinician=True), LIB
    )
    chosen = items(doc)
    for banned in ("knee_to_chest", "piriformis_stretch", "isometric_hip_hold", "it_band_stretch"):
        assert banned not in chosen
    assert doc.plan is not None
    assert any("hip precautions" in lo.reason for lo in doc.plan.left_out) or all(
        "hip_flexion_past_90" not in LIB[e].contraindications for e in chosen
    )


def test_cannot_get_to_floor_gets_only_standing_or_chair_exercises() -> None:
    doc = generate_plan(intake(limitations=["cannot_get_to_floor"]), LIB)
    assert {LIB[e].position for e in items(doc)} <= {"standing", "seated_chair"}


def test_poor_balance_without_support_leaves_out_moves_that_need_a_hand_hold() -> None:
    doc = generate_plan(intake(limitations=["poor_balance"], equipment=["mat"]), LIB)
    chosen = items(doc)
    assert all("needs_support_for_balance" not in LIB[e].cautions for e in chosen)


def test_red_flag_gives_no_plan() -> None:
    doc = generate_plan(
        intake(screening={**dict.fromkeys(QUESTION_IDS, False), "calf_swollen_warm_red": True}), LIB
    )
    assert doc.referral.level == "urgent" and doc.plan is None


def test_more_than_seven_sessions_adds_second_sessions_without_strength_work() -> None:
    doc = generate_plan(intake(sessions_per_week=10), LIB)
    assert doc.plan is not None
    second = [d for d in doc.plan.days if d.session == 2]
    assert len(second) == 3
    assert all(it.intent != "strengthen" for d in second for it in d.items)


def test_a_short_budget_shrinks_the_session_and_says_what_was_left_out() -> None:
    doc = generate_plan(intake(minutes_per_session=5), LIB)
    assert doc.plan is not None
    assert all(d.duration_s <= 300 for d in doc.plan.days)
    assert any("time" in lo.reason or "minutes" in lo.reason for lo in doc.plan.left_out)


def test_strength_days_are_not_consecutive_with_seven_sessions() -> None:
    doc = generate_plan(intake(sessions_per_week=7), LIB)
    assert doc.plan is not None
    strength_days = sorted(
        {d.day for d in doc.plan.days for it in d.items if it.intent == "strengthen"}
    )
    assert strength_days and len(strength_days) <= 3
    assert doc.plan.days[0].day == "mon" and len(doc.plan.days) == 7
