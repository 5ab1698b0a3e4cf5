"""The lessons, as data: one TOML file per lesson under `lessons/`, validated at load."""

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hipalign.core.errors import describe
from hipalign.core.i18n.catalog import LESSONS, localized
from hipalign.core.i18n.languages import SOURCE_LANGUAGE
from hipalign.core.references import bibliography, cite

Topic = Literal[
    "anatomy",
    "patterns",
    "causes",
    "pain_rules",
    "professionals",
    "surgery",
    "lifestyle",
    "pregnancy",
]
# Words the product never uses about a person (CLINICAL.md 0 wording). "Diagnosis" is allowed:
# the lessons say plainly that a pattern is not one.
FORBIDDEN = re.compile(r"\b(misalign\w*|realign\w*|cure[sd]?|abnormal\w*|proven)\b", re.IGNORECASE)


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Section(_Strict):
    heading: str = Field(min_length=2)
    text: list[str] = Field(min_length=1, max_length=4)


class LessonSource(_Strict):
    """A bibliography entry (core.references) and where in it the lesson draws from."""

    cite: str = Field(pattern=r"^[a-z][a-z0-9_]{2,60}$")
    detail: str | None = None

    @field_validator("cite")
    @classmethod
    def _in_the_bibliography(cls, value: str) -> str:
        if value not in bibliography():
            raise ValueError(f"unknown bibliography id {value!r}")
        return value

    @property
    def ref(self) -> str:
        """The reference as a person reads it, without its link (see `url`)."""
        r = bibliography()[self.cite]
        text = cite(self.cite)
        if r.url:
            text = text.removesuffix(r.url).rstrip()
        return f"{text} ({self.detail})" if self.detail else text

    @property
    def url(self) -> str | None:
        return bibliography()[self.cite].url


class Lesson(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]+$")
    title: str = Field(min_length=3)
    summary: str = Field(min_length=10)
    topics: list[Topic] = Field(min_length=1)
    minutes: int = Field(ge=1, le=10)
    checklist: list[str] = []
    section: list[Section] = Field(min_length=2, max_length=5)
    source: list[LessonSource] = Field(min_length=1)

    @field_validator("title", "summary")
    @classmethod
    def _our_words(cls, value: str) -> str:
        _check_words(value)
        return value

    def all_text(self) -> str:
        parts = [self.title, self.summary, *self.checklist]
        for s in self.section:
            parts += [s.heading, *s.text]
        return "\n".join(parts)


def _check_words(text: str) -> None:
    bad = sorted({m.group(0).lower() for m in FORBIDDEN.finditer(text)})
    if bad:
        raise ValueError(f"uses words hipalign never uses about a person: {bad}")


def parse_lessons(
    files: dict[str, str], *, language: str = SOURCE_LANGUAGE
) -> tuple[dict[str, Lesson], list[str]]:
    """Lessons by id from {file name: TOML text}, and one problem line per broken file; with a
    language other than English, in its words where translated (issue 20)."""
    lessons: dict[str, Lesson] = {}
    problems: list[str] = []
    for name, text in sorted(files.items()):
        try:
            raw = tomllib.loads(text)
            if language != SOURCE_LANGUAGE:
                raw = localized(LESSONS, name, raw, language)
            lesson = Lesson.model_validate(raw)
            _check_words(lesson.all_text())
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{name}: not valid TOML: {exc}")
            continue
        except ValidationError as exc:
            problems += [f"{name}: {p}" for p in describe(exc)]
            continue
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if f"{lesson.id}.toml" != name:
            problems.append(f"{name}: id {lesson.id!r} must match the file name")
        lessons[lesson.id] = lesson
    return lessons, problems


def _files() -> dict[str, str]:
    folder = resources.files("hipalign.core.education") / "lessons"
    return {f.name: f.read_text("utf-8") for f in folder.iterdir() if f.name.endswith(".toml")}


@cache
def _loaded(language: str = SOURCE_LANGUAGE) -> tuple[dict[str, Lesson], tuple[str, ...]]:
    lessons, problems = parse_lessons(_files(), language=language)
    return lessons, tuple(problems)


def default_lessons(language: str = SOURCE_LANGUAGE) -> dict[str, Lesson]:
    lessons, problems = _loaded(language)
    if problems:
        raise ValueError("the lessons are not valid:\n" + "\n".join(problems))
    return lessons


def lesson_problems() -> list[str]:
    return list(_loaded()[1])
