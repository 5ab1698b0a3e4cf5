"""The exercise entry: what every file under library/exercises must say."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from hipalign.core.dosing import DoseKind
from hipalign.core.vocab import (
    CautionTag,
    ContraindicationTag,
    Equipment,
    Intent,
    Load,
    Muscle,
    Position,
    Sidedness,
)

ExerciseId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,40}$")]
Text = Annotated[str, StringConstraints(min_length=3, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Source(_Strict):
    """Where a fact comes from: an entry of the bibliography, and where in it."""

    cite: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,60}$")]  # bibliography id
    detail: str | None = None  # where in the source ("item 3, Side Hip Abductions"), readable
    supports: Text  # which fact of the entry this source backs (dose, muscles, precaution...)


class LadderStep(_Strict):
    """One rung of the progression ladder. Progress moves one rung up, regress one down."""

    sets: int = Field(ge=1)
    reps: int = Field(ge=1)  # per side for per_side and alternating exercises
    hold_s: int = Field(default=0, ge=0)  # seconds per hold (hold doses) or pause per rep
    load: Load = "bodyweight"
    note: str | None = None


class Dose(_Strict):
    kind: DoseKind
    start: int = Field(ge=0)  # index into the ladder where a new plan starts
    # seconds one repetition moves (0 for hold doses); a rung's hold_s pause is added to it
    rep_s: int = Field(ge=0, le=15)
    rest_s: int = Field(ge=0, le=120)  # rest between sets
    rep_rest_s: int = Field(default=0, ge=0, le=60)  # rest between holds within a set
    days_per_week: tuple[int, int] = Field(strict=False)  # guideline frequency (min, max)
    seed: Text  # the dose as the seed or source gives it, in our words


BibliographyId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,60}$")]


class PatternUse(_Strict):
    """The planner's choice of this exercise for a functional pattern (CLINICAL.md 5), kept with
    the exercise so adding one is a change to its file only (issue 15)."""

    pattern: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,40}$")]
    intent: Intent  # what it does for this pattern; one of the exercise's intents
    rank: int = Field(ge=1)  # order of preference in the pattern's list, 1 first
    refs: list[BibliographyId] = Field(min_length=1)  # why it answers this pattern


class BaseUse(_Strict):
    """The exercise's place in the balanced base program (the whole plan when no pattern is
    found): control, the main hip muscle groups, trunk, tight muscles, mobility."""

    intent: Intent
    rank: int = Field(ge=1)  # order in the base program, 1 first
    refs: list[BibliographyId] = Field(min_length=1)  # shown to the person as the why's source


class Exercise(_Strict):
    id: ExerciseId
    name: Text
    summary: Text  # one sentence: what it does for the person
    position: Position
    equipment: list[Equipment]  # needed; the planner never prescribes it without them
    optional_equipment: list[Equipment] = []  # aids that help but are not needed
    intent: list[Intent] = Field(min_length=1)  # first is the primary intent
    targets: list[Muscle] = Field(min_length=1)  # primary muscles first
    sidedness: Sidedness
    dose: Dose
    ladder: list[LadderStep] = Field(min_length=2)
    next_exercises: list[ExerciseId] = []  # harder exercises to move to after the top rung
    contraindications: list[ContraindicationTag] = []
    cautions: list[CautionTag] = []
    substitutes: list[ExerciseId] = []  # in order of preference, used when this one is excluded
    # The same aim against a resistance band (issue 14 item 15): chosen instead when the person
    # lists a band, lacks a load this ladder needs (ankle weights) and the variant is allowed, so
    # the band carries the ladder on; same primary intent, muscle group and dose kind (validated).
    band_variant: ExerciseId | None = None
    steps: list[Text] = Field(min_length=3)
    mistakes: list[Text] = Field(min_length=1)
    correction: str | None = None  # where a seed is factually wrong: what we changed and why
    sources: list[Source] = Field(min_length=1)
    patterns: list[PatternUse] = []  # the functional patterns the planner picks it for
    base_program: BaseUse | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Exercise":
        if self.dose.start >= len(self.ladder):
            raise ValueError(
                f"dose.start={self.dose.start} points past the ladder ({len(self.ladder)} rungs)"
            )
        low, high = self.dose.days_per_week
        if not 1 <= low <= high <= 7:
            raise ValueError("dose.days_per_week must be (min, max) with 1 <= min <= max <= 7")
        if self.dose.kind == "reps" and self.dose.rep_s == 0:
            raise ValueError("dose.rep_s must be above 0 for a reps dose")
        if self.dose.kind == "hold" and any(step.hold_s == 0 for step in self.ladder):
            raise ValueError("every ladder rung of a hold dose needs hold_s above 0")
        overlap = set(self.equipment) & set(self.optional_equipment)
        if overlap:
            raise ValueError(f"equipment listed as both needed and optional: {sorted(overlap)}")
        if (
            self.id in self.substitutes
            or self.id in self.next_exercises
            or self.id == self.band_variant
        ):
            raise ValueError("an exercise cannot be its own substitute or next exercise")
        uses = [u.intent for u in self.patterns] + (
            [self.base_program.intent] if self.base_program else []
        )
        if any(i not in self.intent for i in uses):
            raise ValueError(f"a pattern or base-program intent must be one of {self.intent}")
        if len({u.pattern for u in self.patterns}) != len(self.patterns):
            raise ValueError("each pattern may be listed once")
        return self

    @property
    def primary_intent(self) -> Intent:
        return self.intent[0]

    @property
    def start_step(self) -> LadderStep:
        return self.ladder[self.dose.start]
