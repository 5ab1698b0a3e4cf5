"""Lifestyle coaching: the break schedule, the personal lessons and the plan's habit items."""

from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hipalign.core.assessment import find_patterns
from hipalign.core.education.catalog import default_lessons
from hipalign.core.education.coaching import (
    AT_WORK,
    BREAK_MOVES,
    MAX_BREAKS_PER_DAY,
    SITTING_BREAKS_FROM_H,
    break_schedule,
    lessons_for,
    lifestyle_for,
)
from hipalign.core.education.habits import habit_triggers
from hipalign.core.intake import Hours, Intake
from hipalign.core.library import Library, default_library
from hipalign.core.planning.constraints import constraints_for, exclusion_reason
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.planner import generate_plan
from hipalign.core.screening.catalog import QUESTIONS
from tests.core.conftest import flags, make_intake
from tests.core.planning.strategies import intakes

DAY = 24 * 60
BASICS = ["how_the_hip_works", "pain_monitoring_rules", "which_professional"]
EMERGENCY = next(q.id for q in QUESTIONS if q.level == "emergency")


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def hhmm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def span(start: str, end: str) -> Hours:
    return Hours(start=start, end=end)


def offset(time: str, start: str) -> int:
    """Minutes from `start` to `time`, going forward (past midnight if need be)."""
    return (minutes(time) - minutes(start)) % DAY


def within(time: str, hours: Hours) -> bool:
    """Inside [start, end) of a daily span; an end before the start runs past midnight."""
    length = (minutes(hours.end) - minutes(hours.start)) % DAY
    return offset(time, hours.start) < length


def sitting(hours: float, **lifestyle: Any) -> Intake:
    return make_intake(lifestyle={"sitting_hours_per_day": hours, **lifestyle})


def items_by_id(intake: Intake, library: Library) -> dict[str, Any]:
    return {it.id: it for it in lifestyle_for(intake, find_patterns(intake), library)}


def link_ids(intake: Intake) -> list[str]:
    return [link.id for link in lessons_for(intake, find_patterns(intake))]


# --- break_schedule ------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [0, 1, 3, 3.9])
def test_no_breaks_below_four_sitting_hours(hours: float) -> None:
    assert break_schedule(hours, span("09:00", "17:00"), None) == []
    assert break_schedule(hours, None, None) == []


def test_four_sitting_hours_break_every_hour_from_one_hour_after_the_start() -> None:
    assert break_schedule(4, span("09:00", "13:00"), None) == ["10:00", "11:00", "12:00"]


def test_default_working_hours_are_nine_to_five() -> None:
    times = break_schedule(6, None, None)
    assert times == break_schedule(6, span("09:00", "17:00"), None)
    assert times == ["10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]


def test_from_eight_sitting_hours_breaks_come_every_45_minutes() -> None:
    times = break_schedule(8, span("08:00", "12:00"), None)
    assert times == ["08:45", "09:30", "10:15", "11:00"]
    assert break_schedule(7.9, span("08:00", "12:00"), None) == ["09:00", "10:00", "11:00"]


def test_breaks_run_past_midnight_for_a_night_shift() -> None:
    times = break_schedule(5, span("22:00", "06:00"), None)
    assert times == ["23:00", "00:00", "01:00", "02:00", "03:00", "04:00", "05:00"]
    assert all(within(t, span("22:00", "06:00")) for t in times)


def test_no_break_falls_in_the_quiet_hours_and_the_rest_keep_their_times() -> None:
    times = break_schedule(5, span("09:00", "17:00"), span("12:00", "13:30"))
    assert times == ["10:00", "11:00", "14:00", "15:00", "16:00"]


def test_quiet_hours_across_midnight_remove_the_night_breaks() -> None:
    times = break_schedule(5, span("20:00", "04:00"), span("23:30", "02:00"))
    assert times == ["21:00", "22:00", "23:00", "02:00", "03:00"]


def test_quiet_hours_covering_the_whole_working_day_leave_no_breaks() -> None:
    assert break_schedule(10, span("09:00", "17:00"), span("08:00", "18:00")) == []


def test_a_long_day_is_capped_at_the_maximum_number_of_breaks() -> None:
    times = break_schedule(12, span("06:00", "23:00"), None)
    assert len(times) == MAX_BREAKS_PER_DAY
    assert times[0] == "06:45"


clock = st.integers(0, DAY - 1).map(hhmm)
# Equal start and end is refused by the intake (Hours), so it is never a schedule's input.
spans = st.tuples(clock, clock).filter(lambda t: t[0] != t[1]).map(lambda t: span(*t))


@settings(max_examples=500, deadline=None)
@given(
    sitting_hours=st.floats(0, 24, allow_nan=False),
    working=st.one_of(st.none(), spans),
    quiet=st.one_of(st.none(), spans),
)
def test_break_schedule_invariants(
    sitting_hours: float, working: Hours | None, quiet: Hours | None
) -> None:
    times = break_schedule(sitting_hours, working, quiet)
    if sitting_hours < 4:
        assert times == []
        return
    work = working or span("09:00", "17:00")
    every = 45 if sitting_hours >= 8 else 60
    length = (minutes(work.end) - minutes(work.start)) % DAY
    offsets = [offset(t, work.start) for t in times]

    assert len(times) <= MAX_BREAKS_PER_DAY
    assert all(within(t, work) for t in times)
    assert not any(within(t, quiet) for t in times) if quiet else True
    # On the grid of the interval from the start, the first one interval after it, in order.
    assert all(o % every == 0 and o >= every for o in offsets)
    assert offsets == sorted(set(offsets))
    if quiet is None:
        assert all(b - a == every for a, b in pairwise(offsets))
        if length >= 2 * every:  # room for at least one break well before the end
            assert offsets[0] == every


# --- lessons_for ---------------------------------------------------------------------------


def test_a_long_sitter_gets_the_sitting_lesson_first_with_their_hours() -> None:
    links = lessons_for(sitting(10), [])
    assert links[0].id == "sitting_and_movement_breaks"
    assert "10 hours" in links[0].reason
    assert "workstation_setup" in [link.id for link in links]


def test_a_short_sitter_does_not_get_the_sitting_lessons() -> None:
    ids = link_ids(sitting(3))
    assert "sitting_and_movement_breaks" not in ids
    assert "workstation_setup" not in ids


def test_a_pregnant_person_gets_the_pregnancy_lesson_with_her_weeks() -> None:
    intake = make_intake(pregnancy={"pregnant": True, "weeks": 22})
    link = next(link for link in lessons_for(intake, []) if link.id == "exercise_in_pregnancy")
    assert "22 weeks" in link.reason
    assert "exercise_in_pregnancy" not in link_ids(make_intake())


def test_a_runner_gets_the_running_lesson() -> None:
    assert "running_load" in link_ids(make_intake(lifestyle={"activities": ["running"]}))
    assert "running_load" not in link_ids(make_intake(lifestyle={"activities": ["cycling"]}))


@pytest.mark.parametrize(
    "overrides",
    [
        {"symptoms": ["uneven_gait"]},
        {"symptoms": ["limp"]},
        {"findings": {"trendelenburg": {"left": "positive"}}},
        {"findings": {"trendelenburg": {"right": "positive"}}},
    ],
    ids=["uneven_gait", "limp", "trendelenburg_left", "trendelenburg_right"],
)
def test_gait_signs_give_the_walking_lesson(overrides: dict[str, Any]) -> None:
    assert "gait_and_walking" in link_ids(make_intake(**overrides))


def test_a_negative_trendelenburg_is_not_a_gait_sign() -> None:
    intake = make_intake(findings={"trendelenburg": {"left": "negative", "right": "negative"}})
    assert "gait_and_walking" not in link_ids(intake)


@pytest.mark.parametrize("approach", ["posterior_approach", "anterior_approach"])
def test_hip_precautions_give_the_surgery_lesson(approach: str) -> None:
    assert "what_surgery_is_for" in link_ids(make_intake(hip_precautions=approach))


def test_no_surgery_lesson_without_precautions() -> None:
    assert "what_surgery_is_for" not in link_ids(make_intake())
    assert "what_surgery_is_for" not in link_ids(make_intake(hip_precautions="none"))


def test_patterns_give_the_patterns_lesson_naming_them() -> None:
    intake = make_intake(findings={"trendelenburg": {"left": "positive"}, "weaker_side": "left"})
    patterns = find_patterns(intake)
    assert patterns
    link = next(
        link for link in lessons_for(intake, patterns) if link.id == "patterns_not_diagnoses"
    )
    assert patterns[0].name.lower() in link.reason


def test_everyone_gets_the_basics() -> None:
    assert set(BASICS) <= set(link_ids(make_intake()))


def test_links_carry_the_catalog_title() -> None:
    lessons = default_lessons()
    for link in lessons_for(sitting(10, activities=["running"]), []):
        assert link.title == lessons[link.id].title
        assert link.reason


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(intakes())
def test_lesson_links_are_unique_known_and_include_the_basics(doc: dict[str, Any]) -> None:
    intake = Intake.model_validate(doc)
    links = lessons_for(intake, find_patterns(intake))
    ids = [link.id for link in links]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(default_lessons())
    assert set(BASICS) <= set(ids)
    if intake.hip_precautions in ("posterior_approach", "anterior_approach"):
        assert "what_surgery_is_for" in ids


# --- lifestyle_for -------------------------------------------------------------------------


def allowed_at_work(intake: Intake, library: Library, move: str) -> bool:
    c = constraints_for(intake)
    c = c.model_copy(update={"equipment": frozenset(c.equipment) | frozenset(AT_WORK)})
    return exclusion_reason(library[move], c) is None


def test_no_items_for_a_short_sitter_without_other_signs(library: Library) -> None:
    assert lifestyle_for(sitting(3), [], library) == []


def test_a_sitter_gets_breaks_at_the_scheduled_times_and_a_workstation_check(
    library: Library,
) -> None:
    intake = sitting(6, working_hours={"start": "08:00", "end": "12:00"})
    items = items_by_id(intake, library)
    assert set(items) == {"movement_breaks", "workstation_check"}
    breaks = items["movement_breaks"]
    assert breaks.kind == "breaks"
    assert breaks.times == break_schedule(6, span("08:00", "12:00"), None)
    assert breaks.times == ["09:00", "10:00", "11:00"]
    assert "09:00, 10:00, 11:00" in breaks.reason and "6 hours" in breaks.reason
    assert breaks.moves == ["hip_flexor_stretch", "leg_swings", "pelvic_tilt_standing"]


def test_breaks_skip_the_quiet_hours(library: Library) -> None:
    intake = sitting(
        5,
        working_hours={"start": "09:00", "end": "17:00"},
        quiet_hours={"start": "12:00", "end": "14:00"},
    )
    times = items_by_id(intake, library)["movement_breaks"].times
    assert times == ["10:00", "11:00", "14:00", "15:00", "16:00"]


def test_no_breaks_item_when_quiet_hours_cover_the_working_day(library: Library) -> None:
    intake = sitting(
        9,
        working_hours={"start": "09:00", "end": "17:00"},
        quiet_hours={"start": "00:00", "end": "23:59"},
    )
    assert "movement_breaks" not in items_by_id(intake, library)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"pregnancy": {"pregnant": True, "weeks": 30}},
        {"limitations": ["poor_balance"]},
        {"findings": {"single_leg_stance_s": {"left": 2}}},
        {"hip_precautions": "posterior_approach"},
        {"hip_precautions": "anterior_approach"},
        {"limitations": ["cannot_get_to_floor", "cannot_lie_supine", "wrist_or_shoulder_pain"]},
        {"symptoms": ["lateral_hip_pain"], "age": 80},
    ],
    ids=[
        "plain",
        "pregnant",
        "poor_balance",
        "short_stance",
        "posterior",
        "anterior",
        "limits",
        "older_lateral",
    ],
)
def test_break_moves_are_one_to_three_standing_moves_allowed_for_the_person(
    overrides: dict[str, Any], library: Library
) -> None:
    intake = make_intake(lifestyle={"sitting_hours_per_day": 8}, **overrides)
    moves = items_by_id(intake, library)["movement_breaks"].moves
    assert 1 <= len(moves) <= 3
    assert len(set(moves)) == len(moves)
    for move in moves:
        assert move in BREAK_MOVES
        assert library[move].position == "standing"
        assert allowed_at_work(intake, library, move), move
        assert not set(library[move].contraindications) & constraints_for(intake).tags


def test_posterior_precautions_leave_out_leg_swings(library: Library) -> None:
    intake = make_intake(
        lifestyle={"sitting_hours_per_day": 8}, hip_precautions="posterior_approach"
    )
    moves = items_by_id(intake, library)["movement_breaks"].moves
    assert "leg_swings" not in moves
    assert moves == ["hip_flexor_stretch", "pelvic_tilt_standing", "standing_hip_abduction"]


def test_anterior_precautions_leave_out_hip_extension_and_external_rotation_moves(
    library: Library,
) -> None:
    intake = make_intake(
        lifestyle={"sitting_hours_per_day": 8}, hip_precautions="anterior_approach"
    )
    moves = items_by_id(intake, library)["movement_breaks"].moves
    # leg swings go back and turn out; the hip flexor stretch and standing extension go back
    assert moves == [
        "pelvic_tilt_standing",
        "standing_hip_abduction",
        "standing_isometric_abduction",
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {"symptoms": ["knee_pain"]},
        {"symptoms": ["ankle_foot_pain"]},
        {"symptoms": ["uneven_gait"]},
        {"symptoms": ["limp"]},
    ],
    ids=["knee", "ankle_foot", "uneven_gait", "limp"],
)
def test_knee_or_foot_pain_or_gait_signs_get_the_footwear_check(
    overrides: dict[str, Any], library: Library
) -> None:
    item = items_by_id(make_intake(**overrides), library)["footwear_check"]
    # the reason names the answer that points to it, and the trigger's source is cited
    words = {"knee_pain": "knee pain", "ankle_foot_pain": "ankle or foot pain"}
    said = overrides["symptoms"][0]
    assert item.reason.startswith(f"You noted {words.get(said, said.replace('_', ' '))}")
    assert "Web article on hip mechanics" in item.source


@pytest.mark.parametrize(
    "findings",
    [
        {},
        {"weaker_side": "right", "lateral_pain_in_stance": {"right": True}},
        {"trendelenburg": {"right": "positive"}},
    ],
    ids=["pain only", "with its stance finding", "with a positive standing test"],
)
def test_outer_hip_pain_alone_gets_no_footwear_habit(
    findings: dict[str, Any], library: Library
) -> None:
    # outer-hip pain on the right with its own findings: nothing points to shoes (issue 14.15)
    intake = make_intake(
        symptoms=["lateral_hip_pain"], pain={"now": 3, "side": "right"}, findings=findings
    )
    assert "footwear_check" not in items_by_id(intake, library)


def test_a_dropping_pelvis_gets_walking_drills_not_a_shoe_check(library: Library) -> None:
    items = items_by_id(make_intake(findings={"trendelenburg": {"right": "positive"}}), library)
    assert set(items) == {"gait_drills"}
    assert "the pelvis dropped in the standing test" in items["gait_drills"].reason


def test_every_plan_habit_has_a_trigger_with_a_source_in_the_data(library: Library) -> None:
    busy = make_intake(
        symptoms=["knee_pain", "limp"],
        lifestyle={"sitting_hours_per_day": 9, "activities": ["running"]},
    )
    ids = set(items_by_id(busy, library))
    assert ids == {
        "movement_breaks",
        "workstation_check",
        "footwear_check",
        "running_load",
        "gait_drills",
    }
    triggers = habit_triggers()
    assert ids <= set(triggers) and all(triggers[i].sources for i in ids)
    # the sitting threshold of the breaks is the one in the data
    assert triggers["movement_breaks"].sitting_hours_from == SITTING_BREAKS_FROM_H


def test_no_footwear_check_without_those_signs(library: Library) -> None:
    intake = make_intake(symptoms=["hip_pain", "low_back_pain"])
    assert "footwear_check" not in items_by_id(intake, library)


def test_a_runner_gets_the_running_load_item(library: Library) -> None:
    items = items_by_id(make_intake(lifestyle={"activities": ["running"]}), library)
    assert set(items) == {"running_load"}
    assert items["running_load"].lesson == "running_load"


@pytest.mark.parametrize(
    "overrides",
    [{"symptoms": ["uneven_gait"]}, {"findings": {"trendelenburg": {"left": "positive"}}}],
    ids=["uneven_gait", "trendelenburg"],
)
def test_gait_signs_get_walking_drills_three_days_a_week(
    overrides: dict[str, Any], library: Library
) -> None:
    drills = items_by_id(make_intake(**overrides), library)["gait_drills"]
    assert drills.kind == "drills" and drills.per_week == 3


def test_no_walking_drills_without_gait_signs(library: Library) -> None:
    assert "gait_drills" not in items_by_id(make_intake(symptoms=["knee_pain"]), library)


def test_every_item_points_to_a_lesson_and_carries_its_checklist(library: Library) -> None:
    intake = make_intake(
        lifestyle={"sitting_hours_per_day": 9, "activities": ["running"]},
        symptoms=["uneven_gait", "knee_pain"],
    )
    items = lifestyle_for(intake, find_patterns(intake), library)
    lessons = default_lessons()
    assert {it.id for it in items} == {
        "movement_breaks",
        "workstation_check",
        "footwear_check",
        "running_load",
        "gait_drills",
    }
    for it in items:
        assert it.lesson in lessons
        assert it.source
        if it.kind == "breaks":  # a break carries its times and moves instead of a checklist
            assert it.times and it.moves
        else:
            assert it.checklist == lessons[it.lesson].checklist
            assert it.checklist


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(intakes())
def test_lifestyle_items_over_random_intakes(doc: dict[str, Any]) -> None:
    intake = Intake.model_validate(doc)
    lib = default_library()
    items = lifestyle_for(intake, find_patterns(intake), lib)
    lessons = default_lessons()
    ids = [it.id for it in items]
    assert len(ids) == len(set(ids))
    sitting_h = intake.lifestyle.sitting_hours_per_day
    assert ("movement_breaks" in ids) == (sitting_h >= 4)  # no quiet hours in these intakes
    assert ("workstation_check" in ids) == (sitting_h >= 4)
    assert ("running_load" in ids) == ("running" in intake.lifestyle.activities)
    for it in items:
        assert it.lesson in lessons
        if it.kind == "breaks":
            assert 1 <= len(it.moves) <= 3
            assert all(allowed_at_work(intake, lib, m) for m in it.moves)
        else:
            assert it.checklist == lessons[it.lesson].checklist


# --- the plan ------------------------------------------------------------------------------


def test_a_plan_for_a_long_sitter_has_movement_breaks_and_lessons() -> None:
    doc = generate_plan(sitting(9))
    assert doc.plan is not None
    assert "movement_breaks" in [it.id for it in doc.plan.lifestyle]
    assert doc.lessons
    assert doc.lessons[0].id == "sitting_and_movement_breaks"


def test_a_withheld_plan_still_has_lessons_but_no_plan() -> None:
    doc = generate_plan(
        make_intake(screening=flags(EMERGENCY), lifestyle={"sitting_hours_per_day": 9})
    )
    assert doc.referral.plan_withheld
    assert doc.plan is None
    assert doc.lessons
    assert set(BASICS) <= {link.id for link in doc.lessons}


def test_the_plan_json_with_lessons_and_lifestyle_validates_as_a_plan_document() -> None:
    intake = make_intake(
        lifestyle={
            "sitting_hours_per_day": 9,
            "activities": ["running"],
            "working_hours": {"start": "22:00", "end": "06:00"},
            "quiet_hours": {"start": "02:00", "end": "03:00"},
        },
        symptoms=["uneven_gait"],
    )
    doc = generate_plan(intake)
    raw = doc.model_dump(mode="json", by_alias=True)
    assert raw["schema"] == "hipalign.plan/1"
    assert raw["lessons"] and raw["plan"]["lifestyle"]
    again = PlanDocument.model_validate(raw)
    assert again == doc
    assert PlanDocument.model_validate_json(doc.model_dump_json(by_alias=True)) == doc


def test_a_plan_document_from_before_the_extension_still_validates() -> None:
    raw = generate_plan(make_intake()).model_dump(mode="json", by_alias=True)
    del raw["lessons"]
    del raw["plan"]["lifestyle"]
    old = PlanDocument.model_validate(raw)
    assert old.lessons == [] and old.plan is not None and old.plan.lifestyle == []


def test_hours_with_equal_start_and_end_are_refused() -> None:
    with pytest.raises(ValidationError, match="start and end must differ"):
        Hours(start="09:00", end="09:00")
