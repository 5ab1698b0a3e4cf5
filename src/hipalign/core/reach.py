"""When the bundled reminder may go out on a day, and what it says (issue 18): pure, no clock.

A day's slots are the person's chosen reminder time and, for push, each movement-break time.
A slot inside the quiet hours waits for their end when that end comes later the same day (a
reminder due 07:30 in quiet hours until 08:00 goes at 08:00); a slot whose quiet hours run to
the next morning is dropped, since the next day has its own reminder. Two slots that land on
one minute are one slot: at most one reminder at a time.
"""

from collections.abc import Callable
from dataclasses import dataclass

from hipalign.core.education.coaching import inside_hours, to_hhmm, to_minutes
from hipalign.core.intake import Hours

# Where each reason points, most pressing first (the order of services/habits.reminder_next,
# with unread messages last: a reply can wait for the session).
KIND_ORDER = ("session", "break", "checkin", "scores", "message")


def day_slots(*, times: list[str], quiet: Hours | None) -> list[str]:
    """The day's "HH:MM" slots from the wanted times, moved out of (or dropped in) quiet hours."""
    out: set[int] = set()
    for hhmm in times:
        minute = to_minutes(hhmm)
        if inside_hours(minute, quiet):
            assert quiet is not None
            end = to_minutes(quiet.end)
            if end <= minute:
                continue  # the quiet hours run past midnight: tomorrow's reminder covers it
            minute = end
        out.add(minute)
    return [to_hhmm(m) for m in sorted(out)]


@dataclass(frozen=True)
class Bundle:
    """One reminder: every reason due, in one text, and the page the most pressing opens."""

    kinds: list[str]
    text: str
    path: str


def unread_words(unread: int) -> str:
    """The unread-message count in English (the services pass their catalog's words)."""
    return "You have 1 unread message." if unread == 1 else f"You have {unread} unread messages."


def bundle(
    *,
    base_kinds: list[str],
    base_text: str,
    unread: int,
    paths: dict[str, str],
    unread_text: Callable[[int], str] = unread_words,
) -> Bundle | None:
    """The reminder to send: the in-tab reminder's reasons (session, break, check-in, scores)
    and the unread-message count, worded by `unread_text` (the reader's language); None when
    nothing is due."""
    kinds = list(base_kinds)
    parts = [base_text] if base_text else []
    if unread > 0:
        kinds.append("message")
        parts.append(unread_text(unread))
    if not kinds:
        return None
    kinds.sort(key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER))
    return Bundle(kinds=kinds, text=" ".join(parts), path=paths.get(kinds[0], "/today"))


def backoff_minutes(attempts: int) -> int:
    """Minutes before the next try after `attempts` failed ones: 1, 2, 4, 8, 16 (then give up)."""
    return int(2 ** max(0, attempts - 1))
