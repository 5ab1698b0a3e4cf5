"""Questionnaires as data (items, scale, scoring, missing-item rule, MCID, source) and scoring.

Item wording of HOOS, HOOS-12, iHOT-12 and LEFS is not shipped (CLINICAL.md 3: licences
unconfirmed): their structure and scoring are here, and an operator may load item texts they are
licensed to use. Until then those measures say they are not installed."""

import math
import tomllib
from functools import cache
from importlib import resources
from statistics import fmean
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hipalign.core.errors import InputError, describe
from hipalign.core.i18n.catalog import MEASURES, localized

Scoring = Literal["single", "mean", "sum", "hoos"]
# How an item is answered: a whole number (0-4, 0-10 ratings) or any number (the 0-100 line).
Answer = Literal["whole", "number"]
ACTIVITY_MAX = 60  # characters of a PSFS activity named by the person


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Item(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=5)  # the question, shown as the field's label
    label: str | None = None  # a short name of the field for error messages (default: text)

    @property
    def short_label(self) -> str:
        return self.label or self.text


class Measure(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9]+$")
    name: str
    what: str  # what it asks and how it is scored, in our words
    scoring: Scoring
    scale: tuple[int, int] = Field(strict=False)
    answer: Answer  # what one item takes within `scale`
    recall: str = Field(min_length=3)  # the period the answers are about, in words
    # The review weeks of an episode of care at which this measure is asked again (CLINICAL.md 6).
    due_weeks: tuple[int, ...] = Field(strict=False, min_length=1)
    higher_is_better: bool
    min_answered: int | None = None
    min_fraction_per_scale: float | None = None
    own_items: tuple[int, int] | None = Field(default=None, strict=False)  # PSFS: the person's own
    mcid: float | None = None
    mcid_fraction: float | None = None  # NPRS: the change must also reach this share of baseline
    mcid_source: str
    licence: str
    text_shipped: bool
    source: str
    item: list[Item] = []
    scales: dict[str, int] = {}  # HOOS family: part -> number of items
    item_count: int | None = None  # fixed-item measures whose wording is not shipped

    @model_validator(mode="after")
    def _consistent(self) -> "Measure":
        if self.text_shipped and not self.item and self.own_items is None:
            raise ValueError("text_shipped needs the items' text")
        if self.scoring == "hoos" and not self.scales:
            raise ValueError("HOOS scoring needs `scales`")
        if self.scale[0] >= self.scale[1]:
            raise ValueError("scale must be [lowest, highest] with lowest below highest")
        if list(self.due_weeks) != sorted(set(self.due_weeks)) or self.due_weeks[0] < 1:
            raise ValueError("due_weeks must be increasing week numbers from 1")
        if self.mcid is not None and self.mcid <= 0:
            raise ValueError("mcid must be above 0")
        return self

    def item_ids(self) -> list[str]:
        """The fixed item ids; empty for PSFS, whose items the person names."""
        if self.item:
            return [i.id for i in self.item]
        if self.scales:
            return [f"{s}{n}" for s, count in self.scales.items() for n in range(1, count + 1)]
        return [f"q{n}" for n in range(1, (self.item_count or 0) + 1)]


class Score(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: str
    total: float | None  # None for the HOOS family: one score per part, no total
    scales: dict[str, float] = {}
    items: dict[str, float] = {}  # the answers scored (PSFS: per activity)
    answered: int


class Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    what: str  # "total", a HOOS part, or a PSFS activity
    baseline: float
    now: float
    better_by: float  # positive = better, whatever the direction of the scale
    meaningful: bool | None  # None: no MCID is known for this measure
    worse: bool  # worse by at least the MCID (or by any amount when no MCID is known)
    text: str


def parse_measures(files: dict[str, str]) -> tuple[dict[str, Measure], list[str]]:
    measures: dict[str, Measure] = {}
    problems: list[str] = []
    for name, text in sorted(files.items()):
        try:
            m = Measure.model_validate(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{name}: not valid TOML: {exc}")
            continue
        except ValidationError as exc:
            problems += [f"{name}: {p}" for p in describe(exc)]
            continue
        if f"{m.id}.toml" != name:
            problems.append(f"{name}: id {m.id!r} must match the file name")
        measures[m.id] = m
    return measures, problems


@cache
def default_measures() -> dict[str, Measure]:
    folder = resources.files("hipalign.core.outcomes") / "measures"
    files = {f.name: f.read_text("utf-8") for f in folder.iterdir() if f.name.endswith(".toml")}
    measures, problems = parse_measures(files)
    if problems:
        raise ValueError("the outcome measures are not valid:\n" + "\n".join(problems))
    return measures


@cache
def measures_in(language: str) -> dict[str, Measure]:
    """The shipped measures with their words (name, what, recall, items) in `language`, English
    where a word has no translation; scale, scoring and MCID are the English file's."""
    folder = MEASURES.base()
    out: dict[str, Measure] = {}
    for name in MEASURES.names():
        raw = tomllib.loads((folder / name).read_text("utf-8"))
        out[raw["id"]] = Measure.model_validate(localized(MEASURES, name, raw, language))
    return out


def installed(measure: Measure, texts: dict[str, str] | None = None) -> bool:
    """Whether every item has wording to show: shipped, or loaded by the operator."""
    if measure.text_shipped:
        return True
    ids = measure.item_ids()
    return bool(texts) and all(i in (texts or {}) for i in ids)


def not_installed_reason(measure: Measure) -> str:
    return (
        f"{measure.name} is not installed: its item wording is not shipped because its licence "
        f"is unconfirmed ({measure.licence}). Load the wording you are licensed to use "
        "(`--texts FILE`: measure id -> {item id -> text})."
    )


def _check_value(measure: Measure, key: str, value: object, problems: list[str]) -> float | None:
    lo, hi = measure.scale
    whole = measure.answer == "whole"
    ok_type = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type or not lo <= value <= hi:  # type: ignore[operator]
        kind = "a whole number" if whole else "a number"
        problems.append(f"answers.{key}: must be {kind} from {lo} to {hi} (got {value!r})")
        return None
    return float(value)  # type: ignore[arg-type]


def _one_decimal(x: float) -> float:
    """Half up, as a person rounds by hand (56.25 -> 56.3); round() would give 56.2."""
    return math.floor(x * 10 + 0.5 + 1e-9) / 10


def _key_problem(measure: Measure, given: str, key: str, values: dict[str, float]) -> str | None:
    """Why an answer's key names no item (or repeats an activity), or None."""
    known = measure.item_ids()
    if measure.own_items is not None and key in values:
        return f"answers: the activity {key!r} is listed twice"
    if measure.own_items is None and key not in known:
        return f"answers.{key}: not an item of {measure.id}; items: {', '.join(known)}"
    if measure.own_items is not None and not 1 <= len(key.strip()) <= ACTIVITY_MAX:
        return f"answers: an activity name must be 1-{ACTIVITY_MAX} characters (got {given!r})"
    return None


def _item_values(measure: Measure, answers: dict[str, object]) -> dict[str, float]:
    """Each answered item's value; every problem raised at once as an InputError."""
    problems: list[str] = []
    values: dict[str, float] = {}
    for given, raw in answers.items():
        # PSFS activities are the person's words: surrounding spaces do not make a new one.
        key = given.strip() if measure.own_items is not None else given
        problem = _key_problem(measure, given, key, values)
        if problem is not None:
            problems.append(problem)
            continue
        if raw is None:
            continue
        v = _check_value(measure, key, raw, problems)
        if v is not None:
            values[key] = v
    if problems:
        raise InputError(measure.id, problems)
    return values


def _hoos_scales(
    measure: Measure, values: dict[str, float], problems: list[str]
) -> dict[str, float]:
    scales: dict[str, float] = {}
    for part, count in measure.scales.items():
        got = [values[f"{part}{n}"] for n in range(1, count + 1) if f"{part}{n}" in values]
        need = max(1, math.ceil(count * (measure.min_fraction_per_scale or 1.0)))
        if len(got) < need:
            problems.append(
                f"answers: {part} needs at least {need} of its {count} items answered (got {len(got)})"
            )
        else:
            # HOOS guide 2013: 100 - mean * 25, so 100 means no problems.
            scales[part] = _one_decimal(100 - 25 * fmean(got))
    return scales


def _total(measure: Measure, values: dict[str, float], problems: list[str]) -> float | None:
    """The single, mean or summed total, when enough items (or activities) are answered."""
    known = measure.item_ids()
    if measure.own_items is not None:
        lo, hi = measure.own_items
        if not lo <= len(values) <= hi:
            problems.append(f"answers: rate {lo} to {hi} activities (got {len(values)})")
    elif len(values) < (measure.min_answered or len(known)):
        problems.append(
            f"answers: at least {measure.min_answered or len(known)} of {len(known)} items must be answered (got {len(values)})"
        )
    if problems:
        return None
    vs = list(values.values())
    total = (
        vs[0]
        if measure.scoring == "single"
        else fmean(vs)
        if measure.scoring == "mean"
        else sum(vs)
    )
    return _one_decimal(total)


def score(measure: Measure, answers: dict[str, object]) -> Score:
    """Score one filled questionnaire. Unanswered items are left out (or given as null)."""
    values = _item_values(measure, answers)
    problems: list[str] = []
    total: float | None
    scales: dict[str, float] = {}
    if measure.scoring == "hoos":
        scales = _hoos_scales(measure, values, problems)
        total = None
    else:
        total = _total(measure, values, problems)
    if problems:
        raise InputError(measure.id, problems)
    return Score(measure=measure.id, total=total, scales=scales, items=values, answered=len(values))


def _one_change(measure: Measure, what: str, base: float, now: float, label: str) -> Change:
    # Scores are rounded to 0.1, so float noise (2.3 - 0.3 = 1.9999999999999998) must not decide
    # whether the MCID is reached.
    better_by = round((now - base) if measure.higher_is_better else (base - now), 6)
    if measure.mcid is None:
        meaningful = None
        worse = better_by < 0
        verdict = "no meaningful-change threshold is published for this measure"
    else:
        meaningful = better_by >= measure.mcid and (
            measure.mcid_fraction is None or better_by >= round(measure.mcid_fraction * base, 6)
        )
        worse = -better_by >= measure.mcid
        share = (
            f", and at least {measure.mcid_fraction:.0%} of where you started,"
            if measure.mcid_fraction
            else ""
        )
        verdict = f"a change of {measure.mcid:g} points or more{share} is usually noticeable"
    if better_by > 0:
        moved = f"improved by {better_by:g} point{'s' if better_by != 1 else ''}"
    elif better_by < 0:
        moved = f"got worse by {-better_by:g} point{'s' if better_by != -1 else ''}"
    else:
        moved = "did not change"
    return Change(
        what=what,
        baseline=base,
        now=now,
        better_by=round(better_by, 1),
        meaningful=meaningful,
        worse=worse,
        text=f"Your {label} {moved} (from {base:g} to {now:g}); {verdict}.",
    )


def change(measure: Measure, baseline: Score, now: Score) -> list[Change]:
    """Change from baseline, per total, HOOS part or PSFS activity, in plain words."""
    out: list[Change] = []
    if baseline.total is not None and now.total is not None:
        label = {"nprs": "pain score", "psfs": "average score over your activities"}.get(
            measure.id, f"{measure.name} score"
        )
        out.append(_one_change(measure, "total", baseline.total, now.total, label))
    for part in measure.scales:
        if part in baseline.scales and part in now.scales:
            out.append(
                _one_change(measure, part, baseline.scales[part], now.scales[part], f"{part} score")
            )
    if measure.own_items is not None:
        for activity, base in baseline.items.items():
            if activity in now.items:
                out.append(
                    _one_change(
                        measure, activity, base, now.items[activity], f"score for {activity}"
                    )
                )
    return out
