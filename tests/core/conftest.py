"""Shared helpers for the core tests: valid intakes built from a minimal document."""

import copy
from typing import Any

import pytest

from hipalign.core.intake import INTAKE_SCHEMA, Intake
from hipalign.core.library import Library, default_library
from hipalign.core.screening.catalog import QUESTION_IDS


def minimal_intake_doc() -> dict[str, Any]:
    """The smallest valid intake document: an adult who answered no to every question."""
    return {"schema": INTAKE_SCHEMA, "age": 40, "screening": dict.fromkeys(QUESTION_IDS, False)}


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A copy of `base` with `overrides` merged in; nested dicts merge, anything else replaces."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def intake_doc(**overrides: Any) -> dict[str, Any]:
    return deep_merge(minimal_intake_doc(), overrides)


def make_intake(**overrides: Any) -> Intake:
    """A validated Intake: the minimal document deep-merged with `overrides`."""
    return Intake.model_validate(intake_doc(**overrides))


def flags(*question_ids: str) -> dict[str, bool]:
    """A screening override answering yes to the given questions."""
    return dict.fromkeys(question_ids, True)


@pytest.fixture
def library() -> Library:
    return default_library()
