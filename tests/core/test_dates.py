"""The window of entered dates and date sums that never overflow (issue 12, item 2)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from hipalign.core.dates import ENTERED, DateWindow, shift

TODAY = date(2026, 12, 1)


def test_a_day_after_the_end_of_the_calendar_is_held_at_the_end() -> None:
    assert shift(date.max, 1) == date.max
    assert shift(date.min, -1) == date.min
    assert shift(date(2026, 3, 2), 1) == date(2026, 3, 3)


@given(st.dates(), st.integers(min_value=-(10**6), max_value=10**6))
def test_shift_never_raises_and_moves_by_the_days_when_it_can(day: date, days: int) -> None:
    moved = shift(day, days)

    assert date.min <= moved <= date.max
    if date.min + timedelta(days=max(0, -days)) <= day <= date.max - timedelta(days=max(0, days)):
        assert (moved - day).days == days


def test_entered_dates_allow_ten_years_back_and_one_day_ahead() -> None:
    assert ENTERED.problem("performed_on", TODAY, TODAY) is None
    assert ENTERED.problem("performed_on", TODAY + timedelta(days=1), TODAY) is None
    assert ENTERED.problem("performed_on", TODAY - timedelta(days=3653), TODAY) is None


def test_a_date_outside_the_window_names_the_field_and_the_allowed_days() -> None:
    problem = ENTERED.problem("performed_on", date(9999, 12, 31), TODAY)

    assert problem == "performed_on: give a day from 2016-11-30 to 2026-12-02"
    assert ENTERED.problem("performed_on", TODAY + timedelta(days=2), TODAY) is not None
    assert ENTERED.problem("performed_on", date(1, 1, 1), TODAY) is not None


@given(st.dates(), st.dates())
def test_the_window_check_never_raises_whatever_today_is(day: date, today: date) -> None:
    problem = DateWindow(past_days=3653, future_days=1).problem("d", day, today)

    assert problem is None or problem.startswith("d: give a day from")
