"""The product's words (issue 14.7): one wording for doses, changes, decisions and dates."""

import re
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from hipalign.core.vocab import Load
from hipalign.core.words import (
    ACTION_TAGS,
    TIMES,
    action_tag,
    change_words,
    day_words,
    decision_words,
    dose_words,
    moment_words,
)

kinds = st.sampled_from(["reps", "hold"])
loads = st.sampled_from(list(Load.__args__))  # type: ignore[attr-defined]
counts = st.integers(min_value=1, max_value=50)
seconds = st.integers(min_value=0, max_value=300)
actions = st.sampled_from(["progress", "hold", "regress", "stop_and_review"])


def test_a_dose_reads_sets_times_repetitions_with_the_multiplication_sign() -> None:
    assert dose_words(kind="reps", sets=3, reps=12) == "3 × 12"
    assert dose_words(kind="reps", sets=1, reps=8, hold_s=2) == "1 × 8, 2 s pause each"
    assert dose_words(kind="hold", sets=3, reps=1, hold_s=30) == "3 × 30 s hold"
    assert dose_words(kind="hold", sets=2, reps=3, hold_s=30) == "2 × 3 holds of 30 s"
    assert (
        dose_words(kind="reps", sets=2, reps=10, load="ankle_weight")
        == "2 × 10, with an ankle weight"
    )


@given(kind=kinds, sets=counts, reps=counts, hold_s=seconds, load=loads)
def test_every_dose_starts_with_its_sets_and_never_uses_an_x(
    kind: str, sets: int, reps: int, hold_s: int, load: str
) -> None:
    text = dose_words(kind=kind, sets=sets, reps=reps, hold_s=hold_s, load=load)

    assert text.startswith(f"{sets} {TIMES} ")
    assert not re.search(r"\d x \d|->|_", text), text
    # Every number of the dose is in its words (a hold dose of one hold does not count it).
    assert str(hold_s if kind == "hold" and hold_s else reps) in text
    if hold_s:
        assert f"{hold_s} s" in text


@given(kind=kinds, a=st.tuples(counts, counts, seconds), b=st.tuples(counts, counts, seconds))
def test_two_different_doses_never_read_the_same(
    kind: str, a: tuple[int, int, int], b: tuple[int, int, int]
) -> None:
    def words(d: tuple[int, int, int]) -> str:
        return dose_words(kind=kind, sets=d[0], reps=d[1], hold_s=d[2])

    # A hold dose with no hold time reads as repetitions; otherwise the words tell doses apart.
    if a != b and (kind == "reps" or (a[2] and b[2])):
        assert words(a) != words(b)


def test_a_change_reads_from_before_to_after_without_an_arrow() -> None:
    assert change_words("3 × 8", "3 × 12") == "from 3 × 8 to 3 × 12"


@given(action=actions, sets=counts, reps=counts)
def test_the_keep_decision_never_reads_like_a_hold_time(action: str, sets: int, reps: int) -> None:
    dose = dose_words(kind="reps", sets=sets, reps=reps)
    line = decision_words(action, dose)

    assert "hold" not in action_tag(action).lower()
    assert "hold" not in line.lower()
    assert (dose in line) == (action != "stop_and_review")


def test_each_decision_has_its_own_tag() -> None:
    assert action_tag("hold") == "same dose"
    assert len(set(ACTION_TAGS.values())) == len(ACTION_TAGS)


def test_a_day_and_a_moment_read_in_one_format() -> None:
    assert day_words(date(2026, 12, 2)) == "Wed 2 Dec 2026"
    assert moment_words(datetime(2026, 12, 2, 14, 5, tzinfo=UTC)) == "Wed 2 Dec 2026, 14:05 UTC"


def test_a_day_reads_with_spanish_names_in_spanish_and_english_ones_otherwise() -> None:
    assert day_words(date(2026, 12, 2), language="es") == "mié 2 dic 2026"
    assert day_words(date(2026, 9, 6), language="es") == "dom 6 sept 2026"
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    assert moment_words(at, language="es") == "lun 5 ene 2026, 09:30 UTC"
    assert day_words(date(2026, 12, 2), language="xx") == "Wed 2 Dec 2026"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_spanish_day_keeps_the_number_and_year_of_the_english_one(day: date) -> None:
    en = day_words(day).split(" ")
    es = day_words(day, language="es").split(" ")
    assert (es[1], es[3]) == (en[1], en[3]) and es[0] != en[0] and es[0].islower()


@given(st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30)))
def test_a_moment_is_its_utc_day_and_time_whatever_its_zone(at: datetime) -> None:
    utc = at.replace(tzinfo=UTC)
    in_auckland = utc.astimezone(timezone(timedelta(hours=13)))

    assert moment_words(in_auckland) == moment_words(utc) == moment_words(at)
    assert moment_words(utc).startswith(day_words(utc.date()) + ", ")
    assert day_words(in_auckland) == day_words(utc.date())
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}", day_words(utc.date()))


def test_a_moment_told_in_its_own_zone_names_that_zone_and_naive_stays_utc() -> None:
    from zoneinfo import ZoneInfo

    at = datetime(2026, 12, 2, 14, 5, tzinfo=UTC)
    auckland = at.astimezone(ZoneInfo("Pacific/Auckland"))
    assert moment_words(auckland, in_its_zone=True) == "Thu 3 Dec 2026, 03:05 NZDT"
    assert moment_words(auckland) == "Wed 2 Dec 2026, 14:05 UTC"  # the default stays UTC
    assert moment_words(at.replace(tzinfo=None), in_its_zone=True) == "Wed 2 Dec 2026, 14:05 UTC"
