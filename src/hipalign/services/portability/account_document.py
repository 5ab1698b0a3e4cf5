"""The rows of an `hipalign.export/1` document as an import reads them.

Each row model names every field the export writes and forbids any other, so nothing in a file is
silently dropped: an unknown field is refused by name. Fields added to /1 after its first release
(plan versions and authors, check-in referrals, assessments...) have defaults, so a file from an
earlier release still imports. Value ranges are those of the database and of the log contract.
"""

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hipalign.core.progression import Action
from hipalign.core.vocab import Side, Weekday

Nprs = int  # 0-10, bounded per field


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IntakeRow(_Row):
    id: uuid.UUID
    created_at: AwareDatetime
    document: dict[str, Any]


class PlanRow(_Row):
    id: uuid.UUID
    intake_id: uuid.UUID
    created_at: AwareDatetime
    starts_on: date
    referral_level: str = Field(max_length=16)
    withheld: bool | None = None  # absent in early /1 files: read from the document
    document: dict[str, Any]
    version: int | None = Field(default=None, ge=1)  # absent in early /1 files: by date
    author_role: Literal["person", "clinician"] = "person"
    changes: list[Any] = []
    overrides: list[Any] = []
    note: str = ""


class SessionRow(_Row):
    id: uuid.UUID
    plan_id: uuid.UUID
    day: Weekday
    session: int = Field(ge=1, le=2)
    performed_on: date
    pain_next_morning: Nprs | None = Field(ge=0, le=10)
    created_at: AwareDatetime


class LogRow(_Row):
    id: uuid.UUID
    client_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    session_id: uuid.UUID
    exercise_id: str = Field(max_length=64)
    side: Side | None
    rung: int = Field(ge=0, le=20)
    sets_done: int = Field(ge=0, le=10)
    reps_done: int = Field(ge=0, le=100)
    hold_s_done: int = Field(ge=0, le=600)
    pain_during: Nprs | None = Field(ge=0, le=10)  # None only on a skip
    effort: int | None = Field(ge=0, le=10)
    sharp_pain: bool
    new_numbness: bool
    skipped: bool = False  # absent in files from before issue 14 item 2
    counted_by: Literal["person", "camera"] = "person"  # absent in files from before issue 17
    performed_on: date
    created_at: AwareDatetime


class DecisionRow(_Row):
    id: uuid.UUID
    log_id: uuid.UUID
    exercise_id: str = Field(max_length=64)
    side: Side | None
    action: Action
    rung: int = Field(ge=0, le=20)
    reasons: list[str]
    review_suggested: bool
    created_at: AwareDatetime


class CurrentDoseRow(_Row):
    id: int | None = None  # a row number of the exporting database; never imported
    exercise_id: str = Field(max_length=64)
    side: Literal["", "left", "right"]
    decision_id: uuid.UUID


class HabitRow(_Row):
    id: uuid.UUID
    plan_id: uuid.UUID
    item_id: str = Field(max_length=40)
    slot: str = Field(max_length=5)
    performed_on: date
    created_at: AwareDatetime


class EpisodeRow(_Row):
    id: uuid.UUID
    started_on: date
    started_by_role: Literal["person", "clinician"] = "person"
    created_at: AwareDatetime


class OutcomeRow(_Row):
    id: uuid.UUID
    plan_id: uuid.UUID
    # Absent in files from before episodes of care: those scores join one episode on import.
    episode_id: uuid.UUID | None = None
    measure: str = Field(max_length=16)
    performed_on: date
    answers: dict[str, Any]
    total: float | None
    scales: dict[str, float]
    created_at: AwareDatetime


class PostureRow(_Row):
    id: uuid.UUID
    created_at: AwareDatetime
    kind: Literal["photo", "clip"]
    keep_original: bool
    status: Literal["queued", "running", "done", "failed"]
    result: dict[str, Any] | None
    error: str = Field(max_length=300)
    started_at: AwareDatetime | None = None


class CheckInRow(_Row):
    id: uuid.UUID
    performed_on: date
    answers: dict[str, bool]
    pain_now: Nprs = Field(ge=0, le=10)
    pain_worst_week: Nprs = Field(ge=0, le=10)
    referral_level: str = Field(max_length=16)
    referral: dict[str, Any] | None = None  # absent in early /1 files
    created_at: AwareDatetime


class SafetyStopRow(_Row):
    """An onboarding or check-in stopped at a warning sign (issue 14 item 4): only the
    questions answered up to then."""

    id: uuid.UUID
    performed_on: date
    answers: dict[str, bool]
    referral_level: str = Field(max_length=16)
    referral: dict[str, Any]
    created_at: AwareDatetime


class AssessmentRow(_Row):
    id: uuid.UUID
    clinician: str | None = None  # who recorded it, on the exporting install (not imported)
    performed_on: date
    document: dict[str, Any]
    intake_id: uuid.UUID | None
    created_at: AwareDatetime


class ExportDocument(BaseModel):
    """A whole export. Account identity (username, role, public id, tokens, second factor, care
    links) is read for its shape only: it belongs to the account on the exporting install."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Literal["hipalign.export/1"] = Field(alias="schema")
    account: dict[str, Any]
    profile: dict[str, Any] | None = None
    api_tokens: list[dict[str, Any]] = []
    totp: dict[str, Any] | None = None
    care_links: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []  # issue 18; absent in earlier files; not imported
    intakes: list[IntakeRow]
    plans: list[PlanRow]
    sessions: list[SessionRow]
    exercise_logs: list[LogRow]
    decisions: list[DecisionRow]
    current_doses: list[CurrentDoseRow]
    habit_checks: list[HabitRow]
    episodes: list[EpisodeRow] = []  # absent in files from before episodes of care
    outcomes: list[OutcomeRow]
    posture_uploads: list[PostureRow]
    checkins: list[CheckInRow]
    assessments: list[AssessmentRow] = []
    safety_stops: list[SafetyStopRow] = []  # absent in files made before issue 14.4
