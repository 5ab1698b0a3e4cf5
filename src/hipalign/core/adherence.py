"""Adherence: planned sessions against the sessions done, as fractions (issue 14 item 3).

The rule, in one place for Progress, the report, the clinician's list and FHIR:
- A planned session is a (date, session number) the plan in effect that day has, with its
  exercises. The plan in effect is the newest one that had started by then.
- It is done by the share of its exercises logged that day (done, not skipped: issue 14
  item 2), whatever number of runs of the player it took: every run of that day with that
  session number merges into it. A day with one planned session takes every run of the day.
- An exercise logged twice counts once; work on an exercise the session does not have, or on a
  day with no session planned, adds nothing (the logs keep it; adherence is against the plan).
- A window (a week) has the planned sessions falling in it and the sum of their fractions.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hipalign.core.vocab import WEEKDAYS, Weekday

# Fractions are summed and shown to one decimal; two keep the sum exact enough to compare.
DIGITS = 2

# Plain frozen dataclasses, not pydantic models: the clinician's list builds tens of thousands
# of these per request (bench/clinic_speed.py), and their values come from stored rows.


@dataclass(frozen=True, slots=True)
class PlannedSession:
    day: Weekday
    exercises: frozenset[str]
    session: int = 1


def planned_week(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A stored plan document's sessions of the week as JSON-ready data (day, session number,
    exercise ids in plan order), the shape `PlanRecord.week` keeps beside the document so a
    reader of many plans decodes a few hundred bytes each, not the whole plan (issue 19).
    A plan withheld for a referral has no body and no sessions."""
    body = document.get("plan") or {}
    days = body.get("days", []) if isinstance(body, Mapping) else []
    return [
        {
            "day": d["day"],
            "session": d.get("session", 1),
            "exercises": list(dict.fromkeys(it["exercise"] for it in d.get("items", []))),
        }
        for d in days
    ]


def sessions_of_week(week: Iterable[Mapping[str, Any]]) -> tuple[PlannedSession, ...]:
    """`planned_week`'s data back as the planned sessions the rule reads."""
    return tuple(
        PlannedSession(
            day=d["day"], session=int(d.get("session", 1)), exercises=frozenset(d["exercises"])
        )
        for d in week
    )


@dataclass(frozen=True, slots=True)
class PlanPeriod:
    """One plan from the day it starts: its sessions of the week (none when withheld)."""

    starts_on: date
    sessions: tuple[PlannedSession, ...] = ()


@dataclass(frozen=True, slots=True)
class Work:
    """One logged exercise (any side) on a day, in the session it was logged in."""

    on: date
    exercise: str
    session: int = 1
    skipped: bool = False


@dataclass(frozen=True, slots=True)
class SessionDone:
    on: date
    session: int
    planned_exercises: int
    done_exercises: int

    @property
    def fraction(self) -> float:
        return self.done_exercises / self.planned_exercises


@dataclass(frozen=True, slots=True)
class WindowAdherence:
    starts_on: date
    days: int
    planned: int  # sessions planned in the window
    done: float  # the sum of their fractions, 0..planned


def plan_in_effect(periods: Sequence[PlanPeriod], on: date) -> PlanPeriod | None:
    """The newest period started by `on`; of periods starting the same day, the later given."""
    best: PlanPeriod | None = None
    for p in periods:
        if p.starts_on <= on and (best is None or p.starts_on >= best.starts_on):
            best = p
    return best


# What was logged, grouped: per day, per session number, the exercises done (not skipped).
Logged = Mapping[date, Mapping[int, AbstractSet[str]]]


def logged_of(work: Iterable[Work], first: date, last: date) -> dict[date, dict[int, set[str]]]:
    """The work from `first` to `last` grouped as `Logged`; skipped work counts for nothing."""
    out: dict[date, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for w in work:
        if first <= w.on <= last and not w.skipped:
            out[w.on][w.session].add(w.exercise)
    return out


def _by_weekday(period: PlanPeriod) -> dict[str, list[PlannedSession]]:
    """A plan's sessions with exercises, per weekday, by session number."""
    out: dict[str, list[PlannedSession]] = {}
    for s in sorted(period.sessions, key=lambda s: s.session):
        if s.exercises:
            out.setdefault(s.day, []).append(s)
    return out


def sessions_done_logged(
    periods: Sequence[PlanPeriod], logged: Logged, first: date, last: date
) -> list[SessionDone]:
    """Every planned session from `first` to `last` (both included), oldest first, against
    work already grouped by day and session (the clinician's list groups it in SQL)."""
    weekdays = {id(p): _by_weekday(p) for p in periods}
    out: list[SessionDone] = []
    on = first
    while on <= last:
        period = plan_in_effect(periods, on)
        today = weekdays[id(period)].get(WEEKDAYS[on.weekday()], []) if period else []
        if today:
            numbers = {s.session for s in today}
            merged: dict[int, set[str]] = defaultdict(set)
            for number, exercises in logged.get(on, {}).items():
                # A run whose session number the day does not have merges into its first session.
                merged[number if number in numbers else today[0].session] |= exercises
            out += [
                SessionDone(
                    on=on,
                    session=s.session,
                    planned_exercises=len(s.exercises),
                    done_exercises=len(s.exercises & merged[s.session]),
                )
                for s in today
            ]
        on += timedelta(days=1)
    return out


def sessions_done(
    periods: Sequence[PlanPeriod], work: Iterable[Work], first: date, last: date
) -> list[SessionDone]:
    """Every planned session from `first` to `last` (both included), oldest first."""
    return sessions_done_logged(periods, logged_of(work, first, last), first, last)


def _day_fractions(
    today: list[PlannedSession], runs: Mapping[int, AbstractSet[str]] | None
) -> list[float]:
    """The fraction done of each of one day's planned sessions, in session order."""
    if not runs:
        return [0.0] * len(today)
    numbers = {s.session for s in today}
    merged: dict[int, set[str]] = defaultdict(set)
    for number, exercises in runs.items():
        # A run whose session number the day does not have merges into its first session.
        merged[number if number in numbers else today[0].session] |= exercises
    return [len(s.exercises & merged[s.session]) / len(s.exercises) for s in today]


def _window(fractions: list[list[float]], at: int, start: date, days: int) -> WindowAdherence:
    window = fractions[at : at + days]
    total = 0.0
    for day in window:
        for fraction in day:  # summed in the order sessions_done_logged gives them
            total += fraction
    return WindowAdherence(
        starts_on=start,
        days=days,
        planned=sum(len(day) for day in window),
        done=round(total, DIGITS),
    )


def adherence_logged(
    periods: Sequence[PlanPeriod], logged: Logged, starts: Sequence[date], days: int = 7
) -> list[WindowAdherence]:
    """Per window of `days` days from each start: sessions planned and done (fractions).

    The same counts as `sessions_done_logged` summed per window (tests/core/test_adherence.py
    checks the two against each other), made in one walk of the days without a SessionDone per
    session: the clinician's list runs this for every patient on each request (issue 19), and
    the plan in effect moves forward with the days instead of being looked up for each."""
    if not starts:
        return []
    first = min(starts)
    span = (max(starts) - first).days + days
    # Oldest start first; sorted() keeps the given order among equal starts, so the later given
    # of those comes later and wins, as in plan_in_effect.
    ordered = sorted(periods, key=lambda p: p.starts_on)
    weekdays = [_by_weekday(p) for p in ordered]
    # Per day from `first`: the fraction of each planned session, in session order.
    fractions: list[list[float]] = [[] for _ in range(span)]
    current, weekday0 = -1, first.weekday()
    for i in range(span):
        on = first + timedelta(days=i)
        while current + 1 < len(ordered) and ordered[current + 1].starts_on <= on:
            current += 1
        if current < 0:
            continue
        today = weekdays[current].get(WEEKDAYS[(weekday0 + i) % 7])
        if today:
            fractions[i] = _day_fractions(today, logged.get(on))
    return [_window(fractions, (start - first).days, start, days) for start in starts]


def adherence(
    periods: Sequence[PlanPeriod], work: Iterable[Work], starts: Sequence[date], days: int = 7
) -> list[WindowAdherence]:
    """Per window of `days` days from each start: sessions planned and done (fractions)."""
    if not starts:
        return []
    first = min(starts)
    last = max(starts) + timedelta(days=days - 1)
    return adherence_logged(periods, logged_of(work, first, last), starts, days)


def sessions_text(value: float) -> str:
    """A count of sessions as shown: '3', '1.5', '0.3' (one decimal, no trailing zero)."""
    return f"{value:.1f}".removesuffix(".0")
