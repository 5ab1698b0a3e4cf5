"""The balance dose of older adults and people with poor balance (issue 13 item 10).

The falls-prevention evidence (Sherrington 2017) points to about 3 hours a week of balance
challenge overall. The sessions give what their time budget allows: the planner adds sets, then
holds, to the balance exercise while the session still fits, and the plan says in plain words
how many minutes a week that is against the target. The data (target, which exercises count,
the limits) is in balance.toml, package data read once.
"""

import tomllib
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from hipalign.core.planning.document import BalanceDose, Day, Item, Why
from hipalign.core.references import check_ids, cite_all
from hipalign.core.session_script import ScriptItem, item_seconds


class BalanceRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    target_minutes_per_week: int = Field(ge=1, le=1000)
    exercises: list[str] = Field(min_length=1)
    max_sets: int = Field(ge=1, le=3)  # the control/hold guideline range (dosing.py)
    max_holds: int = Field(ge=1, le=5)
    sources: list[str] = Field(min_length=1)


@cache
def balance_rule() -> BalanceRule:
    text = (resources.files("hipalign.core.planning") / "balance.toml").read_text("utf-8")
    rule = BalanceRule.model_validate(tomllib.loads(text))
    problems = check_ids(rule.sources, "balance.toml sources")
    if problems:
        raise ValueError("; ".join(problems))
    return rule


def _doses(item: Item, script: ScriptItem, sets: int, reps: int) -> tuple[Item, ScriptItem]:
    """The same item and script at `sets` x `reps` on every side."""
    new_script = script.model_copy(
        update={"doses": [d.model_copy(update={"sets": sets, "reps": reps}) for d in script.doses]}
    )
    by_side = (
        {s: d.model_copy(update={"sets": sets, "reps": reps}) for s, d in item.dose_by_side.items()}
        if item.dose_by_side
        else None
    )
    new_item = item.model_copy(
        update={
            "sets": sets,
            "reps": reps,
            "dose_by_side": by_side,
            "seconds": item_seconds(new_script),
        }
    )
    return new_item, new_script


def more_balance(item: Item, script: ScriptItem, room_s: int) -> tuple[Item, ScriptItem]:
    """The balance item with as many more sets (then holds per set) as `room_s` more seconds
    allow, within the rule's limits; unchanged when nothing more fits or it is no balance work."""
    rule = balance_rule()
    if item.exercise not in rule.exercises or item.reps < 1:
        return item, script
    best = (item, script)
    for sets in range(item.sets, max(item.sets, rule.max_sets) + 1):
        reps_options = [item.reps] if sets < rule.max_sets else range(item.reps, rule.max_holds + 1)
        for reps in reps_options:
            if (sets, reps) == (item.sets, item.reps):
                continue
            cand = _doses(item, script, sets, reps)
            if cand[0].seconds - item.seconds <= room_s:
                best = cand
    if best[0] is item:
        return best
    rule_refs = list(rule.sources)
    text = (
        f"More balance practice where your time allows: {best[0].sets} "
        f"set{'s' if best[0].sets > 1 else ''} of {best[0].reps} holds"
        + (" on each leg" if item.dose_by_side else "")
        + ", toward about 3 hours a week of balance challenge that best prevents falls."
    )
    why = Why(kind="dose", text=text, source=cite_all(rule_refs), refs=rule_refs)
    return best[0].model_copy(update={"why": [*best[0].why, why]}), best[1]


def balance_dose(days: list[Day]) -> BalanceDose | None:
    """How many minutes of balance practice the week's sessions give, against the target, in
    plain words; None when no session holds balance work."""
    rule = balance_rule()
    items = [it for d in days for it in d.items if it.exercise in rule.exercises]
    seconds = sum(it.seconds for it in items)
    if seconds == 0:
        return None
    at_most = all(it.sets >= rule.max_sets and it.reps >= rule.max_holds for it in items)
    minutes = round(seconds / 60)
    target = rule.target_minutes_per_week
    hours = f"{target / 60:g} hour{'' if target == 60 else 's'}"
    if seconds >= target * 60:
        text = (
            f"Your sessions give about {minutes} minutes of balance practice a week, which "
            f"meets the target of about {hours} a week of balance challenge that best "
            "prevents falls."
        )
    else:
        share = max(1, round(100 * seconds / (target * 60)))
        text = (
            f"Your sessions give about {minutes} minutes of balance practice a week: about "
            f"{share} % of the {hours} a week of balance challenge that best prevents falls. "
            "The daily balance practice, and standing and walking in daily life, make up the "
            "rest."
            + ("" if at_most else " More minutes per session would let the sessions give more.")
        )
    return BalanceDose(
        minutes_per_week=round(seconds / 60, 1),
        target_minutes_per_week=target,
        text=text,
        source=cite_all(rule.sources),
        refs=list(rule.sources),
    )
