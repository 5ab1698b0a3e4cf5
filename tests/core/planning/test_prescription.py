"""A clinician's prescription applied to a generated plan (issue 5): round trip, changes in plain
words, the core's safety rules with recorded overrides, field-named errors, and session lengths
that match the real script."""

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hipalign.core.errors import InputError
from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.constraints import constraints_for, exclusion_reason
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.planner import day_script_items, generate_plan
from hipalign.core.planning.prescription import (
    CLINICIAN_SOURCE,
    Prescribed,
    Prescription,
    prescribe,
    prescription_from,
)
from hipalign.core.session_script import build_script, item_seconds
from hipalign.core.vocab import LOAD_NEEDS, WEEKDAYS
from tests.core.conftest import flags, make_intake

from .strategies import intakes

LIB = default_library()
PREGNANT_20 = {"pregnancy": {"pregnant": True, "weeks": 20}}
POSTERIOR = {"hip_precautions": "posterior_approach"}


def _plan(**overrides: Any) -> tuple[Intake, PlanDocument]:
    intake = make_intake(**overrides)
    return intake, generate_plan(intake, LIB)


def _raw(doc: PlanDocument) -> dict[str, Any]:
    rx = prescription_from(doc)
    assert rx is not None
    return rx.model_dump(mode="json")


def _item(raw: dict[str, Any], exercise: str) -> dict[str, Any]:
    return next(it for it in raw["items"] if it["exercise"] == exercise)


def _problems(doc: PlanDocument, intake: Intake, raw: object) -> list[str]:
    with pytest.raises(InputError) as exc:
        prescribe(doc, intake, raw, LIB)
    assert exc.value.what == "prescription"
    return exc.value.problems


def _items(done: Prescribed) -> dict[str, Any]:
    assert done.document.plan is not None
    return {it.exercise: it for d in done.document.plan.days for it in d.items}


def _assert_days_match_scripts(doc: PlanDocument) -> None:
    assert doc.plan is not None
    for day in doc.plan.days:
        script = build_script(
            day_script_items(day, LIB), day.warm_up.moves if day.warm_up else None
        )
        assert day.duration_s == script.total_s, day.day
        assert day.minutes == round(script.total_s / 60, 1), day.day
        for it, built in zip(day.items, day_script_items(day, LIB), strict=True):
            assert it.seconds == item_seconds(built), it.exercise


# --- round trip --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"findings": {"weaker_side": "left"}},
        {"age": 75},  # the planner adapts ladder doses for older adults
        {"sessions_per_week": 10, "minutes_per_session": 40},  # second sessions on some days
        {"equipment": ["ankle_weights", "resistance_band"], "minutes_per_session": 45},
        PREGNANT_20,
        POSTERIOR,
    ],
    ids=["default", "weaker-left", "older", "two-a-day", "equipment", "pregnant", "posterior"],
)
def test_prescribing_the_plan_as_it_is_changes_nothing(overrides: dict[str, Any]) -> None:
    intake, doc = _plan(**overrides)
    rx = prescription_from(doc)
    assert rx is not None

    done = prescribe(doc, intake, rx, LIB)

    assert done.changes == []
    assert done.overrides == []
    assert doc.plan is not None and done.document.plan is not None
    assert done.document.plan.days == doc.plan.days  # days, sessions, order, items, doses
    assert done.document.plan.left_out == doc.plan.left_out
    assert done.document.referral == doc.referral
    assert done.document.patterns == doc.patterns


def test_second_sessions_of_a_day_stay_with_their_exercises() -> None:
    intake, doc = _plan(sessions_per_week=10, minutes_per_session=40)
    assert doc.plan is not None
    seconds = {d.day: [i.exercise for i in d.items] for d in doc.plan.days if d.session == 2}
    assert seconds, "the plan should have second sessions"
    day, exercises = next(iter(seconds.items()))
    raw = _raw(doc)
    moved = exercises[0]
    _item(raw, moved)["days"] = [d for d in _item(raw, moved)["days"] if d != day]

    done = prescribe(doc, intake, raw, LIB)

    assert done.document.plan is not None
    after = {(d.day, d.session): [i.exercise for i in d.items] for d in done.document.plan.days}
    assert after.get((day, 2), []) == exercises[1:]
    assert moved not in after.get((day, 1), [])
    assert [(c.kind, c.exercise) for c in done.changes] == [("days", moved)]
    _assert_days_match_scripts(done.document)


def test_prescription_from_lists_each_exercise_once_with_all_its_days() -> None:
    _, doc = _plan()
    rx = prescription_from(doc)
    assert rx is not None and doc.plan is not None

    planned = {it.exercise for d in doc.plan.days for it in d.items}
    assert [it.exercise for it in rx.items] == list(
        dict.fromkeys(it.exercise for d in doc.plan.days for it in d.items)
    )
    assert {it.exercise for it in rx.items} == planned
    for it in rx.items:
        on = [d.day for d in doc.plan.days if any(x.exercise == it.exercise for x in d.items)]
        assert it.days == on
        assert it.override_reason is None


def test_a_withheld_plan_has_no_prescription_and_refuses_one() -> None:
    intake, doc = _plan(screening=flags("fall_cannot_bear_weight"))
    assert doc.plan is None
    assert prescription_from(doc) is None

    _, normal = _plan()
    problems = _problems(doc, intake, _raw(normal))
    assert len(problems) == 1
    assert problems[0].startswith("plan: ")
    assert "withheld" in problems[0]


# --- changes in plain words ----------------------------------------------------------------


def test_a_new_dose_is_one_dose_change_with_both_doses_in_words() -> None:
    intake, doc = _plan()
    raw = _raw(doc)
    _item(raw, "glute_bridge").update(sets=2, reps=12)

    done = prescribe(doc, intake, raw, LIB)

    assert [(c.kind, c.exercise) for c in done.changes] == [("dose", "glute_bridge")]
    assert (
        done.changes[0].text
        == "Glute bridge: dose from 1 × 8, 2 s pause each to 2 × 12, 2 s pause each."
    )
    bridge = _items(done)["glute_bridge"]
    assert (bridge.sets, bridge.reps, bridge.hold_s) == (2, 12, 2)
    assert bridge.why[-1].kind == "clinician"
    assert bridge.why[-1].source == CLINICIAN_SOURCE
    assert bridge.why[-1].text == "Dose set by your clinician: 2 × 12, 2 s pause each."
    # Every day with the bridge carries the new dose, and only the bridge changed.
    assert done.document.plan is not None and doc.plan is not None
    for new_day, old_day in zip(done.document.plan.days, doc.plan.days, strict=True):
        for new, old in zip(new_day.items, old_day.items, strict=True):
            if new.exercise == "glute_bridge":
                assert (new.sets, new.reps) == (2, 12)
            else:
                assert new == old


def test_removed_and_added_exercises_are_named() -> None:
    intake, doc = _plan()
    raw = _raw(doc)
    raw["items"] = [it for it in raw["items"] if it["exercise"] != "plank"]
    raw["items"].append(
        {
            "exercise": "clamshell",
            "side": "left",
            "sets": 2,
            "reps": 10,
            "hold_s": 0,
            "days": ["tue", "thu"],
        }
    )

    done = prescribe(doc, intake, raw, LIB)

    assert sorted((c.kind, c.exercise) for c in done.changes) == [
        ("added", "clamshell"),
        ("removed", "plank"),
    ]
    texts = {c.kind: c.text for c in done.changes}
    assert texts["removed"] == "Removed Forearm plank."
    assert texts["added"] == "Added Clamshell: 2 × 10, left, on Tue, Thu."
    items = _items(done)
    assert "plank" not in items
    clam = items["clamshell"]
    assert clam.side == "left" and clam.lead_side == "left"
    assert clam.dose_by_side is not None and set(clam.dose_by_side) == {"left"}
    assert clam.why[0].kind == "clinician" and clam.why[0].text.startswith(
        "Added by your clinician"
    )
    assert done.document.plan is not None
    on = {d.day for d in done.document.plan.days if any(i.exercise == "clamshell" for i in d.items)}
    assert on == {"tue", "thu"}


def test_a_side_change_is_a_side_change_and_only_that_side_is_dosed() -> None:
    # pain on both sides: the left is not symptom-free, so both sides train (issue 13.12)
    intake, doc = _plan(findings={"weaker_side": "right"}, pain={"now": 2, "side": "both"})
    raw = _raw(doc)
    assert _item(raw, "side_hip_abduction")["side"] == "both"
    _item(raw, "side_hip_abduction")["side"] = "left"

    done = prescribe(doc, intake, raw, LIB)

    assert [(c.kind, c.exercise) for c in done.changes] == [("side", "side_hip_abduction")]
    assert done.changes[0].text == "Side-lying leg lift: side from each side to the left side only."
    item = _items(done)["side_hip_abduction"]
    assert item.side == "left" and item.lead_side == "left"
    assert item.dose_by_side is not None and list(item.dose_by_side) == ["left"]
    # The plan's "start with your right side" no longer holds; the clinician's side is said.
    assert all(w.kind != "lead_side" for w in item.why)
    assert any(w.text == "Side set by your clinician: left." for w in item.why)


def test_new_days_are_a_days_change_and_move_the_exercise() -> None:
    intake, doc = _plan()
    raw = _raw(doc)
    _item(raw, "hip_flexor_stretch")["days"] = ["tue", "sat", "mon"]

    done = prescribe(doc, intake, raw, LIB)

    assert [(c.kind, c.exercise) for c in done.changes] == [("days", "hip_flexor_stretch")]
    assert (
        done.changes[0].text
        == "Standing hip-flexor stretch: days from Mon, Wed, Fri to Mon, Tue, Sat."
    )
    assert done.document.plan is not None
    by_day = {d.day: [i.exercise for i in d.items] for d in done.document.plan.days}
    assert by_day["tue"] == ["hip_flexor_stretch"] and by_day["sat"] == ["hip_flexor_stretch"]
    assert "hip_flexor_stretch" in by_day["mon"]
    assert "hip_flexor_stretch" not in by_day["wed"] and "hip_flexor_stretch" not in by_day["fri"]
    assert [d.day for d in done.document.plan.days] == ["mon", "tue", "wed", "fri", "sat"]


def test_a_bilateral_exercise_given_both_sides_is_not_a_side_change() -> None:
    intake, doc = _plan()
    raw = _raw(doc)
    _item(raw, "glute_bridge")["side"] = "both"  # allowed: "both or nothing"

    done = prescribe(doc, intake, raw, LIB)

    assert done.changes == []
    assert _items(done)["glute_bridge"].side is None


def test_dose_by_side_holds_the_prescribed_dose_for_each_side_of_a_per_side_exercise() -> None:
    intake, doc = _plan(findings={"weaker_side": "left"}, minutes_per_session=30)
    raw = _raw(doc)
    _item(raw, "knee_to_chest").update(sets=2, reps=3, hold_s=45)

    done = prescribe(doc, intake, raw, LIB)

    item = _items(done)["knee_to_chest"]
    assert item.dose_by_side is not None
    assert list(item.dose_by_side) == ["left", "right"]  # the weaker side first
    for dose in item.dose_by_side.values():
        assert (dose.sets, dose.reps, dose.hold_s) == (2, 3, 45)
        assert dose.load == LIB["knee_to_chest"].ladder[dose.rung].load
    assert _items(done)["glute_bridge"].dose_by_side is None  # bilateral: one dose


def test_a_dose_never_lands_on_a_rung_whose_load_the_person_lacks() -> None:
    # side_hip_abduction's ankle-weight rungs share their numbers with bodyweight rungs or lie
    # beyond them; without ankle weights, the nearest rung must still be one they can do.
    ex = LIB["side_hip_abduction"]
    loaded = [s for s in ex.ladder if LOAD_NEEDS.get(s.load)]
    assert loaded
    intake, doc = _plan()
    assert "ankle_weights" not in intake.equipment
    for step in loaded:
        raw = _raw(doc)
        _item(raw, "side_hip_abduction").update(sets=step.sets, reps=step.reps, hold_s=step.hold_s)
        item = _items(prescribe(doc, intake, raw, LIB))["side_hip_abduction"]
        assert LOAD_NEEDS.get(item.load) is None, step
        assert item.dose_by_side is not None
        for dose in item.dose_by_side.values():
            assert ex.ladder[dose.rung].load == item.load


def test_session_lengths_are_the_real_script_lengths_after_an_edit() -> None:
    intake, doc = _plan(findings={"weaker_side": "left"})
    raw = _raw(doc)
    _item(raw, "plank").update(sets=3, hold_s=45)
    _item(raw, "side_hip_abduction").update(side="right", reps=15)
    _item(raw, "leg_swings")["days"] = ["sun"]

    done = prescribe(doc, intake, raw, LIB)

    _assert_days_match_scripts(done.document)
    assert done.document.plan is not None and doc.plan is not None
    assert done.document.plan.days[0].duration_s != doc.plan.days[0].duration_s


def test_prescribed_sessions_open_with_the_plans_warm_up_too() -> None:
    intake, doc = _plan()
    raw = _raw(doc)
    _item(raw, "leg_swings")["days"] = ["sun"]  # a day the base plan had no session on

    done = prescribe(doc, intake, raw, LIB)

    assert doc.plan is not None and done.document.plan is not None
    base_warm = doc.plan.days[0].warm_up
    assert base_warm is not None
    assert [d.warm_up for d in done.document.plan.days] == [base_warm] * len(
        done.document.plan.days
    )
    assert "sun" in {d.day for d in done.document.plan.days}
    _assert_days_match_scripts(done.document)


# --- safety rules and overrides -----------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "exercise", "entry", "rule"),
    [
        (
            PREGNANT_20,
            "glute_bridge",
            {"side": None, "sets": 1, "reps": 8, "hold_s": 2},
            "avoided from week 13 of pregnancy",
        ),
        (
            POSTERIOR,
            "knee_to_chest",
            {"side": "both", "sets": 1, "reps": 4, "hold_s": 30},
            "bends the hip past 90 degrees",
        ),
    ],
    ids=["pregnant-supine", "posterior-flexion"],
)
def test_a_contraindicated_choice_needs_a_reason_and_the_reason_is_kept(
    overrides: dict[str, Any], exercise: str, entry: dict[str, Any], rule: str
) -> None:
    intake, doc = _plan(**overrides)
    assert exclusion_reason(LIB[exercise], constraints_for(intake)) is not None
    raw = _raw(doc)
    index = len(raw["items"])
    raw["items"].append({"exercise": exercise, "days": ["tue"], **entry})

    problems = _problems(doc, intake, raw)
    assert len(problems) == 1
    assert problems[0].startswith(f"items[{index}].override_reason: {LIB[exercise].name} ")
    assert rule in problems[0]

    raw["items"][index]["override_reason"] = "   "  # blank is no reason
    assert _problems(doc, intake, raw) == problems

    reason = "Checked in clinic: tolerated without symptoms"
    raw["items"][index]["override_reason"] = reason
    done = prescribe(doc, intake, raw, LIB)

    assert len(done.overrides) == 1
    override = done.overrides[0]
    assert override.exercise == exercise and override.reason == reason
    assert rule in override.rule and override.rule.startswith(LIB[exercise].name)
    item = _items(done)[exercise]
    assert any(reason in n and rule in n for n in item.notes), item.notes
    assert ("added", exercise) in {(c.kind, c.exercise) for c in done.changes}


def test_every_contraindicated_choice_is_reported_at_once() -> None:
    intake, doc = _plan(**POSTERIOR)
    raw = _raw(doc)
    for ex in ("knee_to_chest", "piriformis_stretch"):
        raw["items"].append(
            {"exercise": ex, "side": "both", "sets": 1, "reps": 3, "hold_s": 30, "days": ["tue"]}
        )
    problems = _problems(doc, intake, raw)
    n = len(raw["items"])
    assert [p.split(":")[0] for p in problems] == [
        f"items[{n - 2}].override_reason",
        f"items[{n - 1}].override_reason",
    ]


def test_an_override_reason_on_an_allowed_exercise_records_no_override() -> None:
    intake, doc = _plan()
    raw = _raw(doc)
    _item(raw, "glute_bridge")["override_reason"] = "not needed"
    done = prescribe(doc, intake, raw, LIB)
    assert done.overrides == []


# --- bad input names the field ------------------------------------------------------------


def _broken(change: Any) -> list[str]:
    intake, doc = _plan()
    raw = _raw(doc)
    change(raw)
    return _problems(doc, intake, raw)


def _index(raw: dict[str, Any], exercise: str) -> int:
    return next(i for i, it in enumerate(raw["items"]) if it["exercise"] == exercise)


def test_an_unknown_exercise_is_named() -> None:
    problems = _broken(lambda raw: raw["items"][2].update(exercise="moonwalk"))
    assert problems == ["items[2].exercise: 'moonwalk' is not in the library"]


def test_one_side_of_a_bilateral_exercise_is_refused() -> None:
    def change(raw: dict[str, Any]) -> None:
        _item(raw, "glute_bridge")["side"] = "left"

    problems = _broken(change)
    assert len(problems) == 1
    i = _index(_raw(_plan()[1]), "glute_bridge")
    assert problems[0].startswith(f"items[{i}].side: Glute bridge works both sides together")


def test_a_per_side_exercise_without_a_side_is_refused() -> None:
    def change(raw: dict[str, Any]) -> None:
        _item(raw, "hip_flexor_stretch")["side"] = None

    problems = _broken(change)
    i = _index(_raw(_plan()[1]), "hip_flexor_stretch")
    assert problems == [
        f"items[{i}].side: Standing hip-flexor stretch is done per side: give left, right or both"
    ]


def test_a_hold_exercise_without_a_hold_is_refused() -> None:
    def change(raw: dict[str, Any]) -> None:
        _item(raw, "plank")["hold_s"] = 0

    problems = _broken(change)
    i = _index(_raw(_plan()[1]), "plank")
    assert problems == [f"items[{i}].hold_s: Forearm plank is a hold: give 1-300 seconds"]


def test_a_weekday_given_twice_is_refused() -> None:
    problems = _broken(lambda raw: raw["items"][1].update(days=["mon", "wed", "mon"]))
    assert len(problems) == 1
    assert problems[0].startswith("items[1].days: give each weekday once")


def test_an_exercise_given_twice_is_refused() -> None:
    problems = _broken(lambda raw: raw["items"].append(dict(raw["items"][0])))
    assert len(problems) == 1
    assert problems[0].startswith("items: ")
    assert "listed twice" in problems[0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda raw: raw["items"][0].update(colour="red"), "items[0].colour"),
        (lambda raw: raw.update(author="someone"), "author"),
        (lambda raw: raw["items"][0].update(sets=0), "items[0].sets"),
        (lambda raw: raw["items"][0].update(reps=51), "items[0].reps"),
        (lambda raw: raw["items"][0].update(hold_s=301), "items[0].hold_s"),
        (lambda raw: raw["items"][0].update(days=[]), "items[0].days"),
        (lambda raw: raw["items"][0].update(days=["someday"]), "items[0].days[0]"),
        (lambda raw: raw["items"][0].update(side="middle"), "items[0].side"),
        (lambda raw: raw["items"][0].update(override_reason="x" * 301), "items[0].override_reason"),
        (lambda raw: raw.update(items=[]), "items"),
    ],
    ids=[
        "unknown-item-field",
        "unknown-field",
        "sets",
        "reps",
        "hold",
        "no-days",
        "bad-day",
        "bad-side",
        "long-reason",
        "no-items",
    ],
)
def test_bad_fields_are_named(change: Any, field: str) -> None:
    problems = _broken(change)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{field}: "), problems


def test_a_problem_in_any_item_applies_nothing_and_lists_every_problem() -> None:
    def change(raw: dict[str, Any]) -> None:
        raw["items"][0]["exercise"] = "moonwalk"
        _item(raw, "plank")["hold_s"] = 0

    assert len(_broken(change)) == 2


# --- properties over random intakes and random edits --------------------------------------

PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _random_edit(
    rx: Prescription, intake: Intake, r: random.Random
) -> tuple[dict[str, Any], set[str]]:
    """Drop some items, change doses within bounds, move days, maybe add an allowed exercise."""
    c = constraints_for(intake)
    raw = rx.model_dump(mode="json")
    kept = [it for it in raw["items"] if r.random() > 0.3] or raw["items"][:1]
    for it in kept:
        ex = LIB[it["exercise"]]
        if r.random() < 0.5:
            it["sets"] = r.randint(1, 10)
            it["reps"] = r.randint(1, 50)
            it["hold_s"] = r.randint(1, 300) if ex.dose.kind == "hold" else r.randint(0, 300)
        if r.random() < 0.4:
            it["days"] = r.sample(list(WEEKDAYS), r.randint(1, 7))
        if r.random() < 0.3 and ex.sidedness == "per_side":
            it["side"] = r.choice(["left", "right", "both"])
    allowed = [
        ex
        for ex in LIB.values()
        if exclusion_reason(ex, c) is None and ex.id not in {it["exercise"] for it in kept}
    ]
    if allowed and r.random() < 0.5:
        ex = r.choice(allowed)
        kept.append(
            {
                "exercise": ex.id,
                "side": r.choice(["left", "right", "both"]) if ex.sidedness == "per_side" else None,
                "sets": r.randint(1, 4),
                "reps": r.randint(1, 20),
                "hold_s": r.randint(5, 60) if ex.dose.kind == "hold" else 0,
                "days": r.sample(list(WEEKDAYS), r.randint(1, 7)),
            }
        )
    raw["items"] = kept
    return raw, {it["exercise"] for it in kept}


@PROPERTY
@given(intakes(), st.randoms(use_true_random=False))
def test_any_allowed_edit_of_any_plan_is_prescribable_and_safe(
    doc: dict[str, Any], r: random.Random
) -> None:
    intake = Intake.model_validate(doc)
    plan = generate_plan(intake, LIB)
    rx = prescription_from(plan)
    assume(rx is not None)
    assert rx is not None
    c = constraints_for(intake)
    assert all(exclusion_reason(LIB[it.exercise], c) is None for it in rx.items)
    raw, chosen = _random_edit(rx, intake, r)

    done = prescribe(plan, intake, raw, LIB)

    assert done.overrides == []
    assert done.document.plan is not None
    planned = {it.exercise for d in done.document.plan.days for it in d.items}
    assert planned == chosen
    for ex_id in planned:
        assert exclusion_reason(LIB[ex_id], c) is None, ex_id
    _assert_days_match_scripts(done.document)
    for d in done.document.plan.days:
        assert [it.exercise for it in d.items] == list(dict.fromkeys(it.exercise for it in d.items))
    wanted = {it["exercise"]: it for it in raw["items"]}
    for it in (i for d in done.document.plan.days for i in d.items):
        w = wanted[it.exercise]
        assert (it.sets, it.reps, it.hold_s) == (w["sets"], w["reps"], w["hold_s"])
        if it.dose_by_side:
            for side, dose in it.dose_by_side.items():
                assert (dose.reps, dose.hold_s) == (w["reps"], w["hold_s"])
                # the weaker (lead) side may keep the planner's one extra set
                assert dose.sets == w["sets"] or (
                    side != it.lead_side and dose.sets == w["sets"] - 1
                )
    again = PlanDocument.model_validate(done.document.model_dump(mode="json", by_alias=True))
    assert again == done.document
    # And the edited plan round-trips in turn.
    rx2 = prescription_from(done.document)
    assert rx2 is not None
    assert prescribe(done.document, intake, rx2, LIB).changes == []


@PROPERTY
@given(intakes(), st.randoms(use_true_random=False))
def test_an_excluded_exercise_never_gets_in_without_a_recorded_override(
    doc: dict[str, Any], r: random.Random
) -> None:
    intake = Intake.model_validate(doc)
    plan = generate_plan(intake, LIB)
    rx = prescription_from(plan)
    assume(rx is not None)
    assert rx is not None
    c = constraints_for(intake)
    excluded = [ex for ex in LIB.values() if exclusion_reason(ex, c) is not None]
    assume(excluded)
    ex = r.choice(excluded)
    raw = rx.model_dump(mode="json")
    raw["items"] = [it for it in raw["items"] if it["exercise"] != ex.id]
    entry = {
        "exercise": ex.id,
        "side": "both" if ex.sidedness == "per_side" else None,
        "sets": 1,
        "reps": 5,
        "hold_s": 20 if ex.dose.kind == "hold" else 0,
        "days": ["mon"],
    }
    raw["items"].append(entry)

    with pytest.raises(InputError) as exc:
        prescribe(plan, intake, raw, LIB)
    assert any(
        p.startswith(f"items[{len(raw['items']) - 1}].override_reason") for p in exc.value.problems
    )

    entry["override_reason"] = "seen in clinic"
    done = prescribe(plan, intake, raw, LIB)
    assert [o.exercise for o in done.overrides] == [ex.id]
    assert done.document.plan is not None
    for it in (i for d in done.document.plan.days for i in d.items):
        if exclusion_reason(LIB[it.exercise], c) is not None:
            assert it.exercise == ex.id
            assert any("seen in clinic" in n for n in it.notes)
    _assert_days_match_scripts(done.document)


LATERAL_PAIN = {"findings": {"lateral_pain_in_stance": {"left": True, "right": False}}}


def _good_to_know(doc: PlanDocument, reason_id: str) -> str:
    return next(r.action for r in doc.referral.reasons if r.id == reason_id)


def test_good_to_know_names_the_exercise_a_clinician_chose_over_its_rule() -> None:
    """Issue 14.9: after a rule is set aside, the plan's note no longer says the plan avoids
    what it now holds; dropping the exercise again restores the screen's own words."""
    intake, doc = _plan(**LATERAL_PAIN)
    before = _good_to_know(doc, "lateral_hip_pain_single_leg")
    assert "the plan avoids lying on" in before
    raw = _raw(doc)
    assert "clamshell" not in {it["exercise"] for it in raw["items"]}
    raw["items"].append(
        {
            "exercise": "clamshell",
            "side": "left",
            "sets": 2,
            "reps": 10,
            "hold_s": 0,
            "days": ["tue"],
            "override_reason": "Tolerated side-lying in clinic with a pillow between the knees",
        }
    )

    done = prescribe(doc, intake, raw, LIB)
    after = _good_to_know(done.document, "lateral_hip_pain_single_leg")

    assert [o.exercise for o in done.overrides] == ["clamshell"]
    assert "the plan avoids" not in after
    assert "the plan otherwise avoids lying on" in after
    assert (
        "Your clinician chose Clamshell for you all the same; their reason: Tolerated side-lying "
        "in clinic with a pillow between the knees." in after
    )
    # Another reason, untouched by the override, reads as before.
    others = [r for r in done.document.referral.reasons if r.id != "lateral_hip_pain_single_leg"]
    assert others == [r for r in doc.referral.reasons if r.id != "lateral_hip_pain_single_leg"]

    again = _raw(done.document)
    again["items"] = [it for it in again["items"] if it["exercise"] != "clamshell"]
    undone = prescribe(done.document, intake, again, LIB)
    assert _good_to_know(undone.document, "lateral_hip_pain_single_leg") == before


def test_an_override_of_an_unrelated_rule_leaves_good_to_know_as_the_screen_wrote_it() -> None:
    intake, doc = _plan(**PREGNANT_20)
    raw = _raw(doc)
    raw["items"].append(
        {
            "exercise": "glute_bridge",
            "side": None,
            "sets": 1,
            "reps": 8,
            "hold_s": 2,
            "days": ["tue"],
            "override_reason": "Short sets, checked in clinic",
        }
    )

    done = prescribe(doc, intake, raw, LIB)

    assert done.overrides
    assert done.document.referral == doc.referral
