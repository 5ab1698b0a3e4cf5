"""The plan document `hipalign.plan/1` (DESIGN.md section 3.2).

The fields DESIGN.md names keep their names and meaning; the others are compatible extensions
(more explanation for people, more detail for players and clinicians).
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hipalign.core.assessment import Pattern
from hipalign.core.education.models import LessonLink, LifestyleItem
from hipalign.core.screening.rules import Referral
from hipalign.core.session_script import WarmUpMove
from hipalign.core.vocab import Intent, Load, Position, Side, Weekday

PLAN_SCHEMA = "hipalign.plan/1"


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Why(_Doc):
    """One reason an item is in the plan: finding/pattern -> intent -> exercise, with a source."""

    # "clinician": added or dosed by the person's clinician (issue 5), a compatible extension.
    # "answer": one answer points to it (a symptom, equipment, the weaker side), by a selection
    # rule of planning/selection.toml (issue 13 item 11), a compatible extension.
    kind: Literal["pattern", "general", "substitute", "lead_side", "dose", "clinician", "answer"]
    text: str
    pattern: str | None = None
    intent: Intent | None = None
    source: str  # the references in words: authors (year). title. where. link
    # Extension: the same references as bibliography ids (core.references), for pages that
    # render each one with its link; empty in documents made before the bibliography.
    refs: list[str] = []


class Dose(_Doc):
    sets: int
    reps: int
    hold_s: int
    load: Load
    rung: int  # index in the exercise's progression ladder


class Item(_Doc):
    exercise: str
    name: str
    side: Literal["left", "right", "both"] | None  # None: bilateral or trunk exercise
    lead_side: Side | None  # the side done first: the weaker side
    sets: int  # the lead side's dose (the dose of the only side when one side)
    reps: int
    hold_s: int
    rest_s: int
    load: Load
    dose_by_side: dict[Side, Dose] | None  # per-side doses for one-leg exercises
    intent: Intent
    position: Position
    seconds: int  # this item's share of the session script
    why: list[Why] = Field(min_length=1)
    notes: list[str]  # how to do it safely given the intake (support, pregnancy, precautions)


class WarmUp(_Doc):
    """Extension (issue 13 item 14): the 2-3 minute warm-up that opens the session, timed moves
    the player runs before the first exercise. No log is kept of it and it does not count for
    adherence or progression; its seconds are part of the day's `minutes`."""

    seconds: int = Field(ge=120, le=180)
    moves: list[WarmUpMove] = Field(min_length=2, max_length=4)
    why: str
    source: str
    refs: list[str] = []


class Day(_Doc):
    day: Weekday
    session: int = 1  # 2 for a second session on the same day (more than 7 a week)
    minutes: float  # the session script's real length, minutes to one decimal
    duration_s: int  # the same, exact, in seconds
    items: list[Item]
    warm_up: WarmUp | None = None  # extension; None in documents made before the warm-up


class Review(_Doc):
    week: int
    until_week: int | None = None
    what: str
    source: str
    refs: list[str] = []  # extension, as Why.refs


class LeftOut(_Doc):
    exercise: str
    reason: str


class BalanceDose(_Doc):
    """Extension (issue 13 item 10): the balance practice the week's sessions give, for older
    adults and poor balance, against the falls-prevention target, in plain words."""

    minutes_per_week: float  # minutes of balance exercise in the week's session scripts
    target_minutes_per_week: int  # about 3 hours of balance challenge overall (Sherrington 2017)
    text: str
    source: str
    refs: list[str] = []


class PlanBody(_Doc):
    weeks: int
    basis: Literal["patterns", "general"]
    summary: str
    days: list[Day]
    reviews: list[Review]
    left_out: list[LeftOut]
    # Daily habits (movement breaks, workstation, footwear, running load, gait drills), checkable
    # and counted in adherence like exercises (issue 7).
    lifestyle: list[LifestyleItem] = []
    balance: BalanceDose | None = None  # extension; None when no balance dose applies


class PlanDocument(_Doc):
    schema_: Literal["hipalign.plan/1"] = Field(default="hipalign.plan/1", alias="schema")
    disclaimer: str
    referral: Referral
    patterns: list[Pattern]
    plan: PlanBody | None
    # Lessons that fit this person, each with the reason in their own numbers (issue 7).
    lessons: list[LessonLink] = []
    # Extension (optional): the stored-document revision (core/stored.py); none = revision 1.
    revision: int | None = Field(default=None, ge=1)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
