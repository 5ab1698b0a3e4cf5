"""The screening question catalog, loaded from questions.toml (shipped package data)."""

import tomllib
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from hipalign.core.vocab import ReferralLevel


class Question(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]+$")
    level: ReferralLevel
    question: str = Field(min_length=10)
    action: str = Field(min_length=10)  # what to do now, and how urgently, in plain words
    sources: list[str] = Field(min_length=1)


def _load() -> tuple[Question, ...]:
    text = (resources.files("hipalign.core.screening") / "questions.toml").read_text("utf-8")
    questions = tuple(Question.model_validate(q) for q in tomllib.loads(text)["question"])
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate screening question id")
    return questions


QUESTIONS: tuple[Question, ...] = _load()
QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
QUESTIONS_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}
