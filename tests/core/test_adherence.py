"""Adherence counts planned sessions done, as fractions, however many runs they took (issue 14
item 3)."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from hipalign.core.adherence import (
    PlannedSession,
    PlanPeriod,
    Work,
    adherence,
    plan_in_effect,
    sessions_done,
    sessions_text,
)
from hipalign.core.vocab import Weekday

MONDAY = date(2026, 3, 2)
EXERCISES = frozenset({"a", "b", "c", "d"})
# Mon, Wed, Fri: four exercises each.
PLAN = PlanPeriod(
    starts_on=MONDAY,
    sessions=tuple(PlannedSession(day=d, exercises=EXERCISES) for d in ("mon", "wed", "fri")),
)


def _week(work: list[Work], periods: tuple[PlanPeriod, ...] = (PLAN,)) -> tuple[int, float]:
    w = adherence(periods, work, [MONDAY])[0]
    return w.planned, w.done


def test_three_short_runs_on_one_day_are_one_session_not_three() -> None:
    runs = [Work(on=MONDAY, exercise=e) for e in ("a", "b", "c")]  # each its own run

    assert _week(runs) == (3, 0.75)


def test_a_session_done_over_runs_counts_as_one_whole_session() -> None:
    work = [Work(on=MONDAY, exercise=e) for e in EXERCISES] + [Work(on=MONDAY, exercise="a")]

    assert _week(work) == (3, 1.0)


def test_a_partial_session_counts_as_its_fraction_and_skips_count_nothing() -> None:
    work = [
        Work(on=MONDAY + timedelta(days=2), exercise="a"),
        Work(on=MONDAY + timedelta(days=2), exercise="b", skipped=True),
        Work(on=MONDAY + timedelta(days=2), exercise="c", skipped=True),
    ]

    assert _week(work) == (3, 0.25)


def test_work_on_a_rest_day_or_on_an_exercise_not_planned_adds_nothing() -> None:
    work = [Work(on=MONDAY + timedelta(days=1), exercise="a"), Work(on=MONDAY, exercise="zzz")]

    assert _week(work) == (3, 0.0)


def test_two_sessions_a_day_keep_apart_and_an_unknown_number_joins_the_first() -> None:
    two = PlanPeriod(
        starts_on=MONDAY,
        sessions=(
            PlannedSession(day="mon", session=1, exercises=frozenset({"a", "b"})),
            PlannedSession(day="mon", session=2, exercises=frozenset({"c", "d"})),
        ),
    )
    work = [Work(on=MONDAY, session=2, exercise="c"), Work(on=MONDAY, session=3, exercise="a")]

    done = sessions_done([two], work, MONDAY, MONDAY)

    assert [(s.session, s.fraction) for s in done] == [(1, 0.5), (2, 0.5)]


def test_the_plan_in_effect_each_day_decides_what_was_planned() -> None:
    newer = PlanPeriod(
        starts_on=MONDAY + timedelta(days=3),
        sessions=(PlannedSession(day="sat", exercises=frozenset({"a"})),),
    )
    # Mon and Wed from the first plan, Sat from the second (its Friday is gone).
    assert _week([Work(on=MONDAY + timedelta(days=5), exercise="a")], (PLAN, newer)) == (3, 1.0)
    assert plan_in_effect([PLAN, newer], MONDAY - timedelta(days=1)) is None
    assert _week([], ()) == (0, 0.0)


def test_rolling_windows_count_what_falls_inside_them() -> None:
    work = [Work(on=MONDAY, exercise=e) for e in EXERCISES]

    wins = adherence([PLAN], work, [MONDAY - timedelta(days=4), MONDAY + timedelta(days=3)])

    # Thu-Wed: the plan starts on Monday, so Mon and Wed; then Fri, Mon, Wed.
    assert [(w.planned, w.done) for w in wins] == [(2, 1.0), (3, 0.0)]


def test_counts_show_with_one_decimal_at_most() -> None:
    assert [sessions_text(v) for v in (3.0, 1.5, 0.25, 1 / 3, 0.0)] == [
        "3",
        "1.5",
        "0.2",
        "0.3",
        "0",
    ]


_work = st.builds(
    Work,
    on=st.integers(min_value=0, max_value=13).map(lambda n: MONDAY + timedelta(days=n)),
    session=st.integers(min_value=1, max_value=2),
    exercise=st.sampled_from(sorted(EXERCISES | {"x"})),
    skipped=st.booleans(),
)


@given(st.lists(_work, max_size=30), st.randoms())
def test_done_stays_within_planned_whatever_the_runs_and_their_order(
    work: list[Work], rnd: object
) -> None:
    starts = [MONDAY, MONDAY + timedelta(days=7)]
    first = adherence([PLAN], work, starts)
    shuffled = list(work)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    # The same work again, in other runs (other session numbers) and order: nothing changes.
    again = adherence([PLAN], shuffled + [replace(w, session=1) for w in work], starts)

    assert first == again
    for w in first:
        assert w.planned == 3 and 0 <= w.done <= w.planned


def _by_definition(
    periods: list[PlanPeriod], work: list[Work], starts: list[date]
) -> list[tuple[date, int, float]]:
    """The windows counted the plain way: every planned session of `sessions_done`, summed."""
    first, last = min(starts), max(starts) + timedelta(days=6)
    done = sessions_done(periods, work, first, last)
    out = []
    for start in starts:
        inside = [s for s in done if start <= s.on <= start + timedelta(days=6)]
        out.append((start, len(inside), round(sum(s.fraction for s in inside), 2)))
    return out


_session = st.builds(
    PlannedSession,
    day=st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    session=st.integers(min_value=1, max_value=3),
    exercises=st.frozensets(st.sampled_from(sorted(EXERCISES)), max_size=4),
)
_period = st.builds(
    PlanPeriod,
    starts_on=st.integers(min_value=-10, max_value=20).map(lambda n: MONDAY + timedelta(days=n)),
    sessions=st.lists(_session, max_size=6).map(tuple),
)


@given(
    st.lists(_period, max_size=4),
    st.lists(_work, max_size=40),
    st.lists(
        st.integers(min_value=-3, max_value=14).map(lambda n: MONDAY + timedelta(days=n)),
        min_size=1,
        max_size=4,
    ),
)
def test_the_windows_agree_with_the_sessions_counted_one_by_one(
    periods: list[PlanPeriod], work: list[Work], starts: list[date]
) -> None:
    # Plans starting on the same day, sessions numbered alike, windows overlapping: the fast
    # walk the clinician's list uses gives the definition's counts.
    got = [(w.starts_on, w.planned, w.done) for w in adherence(periods, work, starts)]

    assert got == _by_definition(periods, work, starts)


# --- a stored plan's week, kept beside its document (issue 19) ---


def _document(days: list[dict[str, object]] | None) -> dict[str, object]:
    return {"schema": "hipalign.plan/1", "plan": None if days is None else {"days": days}}


def test_a_plans_week_keeps_each_session_its_number_and_exercises_once_in_order() -> None:
    from hipalign.core.adherence import planned_week, sessions_of_week

    doc = _document(
        [
            {"day": "mon", "items": [{"exercise": "b"}, {"exercise": "a"}, {"exercise": "b"}]},
            {"day": "mon", "session": 2, "items": [{"exercise": "c"}]},
            {"day": "thu", "items": []},
        ]
    )

    week = planned_week(doc)

    assert week == [
        {"day": "mon", "session": 1, "exercises": ["b", "a"]},
        {"day": "mon", "session": 2, "exercises": ["c"]},
        {"day": "thu", "session": 1, "exercises": []},
    ]
    assert sessions_of_week(week) == (
        PlannedSession(day="mon", exercises=frozenset({"a", "b"})),
        PlannedSession(day="mon", exercises=frozenset({"c"}), session=2),
        PlannedSession(day="thu", exercises=frozenset()),
    )


def test_a_withheld_plan_has_no_week() -> None:
    from hipalign.core.adherence import planned_week

    assert planned_week(_document(None)) == []
    assert planned_week({"schema": "hipalign.plan/1"}) == []


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
            st.integers(1, 3),
            st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=6),
        ),
        max_size=10,
    )
)
def test_the_week_read_back_gives_the_sessions_the_document_has(
    days: list[tuple[Weekday, int, list[str]]],
) -> None:
    import json

    from hipalign.core.adherence import planned_week, sessions_of_week

    doc = _document(
        [
            {"day": d, "session": n, "items": [{"exercise": e} for e in items]}
            for d, n, items in days
        ]
    )

    # Through JSON, as the column stores it.
    back = sessions_of_week(json.loads(json.dumps(planned_week(doc))))

    assert back == tuple(
        PlannedSession(day=d, exercises=frozenset(items), session=n) for d, n, items in days
    )
