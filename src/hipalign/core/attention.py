"""Which linked patients need a clinician's attention first (issue 5), from a few numbers.

The service gathers the numbers per patient with indexed queries (so the cost does not grow
with the length of each history); this module decides, so the rules are testable without a
database. Each flag names its rule and source.
"""

from datetime import date
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hipalign.core.adherence import sessions_text
from hipalign.core.progression import (
    ACCEPTABLE_MAX,
    NPRS_MCID_POINTS,
    nprs_meaningfully_better,
)
from hipalign.core.references import cite_all
from hipalign.core.words import change_words, day_words

FlagKind = Literal[
    "red_flag",
    "pain_high",
    "pain_rising",
    "regressions",
    "stop_and_review",
    "low_adherence",
    "review_due",
    "no_change",
    "messages",
]

# Higher first. Safety (CLINICAL.md 1) before pain (the pain-monitoring model, CLINICAL.md 6)
# before adherence and scheduled reviews.
SEVERITY: dict[FlagKind, int] = {
    "red_flag": 100,
    "stop_and_review": 70,
    "pain_high": 60,
    "pain_rising": 55,
    "regressions": 50,
    # A person's unanswered words wait on the clinician (issue 18): after pain and safety, which
    # the person's data already shows, before adherence and scheduled reviews.
    "messages": 40,
    "low_adherence": 30,
    "no_change": 25,
    "review_due": 20,
}
RED_FLAG_LEVELS = ("emergency", "urgent", "see_doctor")
LOW_ADHERENCE = 0.5  # under half the planned sessions (issue 5)
REVIEW_WEEKS = (2, 4, 6, 7, 8)  # CLINICAL.md 6 [rule]: weeks 2, 4 and 6-8
NO_CHANGE_FROM_WEEK = 6  # CLINICAL.md 6: no meaningful change at 6-8 weeks -> reassess


class Signals(BaseModel):
    """What the service measured for one patient; None = nothing recorded yet."""

    model_config = ConfigDict(frozen=True)

    plan_starts_on: date | None = None
    plan_withheld: bool = False
    # Planned sessions and those done (fractions, core.adherence) in the 7 days before today and
    # the 7 days before those.
    sessions_planned_last_week: int = 0
    sessions_planned_week_before: int = 0
    sessions_last_week: float = 0
    sessions_week_before: float = 0
    checkin_on: date | None = None
    checkin_level: str | None = None  # referral level of the latest check-in
    checkin_pain: int | None = None  # NPRS now, latest check-in
    previous_checkin_pain: int | None = None
    max_pain_during_7d: int | None = None  # highest pain during an exercise, last 7 days
    baseline_nprs: float | None = None  # NPRS at the start of the program
    latest_nprs: float | None = None  # latest NPRS of the program (check-in or outcome)
    # When the current episode of care started (issue 14 item 1): review points count weeks of
    # the program from it, so a new plan version (an assessment) does not restart them.
    episode_starts_on: date | None = None
    two_regressions: bool = False  # a current dose came from a second step back in a row
    stop_and_review: bool = False  # sharp pain, new numbness or the easiest dose too much
    # Messages from the person the clinician has not read, and those they marked as needing a
    # reply (issue 18); counted over the active care link's conversation.
    unread_messages: int = 0
    messages_needing_reply: int = 0


class Flag(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: FlagKind
    severity: int
    text: str
    source: str  # the references below as one line of text (API, exports)
    refs: tuple[str, ...] = ()  # bibliography ids (core/references/bibliography.toml)
    # The numbers and codes `text` was made from, so a page words the flag in its reader's
    # language (issue 20; web/attention_words.py): `text` stays the English of the API and
    # exports, and these stay out of them (exclude).
    params: dict[str, str | int | float] = Field(default_factory=dict, exclude=True)


# The sources of each flag's rule, as bibliography ids (issue 14 items 5-6: a clinician reads
# references, never an internal file name). Red flags follow the referral pathways; pain above
# 5, stops and steps back follow the pain-monitoring model; rising pain and "no change" use the
# NPRS's 2-point meaningful change; how often to look again is hipalign's own rule.
FLAG_REFS: dict[str, tuple[str, ...]] = {
    "red_flag": ("glos_hip_pathway", "exeter_hip_unit"),
    "stop_and_review": ("silbernagel2007",),
    "pain_high": ("silbernagel2007",),
    "pain_rising": ("ostelo2008",),
    "regressions": ("silbernagel2007", "hipalign_rule"),
    "low_adherence": ("hipalign_rule",),
    "review_due": ("hipalign_rule",),
    "no_change": ("ostelo2008", "hipalign_rule"),
    "messages": ("hipalign_rule",),
}


@cache
def _source(kind: FlagKind) -> str:
    return cite_all(FLAG_REFS[kind])


def _flag(kind: FlagKind, text: str, **params: str | int | float) -> Flag:
    # Built without validation: every field comes from this module's own typed tables, and the
    # clinician's list builds a flag or more for each of 1,000 patients per request (issue 19).
    return Flag.model_construct(
        kind=kind,
        severity=SEVERITY[kind],
        text=text,
        source=_source(kind),
        refs=FLAG_REFS[kind],
        params=params,
    )


def plan_week(starts_on: date, today: date) -> int:
    """Week 1 is the plan's first 7 days."""
    return (today - starts_on).days // 7 + 1


def _safety_flags(s: Signals) -> list[Flag]:
    """A warning sign at the check-in, and an exercise stopped for review."""
    flags: list[Flag] = []
    if s.checkin_level in RED_FLAG_LEVELS:
        when = day_words(s.checkin_on) if s.checkin_on else "a recent day"
        flags.append(
            _flag(
                "red_flag",
                f"A warning sign at the check-in of {when}: {s.checkin_level.replace('_', ' ')}.",
                on=s.checkin_on.isoformat() if s.checkin_on else "",
                level=s.checkin_level,
            )
        )
    if s.stop_and_review:
        flags.append(
            _flag(
                "stop_and_review",
                "An exercise was stopped for review (sharp pain, new numbness or the easiest dose too much).",
            )
        )
    return flags


def _pain_flags(s: Signals) -> list[Flag]:
    """Pain above the acceptable limit, and pain rising by the NPRS MCID or more."""
    flags: list[Flag] = []
    high = [
        p for p in (s.checkin_pain, s.max_pain_during_7d) if p is not None and p > ACCEPTABLE_MAX
    ]
    if high:
        flags.append(
            _flag(
                "pain_high",
                f"Pain up to {max(high)}/10 recently (above {ACCEPTABLE_MAX}).",
                pain=max(high),
                limit=ACCEPTABLE_MAX,
            )
        )
    rising_from = [p for p in (s.previous_checkin_pain, s.baseline_nprs) if p is not None]
    if s.checkin_pain is not None and any(
        s.checkin_pain - p >= NPRS_MCID_POINTS for p in rising_from
    ):
        low = min(rising_from)
        flags.append(
            _flag(
                "pain_rising",
                f"Pain is rising: {s.checkin_pain}/10 at the last check-in, from {low:g}.",
                pain=s.checkin_pain,
                start=f"{low:g}",
            )
        )
    return flags


def _low_adherence_flag(s: Signals, plan_starts_on: date, today: date) -> list[Flag]:
    weeks = (
        (s.sessions_week_before, s.sessions_planned_week_before),
        (s.sessions_last_week, s.sessions_planned_last_week),
    )
    if (today - plan_starts_on).days >= 14 and all(
        planned > 0 and done < LOW_ADHERENCE * planned for done, planned in weeks
    ):
        said = " and ".join(f"{sessions_text(d)} of {p}" for d, p in weeks)
        return [
            _flag(
                "low_adherence",
                f"Under half the planned sessions two weeks running ({said}).",
                done_before=sessions_text(weeks[0][0]),
                planned_before=weeks[0][1],
                done_last=sessions_text(weeks[1][0]),
                planned_last=weeks[1][1],
            )
        ]
    return []


def _week_flags(s: Signals, plan_starts_on: date, week: int) -> list[Flag]:
    """A review point due this week, and no meaningful change in pain by now."""
    flags: list[Flag] = []
    if week in REVIEW_WEEKS:
        week_start = plan_starts_on.toordinal() + (week - 1) * 7
        if s.checkin_on is None or s.checkin_on.toordinal() < week_start:
            flags.append(_flag("review_due", f"Review point due (week {week}).", week=week))
    if (
        week >= NO_CHANGE_FROM_WEEK
        and s.baseline_nprs is not None
        and s.latest_nprs is not None
        and s.baseline_nprs >= NPRS_MCID_POINTS
        and not nprs_meaningfully_better(round(s.baseline_nprs), round(s.latest_nprs))
    ):
        flags.append(
            _flag(
                "no_change",
                f"No meaningful change in pain after {week} weeks "
                f"({change_words(f'{s.baseline_nprs:g}', f'{s.latest_nprs:g}')} of 10).",
                week=week,
                before=f"{s.baseline_nprs:g}",
                after=f"{s.latest_nprs:g}",
            )
        )
    return flags


def attention_flags(s: Signals, today: date) -> list[Flag]:
    """Every reason to look at this patient now, most pressing first."""
    flags = _safety_flags(s) + _pain_flags(s)
    if s.two_regressions:
        flags.append(_flag("regressions", "Two steps back in a row on an exercise."))
    if s.unread_messages or s.messages_needing_reply:
        flags.append(
            _flag(
                "messages",
                _messages_text(s),
                unread=s.unread_messages,
                needing_reply=s.messages_needing_reply,
            )
        )
    if s.plan_starts_on is None or s.plan_withheld:
        return sorted(flags, key=lambda f: -f.severity)
    week = plan_week(s.episode_starts_on or s.plan_starts_on, today)
    flags += _low_adherence_flag(s, s.plan_starts_on, today)
    flags += _week_flags(s, s.plan_starts_on, week)
    return sorted(flags, key=lambda f: -f.severity)


def _messages_text(s: Signals) -> str:
    parts = []
    if s.unread_messages:
        n = s.unread_messages
        parts.append(f"{n} unread message{'s' if n != 1 else ''}")
    if s.messages_needing_reply:
        n = s.messages_needing_reply
        parts.append(f"{n} marked as needing a reply")
    return "Messages: " + ", ".join(parts) + "."


def attention_key(flags: list[Flag], name: str) -> tuple[int, int, str]:
    """Sort key: the most severe flag first, then the number of flags, then the name."""
    top = max((f.severity for f in flags), default=0)
    return (-top, -len(flags), name.lower())
