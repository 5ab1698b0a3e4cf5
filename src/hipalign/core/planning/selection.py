"""Selection rules beyond the patterns' own exercise lists (issue 13 item 11), as data.

`selection.toml` says which answer switches each exercise on and why, with sources. The planner
adds the needs these rules give to those of the patterns and the base program; the safety rules
(contraindications, substitutes, the high-pain swap) apply to them as to every other need.
Reading the file is the only input: it ships inside the package (as the exercise library).
"""

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from hipalign.core.assessment import PATTERN_INFO, Pattern
from hipalign.core.intake import Intake
from hipalign.core.library import Library
from hipalign.core.references import check_ids, cite_all
from hipalign.core.vocab import EQUIPMENT, Intent, Side, Symptom

# Priorities of the needs: a pattern's own exercises are rank * 10 + position (up to 9), the
# balance habit 500 and the base program 1000 and up. A pattern rule comes right after its
# pattern's own exercises; an answer rule after every pattern, before balance and base.
PATTERN_RULE_OFFSET = 9
ANSWER_RULE_PRIORITY = 200


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class SelectionRule(_Strict):
    exercise: str
    intent: Intent
    patterns: list[str] = []
    symptoms: list[Symptom] = []
    equipment: list[str] = []
    weaker_side: bool = False
    unless_patterns: list[str] = []
    text: str = Field(min_length=10)  # may say {side}: the weaker side
    sources: list[str] = Field(min_length=1)


class Selection(_Strict):
    rule: list[SelectionRule] = Field(min_length=1)


@cache
def selection_rules() -> tuple[SelectionRule, ...]:
    text = (resources.files("hipalign.core.planning") / "selection.toml").read_text("utf-8")
    return tuple(Selection.model_validate(tomllib.loads(text)).rule)


def selection_problems(
    library: Library, rules: tuple[SelectionRule, ...] | None = None
) -> list[str]:
    """Problems of selection.toml (or `rules`) against the library and vocabularies, for
    `hipalign library validate`."""
    problems: list[str] = []
    for i, r in enumerate(selection_rules() if rules is None else rules):
        where = f"planning selection: rule {i + 1} ({r.exercise})"
        if r.exercise not in library:
            problems.append(f"{where}: {r.exercise!r} is not an exercise of the library")
        elif r.intent not in library[r.exercise].intent:
            problems.append(f"{where}: the exercise does not list intent {r.intent!r}")
        for pid in (*r.patterns, *r.unless_patterns):
            if pid not in PATTERN_INFO:
                problems.append(f"{where}: {pid!r} is not a pattern id")
        for item in r.equipment:
            if item not in EQUIPMENT:
                problems.append(f"{where}: {item!r} is not an equipment id")
        if not (r.patterns or r.symptoms or r.equipment or r.weaker_side):
            problems.append(
                f"{where}: needs a trigger (patterns, symptoms, equipment, weaker_side)"
            )
        problems += check_ids(r.sources, f"{where}: sources")
    return problems


def _fires(r: SelectionRule, intake: Intake, weaker: Side | None) -> bool:
    return (
        bool(set(r.symptoms) & set(intake.symptoms))
        or bool(r.equipment and set(r.equipment) <= set(intake.equipment))
        or (r.weaker_side and weaker is not None)
    )


class RuleNeed(_Strict):
    """One need a rule gives: the exercise, its intent, priority and reason, and the pattern it
    joins (None for a rule an answer switched on)."""

    exercise: str
    intent: Intent
    priority: int
    text: str  # the rule's reason; the planner puts the pattern's words before it
    refs: tuple[str, ...]
    pattern: Pattern | None = None

    @property
    def source(self) -> str:
        return cite_all(self.refs)


def rule_needs(
    intake: Intake, patterns: list[Pattern], ranks: Mapping[str, int], weaker: Side | None
) -> list[RuleNeed]:
    """The needs the selection rules give for this intake, in rule order.

    `ranks`: pattern id -> its rank among the found patterns (0 first), as the planner orders
    them; a pattern rule follows its pattern."""
    found = {p.id for p in patterns}
    needs: list[RuleNeed] = []
    for i, r in enumerate(selection_rules()):
        if found & set(r.unless_patterns):
            continue
        text = r.text.replace("{side}", weaker or "weaker")
        for p in patterns:
            if p.id in r.patterns:
                needs.append(
                    RuleNeed(
                        exercise=r.exercise,
                        intent=r.intent,
                        priority=ranks[p.id] * 10 + PATTERN_RULE_OFFSET,
                        text=text,
                        refs=(*p.refs, *r.sources),
                        pattern=p,
                    )
                )
        if _fires(r, intake, weaker):
            needs.append(
                RuleNeed(
                    exercise=r.exercise,
                    intent=r.intent,
                    priority=ANSWER_RULE_PRIORITY + i,
                    text=text,
                    refs=tuple(r.sources),
                )
            )
    return needs
