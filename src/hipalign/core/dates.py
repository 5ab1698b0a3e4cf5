"""Dates people and clinicians enter, bounded to a plausible window around today, and date sums
that never overflow.

Python's `date` ends at 9999-12-31 and starts at 0001-01-01: one stored day at either end made
`performed_on + 1 day` raise OverflowError on every page that reads it (issue 12, item 2). Two
defences, both here so every edge uses the same ones: entered dates must fall in `ENTERED`
(refused with a message otherwise), and sums over stored dates go through `shift`, which stays
inside the calendar for any row that predates the bound (or came in some other way).
"""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class DateWindow:
    """Days before and after the server's today that an entered date may be."""

    past_days: int
    future_days: int

    def first(self, today: date) -> date:
        return shift(today, -self.past_days)

    def last(self, today: date) -> date:
        return shift(today, self.future_days)

    def problem(self, field: str, value: date, today: date) -> str | None:
        """A message naming `field` and the allowed days when `value` is outside; else None."""
        first, last = self.first(today), self.last(today)
        if first <= value <= last:
            return None
        return f"{field}: give a day from {first.isoformat()} to {last.isoformat()}"


# Why these numbers: a program runs for weeks, and an imported history or a clinician's record of
# an earlier assessment may go back years, but not decades (10 years covers any history this app
# can hold). The future allows one day only: a person in a time zone ahead of the server's (up
# to UTC+14) is already on tomorrow's date; nothing is ever done further ahead than that.
ENTERED = DateWindow(past_days=3653, future_days=1)


def shift(day: date, days: int) -> date:
    """`day` moved by `days`, held at the ends of the calendar instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
