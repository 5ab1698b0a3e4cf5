"""The screening question catalog, loaded from questions.toml (shipped package data)."""

import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hipalign.core.i18n.catalog import SCREENING, localized
from hipalign.core.i18n.languages import SOURCE_LANGUAGE
from hipalign.core.references import check_ids
from hipalign.core.vocab import ReferralLevel


class Question(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]+$")
    level: ReferralLevel
    question: str = Field(min_length=10)
    action: str = Field(min_length=10)  # what to do now, and how urgently, in plain words
    sources: list[str] = Field(min_length=1)
    # The sources as bibliography ids (core.references): what a person reads is cite(id).
    refs: list[str] = Field(min_length=1)
    # "every_week": the state now, asked at each weekly check-in. "once": history that only news
    # can change (questions.toml says why per question); a check-in replaces a stored "no" by one
    # "has anything changed" question naming the topic (plain words, no id).
    asked: Literal["every_week", "once"]
    topic: str | None = Field(default=None, min_length=5)

    @model_validator(mode="after")
    def _topic_for_once(self) -> Self:
        if self.asked == "once" and self.topic is None:
            raise ValueError(f"{self.id}: a question asked once needs a topic")
        return self

    @property
    def lifetime(self) -> bool:
        return self.asked == "once"


def _load(language: str = SOURCE_LANGUAGE) -> tuple[Question, ...]:
    text = (resources.files("hipalign.core.screening") / "questions.toml").read_text("utf-8")
    raw = localized(SCREENING, "questions.toml", tomllib.loads(text), language)
    questions = tuple(Question.model_validate(q) for q in raw["question"])
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate screening question id")
    problems = [p for q in questions for p in check_ids(q.refs, f"screening question {q.id}")]
    if problems:
        raise ValueError("\n".join(problems))
    return questions


QUESTIONS: tuple[Question, ...] = _load()


@cache
def questions_in(language: str) -> tuple[Question, ...]:
    """The same questions, ids and levels, worded in the language where translated (issue 20):
    a safety question is never dropped for want of a translation; it stays in English."""
    return QUESTIONS if language == SOURCE_LANGUAGE else _load(language)


QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
QUESTIONS_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


def carried_over(previous: Mapping[str, bool]) -> tuple[Question, ...]:
    """Questions asked once whose stored answer is no, in catalog order: a check-in asks only
    whether anything changed about them. Never answered (a new question) or yes: asked in full."""
    return tuple(q for q in QUESTIONS if q.lifetime and previous.get(q.id) is False)


def changed_question(carried: Sequence[Question]) -> str:
    """The one question standing for the carried-over ones, in plain words."""
    return (
        "Has anything changed since you last told us about: "
        + "; ".join(q.topic or q.question for q in carried)
        + "?"
    )


# A yes to a question at these levels ends the onboarding at once: nothing else is asked, and
# the person is told where to get care (issue 14 item 4). Lower levels wait for the whole intake.
STOP_LEVELS: frozenset[ReferralLevel] = frozenset({"emergency", "urgent"})
STOP_QUESTION_IDS: frozenset[str] = frozenset(q.id for q in QUESTIONS if q.level in STOP_LEVELS)


def stops_at_once(answers: Mapping[str, bool]) -> bool:
    """Whether any of these answers is a yes to a question that stops the onboarding."""
    return any(answers.get(qid) is True for qid in STOP_QUESTION_IDS)
