"""Lessons: list, show, validate (no database needed)."""

from hipalign.core.education.catalog import Lesson, default_lessons, lesson_problems
from hipalign.core.errors import InputError
from hipalign.core.i18n.languages import SOURCE_LANGUAGE


def lesson_list(*, language: str = SOURCE_LANGUAGE) -> list[Lesson]:
    """Every lesson, in `language`'s words where translated (issue 20)."""
    return sorted(default_lessons(language).values(), key=lambda lesson: lesson.id)


def lesson_get(lesson_id: str, *, language: str = SOURCE_LANGUAGE) -> Lesson:
    lessons = default_lessons(language)
    if lesson_id not in lessons:
        raise InputError("lesson id", [f"{lesson_id!r} is not a lesson; see `hipalign learn list`"])
    return lessons[lesson_id]


def lesson_validate() -> list[str]:
    problems = lesson_problems()
    if not problems and not default_lessons():
        problems.append("no lessons found")
    return problems
