"""Outcome measures without a database: list them, score a filled questionnaire.

The measures are the shipped files (`core/outcomes/measures`) and any an operator installs as
`<id>.toml` in the data folder's `measures/` (setting HIPALIGN_MEASURES_DIR): the pages, the API
and the command line show and score them with no code change (issue 15)."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation

from hipalign.core.errors import InputError
from hipalign.core.i18n.languages import SOURCE_LANGUAGE
from hipalign.core.outcomes.engine import (
    Measure,
    Score,
    installed,
    measures_in,
    parse_measures,
    score,
)


def _operator_files() -> dict[str, str]:
    folder = getattr(settings, "HIPALIGN_MEASURES_DIR", None) if settings.configured else None
    if folder is None or not Path(folder).is_dir():
        return {}
    return {f.name: f.read_text("utf-8") for f in sorted(Path(folder).glob("*.toml"))}


def _active_language() -> str:
    if not settings.configured:  # the command line outside Django: it passes its own --lang
        return SOURCE_LANGUAGE
    return translation.get_language() or SOURCE_LANGUAGE


def measures_installed(*, language: str | None = None) -> dict[str, Measure]:
    """The shipped measures, then the operator's; a broken or clashing file stops with every
    problem named (it is read each time: a handful of small files, and a new one needs no restart).

    The shipped measures' words are in `language` (default: the active one, so a page, a handout
    or an API answer shows them in its reader's); an operator's own files are shown as written."""
    shipped = measures_in(language or _active_language())
    files = _operator_files()
    if not files:
        return shipped
    extra, problems = parse_measures(files)
    problems += [
        f"{m}.toml: id {m!r} is a shipped measure; give yours another id"
        for m in extra
        if m in shipped
    ]
    if problems:
        raise ValueError("the installed outcome measures are not valid:\n" + "\n".join(problems))
    return {**shipped, **extra}


def measure_list(*, language: str | None = None) -> list[Measure]:
    return list(measures_installed(language=language).values())


def measures_fillable() -> list[Measure]:
    """The measures a person can fill in here: their wording is shipped or installed."""
    return [m for m in measure_list() if installed(m)]


def measures_not_installed() -> list[Measure]:
    """The measures no one can fill in on this install: their wording is not shipped (licence
    unconfirmed, CLINICAL.md 3) and the web app loads no wording of its own."""
    return [m for m in measure_list() if not installed(m)]


def measure_get(measure_id: str) -> Measure:
    measures = measures_installed()
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


def texts_parse(text: str) -> dict[str, dict[str, str]]:
    """Item wording an operator loads for measures whose wording is not shipped:
    {measure id: {item id: text}}, keyed by measure so two measures' `q1` never mix."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("texts", [f"not valid JSON: {exc.msg}"]) from exc
    shape = "(document): give a JSON object of measure id -> {item id -> non-empty text}"
    if not isinstance(data, dict):
        raise InputError("texts", [shape])
    problems = []
    for measure_id, items in data.items():
        if not isinstance(items, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in items.items()
        ):
            problems.append(f"{measure_id}: {shape.removeprefix('(document): ')}")
    if problems:
        raise InputError("texts", problems)
    return data
