"""The intake document `hipalign.intake/1` (DESIGN.md section 3.1).

Every model forbids unknown fields and coerces nothing: a wrong type is an error that names the
field. A new intake must answer every question of the catalog (every question is asked
explicitly). A stored intake is read with the context {"stored": True} (see core/stored.py): a
question added after it was stored is then *unanswered*, to be asked at the next check-in or
re-plan, instead of making every stored intake invalid.
"""

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hipalign.core.screening.catalog import QUESTION_IDS
from hipalign.core.vocab import Equipment, Limitation, PainSide, Symptom

INTAKE_SCHEMA = "hipalign.intake/1"

Nprs = Annotated[int, Field(ge=0, le=10, description="pain 0-10 (NPRS)")]
TestResult = Literal["positive", "negative"]
ThomasResult = Literal["normal", "hip_flexor_tight", "rectus_femoris_tight"]
FaberResult = Literal["negative", "groin_pain", "other_pain"]
Seconds = Annotated[float, Field(ge=0, le=600, description="seconds")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class _PerSide[T](_Model):
    left: T | None = None
    right: T | None = None

    def get(self, side: str) -> T | None:
        value: T | None = self.left if side == "left" else self.right
        return value


POSTPARTUM_WEEKS_MAX = 104  # two years after the birth; later the postpartum rules no longer apply


class Pregnancy(_Model):
    pregnant: bool
    weeks: int | None = Field(default=None, ge=0, le=42, description="weeks of pregnancy")
    # Extensions of the contract (optional, issue 13): weeks since giving birth and whether the
    # birth was by caesarean section, asked when the person is not pregnant.
    postpartum_weeks: int | None = Field(
        default=None, ge=0, le=POSTPARTUM_WEEKS_MAX, description="weeks since giving birth"
    )
    caesarean: bool | None = None

    @model_validator(mode="after")
    def _weeks_when_pregnant(self) -> "Pregnancy":
        if self.pregnant and self.weeks is None:
            raise ValueError("weeks is required when pregnant is true (a whole number 0-42)")
        if self.pregnant and (self.postpartum_weeks is not None or self.caesarean is not None):
            raise ValueError(
                "postpartum_weeks and caesarean are asked only when pregnant is false; while "
                "pregnant the pregnancy rules apply"
            )
        if self.caesarean is not None and self.postpartum_weeks is None:
            raise ValueError(
                f"caesarean needs postpartum_weeks (weeks since the birth, 0-{POSTPARTUM_WEEKS_MAX})"
            )
        return self


class Pain(_Model):
    now: Nprs = 0
    worst_week: Nprs = 0
    side: PainSide = "none"


class PelvicObliquity(_Model):
    degrees: float = Field(ge=0, le=30, description="tilt of the line through the hip crests")
    high_side: Literal["left", "right", "none"]
    source: Literal["self", "clinician", "photo"]


class Findings(_Model):
    weaker_side: Literal["left", "right", "none"] | None = None
    # Trendelenburg per stance leg: "left" is the test standing on the left leg, which loads the
    # left abductors (CLINICAL.md section 4).
    trendelenburg: _PerSide[TestResult] | None = None
    single_leg_stance_s: _PerSide[Seconds] | None = None
    thomas_test: _PerSide[ThomasResult] | None = None
    pelvic_obliquity: PelvicObliquity | None = None
    pelvic_tilt: Literal["anterior_increased", "neutral", "posterior"] | None = None
    plank_hold_s: Seconds | None = None
    side_plank_hold_s: _PerSide[Seconds] | None = None
    hip_rotation_restricted: _PerSide[bool] | None = None
    leg_length_difference_mm: float | None = Field(default=None, ge=0, le=100)
    # Extensions of the contract (optional, so older documents stay valid): the FABER test and
    # outer-hip pain during single-leg stance drive the derived see_physio flags of CLINICAL.md 1.
    faber: _PerSide[FaberResult] | None = None
    lateral_pain_in_stance: _PerSide[bool] | None = None
    # Extension (optional): the hip does not bend as far as the other or as usual (reported or
    # measured); with groin pain it rules out end-range flexion work (issue 13 item 8).
    hip_flexion_limited: _PerSide[bool] | None = None


ActivityId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{1,39}$")]


ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class Hours(_Model):
    """A daily span, 24-hour "HH:MM"; an end before the start runs past midnight."""

    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _a_real_span(self) -> "Hours":
        if self.start == self.end:
            raise ValueError(
                "start and end must differ (an end before the start runs past midnight)"
            )
        return self


class Lifestyle(_Model):
    sitting_hours_per_day: float = Field(default=0, ge=0, le=24)
    # Free ids (lowercase words joined by "_"); "running" marks a runner for the screening.
    activities: list[ActivityId] = []
    # Extensions of the contract (optional): when the person works (movement breaks go there)
    # and when nothing may be scheduled or reminded (issue 7).
    working_hours: Hours | None = None
    quiet_hours: Hours | None = None


class Intake(_Model):
    schema_: Literal["hipalign.intake/1"] = Field(alias="schema")
    age: int = Field(ge=10, le=110, description="years")
    pregnancy: Pregnancy | None = None
    screening: dict[str, bool]
    symptoms: list[Symptom] = []
    pain: Pain = Pain()
    findings: Findings = Findings()
    hip_precautions: Literal["posterior_approach", "anterior_approach", "none"] | None = None
    cleared_by_clinician: bool = False
    lifestyle: Lifestyle = Lifestyle()
    equipment: list[Equipment] = []
    limitations: list[Limitation] = []
    minutes_per_session: int = Field(default=20, ge=5, le=90)
    sessions_per_week: int = Field(default=3, ge=1, le=14)

    model_config = ConfigDict(populate_by_name=True)

    # Extension of the contract (optional): the stored-document revision (core/stored.py). An
    # intake without it was stored before revisions existed, which is revision 1.
    revision: int | None = Field(default=None, ge=1)

    @field_validator("screening")
    @classmethod
    def _every_question_answered(
        cls, answers: dict[str, bool], info: ValidationInfo
    ) -> dict[str, bool]:
        if isinstance(info.context, dict) and info.context.get("stored"):
            # A stored intake keeps the answers the catalog still asks; a question added since
            # is unanswered (Intake.unanswered) and a retired question's answer is dropped.
            return {q: a for q, a in answers.items() if q in QUESTION_IDS}
        unknown = sorted(set(answers) - set(QUESTION_IDS))
        if unknown:
            raise ValueError(
                f"unknown question ids {unknown}; the catalog has: {', '.join(QUESTION_IDS)}"
            )
        missing = [q for q in QUESTION_IDS if q not in answers]
        if missing:
            raise ValueError(
                f"every screening question must be answered true or false; unanswered: "
                f"{', '.join(missing)}"
            )
        return answers

    @field_validator("symptoms", "equipment", "limitations")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("each value may appear only once")
        return values

    @property
    def pregnant(self) -> bool:
        return self.pregnancy is not None and self.pregnancy.pregnant

    @property
    def pregnancy_weeks(self) -> int:
        if self.pregnancy is None or not self.pregnancy.pregnant:
            return 0
        return self.pregnancy.weeks or 0

    @property
    def postpartum_weeks(self) -> int | None:
        """Weeks since giving birth, or None when not given (or pregnant)."""
        if self.pregnancy is None or self.pregnancy.pregnant:
            return None
        return self.pregnancy.postpartum_weeks

    @property
    def caesarean(self) -> bool:
        return self.postpartum_weeks is not None and bool(
            self.pregnancy and self.pregnancy.caesarean
        )

    @property
    def unanswered(self) -> list[str]:
        """Catalog questions this (stored) intake has no answer for, in catalog order."""
        return [q for q in QUESTION_IDS if q not in self.screening]

    def flagged(self, question_id: str) -> bool:
        return self.screening.get(question_id, False)
