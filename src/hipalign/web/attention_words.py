"""An attention flag's sentence in the reader's language (issue 20). The core is pure (no
gettext): it gives each flag its kind, its English `text` (the API's and the exports') and the
numbers it was made from (`params`); this module words them again through the catalog. A flag
without its numbers (made before they were kept) shows its English text."""

from collections.abc import Callable, Mapping
from datetime import date

from django.utils.translation import gettext, ngettext, pgettext

from hipalign.core.attention import Flag
from hipalign.core.words import day_words
from hipalign.services.kernel.languages import language_active

Params = Mapping[str, str | int | float]


def _level(level: object) -> str:
    words = {
        "emergency": pgettext("referral level", "emergency"),
        "urgent": pgettext("referral level", "urgent"),
        "see_doctor": pgettext("referral level", "see doctor"),
    }
    return words.get(str(level)) or str(level).replace("_", " ")


def _red_flag(p: Params) -> str:
    on = str(p.get("on") or "")
    when = day_words(date.fromisoformat(on), language=language_active()) if on else ""
    if not when:
        return gettext("A warning sign at a recent check-in: %(level)s.") % {
            "level": _level(p["level"])
        }
    return gettext("A warning sign at the check-in of %(day)s: %(level)s.") % {
        "day": when,
        "level": _level(p["level"]),
    }


def _messages(p: Params) -> str:
    parts = []
    unread = int(p.get("unread") or 0)
    reply = int(p.get("needing_reply") or 0)
    if unread:
        parts.append(
            ngettext("%(n)s unread message", "%(n)s unread messages", unread) % {"n": unread}
        )
    if reply:
        parts.append(gettext("%(n)s marked as needing a reply") % {"n": reply})
    return gettext("Messages: %(parts)s.") % {"parts": ", ".join(parts)}


WORDS: dict[str, Callable[[Params], str]] = {
    "red_flag": _red_flag,
    "stop_and_review": lambda p: gettext(
        "An exercise was stopped for review (sharp pain, new numbness or the easiest dose too "
        "much)."
    ),
    "pain_high": lambda p: gettext("Pain up to %(pain)s/10 recently (above %(limit)s).") % p,
    "pain_rising": lambda p: (
        gettext("Pain is rising: %(pain)s/10 at the last check-in, from %(start)s.") % p
    ),
    "regressions": lambda p: gettext("Two steps back in a row on an exercise."),
    "messages": _messages,
    "low_adherence": lambda p: (
        gettext(
            "Under half the planned sessions two weeks running (%(done_before)s of "
            "%(planned_before)s and %(done_last)s of %(planned_last)s)."
        )
        % p
    ),
    "review_due": lambda p: gettext("Review point due (week %(week)s).") % p,
    "no_change": lambda p: (
        gettext(
            "No meaningful change in pain after %(week)s weeks (from %(before)s to %(after)s of 10)."
        )
        % p
    ),
}


def flag_words(flag: Flag) -> str:
    """The flag's sentence in the active language; its English text when it cannot be worded."""
    words = WORDS.get(flag.kind)
    needs_params = flag.kind not in ("stop_and_review", "regressions")
    if words is None or (needs_params and not flag.params):
        return flag.text
    try:
        return words(flag.params)
    except (KeyError, ValueError, TypeError):
        return flag.text
