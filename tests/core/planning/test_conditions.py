"""Issue 13 plan rules: high-pain start, postpartum weeks, pelvic girdle pain in pregnancy.
Each test fails when its rule is removed."""

from typing import Any

import pytest

from hipalign.core.library import Library
from hipalign.core.planning.conditions import pain_swap, pain_swap_problems
from hipalign.core.planning.constraints import constraints_for, exclusion_reason
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.planner import generate_plan
from hipalign.core.screening.limits import LIMITS
from tests.core.conftest import make_intake

EQUIPPED = {"equipment": ["mat", "wall", "sturdy_support", "pillow", "resistance_band"]}
WEAK_LEFT = {
    "findings": {
        "weaker_side": "left",
        "trendelenburg": {"left": "positive", "right": "negative"},
        "single_leg_stance_s": {"left": 8, "right": 25},
        "thomas_test": {"left": "hip_flexor_tight", "right": "normal"},
    }
}


def _plan(**overrides: Any) -> PlanDocument:
    return generate_plan(make_intake(**(EQUIPPED | overrides)))


def _items(doc: PlanDocument) -> dict[str, Any]:
    assert doc.plan is not None
    return {it.exercise: it for d in doc.plan.days for it in d.items}


# --- high-pain start ------------------------------------------------------------------------


def test_pain_of_8_at_rest_starts_every_exercise_at_its_easiest_rung(library: Library) -> None:
    items = _items(_plan(pain={"now": 8, "worst_week": 8, "side": "left"}, **WEAK_LEFT))
    assert items
    for it in items.values():
        rungs = [d.rung for d in it.dose_by_side.values()] if it.dose_by_side else []
        if rungs:
            assert rungs == [0] * len(rungs), it.exercise
        else:
            step = library[it.exercise].ladder[0]
            assert (it.sets, it.reps, it.hold_s) == (step.sets, step.reps, step.hold_s)


def test_pain_of_7_keeps_the_usual_start_rungs(library: Library) -> None:
    items = _items(_plan(pain={"now": 3, "worst_week": 7, "side": "left"}))
    started = [d.rung for it in items.values() if it.dose_by_side for d in it.dose_by_side.values()]
    assert any(r > 0 for r in started)


@pytest.mark.parametrize("now", [6, 8])
def test_pain_above_5_has_no_strength_work_with_movement(library: Library, now: int) -> None:
    items = _items(_plan(pain={"now": now, "worst_week": 9, "side": "left"}, **WEAK_LEFT))
    moving = [
        i
        for i in items
        if library[i].primary_intent == "strengthen" and library[i].dose.kind == "reps"
    ]
    assert moving == []
    assert "isometric_hip_hold" in items  # the bridge's hold without movement


def test_pain_of_5_keeps_strength_work_with_movement(library: Library) -> None:
    items = _items(_plan(pain={"now": 5, "worst_week": 6, "side": "left"}, **WEAK_LEFT))
    assert any(
        library[i].primary_intent == "strengthen" and library[i].dose.kind == "reps" for i in items
    )


def test_the_high_pain_plan_says_so_in_the_summary_and_the_swapped_items() -> None:
    doc = _plan(pain={"now": 8, "worst_week": 8, "side": "left"}, **WEAK_LEFT)
    assert doc.plan is not None
    assert "easiest step" in doc.plan.summary
    hold = _items(doc)["isometric_hip_hold"]
    assert any("stands in for" in w.text and "8/10" in w.text for w in hold.why)


def test_a_swap_with_nothing_allowed_leaves_the_exercise_out_with_the_reason(
    library: Library,
) -> None:
    intake = make_intake(pain={"now": 7, "worst_week": 7, "side": "left"})
    ex, why = pain_swap(library["glute_bridge"], intake, library, lambda e: False)
    assert ex is None and "7/10" in why and library["glute_bridge"].name in why


def test_every_pain_swap_candidate_is_a_library_exercise_without_movement_under_load(
    library: Library,
) -> None:
    assert pain_swap_problems(library) == []


def test_library_validation_names_a_pain_swap_that_moves_under_load(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hipalign.core.planning.conditions as conditions

    bad = LIMITS.model_copy(update={"pain_swap": {"hip_extensors": ["glute_bridge", "nope"]}})
    monkeypatch.setattr(conditions, "LIMITS", bad)
    problems = pain_swap_problems(library)
    assert any("'glute_bridge' is strength work with movement" in p for p in problems)
    assert any("'nope' is not an exercise" in p for p in problems)


# --- postpartum -----------------------------------------------------------------------------


def _postpartum(weeks: int, caesarean: bool = False) -> dict[str, Any]:
    return {"pregnancy": {"pregnant": False, "postpartum_weeks": weeks, "caesarean": caesarean}}


HIGH_LOAD = ["plank", "side_plank", "single_leg_plank", "side_plank_knees"]
ANY_PLANK = [*HIGH_LOAD, "incline_plank"]


@pytest.mark.parametrize("ex_id", HIGH_LOAD)
def test_under_12_weeks_postpartum_no_forearm_side_or_single_leg_plank(
    library: Library, ex_id: str
) -> None:
    c = constraints_for(make_intake(**EQUIPPED, **_postpartum(6)))
    assert exclusion_reason(library[ex_id], c) is not None
    later = constraints_for(make_intake(**EQUIPPED, **_postpartum(12)))
    assert exclusion_reason(library[ex_id], later) is None


def test_under_12_weeks_postpartum_the_incline_plank_stays(library: Library) -> None:
    c = constraints_for(make_intake(**EQUIPPED, **_postpartum(6)))
    assert exclusion_reason(library["incline_plank"], c) is None


@pytest.mark.parametrize("ex_id", ANY_PLANK)
def test_a_caesarean_under_8_weeks_rules_out_every_plank(library: Library, ex_id: str) -> None:
    c = constraints_for(make_intake(**EQUIPPED, **_postpartum(5, caesarean=True)))
    assert exclusion_reason(library[ex_id], c) is not None


def test_a_caesarean_from_8_weeks_allows_the_incline_plank(library: Library) -> None:
    c = constraints_for(make_intake(**EQUIPPED, **_postpartum(8, caesarean=True)))
    assert exclusion_reason(library["incline_plank"], c) is None


def test_a_caesarean_under_8_weeks_rules_out_loaded_trunk_flexion(library: Library) -> None:
    crunch = library["glute_bridge"].model_copy(
        update={"contraindications": ["loaded_trunk_flexion"]}
    )
    early = constraints_for(make_intake(**_postpartum(4, caesarean=True)))
    vaginal = constraints_for(make_intake(**_postpartum(4)))
    assert exclusion_reason(crunch, early) is not None
    assert exclusion_reason(crunch, vaginal) is None


def test_a_postpartum_plan_has_no_high_load_plank_and_pelvic_floor_wording() -> None:
    doc = _plan(**_postpartum(6), findings={"plank_hold_s": 10})
    items = _items(doc)
    assert not set(HIGH_LOAD) & set(items)
    assert doc.plan is not None and "12 weeks after the birth" in doc.plan.summary
    trunk = [it for it in items.values() if "pelvic floor" in " ".join(it.notes)]
    assert trunk


# --- pelvic girdle pain in pregnancy --------------------------------------------------------


PGP = {"pregnancy": {"pregnant": True, "weeks": 20}, "symptoms": ["pubic_pain"]}


@pytest.mark.parametrize(
    "ex_id",
    [
        "single_leg_balance",
        "standing_hip_abduction",
        "band_hip_abduction",
        "leg_swings",
        "seated_straddle_stretch",
        "hip_flexor_stretch",
    ],
)
def test_pelvic_girdle_pain_rules_out_one_leg_loading_wide_stances_and_leg_swings(
    library: Library, ex_id: str
) -> None:
    c = constraints_for(make_intake(**EQUIPPED, **PGP))
    assert exclusion_reason(library[ex_id], c) is not None
    plain = constraints_for(make_intake(**EQUIPPED, pregnancy={"pregnant": True, "weeks": 20}))
    assert exclusion_reason(library[ex_id], plain) is None or ex_id == "leg_swings"


def test_a_pelvic_girdle_pain_plan_keeps_both_legs_working_evenly(library: Library) -> None:
    doc = _plan(**PGP, **WEAK_LEFT)
    for ex_id in _items(doc):
        assert not {"asymmetric_single_leg_load", "wide_stance", "leg_swing"} & set(
            library[ex_id].contraindications
        ), ex_id
    assert doc.plan is not None and "no standing on one leg" in doc.plan.summary
