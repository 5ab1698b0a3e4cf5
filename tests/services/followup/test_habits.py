"""Habit check-offs, today's habits and the one reminder due (issue 7)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import HabitCheck, PlanRecord
from hipalign.core.errors import InputError
from hipalign.services.followup.habits import (
    habit_check,
    habits_planned_in_week,
    habits_today,
    reminder_next,
)
from hipalign.services.kernel.access import NotFound
from hipalign.services.program import recording
from hipalign.services.program.plans import plan_document, weekday_of
from tests.services.factories import (
    LOG_TODAY,
    MONDAY,
    TUESDAY,
    WEDNESDAY,
    all_counts,
    log_payload,
    make_plan,
)

pytestmark = pytest.mark.django_db

# Sitting 9 h with the default working hours 09:00-17:00: a break every 45 minutes.
BREAKS = ["09:45", "10:30", "11:15", "12:00", "12:45", "13:30", "14:15", "15:00", "15:45", "16:30"]
SATURDAY = MONDAY + timedelta(days=5)
NEXT_MONDAY = MONDAY + timedelta(days=7)
NEXT_TUESDAY = MONDAY + timedelta(days=8)


def at(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def sitter_plan(user: User, **lifestyle: Any) -> PlanRecord:
    return make_plan(user, lifestyle={"sitting_hours_per_day": 9, **lifestyle})


def log_session(plan: PlanRecord, day: date) -> None:
    recording.log_record(plan.user, log_payload(plan, performed_on=day), today=LOG_TODAY)


def rows(user: User) -> list[tuple[str, str, date]]:
    return sorted(
        HabitCheck.objects.filter(user=user).values_list("item_id", "slot", "performed_on")
    )


# --- habit_check ---------------------------------------------------------------------------


def test_the_plan_of_a_long_sitter_has_these_break_times(owner: User) -> None:
    sitter_plan(owner)
    breaks = next(h for h in habits_today(owner, MONDAY) if h.item.id == "movement_breaks")
    assert [slot for slot, _ in breaks.slots] == BREAKS


def test_a_break_slot_is_stored_once_per_day(owner: User) -> None:
    plan = sitter_plan(owner)

    assert habit_check(owner, str(plan.id), "movement_breaks", "09:45", MONDAY) is True
    assert habit_check(owner, str(plan.id), "movement_breaks", "09:45", MONDAY) is False

    assert rows(owner) == [("movement_breaks", "09:45", MONDAY)]
    row = HabitCheck.objects.get(user=owner)
    assert row.plan_id == plan.id


def test_the_same_slot_on_another_day_and_another_slot_are_new_rows(
    owner: User,
) -> None:
    plan = sitter_plan(owner)
    assert habit_check(owner, str(plan.id), "movement_breaks", "09:45", MONDAY)
    assert habit_check(owner, str(plan.id), "movement_breaks", "10:30", MONDAY)
    assert habit_check(owner, str(plan.id), "movement_breaks", "09:45", TUESDAY)
    assert habit_check(owner, str(plan.id), "workstation_check", "", MONDAY)
    assert habit_check(owner, str(plan.id), "workstation_check", "", MONDAY) is False
    assert rows(owner) == [
        ("movement_breaks", "09:45", MONDAY),
        ("movement_breaks", "09:45", TUESDAY),
        ("movement_breaks", "10:30", MONDAY),
        ("workstation_check", "", MONDAY),
    ]


def test_an_unknown_item_is_refused_naming_the_item_and_stores_nothing(
    owner: User,
) -> None:
    plan = sitter_plan(owner)
    before = all_counts()

    with pytest.raises(InputError) as exc:
        habit_check(owner, str(plan.id), "juggling", "", MONDAY)

    assert exc.value.problems[0].startswith("item: ")
    assert "juggling" in exc.value.message
    assert all_counts() == before


@pytest.mark.parametrize(
    ("item", "slot"),
    [
        ("movement_breaks", "09:00"),  # not a break time
        ("movement_breaks", ""),  # breaks have times
        ("workstation_check", "09:45"),  # once-a-day items have no time
    ],
)
def test_a_slot_not_in_the_schedule_is_refused_naming_the_slot_and_stores_nothing(
    owner: User, item: str, slot: str
) -> None:
    plan = sitter_plan(owner)
    before = all_counts()

    with pytest.raises(InputError) as exc:
        habit_check(owner, str(plan.id), item, slot, MONDAY)

    assert exc.value.problems[0].startswith("slot: ")
    assert all_counts() == before


def test_an_item_of_a_plan_without_lifestyle_items_is_refused(owner: User) -> None:
    plan = make_plan(owner)  # sits 0 hours: no habits
    with pytest.raises(InputError) as exc:
        habit_check(owner, str(plan.id), "movement_breaks", "09:45", MONDAY)
    assert exc.value.problems[0].startswith("item: ")
    assert HabitCheck.objects.count() == 0


def test_another_persons_plan_is_not_found_and_nothing_is_stored(owner: User, other: User) -> None:
    theirs = sitter_plan(other)
    sitter_plan(owner)
    before = all_counts()

    with pytest.raises(NotFound):
        habit_check(owner, str(theirs.id), "movement_breaks", "09:45", MONDAY)
    with pytest.raises(NotFound):
        habit_check(owner, "not-a-uuid", "movement_breaks", "09:45", MONDAY)

    assert all_counts() == before


# --- habits_today ---------------------------------------------------------------------------


def test_habits_today_marks_the_done_slots_of_today_only(owner: User) -> None:
    plan = sitter_plan(owner)
    habit_check(owner, str(plan.id), "movement_breaks", "10:30", MONDAY)
    habit_check(owner, str(plan.id), "workstation_check", "", MONDAY)
    habit_check(owner, str(plan.id), "movement_breaks", "11:15", TUESDAY)

    today = {h.item.id: h.slots for h in habits_today(owner, MONDAY)}

    assert set(today) == {"movement_breaks", "workstation_check"}
    assert [s for s, done in today["movement_breaks"] if done] == ["10:30"]
    assert len(today["movement_breaks"]) == len(BREAKS)
    assert today["workstation_check"] == [("", True)]


def test_habits_today_is_empty_without_a_plan_or_without_items(owner: User, other: User) -> None:
    make_plan(owner)
    assert habits_today(owner, MONDAY) == []
    assert habits_today(other, MONDAY) == []


def test_habits_today_shows_only_my_own_ticks(owner: User, other: User) -> None:
    sitter_plan(owner)
    theirs = sitter_plan(other)
    habit_check(other, str(theirs.id), "movement_breaks", "09:45", MONDAY)
    breaks = next(h for h in habits_today(owner, MONDAY) if h.item.id == "movement_breaks")
    assert not any(done for _, done in breaks.slots)


def test_a_full_week_asks_for_each_break_on_working_days_and_the_rest_per_week(
    owner: User,
) -> None:
    plan = sitter_plan(owner)
    items = {it.id: it for it in plan_document(plan).plan.lifestyle}  # type: ignore[union-attr]
    # The daily stretches count on the days without a session (the planner's per_week).
    stretches = items["daily_stretches"].per_week if "daily_stretches" in items else 0
    assert habits_planned_in_week(plan, MONDAY) == len(BREAKS) * 5 + 1 + stretches
    assert habits_planned_in_week(plan, MONDAY - timedelta(days=7)) == 0
    assert habits_planned_in_week(None, MONDAY) == 0


# --- reminder_next --------------------------------------------------------------------------


def test_no_reminder_without_a_plan(owner: User) -> None:
    assert reminder_next(owner, MONDAY, at("10:00")) is None


def test_the_session_reminder_on_a_planned_day_without_a_logged_session(
    owner: User,
) -> None:
    sitter_plan(owner)  # sessions on mon, wed, fri
    r = reminder_next(owner, MONDAY, at("10:00"))
    # The session leads; the next break rides along in the same reminder.
    assert r is not None and r.kind == "session" and r.kinds == ["session", "break"]
    assert r.at == "10:30"


def test_a_session_logged_on_an_earlier_day_does_not_silence_todays_reminder(
    owner: User,
) -> None:
    plan = sitter_plan(owner)
    log_session(plan, MONDAY)
    r = reminder_next(owner, WEDNESDAY, at("10:00"))
    assert r is not None and r.kind == "session"


def test_after_the_session_the_next_undone_break_is_reminded(owner: User) -> None:
    plan = sitter_plan(owner)
    log_session(plan, MONDAY)

    r = reminder_next(owner, MONDAY, at("10:00"))
    assert r is not None and (r.kind, r.at) == ("break", "10:30")
    assert "10:30" in r.text

    habit_check(owner, str(plan.id), "movement_breaks", "10:30", MONDAY)
    r = reminder_next(owner, MONDAY, at("10:00"))
    assert r is not None and (r.kind, r.at) == ("break", "11:15")


def test_a_break_due_this_minute_is_reminded(owner: User) -> None:
    sitter_plan(owner)
    r = reminder_next(owner, TUESDAY, at("12:45"))
    assert r is not None and (r.kind, r.at) == ("break", "12:45")


def test_on_a_day_without_a_session_the_next_break_is_reminded(owner: User) -> None:
    sitter_plan(owner)
    r = reminder_next(owner, TUESDAY, at("08:00"))
    assert r is not None and (r.kind, r.at) == ("break", "09:45")


def test_no_break_reminder_on_the_weekend_or_after_the_last_break(
    owner: User,
) -> None:
    sitter_plan(owner)
    assert reminder_next(owner, SATURDAY, at("10:00")) is None  # check-in not due yet
    assert reminder_next(owner, TUESDAY, at("16:31")) is None


def test_the_check_in_reminder_when_it_is_due(owner: User) -> None:
    sitter_plan(owner)
    r = reminder_next(owner, NEXT_TUESDAY, at("18:00"))
    assert r is not None and r.kind == "checkin"
    assert reminder_next(owner, TUESDAY, at("18:00")) is None  # not due in the first week


def test_one_reminder_bundles_everything_due_most_pressing_first(
    owner: User,
) -> None:
    plan = sitter_plan(owner)
    # Next Monday: a session is planned, a break is ahead and the check-in is due.
    r = reminder_next(owner, NEXT_MONDAY, at("09:00"))
    assert r is not None
    # Week 2 of the plan: the review point's scores are due too.
    assert (r.kind, r.kinds, r.at) == (
        "session",
        ["session", "break", "checkin", "scores"],
        "09:45",
    )
    assert "session" in r.text and "09:45" in r.text and "check-in" in r.text
    log_session(plan, NEXT_MONDAY)
    r = reminder_next(owner, NEXT_MONDAY, at("09:00"))
    assert r is not None
    assert (r.kind, r.kinds, r.at) == ("break", ["break", "checkin", "scores"], "09:45")
    r = reminder_next(owner, NEXT_MONDAY, at("17:00"))
    assert r is not None and (r.kinds, r.at) == (["checkin", "scores"], "")


@pytest.mark.parametrize("minute", ["12:00", "12:30", "12:59"])
def test_no_reminder_inside_the_quiet_hours(owner: User, minute: str) -> None:
    sitter_plan(owner, quiet_hours={"start": "12:00", "end": "13:00"})
    assert reminder_next(owner, MONDAY, at(minute)) is None


@pytest.mark.parametrize("minute", ["22:00", "23:59", "00:00", "03:00", "06:59"])
def test_no_reminder_inside_quiet_hours_across_midnight(owner: User, minute: str) -> None:
    sitter_plan(owner, quiet_hours={"start": "22:00", "end": "07:00"})
    assert reminder_next(owner, MONDAY, at(minute)) is None
    assert reminder_next(owner, NEXT_TUESDAY, at(minute)) is None  # check-in due, still quiet


@pytest.mark.parametrize("minute", ["07:00", "13:00", "21:59"])
def test_reminders_resume_when_the_quiet_hours_end(owner: User, minute: str) -> None:
    sitter_plan(owner, quiet_hours={"start": "22:00", "end": "07:00"})
    r = reminder_next(owner, MONDAY, at(minute))
    assert r is not None and r.kind == "session"


def test_the_break_reminder_skips_breaks_in_the_quiet_hours(owner: User) -> None:
    sitter_plan(owner, quiet_hours={"start": "12:00", "end": "13:00"})
    r = reminder_next(owner, TUESDAY, at("11:30"))
    assert r is not None and (r.kind, r.at) == ("break", "13:30")


def test_no_reminder_for_a_withheld_plan(owner: User) -> None:
    from hipalign.core.screening.catalog import QUESTIONS

    emergency = next(q.id for q in QUESTIONS if q.level == "emergency")
    plan = make_plan(owner, screening={emergency: True}, lifestyle={"sitting_hours_per_day": 9})
    assert plan.withheld
    assert reminder_next(owner, NEXT_TUESDAY, at("10:00")) is None
    assert habits_today(owner, MONDAY) == []


def test_the_daily_stretches_are_offered_only_on_days_without_a_session(
    owner: User,
) -> None:
    # 30 minutes: room for knees to chest after the warm-up (a 20-minute session fills first).
    plan = make_plan(owner, minutes_per_session=30, lifestyle={"sitting_hours_per_day": 9})
    body = plan_document(plan).plan
    assert body is not None
    assert any(it.id == "daily_stretches" for it in body.lifestyle)
    session_days = {d.day for d in body.days}
    week = [MONDAY + timedelta(days=i) for i in range(7)]
    on = next(d for d in week if weekday_of(d) in session_days)
    off = next(d for d in week if weekday_of(d) not in session_days)

    def ids(day: date) -> set[str]:
        return {h.item.id for h in habits_today(owner, day)}

    assert "daily_stretches" not in ids(on)
    assert "daily_stretches" in ids(off)
