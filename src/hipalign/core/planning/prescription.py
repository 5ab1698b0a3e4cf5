"""A clinician's prescription: start from a plan, change exercises, doses, sides and days.

The seeds leave prescribing to a professional; the core's safety rules still apply to what they
prescribe. An exercise the intake rules out (`exclusion_reason`) is refused unless the clinician
gives an explicit override reason, which is kept with the plan. Every difference from the base
plan is listed in plain words, so the person sees what changed.
"""

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hipalign.core.errors import InputError, describe
from hipalign.core.intake import Intake
from hipalign.core.library import Exercise, Library, default_library
from hipalign.core.planning.constraints import constraints_for, exclusion_reason
from hipalign.core.planning.document import Day, Dose, Item, PlanBody, PlanDocument, Why
from hipalign.core.planning.planner import (
    POSITION_ORDER,
    SESSION_ORDER,
    day_script,
    item_notes,
    script_item,
)
from hipalign.core.screening.rules import Reason, Referral, screen
from hipalign.core.session_script import SideDose, item_seconds
from hipalign.core.vocab import LOAD_NEEDS, SIDES, WEEKDAYS, Load, Side, Weekday
from hipalign.core.words import change_words, dose_words

CLINICIAN_SOURCE = "your clinician's prescription"
MAX_ITEMS = 30
MAX_REASON = 300


class _Rx(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PrescribedItem(_Rx):
    exercise: str = Field(min_length=1, max_length=64)
    # left/right: that side only; both: each side (per-side exercises); None: bilateral or trunk
    side: Literal["left", "right", "both"] | None
    sets: int = Field(ge=1, le=10)
    reps: int = Field(ge=1, le=50)
    hold_s: int = Field(ge=0, le=300)  # seconds per hold; 0 for repetition exercises
    days: list[Weekday] = Field(min_length=1, max_length=7)
    # Needed when the intake rules the exercise out: why the clinician prescribes it anyway.
    override_reason: str | None = Field(default=None, max_length=MAX_REASON)

    @field_validator("days")
    @classmethod
    def _distinct_days(cls, days: list[Weekday]) -> list[Weekday]:
        if len(set(days)) != len(days):
            raise ValueError("give each weekday once")
        return days


class Prescription(_Rx):
    items: list[PrescribedItem] = Field(min_length=1, max_length=MAX_ITEMS)
    note: str = Field(default="", max_length=1000)  # to the person: what this change is for

    @field_validator("items")
    @classmethod
    def _distinct_exercises(cls, items: list[PrescribedItem]) -> list[PrescribedItem]:
        seen: set[str] = set()
        for it in items:
            if it.exercise in seen:
                raise ValueError(f"{it.exercise} is listed twice; give it once with its days")
            seen.add(it.exercise)
        return items


class Override(_Rx):
    exercise: str
    rule: str  # what the core's safety check said
    reason: str  # the clinician's reason


class Change(_Rx):
    kind: Literal["added", "removed", "dose", "side", "days"]
    exercise: str
    text: str


class Prescribed(_Rx):
    document: PlanDocument
    changes: list[Change]
    overrides: list[Override]


def prescription_from(doc: PlanDocument) -> Prescription | None:
    """The plan as an editable prescription (None when the plan is withheld)."""
    if doc.plan is None:
        return None
    order: list[str] = []
    first: dict[str, Item] = {}
    days: dict[str, list[Weekday]] = {}
    for day in doc.plan.days:
        for it in day.items:
            if it.exercise not in first:
                order.append(it.exercise)
                first[it.exercise] = it
                days[it.exercise] = []
            if day.day not in days[it.exercise]:
                days[it.exercise].append(day.day)
    return Prescription(
        items=[
            PrescribedItem(
                exercise=ex,
                side=first[ex].side,
                sets=first[ex].sets,
                reps=first[ex].reps,
                hold_s=first[ex].hold_s,
                days=days[ex],
            )
            for ex in order
        ]
    )


def _nearest_rung(ex: Exercise, sets: int, reps: int, hold_s: int, equipment: Iterable[str]) -> int:
    """The ladder rung closest to a prescribed dose, so progression carries on from there.

    Only rungs whose load the person has (ankle weights) count, as in the planner and the
    progression: a dose of 2 x 10 must not turn into the ankle-weight rung of the same numbers.
    """
    have = set(equipment)
    usable = [
        r for r in range(len(ex.ladder)) if LOAD_NEEDS.get(ex.ladder[r].load, "") in ("", *have)
    ] or [0]
    return min(
        usable,
        key=lambda r: (
            abs(ex.ladder[r].hold_s - hold_s)
            + abs(ex.ladder[r].reps - reps) * 3
            + abs(ex.ladder[r].sets - sets) * 5,
            r,
        ),
    )


def _side_field(ex: Exercise, rx: PrescribedItem) -> Literal["left", "right", "both"] | None:
    """The item's `side` as the planner writes it: alternating moves are "both", bilateral None."""
    if ex.sidedness == "per_side":
        return rx.side
    return "both" if ex.sidedness == "alternating" else None


def _lead(ex: Exercise, rx: PrescribedItem, base_lead: Side | None) -> Side | None:
    """The side done first: the only side when one is prescribed, else the plan's weaker side."""
    if ex.sidedness == "bilateral":
        return None
    if ex.sidedness == "per_side" and rx.side in SIDES:
        return rx.side
    return base_lead


def _sides(ex: Exercise, rx: PrescribedItem, lead: Side | None) -> list[Side | None]:
    if ex.sidedness != "per_side" or rx.side is None:
        return [None]
    if rx.side in SIDES:
        return [rx.side]
    first: Side = lead or "left"
    return [first, "right" if first == "left" else "left"]


def _dose_text(it: Item | PrescribedItem, kind: str) -> str:
    return dose_words(kind=kind, sets=it.sets, reps=it.reps, hold_s=it.hold_s)


def _same_dose(a: Item | PrescribedItem, b: Item | PrescribedItem) -> bool:
    return (a.sets, a.reps, a.hold_s) == (b.sets, b.reps, b.hold_s)


def _fmt_days(days: Iterable[Weekday]) -> str:
    return ", ".join(d.capitalize() for d in sorted(days, key=WEEKDAYS.index))


def _side_text(side: str | None) -> str:
    if side in SIDES:
        return f"the {side} side only"
    return "each side" if side == "both" else "both together"


def _check(rx: Prescription, intake: Intake, lib: Library) -> tuple[list[str], list[Override]]:
    problems: list[str] = []
    overrides: list[Override] = []
    c = constraints_for(intake)
    for i, it in enumerate(rx.items):
        where = f"items[{i}]"
        ex = lib.get(it.exercise)
        if ex is None:
            problems.append(f"{where}.exercise: {it.exercise!r} is not in the library")
            continue
        if ex.sidedness == "per_side" and it.side is None:
            problems.append(f"{where}.side: {ex.name} is done per side: give left, right or both")
        if ex.sidedness != "per_side" and it.side in ("left", "right"):
            problems.append(
                f"{where}.side: {ex.name} works both sides together: give both or nothing"
            )
        if ex.dose.kind == "hold" and it.hold_s == 0:
            problems.append(f"{where}.hold_s: {ex.name} is a hold: give 1-300 seconds")
        why_not = exclusion_reason(ex, c)
        if why_not is None:
            continue
        reason = (it.override_reason or "").strip()
        if not reason:
            problems.append(
                f"{where}.override_reason: {ex.name} {why_not}; to prescribe it anyway, "
                "give your reason (it is recorded and shown to the person)"
            )
            continue
        overrides.append(Override(exercise=ex.id, rule=f"{ex.name} {why_not}", reason=reason))
    return problems, overrides


def _load_and_rung(
    ex: Exercise, rx: PrescribedItem, base: Item | None, intake: Intake, *, same_dose: bool
) -> tuple[Load, int]:
    """The load and ladder rung of the prescribed dose."""
    if base is not None and same_dose:
        # An unchanged dose keeps the plan's load and rung (the planner may have adapted the
        # ladder dose, and two rungs can share numbers with different loads).
        load = base.load
        rung = (
            next(iter(base.dose_by_side.values())).rung
            if base.dose_by_side
            else _nearest_rung(ex, rx.sets, rx.reps, rx.hold_s, intake.equipment)
        )
    else:
        rung = _nearest_rung(ex, rx.sets, rx.reps, rx.hold_s, intake.equipment)
        load = ex.ladder[rung].load
    return load, rung


def _clinician_whys(
    ex: Exercise,
    rx: PrescribedItem,
    base: Item | None,
    side: Literal["left", "right", "both"] | None,
    *,
    same_dose: bool,
) -> list[Why]:
    """The plan's reasons for the item, with the clinician's changes said in place of the
    planner's reasons they replace."""
    whys: list[Why] = list(base.why) if base is not None else []
    if not same_dose:
        # The planner's dose reasons (age, equipment) no longer explain a dose the clinician set.
        whys = [w for w in whys if w.kind != "dose"]
        whys.append(
            Why(
                kind="clinician",
                text=f"Dose set by your clinician: {_dose_text(rx, ex.dose.kind)}.",
                source=CLINICIAN_SOURCE,
            )
        )
    if base is not None and base.side != side:
        whys = [w for w in whys if w.kind != "lead_side"]
        whys.append(
            Why(
                kind="clinician",
                text=f"Side set by your clinician: {side or 'both together'}.",
                source=CLINICIAN_SOURCE,
            )
        )
    if base is None:
        whys.insert(
            0,
            Why(
                kind="clinician",
                text=f"Added by your clinician ({ex.summary.rstrip('.')}).",
                intent=ex.intent[0],
                source=CLINICIAN_SOURCE,
            ),
        )
    return whys


def _item(
    ex: Exercise, rx: PrescribedItem, base: Item | None, intake: Intake, override: Override | None
) -> Item:
    side = _side_field(ex, rx)
    lead = _lead(ex, rx, base.lead_side if base is not None else None)
    sides = _sides(ex, rx, lead)
    same_dose = base is not None and _same_dose(base, rx)
    load, rung = _load_and_rung(ex, rx, base, intake, same_dose=same_dose)
    dose = Dose(sets=rx.sets, reps=rx.reps, hold_s=rx.hold_s, load=load, rung=rung)
    # An unchanged dose keeps the plan's per-side doses (the weaker side's extra set).
    kept = (
        base.dose_by_side
        if base is not None
        and same_dose
        and base.dose_by_side
        and (base.side, base.lead_side) == (side, lead)
        else {}
    )
    per_side = {s: kept.get(s, dose) for s in sides if s is not None}
    script = script_item(
        ex,
        [
            SideDose(
                side=s,
                sets=per_side[s].sets if s is not None else rx.sets,
                reps=rx.reps,
                hold_s=rx.hold_s,
            )
            for s in sides
        ],
    )
    whys = _clinician_whys(ex, rx, base, side, same_dose=same_dose)
    notes = item_notes(ex, intake)
    if override is not None:
        notes.append(
            f"Your clinician chose this although it {override.rule.removeprefix(ex.name).strip()}; "
            f"their reason: {override.reason}"
        )
    return Item(
        exercise=ex.id,
        name=ex.name,
        side=side,
        lead_side=lead,
        sets=rx.sets,
        reps=rx.reps,
        hold_s=rx.hold_s,
        rest_s=ex.dose.rest_s,
        load=load,
        dose_by_side=per_side or None,
        intent=base.intent if base is not None else ex.intent[0],
        position=ex.position,
        seconds=item_seconds(script),
        why=whys,
        notes=notes,
    )


def _changes(
    base: PlanBody, rx: Prescription, items: dict[str, Item], lib: Library
) -> list[Change]:
    before: dict[str, tuple[Item, set[Weekday]]] = {}
    for day in base.days:
        for planned in day.items:
            _, on = before.setdefault(planned.exercise, (planned, set()))
            on.add(day.day)
    out: list[Change] = []
    for new in rx.items:
        name = lib[new.exercise].name
        kind = lib[new.exercise].dose.kind
        old = before.get(new.exercise)
        if old is None:
            one_side = f", {new.side}" if new.side in SIDES else ""
            out.append(
                Change(
                    kind="added",
                    exercise=new.exercise,
                    text=f"Added {name}: {_dose_text(new, kind)}{one_side}, on {_fmt_days(new.days)}.",
                )
            )
            continue
        item, days = old
        if not _same_dose(item, new):
            out.append(
                Change(
                    kind="dose",
                    exercise=new.exercise,
                    text=f"{name}: dose {change_words(_dose_text(item, kind), _dose_text(new, kind))}.",
                )
            )
        side = items[new.exercise].side  # as stored: "both" for alternating, None for bilateral
        if item.side != side:
            out.append(
                Change(
                    kind="side",
                    exercise=new.exercise,
                    text=f"{name}: side {change_words(_side_text(item.side), _side_text(side))}.",
                )
            )
        if days != set(new.days):
            out.append(
                Change(
                    kind="days",
                    exercise=new.exercise,
                    text=f"{name}: days {change_words(_fmt_days(days), _fmt_days(new.days))}.",
                )
            )
    kept = {it.exercise for it in rx.items}
    for ex_id, (item, _) in before.items():
        if ex_id not in kept:
            out.append(Change(kind="removed", exercise=ex_id, text=f"Removed {item.name}."))
    return out


def _base_rank(base: PlanBody) -> dict[str, int]:
    """Each exercise's place in the plan's session order, so a revision keeps the order the
    planner chose (it sorts by intent, then by priority, which the document does not keep).

    Every day lists its items in that one order, so merging the days' orders (a topological
    sort of "comes right before" over all days) recovers it."""
    after: dict[str, set[str]] = {}
    waiting: dict[str, int] = {}
    for day in base.days:
        for it in day.items:
            after.setdefault(it.exercise, set())
            waiting.setdefault(it.exercise, 0)
        for first, then in zip(day.items, day.items[1:], strict=False):
            if then.exercise not in after[first.exercise]:
                after[first.exercise].add(then.exercise)
                waiting[then.exercise] += 1
    ready = sorted(ex for ex, n in waiting.items() if n == 0)
    order: list[str] = []
    while ready:
        ex = ready.pop(0)
        order.append(ex)
        for nxt in sorted(after[ex]):
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                ready.append(nxt)
    if len(order) != len(waiting):  # days disagree (a hand-edited plan): order by intent only
        return {}
    return {ex: i for i, ex in enumerate(order)}


def _sessions_of(base: PlanBody) -> dict[tuple[Weekday, str], tuple[int, ...]]:
    """The sessions of each weekday each exercise was in. A second session on a day (more than 7
    sessions a week) keeps the prescribed exercises it had; an exercise moved to another day goes
    into that day's first session."""
    out: dict[tuple[Weekday, str], tuple[int, ...]] = {}
    for day in base.days:
        for it in day.items:
            out[(day.day, it.exercise)] = (*out.get((day.day, it.exercise), ()), day.session)
    return out


# The contraindication tags each "good to know" reason stands for: the reason's action says the
# plan leaves these out, so an exercise a clinician prescribes over one of them must be named
# there (issue 14.9), or the note would say the plan leaves out what it now holds.
REASON_TAGS: dict[str, frozenset[str]] = {
    "groin_pain_on_test": frozenset(
        {
            "end_range_hip_stretch",
            "end_range_hip_flexion",
            "hip_flexion_adduction_internal_rotation",
        }
    ),
    "lateral_hip_pain_single_leg": frozenset(
        {"lateral_hip_compression", "side_lying", "hip_adduction_past_midline"}
    ),
    "postpartum_early": frozenset({"high_load_trunk", "any_plank", "loaded_trunk_flexion"}),
    "pelvic_girdle_pain_pregnancy": frozenset(
        {"asymmetric_single_leg_load", "wide_stance", "leg_swing"}
    ),
}
# How each reason's action words what the plan leaves out, and the same with "otherwise".
_LEAVES_OUT = (
    ("the plan leaves out", "the plan otherwise leaves out"),
    ("the plan also leaves out", "the plan otherwise also leaves out"),
    ("the plan avoids", "the plan otherwise avoids"),
    ("The plan keeps", "Otherwise the plan keeps"),
)


def referral_after(
    referral: Referral, intake: Intake, overrides: list[Override], lib: Library
) -> Referral:
    """The plan's "good to know" reasons after a clinician set rules aside: each reason whose
    rule an override set aside says "otherwise" and names the exercise and the clinician's
    reason. Derived from the intake's own wording each time, so a later prescription without
    the override reads as the screen wrote it again."""
    fresh = {r.id: r for r in screen(intake).reasons}
    active = constraints_for(intake).tags
    out: list[Reason] = []
    for r in referral.reasons:
        reason = fresh.get(r.id, r)
        tags = REASON_TAGS.get(reason.id, frozenset())
        chosen = [
            o
            for o in overrides
            if o.exercise in lib and tags & active & set(lib[o.exercise].contraindications)
        ]
        if chosen:
            action = reason.action
            for plain, otherwise in _LEAVES_OUT:
                action = action.replace(plain, otherwise)
            for o in chosen:
                action += (
                    f" Your clinician chose {lib[o.exercise].name} for you all the same; "
                    f"their reason: {o.reason.rstrip('.')}."
                )
            reason = reason.model_copy(update={"action": action})
        out.append(reason)
    return referral.model_copy(update={"reasons": out})


def prescribe(
    base: PlanDocument, intake: Intake, raw: object, library: Library | None = None
) -> Prescribed:
    """Apply a prescription (a `Prescription` or its JSON form) to a plan.

    Raises InputError naming each field that is wrong, including every contraindicated choice
    without an override reason; nothing is applied then.
    """
    lib = library or default_library()
    if base.plan is None:
        raise InputError(
            "prescription",
            [
                "plan: this person's plan is withheld by the safety screen; clear the flags "
                "(cleared_by_clinician in an assessment) before prescribing"
            ],
        )
    try:
        rx = raw if isinstance(raw, Prescription) else Prescription.model_validate(raw)
    except ValidationError as exc:
        raise InputError("prescription", describe(exc)) from None
    problems, overrides = _check(rx, intake, lib)
    if problems:
        raise InputError("prescription", problems)
    by_ex = {o.exercise: o for o in overrides}
    base_items = {it.exercise: it for day in base.plan.days for it in day.items}
    items = {
        it.exercise: _item(
            lib[it.exercise], it, base_items.get(it.exercise), intake, by_ex.get(it.exercise)
        )
        for it in rx.items
    }
    rank = _base_rank(base.plan)
    sessions = _sessions_of(base.plan)
    # The base plan's warm-up opens every prescribed session too (none in older documents).
    warm = next((d.warm_up for d in base.plan.days if d.warm_up), None)
    days: list[Day] = []
    for wd in WEEKDAYS:
        for session in (1, 2):
            todays = [
                items[it.exercise]
                for it in rx.items
                if wd in it.days and session in sessions.get((wd, it.exercise), (1,))
            ]
            if not todays:
                continue
            todays.sort(
                key=lambda it: (
                    POSITION_ORDER[it.position],
                    SESSION_ORDER[it.intent],
                    rank.get(it.exercise, len(rank)),
                    it.exercise,
                )
            )
            draft = Day(
                day=wd, session=session, minutes=0, duration_s=0, items=todays, warm_up=warm
            )
            script = day_script(draft, lib)
            days.append(
                draft.model_copy(
                    update={"minutes": round(script.total_s / 60, 1), "duration_s": script.total_s}
                )
            )
    changes = _changes(base.plan, rx, items, lib)
    summary = base.plan.summary
    if "clinician" not in summary:
        summary += " Adjusted by your clinician."
    kept = [lo for lo in base.plan.left_out if lo.exercise not in items]
    body = base.plan.model_copy(update={"days": days, "summary": summary, "left_out": kept})
    referral = referral_after(base.referral, intake, overrides, lib)
    return Prescribed(
        document=base.model_copy(update={"plan": body, "referral": referral}),
        changes=changes,
        overrides=overrides,
    )
