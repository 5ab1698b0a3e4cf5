"""What a plan carries of the lessons and lifestyle items (compatible extensions of hipalign.plan/1)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict


class LessonLink(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    reason: str  # why this lesson is for this person, in their own numbers


ItemKind = Literal["breaks", "checklist", "guidance", "drills"]


class LifestyleItem(BaseModel):
    """A daily-habit item of the plan: checkable, counted in adherence like an exercise."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    kind: ItemKind
    title: str
    reason: str
    times: list[str] = []  # "HH:MM" for scheduled items (movement breaks)
    moves: list[str] = []  # exercise ids of a break routine
    checklist: list[str] = []
    per_week: int  # how many check-offs a full week counts
    lesson: str  # the lesson that explains it
    source: str
