"""The product's words for doses, dose changes, progression decisions and dates (issue 14.7).

One function per kind of phrase, used by every edge that shows one (plan page, player, handout,
CLI, clinician changes, timeline, logs), so they cannot drift apart again:

- a dose reads "3 × 12" (sets × repetitions), with the multiplication sign, never "3 x 12";
  a hold dose reads "3 × 30 s hold" or "2 × 3 holds of 30 s";
- a change reads "from 3 × 8 to 3 × 12", never with an arrow;
- the progression decision "hold" (keep the dose) reads "same dose", so it never looks like a
  hold time next to "30 s hold";
- a day reads "Wed 2 Dec 2026" and a moment "Wed 2 Dec 2026, 14:05 UTC" on every page.

Pure: no clock (the caller passes the date), no locale (the names are fixed English words).
"""

from datetime import UTC, date, datetime

TIMES = "\u00d7"  # the multiplication sign between sets and repetitions

LOAD_WORDS: dict[str, str] = {
    "bodyweight": "",
    "ankle_weight": "with an ankle weight",
    "heavier_band": "with a heavier band",
    "more_effort": "with more effort",
}

# The last progression decision, as a short tag beside today's dose.
ACTION_TAGS: dict[str, str] = {
    "progress": "stepped up",
    "hold": "same dose",
    "regress": "stepped back",
    "stop_and_review": "paused for a review",
}

# Why an exercise answers a pattern, by its intent, in words (the intent ids stay internal):
# "<pattern>: this exercise is here to stretch." (never "<pattern> -> stretch").
INTENT_PURPOSE: dict[str, str] = {
    "stretch": "to stretch",
    "strengthen": "to strengthen",
    "mobilize": "to move more freely",
    "control": "to train control",
}


def purpose_words(finding: str, intent: str) -> str:
    """ "Tight hip flexors: this exercise is here to stretch." """
    return f"{finding}: this exercise is here {INTENT_PURPOSE.get(intent, 'to ' + intent)}."


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Other languages' short names (issue 20), lower case as Spanish writes them; a language not
# here gets the English ones.
_DAY_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (_WEEKDAYS, _MONTHS),
    "es": (
        ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
        ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
    ),
}


def dose_words(
    *, kind: str, sets: int, reps: int, hold_s: int = 0, load: str = "bodyweight"
) -> str:
    """One dose in words: "3 × 12", "3 × 12, 2 s pause each", "3 × 30 s hold",
    "2 × 3 holds of 30 s", with ", with an ankle weight" when the load is not body weight.

    `kind` is the exercise's dose kind: "hold" doses count holds, anything else repetitions
    (where `hold_s` is a pause within each repetition)."""
    if kind == "hold" and hold_s:
        text = (
            f"{sets} {TIMES} {hold_s} s hold"
            if reps <= 1
            else f"{sets} {TIMES} {reps} holds of {hold_s} s"
        )
    else:
        text = f"{sets} {TIMES} {reps}"
        if hold_s:
            text += f", {hold_s} s pause each"
    extra = LOAD_WORDS.get(load, load.replace("_", " "))
    return f"{text}, {extra}" if extra else text


def change_words(before: str, after: str) -> str:
    """A change from one phrase to another: "from 3 × 8 to 3 × 12"."""
    return f"from {before} to {after}"


def action_tag(action: str) -> str:
    """The last progression decision as a tag: "same dose" for "hold", never "hold"."""
    return ACTION_TAGS.get(action, action.replace("_", " "))


def decision_words(action: str, next_dose: str) -> str:
    """A progression decision and the dose it leads to, as one sentence start:
    "Step up: next time 3 × 12"; a stop names no dose."""
    if action == "progress":
        return f"Step up: next time {next_dose}"
    if action == "regress":
        return f"Step back: next time {next_dose}"
    if action == "stop_and_review":
        return "Stop and review: pause this exercise until a professional has looked at it"
    return f"Same dose: next time {next_dose}"


def code_words(code: str) -> str:
    """A vocabulary id as words for a person ("side_lying" -> "side lying"); the id itself stays
    what programs and the CLI's arguments use (DESIGN.md: ids are the contract)."""
    return code.replace("_", " ")


def side_words(side: str | None) -> str:
    """A side as the start of a dose line: "Left: " (empty for both sides together)."""
    return f"{side.capitalize()}: " if side else ""


def day_words(day: date, *, language: str = "en") -> str:
    """A calendar day: "Wed 2 Dec 2026" (the one date format of every page, PDF and CLI), in
    Spanish "mié 2 dic 2026". A datetime gives its day in UTC."""
    if isinstance(day, datetime):
        day = _utc(day).date()
    weekdays, months = _DAY_NAMES.get(language, _DAY_NAMES["en"])
    return f"{weekdays[day.weekday()]} {day.day} {months[day.month - 1]} {day.year}"


# Full month names, for the words of an email ("16 March", "16 de marzo").
_LONG_MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
}  # fmt: skip


_LONG_WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}


def long_weekday_name(code: str, *, language: str = "en") -> str:
    """A plan's day code in full: "mon" is "Monday", in Spanish "lunes"."""
    codes = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    if code not in codes:
        return code.title()
    return _LONG_WEEKDAYS.get(language, _LONG_WEEKDAYS["en"])[codes.index(code)]


def long_day_words(day: date, *, language: str = "en", year: bool = False) -> str:
    """A day in a sentence: "16 March" ("16 March 2026" with `year`); in Spanish "16 de marzo"
    ("16 de marzo de 2026")."""
    month = _LONG_MONTHS.get(language, _LONG_MONTHS["en"])[day.month - 1]
    if language == "es":
        return f"{day.day} de {month}" + (f" de {day.year}" if year else "")
    return f"{day.day} {month}" + (f" {day.year}" if year else "")


def short_day_words(day: date, *, language: str = "en", year: bool = False) -> str:
    """A chart's date: "02 Mar" (with `year`, "02 Mar 2026"); in Spanish "02 mar"."""
    months = _DAY_NAMES.get(language, _DAY_NAMES["en"])[1]
    text = f"{day.day:02d} {months[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def weekday_words(day: date, *, language: str = "en") -> str:
    """A day of this week or the last: "Wed 02 Dec"; in Spanish "mié 02 dic"."""
    weekdays, months = _DAY_NAMES.get(language, _DAY_NAMES["en"])
    return f"{weekdays[day.weekday()]} {day.day:02d} {months[day.month - 1]}"


def weekday_name(code: str, *, language: str = "en") -> str:
    """A plan's day code in short words: "mon" is "Mon", in Spanish "lun"."""
    codes = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    if code not in codes:
        return code.title()
    return _DAY_NAMES.get(language, _DAY_NAMES["en"])[0][codes.index(code)]


def moment_words(at: datetime, *, in_its_zone: bool = False, language: str = "en") -> str:
    """A moment in UTC: "Wed 2 Dec 2026, 14:05 UTC". A naive datetime is taken as UTC (Django
    stores UTC). With `in_its_zone`, an aware datetime is told in its own zone, named by its
    abbreviation ("Thu 3 Dec 2026, 03:05 NZDT"), so a page shows a person their own clock
    and still says which clock it is."""
    if in_its_zone and at.tzinfo is not None:
        name = at.tzname() or "UTC"
        return f"{day_words(at.date(), language=language)}, {at:%H:%M} {name}"
    utc = _utc(at)
    return f"{day_words(utc.date(), language=language)}, {utc:%H:%M} UTC"


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
