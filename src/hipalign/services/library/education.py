"""Lessons: list, show, validate (no database needed)."""

from hipalign.core.education.catalog import Lesson, default_lessons, lesson_problems
from hipalign.core.errors import InputError


def lesson_list() -> list[Lesson]:
    return sorted(default_lessons().values(), key=lambda lesson: lesson.id)


def lesson_get(lesson_id: str) -> Lesson:
    lessons = default_lessons()
    if lesson_id not in lessons:
        raise InputError("lesson id", [f"{lesson_id!r} is not a lesson; see `hipalign learn list`"])
    return lessons[lesson_id]


def lesson_validate() -> list[str]:
    problems = lesson_problems()
    if not problems and not default_lessons():
        problems.append("no lessons found")
    return problems
