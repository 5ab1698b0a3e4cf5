"""What in the answers makes each plan habit appear, as data (habits.toml, issue 14 item 15).

Reading the file is the only input: it ships inside the package, so the result is the same on
every call (as for the lessons). Every source is a bibliography id, checked on load.
"""

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hipalign.core.intake import Intake
from hipalign.core.references import check_ids
from hipalign.core.vocab import Symptom

FindingTrigger = Literal["trendelenburg_positive"]

# How a trigger reads in the habit's reason ("You noted knee pain: ...").
SYMPTOM_WORDS: dict[str, str] = {
    "knee_pain": "knee pain",
    "ankle_foot_pain": "ankle or foot pain",
    "uneven_gait": "uneven gait",
    "limp": "limp",
}
FINDING_WORDS: dict[str, str] = {
    "trendelenburg_positive": "the pelvis dropped in the standing test",
}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class HabitTrigger(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z_]+$")
    symptoms: list[Symptom] = []
    activities: list[str] = []
    sitting_hours_from: float | None = Field(default=None, ge=0, le=24, strict=False)
    findings: list[FindingTrigger] = []
    sources: list[str] = Field(min_length=1)


class _File(_Strict):
    habit: list[HabitTrigger] = Field(min_length=1)


@cache
def habit_triggers() -> dict[str, HabitTrigger]:
    text = (resources.files("hipalign.core.education") / "habits.toml").read_text("utf-8")
    habits = _File.model_validate(tomllib.loads(text)).habit
    problems = [p for h in habits for p in check_ids(h.sources, f"habits.toml: {h.id}")]
    if problems:
        raise ValueError("\n".join(problems))
    return {h.id: h for h in habits}


def _finding(intake: Intake, name: FindingTrigger) -> bool:
    t = intake.findings.trendelenburg
    return t is not None and "positive" in (t.left, t.right)


def habit_reasons(habit_id: str, intake: Intake) -> list[str]:
    """The answers that point to this habit, in plain words (empty: the habit stays out)."""
    h = habit_triggers()[habit_id]
    words = [SYMPTOM_WORDS.get(s, s.replace("_", " ")) for s in h.symptoms if s in intake.symptoms]
    words += [a.replace("_", " ") for a in h.activities if a in intake.lifestyle.activities]
    sitting = intake.lifestyle.sitting_hours_per_day
    if h.sitting_hours_from is not None and sitting >= h.sitting_hours_from:
        words.append(f"about {sitting:g} hours of sitting a day")
    words += [FINDING_WORDS[f] for f in h.findings if _finding(intake, f)]
    return words
