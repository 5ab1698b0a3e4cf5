"""Actions that need no database: plans, the library, screening, scripts and progression."""

from typing import Any

from hipalign.core.errors import InputError, parse_json_document, validate_document
from hipalign.core.i18n import SOURCE_LANGUAGE
from hipalign.core.intake import Intake
from hipalign.core.library import Exercise, default_library, validate_default_library
from hipalign.core.planning.conditions import pain_swap_problems
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.planner import day_script, generate_plan
from hipalign.core.planning.selection import selection_problems
from hipalign.core.progression import Decision, ExerciseLog, decide_history
from hipalign.core.screening.catalog import Question, questions_in
from hipalign.core.session_script import Script
from hipalign.core.vocab import Weekday


def intake_parse(text: str) -> Intake:
    return parse_json_document(Intake, text, "intake")


def plan_generate(intake: Intake) -> PlanDocument:
    return generate_plan(intake, default_library())


def library_list(*, language: str = SOURCE_LANGUAGE) -> list[Exercise]:
    return list(default_library(language).values())


def library_get(exercise_id: str, *, language: str = SOURCE_LANGUAGE) -> Exercise:
    lib = default_library(language)
    if exercise_id not in lib:
        raise InputError(
            "exercise id", [f"{exercise_id!r} is not in the library; see `hipalign library list`"]
        )
    return lib[exercise_id]


def library_validate() -> list[str]:
    # The entries, then the issue-13 pain swaps and selection rules that name library exercises.
    lib = default_library()
    return validate_default_library() + pain_swap_problems(lib) + selection_problems(lib)


def screening_list(*, language: str = SOURCE_LANGUAGE) -> list[Question]:
    return list(questions_in(language))


def session_script_build(intake: Intake, day: Weekday, session: int = 1) -> Script:
    doc = plan_generate(intake)
    if doc.plan is None:
        raise InputError("day", [f"no plan is given: {doc.referral.withheld_because}"])
    for d in doc.plan.days:
        if d.day == day and d.session == session:
            return day_script(d, default_library())
    planned = ", ".join(
        f"{d.day}" + ("" if d.session == 1 else f" (session {d.session})") for d in doc.plan.days
    )
    raise InputError("day", [f"{day} has no session {session} in this plan; planned: {planned}"])


def progression_decide(
    exercise_id: str, logs_json: list[Any], equipment: frozenset[str]
) -> list[Decision]:
    """The next dose per side, replaying each side's logs in the order given."""
    ex = library_get(exercise_id)
    parsed: list[ExerciseLog] = []
    problems: list[str] = []
    for i, raw in enumerate(logs_json):
        try:
            parsed.append(validate_document(ExerciseLog, raw, f"logs[{i}]"))
        except InputError as exc:
            problems += [f"logs[{i}].{p}" for p in exc.problems]
        else:
            if parsed[-1].rung >= len(ex.ladder):
                problems.append(
                    f"logs[{i}].rung: must be 0-{len(ex.ladder) - 1} for {ex.id} (got {parsed[-1].rung})"
                )
    if not parsed and not problems:
        problems.append("(document): give a list with at least one log")
    if problems:
        raise InputError("logs", problems)
    sides = list(dict.fromkeys(log.side for log in parsed))
    # A side with only skips (issue 14 item 2) has no decision: a skip never moves the dose.
    histories = [
        decide_history(ex, [log for log in parsed if log.side == side], equipment=equipment)
        for side in sides
    ]
    return [h[-1] for h in histories if h]
