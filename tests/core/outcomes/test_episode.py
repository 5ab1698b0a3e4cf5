"""The episode-of-care rules: weeks, due scores, baselines, the onboarding pain."""

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from hypothesis import given
from hypothesis import strategies as st

from hipalign.core.outcomes.episode import (
    episode_week,
    first_episode_start,
    history,
    onboarding_pain_is_baseline,
    scores_due,
)

START = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Row(NamedTuple):
    measure: str
    performed_on: date
    created_at: datetime
    total: float


def test_weeks_count_from_the_episode_start() -> None:
    assert [episode_week(START, START + timedelta(days=d)) for d in (0, 6, 7, 13, 14)] == [
        1,
        1,
        2,
        2,
        3,
    ]
    assert episode_week(START, START - timedelta(days=1)) == 1


def test_scores_are_due_at_week_two_until_one_is_recorded_in_it() -> None:
    week2 = START + timedelta(weeks=1)
    assert not scores_due(START, week2 - timedelta(days=1), [])
    assert scores_due(START, week2, [START])  # the baseline day is not a review
    assert not scores_due(START, week2 + timedelta(days=2), [week2 + timedelta(days=1)])
    assert scores_due(START, START + timedelta(weeks=3), [week2])  # week 4 wants its own


def test_the_baseline_is_the_first_score_of_the_measure_by_day_then_time() -> None:
    later = Row("psfs", START, AT + timedelta(hours=1), 5.0)
    first = Row("psfs", START, AT, 4.0)
    pain = Row("nprs", START - timedelta(days=1), AT, 6.0)
    mine, baseline, latest = history([later, pain, first], "psfs")
    assert (mine, baseline, latest) == ([first, later], first, later)
    assert history([pain], "nprs") == ([pain], pain, None)
    assert history([pain], "psfs") == ([], None, None)


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12))
def test_the_baseline_is_never_later_than_any_other_score(days: list[int]) -> None:
    rows = [Row("nprs", START + timedelta(days=d), AT, float(d)) for d in days]
    mine, baseline, _ = history(rows, "nprs")
    assert baseline is not None and all(baseline.performed_on <= r.performed_on for r in mine)
    assert len(mine) == len(rows)


def test_the_onboarding_pain_is_the_baseline_only_of_an_episode_without_one() -> None:
    assert onboarding_pain_is_baseline([])
    assert onboarding_pain_is_baseline(["psfs"])
    assert not onboarding_pain_is_baseline(["psfs", "nprs"])


def test_the_first_episode_starts_at_its_earliest_plan_or_score() -> None:
    assert first_episode_start([START, START + timedelta(days=9)], [START - timedelta(days=1)]) == (
        START - timedelta(days=1)
    )
    assert first_episode_start([], []) is None
