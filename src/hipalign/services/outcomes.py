"""Outcome measures without a database: list them, score a filled questionnaire."""

import json
from typing import Any

from hipalign.core.errors import InputError
from hipalign.core.outcomes.engine import Measure, Score, default_measures, score


def measure_list() -> list[Measure]:
    return list(default_measures().values())


def measure_get(measure_id: str) -> Measure:
    measures = default_measures()
    if measure_id not in measures:
        raise InputError(
            "measure", [f"{measure_id!r} is not a measure; choose one of: {', '.join(measures)}"]
        )
    return measures[measure_id]


def outcome_score(measure_id: str, answers_text: str) -> Score:
    """Score answers given as a JSON object (item id -> value; PSFS: activity -> rating)."""
    measure = measure_get(measure_id)
    try:
        answers: Any = json.loads(answers_text)
    except json.JSONDecodeError as exc:
        raise InputError(
            "answers", [f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]
        ) from exc
    if not isinstance(answers, dict):
        raise InputError("answers", ["(document): give a JSON object of item id -> answer"])
    return score(measure, answers)


def texts_parse(text: str) -> dict[str, str]:
    """Item texts an operator loads (item id -> wording) for a measure whose wording is not shipped."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("texts", [f"not valid JSON: {exc.msg}"]) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InputError("texts", ["(document): give a JSON object of item id -> text"])
    return data
