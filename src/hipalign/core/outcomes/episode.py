"""An episode of care: the span in which a person's outcome scores are compared (issue 14.1).

Scores belong to the episode, not to a plan version: a clinician's assessment or prescription
makes a new plan version and keeps the episode, so the baseline, the PSFS activities and every
later score carry across. A new episode (and so a new baseline) starts only when the person or
their clinician starts one explicitly. These are the rules; the services store the rows."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from hipalign.core.dates import shift

# Scores are due at the review points (weeks 2, 4 and 6-8 of CLINICAL.md 6) counted from the
# start of the episode, and whenever the person wants.
DUE_WEEKS = (2, 4, 6)


class Recorded(Protocol):
    """What the rules read of a stored score."""

    @property
    def measure(self) -> str: ...
    @property
    def performed_on(self) -> date: ...
    @property
    def created_at(self) -> datetime: ...


def episode_week(started_on: date, today: date) -> int:
    """Week 1 is the episode's first seven days; a day before the start (a time zone ahead of
    the server's) still counts as week 1."""
    return max(1, (today - started_on).days // 7 + 1)


def scores_due(started_on: date, today: date, recorded_on: Iterable[date]) -> bool:
    """A review point (week 2, 4, 6) has come and nothing was scored since its week began.
    Scores of the episode's first day are its baseline, not a review."""
    week = episode_week(started_on, today)
    due_week = max((w for w in DUE_WEEKS if w <= week), default=None)
    if due_week is None:
        return False
    since = shift(started_on, 7 * (due_week - 1))
    return not any(on >= since and on > started_on for on in recorded_on)


def in_order[R: Recorded](records: Iterable[R]) -> list[R]:
    """The order scores were given in: by day, then by the moment they were stored."""
    return sorted(records, key=lambda r: (r.performed_on, r.created_at))


def history[R: Recorded](records: Iterable[R], measure: str) -> tuple[list[R], R | None, R | None]:
    """One measure's scores in the episode, oldest first, with its baseline (the first score)
    and its latest (the last one, when there is one after the baseline)."""
    mine = [r for r in in_order(records) if r.measure == measure]
    baseline = mine[0] if mine else None
    latest = mine[-1] if len(mine) > 1 else None
    return mine, baseline, latest


def onboarding_pain_is_baseline(measures_recorded: Iterable[str]) -> bool:
    """The pain given at onboarding is the NPRS baseline of an episode that has none yet. An
    intake made later in the episode (an assessment copies the intake's pain forward) is not a
    new pain score: it would put yesterday's pain into today's history."""
    return "nprs" not in set(measures_recorded)


def first_episode_start(plan_starts: Sequence[date], score_days: Sequence[date]) -> date | None:
    """Where the one episode of scores stored before episodes existed begins: the earliest of
    the plans and scores it holds (None when there is neither)."""
    days = [*plan_starts, *score_days]
    return min(days) if days else None
