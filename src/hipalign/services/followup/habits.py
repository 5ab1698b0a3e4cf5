"""Lifestyle items of the plan: ticking them off, today's list, and the one reminder due."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from hipalign.adapters.db.models import CheckInRecord, HabitCheck, PlanRecord, SessionRecord
from hipalign.core.dates import shift
from hipalign.core.education.coaching import inside_hours, to_minutes
from hipalign.core.education.models import LifestyleItem
from hipalign.core.errors import InputError
from hipalign.core.stored import read_intake
from hipalign.services.followup.outcome_records import outcomes_due
from hipalign.services.kernel.access import owned
from hipalign.services.program import checkins, plans
from hipalign.services.program.plans import plan_document, weekday_of
from hipalign.services.program.today import Today

# Breaks count on working days only [rule]: Monday-Friday.
WORKING_DAYS = 5


@dataclass(frozen=True)
class HabitNow:
    item: LifestyleItem
    slots: list[tuple[str, bool]]  # (slot, done); slot "" for once-a-day items


@dataclass(frozen=True)
class Reminder:
    kind: str  # the most pressing of `kinds`
    text: str  # every due item, in one message
    at: str  # "HH:MM" of the next break, when one is due, else ""
    kinds: list[str]  # "session", "break", "checkin", "scores", most pressing first


def _items(plan: PlanRecord | None) -> list[LifestyleItem]:
    if plan is None or plan.withheld:
        return []
    body = plan_document(plan).plan
    return list(body.lifestyle) if body else []


def _slots(item: LifestyleItem) -> list[str]:
    return list(item.times) if item.kind == "breaks" else [""]


# Habits that stand in for session work on the days without one (the planner's daily
# stretches: the seed gives them daily, and a session day already holds them).
OFF_SESSION_DAYS_ONLY = frozenset({"daily_stretches"})


def habits_today(user: User, today: date) -> list[HabitNow]:
    return habits_of_plan(user, plans.plan_current(user), today)


def habits_of_plan(user: User, plan: PlanRecord | None, today: date) -> list[HabitNow]:
    """Today's lifestyle items of `plan` (the person's current plan, read once by the caller)."""
    items = _items(plan)
    if not items:
        return []
    body = plan_document(plan).plan if plan is not None else None
    if body is not None and any(d.day == weekday_of(today) for d in body.days):
        items = [it for it in items if it.id not in OFF_SESSION_DAYS_ONLY]
        if not items:
            return []
    done = set(
        HabitCheck.objects.filter(user_id=user.pk, performed_on=today).values_list(
            "item_id", "slot"
        )
    )
    return [HabitNow(it, [(s, (it.id, s) in done) for s in _slots(it)]) for it in items]


def habit_check(user: User, plan_id: str, item_id: str, slot: str, today: date) -> bool:
    """Tick one item (and break slot) for today; True when stored, False when already ticked."""
    plan = owned(PlanRecord, user, plan_id)
    item = next((it for it in _items(plan) if it.id == item_id), None)
    if item is None:
        raise InputError("habit", [f"item: {item_id!r} is not in this plan"])
    if slot not in _slots(item):
        allowed = ", ".join(s or '""' for s in _slots(item))
        raise InputError("habit", [f"slot: must be one of {allowed} (got {slot!r})"])
    try:
        with transaction.atomic():
            HabitCheck.objects.create(
                user=user, plan=plan, item_id=item_id, slot=slot, performed_on=today
            )
    except IntegrityError:
        return False
    return True


def habits_planned_in_week(plan: PlanRecord | None, week_start: date) -> int:
    """Check-offs a full week asks for: breaks on working days, the others `per_week`."""
    total = 0
    for it in _items(plan):
        total += len(it.times) * WORKING_DAYS if it.kind == "breaks" else it.per_week
    return total if plan is not None and shift(week_start, 6) >= plan.starts_on else 0


def reminder_next(user: User, today: date, minute_of_day: int) -> Reminder | None:
    """One reminder bundling what is due (session, next break, check-in), most pressing first;
    nothing in the quiet hours (issue 7: at most one bundled reminder at a time)."""
    return reminder_of_plan(user, plans.plan_current(user), today, minute_of_day)


def reminder_of_plan(
    user: User, plan: PlanRecord | None, today: date, minute_of_day: int
) -> Reminder | None:
    """reminder_next for `plan`, the person's current plan read once by the caller."""
    if plan is None or plan.withheld:
        return None
    return _reminder(
        plan,
        today,
        minute_of_day,
        logged_today=lambda: SessionRecord.objects.filter(
            user_id=user.pk, performed_on=today, logs__isnull=False
        ).exists(),
        habits=lambda: habits_of_plan(user, plan, today),
        last_checkin=lambda: checkins.checkin_latest(user),
        scores_due=lambda: outcomes_due(user, plan, today),
    )


def reminder_of_today(
    *, t: Today, habits: list[HabitNow], scores_due: bool, today: date, minute_of_day: int
) -> Reminder | None:
    """reminder_of_plan from what the Today page has read already (its plan, last check-in,
    today's logged sessions, habits and whether scores are due): no query of its own."""
    if t.plan.withheld:
        return None
    return _reminder(
        t.plan,
        today,
        minute_of_day,
        logged_today=lambda: bool(t.logged_sessions),
        habits=lambda: habits,
        last_checkin=lambda: t.last_checkin,
        scores_due=lambda: scores_due,
    )


def _reminder(
    plan: PlanRecord,
    today: date,
    minute_of_day: int,
    *,
    logged_today: Callable[[], bool],
    habits: Callable[[], list[HabitNow]],
    last_checkin: Callable[[], CheckInRecord | None],
    scores_due: Callable[[], bool],
) -> Reminder | None:
    # The reads are callables: in the quiet hours none of them is needed.
    intake = read_intake(plan.intake.document)
    if inside_hours(minute_of_day, intake.lifestyle.quiet_hours):
        return None
    due: list[tuple[str, str, str]] = []  # (kind, text, at)
    body = plan_document(plan).plan
    planned_today = body is not None and any(d.day == weekday_of(today) for d in body.days)
    if planned_today and not logged_today():
        due.append(("session", gettext("Today's session is waiting for you."), ""))
    if today.weekday() < WORKING_DAYS:
        upcoming = [
            slot
            for h in habits()
            if h.item.kind == "breaks"
            for slot, done in h.slots
            if not done and to_minutes(slot) >= minute_of_day
        ]
        if upcoming:
            due.append(
                (
                    "break",
                    gettext("Next movement break at %(time)s.") % {"time": upcoming[0]},
                    upcoming[0],
                )
            )
    if checkins.checkin_due_for(plan, last_checkin(), today):
        due.append(("checkin", gettext("Your weekly check-in is due."), ""))
    if scores_due():
        due.append(("scores", gettext("Your scores for this review point are due."), ""))
    if not due:
        return None
    at = next((when for _, _, when in due if when), "")
    return Reminder(
        kind=due[0][0],
        text=" ".join(text for _, text, _ in due),
        at=at,
        kinds=[k for k, _, _ in due],
    )
