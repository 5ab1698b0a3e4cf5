"""Thresholds of the issue-13 screening and plan rules, loaded from limits.toml (package data).

Reading the file is the only input: it ships inside the package, so the values are the same on
every call (as for the question catalog). Every source is a bibliography id, checked on load.
"""

import tomllib
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from hipalign.core.references import check_ids
from hipalign.core.vocab import MuscleGroup, Symptom


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Children(_Strict):
    pain_see_doctor_below_age: int = Field(ge=1, le=18)
    symptoms: list[Symptom] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class PainLimits(_Strict):
    see_physio_from: int = Field(ge=0, le=10)
    gentle_start_from: int = Field(ge=0, le=10)
    dynamic_strength_max: int = Field(ge=0, le=10)
    sources: list[str] = Field(min_length=1)


class Postpartum(_Strict):
    see_physio_below_weeks: int = Field(ge=1, le=104)
    caesarean_no_plank_below_weeks: int = Field(ge=1, le=104)
    sources: list[str] = Field(min_length=1)
    caesarean_sources: list[str] = Field(min_length=1)


class PelvicGirdle(_Strict):
    symptoms: list[Symptom] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class Limits(_Strict):
    children: Children
    pain: PainLimits
    postpartum: Postpartum
    pelvic_girdle: PelvicGirdle
    # muscle group -> exercise ids, in order of preference
    pain_swap: dict[MuscleGroup, list[str]]


def _load() -> Limits:
    text = (resources.files("hipalign.core.screening") / "limits.toml").read_text("utf-8")
    limits = Limits.model_validate(tomllib.loads(text))
    ids = [
        *limits.children.sources,
        *limits.pain.sources,
        *limits.postpartum.sources,
        *limits.postpartum.caesarean_sources,
        *limits.pelvic_girdle.sources,
    ]
    problems = check_ids(ids, "screening limits")
    if problems:
        raise ValueError("; ".join(problems))
    return limits


LIMITS: Limits = _load()
