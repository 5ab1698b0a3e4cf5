"""Any installed measure as a form: the fields a page shows, and reading a filled form back.

A measure's file declares its items, answer type and range, so one template renders any measure
and one reader turns its posted fields into the answers `engine.score` takes (issue 15). Field
names are the item ids (`pain`); a measure whose items the person names (PSFS) has rows
`activity_<i>` and `rating_<i>`. Problems name the field by its label and what is allowed."""

import math
import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hipalign.core.errors import InputError
from hipalign.core.outcomes.engine import ACTIVITY_MAX, Measure

FieldKind = Literal["whole", "number", "text"]
_WHOLE = re.compile(r"^[0-9]{1,9}$")
_NUMBER = re.compile(r"^[0-9]{1,9}([.,][0-9]{1,3})?$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FormField(_Frozen):
    name: str  # the posted field's name
    label: str  # what the page shows beside it (empty: the template words it)
    kind: FieldKind
    low: int | None = None
    high: int | None = None
    step: str = "1"  # the input's step: "1" for whole numbers, "any" for the 0-100 line
    value: str = ""  # a PSFS activity named at baseline, rated again
    required: bool = False


class FormRow(_Frozen):
    """One question: an item's answer, or a named activity (fixed or new) and its rating."""

    number: int  # 1-based, for labels such as "Activity 2"
    answer: FormField
    activity: FormField | None = None
    activity_fixed: bool = False  # named at baseline: shown as text and sent as a hidden field


class MeasureForm(_Frozen):
    measure: str
    name: str
    what: str
    recall: str
    own_items: bool  # the person names the activities
    rows: list[FormRow]


def _answer_field(measure: Measure, name: str, label: str, required: bool) -> FormField:
    lo, hi = measure.scale
    whole = measure.answer == "whole"
    return FormField(
        name=name,
        label=label,
        kind="whole" if whole else "number",
        low=lo,
        high=hi,
        step="1" if whole else "any",
        required=required,
    )


def measure_form(
    measure: Measure, *, activities: list[str] | None = None, texts: Mapping[str, str] = {}
) -> MeasureForm:
    """The form of `measure`. `activities`: the baseline's activities, rated again (PSFS);
    `texts`: item wording an operator loaded for a measure whose wording is not shipped."""
    rows: list[FormRow] = []
    if measure.own_items is not None:
        if activities:
            for i, name in enumerate(activities):
                rows.append(
                    FormRow(
                        number=i + 1,
                        answer=_answer_field(measure, f"rating_{i}", "", True),
                        activity=FormField(name=f"activity_{i}", label="", kind="text", value=name),
                        activity_fixed=True,
                    )
                )
        else:
            for i in range(measure.own_items[1]):
                activity = FormField(name=f"activity_{i}", label="", kind="text", high=ACTIVITY_MAX)
                rows.append(
                    FormRow(
                        number=i + 1,
                        answer=_answer_field(measure, f"rating_{i}", "", False),
                        activity=activity,
                    )
                )
    else:
        shipped = {item.id: item.text for item in measure.item}
        for i, item_id in enumerate(measure.item_ids()):
            label = shipped.get(item_id) or texts.get(item_id, item_id)
            rows.append(FormRow(number=i + 1, answer=_answer_field(measure, item_id, label, True)))
    return MeasureForm(
        measure=measure.id,
        name=measure.name,
        what=measure.what,
        recall=measure.recall,
        own_items=measure.own_items is not None,
        rows=rows,
    )


def _allowed(measure: Measure) -> str:
    lo, hi = measure.scale
    kind = "a whole number" if measure.answer == "whole" else "a number"
    return f"give {kind} from {lo} to {hi}"


def _number(measure: Measure, raw: str) -> float | int | None:
    """The answer in `raw` when it is of the measure's kind and within its scale."""
    if measure.answer == "whole":
        value: float | int | None = int(raw) if _WHOLE.match(raw) else None
    else:
        value = float(raw.replace(",", ".")) if _NUMBER.match(raw) else None
    lo, hi = measure.scale
    if value is None or not math.isfinite(value) or not lo <= value <= hi:
        return None
    return value


def _read_item(
    measure: Measure,
    name: str,
    label: str,
    raw: str,
    answers: dict[str, object],
    problems: list[str],
) -> None:
    if not raw:
        answers[name] = None
        return
    value = _number(measure, raw)
    if value is None:
        problems.append(f"{label}: {_allowed(measure)} (you gave {raw[:20]!r})")
    else:
        answers[name] = value


def _short_labels(measure: Measure, texts: Mapping[str, str]) -> dict[str, str]:
    shipped = {item.id: item.short_label for item in measure.item}
    return {i: shipped.get(i) or texts.get(i, i) for i in measure.item_ids()}


def read_form(
    measure: Measure, posted: Mapping[str, str], *, texts: Mapping[str, str] = {}
) -> dict[str, object]:
    """The answers in a posted form of `measure`, ready for `score`; raises InputError naming
    each field by its label. An empty field is an unanswered item."""
    answers: dict[str, object] = {}
    problems: list[str] = []
    if measure.own_items is not None:
        for i in range(measure.own_items[1]):
            name = posted.get(f"activity_{i}", "").strip()
            rating = posted.get(f"rating_{i}", "").strip()
            if not name and not rating:
                continue
            if not name:
                problems.append(f"Activity {i + 1}: name the activity you rate")
            elif len(name) > ACTIVITY_MAX:
                problems.append(f"Activity {i + 1}: at most {ACTIVITY_MAX} characters")
            elif name in answers:
                problems.append(f"Activity {i + 1}: {name!r} is listed twice")
            elif not rating:
                problems.append(f"Rating for {name}: {_allowed(measure)}")
            else:
                _read_item(measure, name, f"Rating for {name}", rating, answers, problems)
    else:
        for item_id, label in _short_labels(measure, texts).items():
            raw = posted.get(item_id, "").strip()
            _read_item(measure, item_id, label, raw, answers, problems)
    if problems:
        raise InputError(measure.name, problems)
    return answers
