"""Intake -> referral, patterns, and (unless withheld) a weekly plan that explains itself.

Pure and deterministic: the same intake and library always give the same document.
Order of work: screen -> patterns -> needs (pattern -> intent -> exercise) -> constraints and
substitutes -> doses -> days (48 h rule for strength work) -> time budget -> session scripts.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from hipalign.core.assessment import Pattern, find_patterns, lead_side
from hipalign.core.dosing import OLDER_ADULT_AGE, OLDER_ADULT_MIN_REPS, OLDER_ADULT_MIN_STRETCH_S
from hipalign.core.education.coaching import lessons_for, lifestyle_for
from hipalign.core.education.models import LifestyleItem
from hipalign.core.intake import Intake
from hipalign.core.library import Exercise, LadderStep, Library, default_library
from hipalign.core.library.catalog import base_program, pattern_exercises
from hipalign.core.planning.balance import balance_dose, more_balance
from hipalign.core.planning.conditions import (
    PAIN_SOURCE,
    condition_notes,
    condition_summary,
    high_pain_rung,
    pain_swap,
)
from hipalign.core.planning.constraints import (
    Constraints,
    balance_is_poor,
    constraints_for,
    exclusion,
    exclusion_reason,
)
from hipalign.core.planning.document import (
    Day,
    Dose,
    Item,
    LeftOut,
    PlanBody,
    PlanDocument,
    Review,
    WarmUp,
    Why,
)
from hipalign.core.planning.selection import rule_needs
from hipalign.core.planning.sides import only_weaker_side
from hipalign.core.planning.warm_up import warm_up
from hipalign.core.progression import in_sentence
from hipalign.core.references import RULE, cite_all
from hipalign.core.screening.limits import LIMITS
from hipalign.core.screening.rules import screen
from hipalign.core.session_script import (
    Script,
    ScriptItem,
    SideDose,
    build_script,
    item_seconds,
)
from hipalign.core.vocab import LOAD_NEEDS, MUSCLE_GROUP, SIDES, WEEKDAYS, Intent, Side, Weekday
from hipalign.core.words import dose_words, purpose_words

MAX_SETS = 3  # ACSM 2009: 1-3 sets; the weaker side's extra set never goes past it
PLAN_WEEKS = 8  # strength programs need at least 6 weeks (ACSM); the last review is at 6-8
DISCLAIMER = (
    "hipalign is decision support, not a diagnosis. It describes functional patterns with a "
    "confidence level and suggests exercises; a physical therapist or doctor can assess you."
)

# The pattern -> exercise lists (CLINICAL.md section 5) and the balanced base program live in
# the exercise entries (`[[patterns]]`, `[base_program]`), checked by `hipalign library validate`.

# Order within a session: warm up with mobility, then control, strength, and stretch last.
SESSION_ORDER: dict[str, int] = {"mobilize": 0, "control": 1, "strengthen": 2, "stretch": 3}

# Which days of the week hold sessions, spread out; more than 7 adds second sessions.
SESSION_DAYS: dict[int, tuple[Weekday, ...]] = {
    1: ("mon",),
    2: ("mon", "thu"),
    3: ("mon", "wed", "fri"),
    4: ("mon", "tue", "thu", "fri"),
    5: ("mon", "tue", "wed", "fri", "sat"),
    6: ("mon", "tue", "wed", "thu", "fri", "sat"),
    7: WEEKDAYS,
}

REVIEWS: tuple[Review, ...] = (
    Review(
        week=2,
        what="First review: answer the safety questions again and rate your pain and the "
        "activities you chose (NPRS, PSFS) against your start.",
        source=cite_all((RULE,)),
        refs=[RULE],
    ),
    Review(
        week=4,
        what="If pain and function have not moved toward a meaningful change, or are worse, "
        "answer the safety questions again and see a physical therapist.",
        source=cite_all((RULE, "abbott2014")),
        refs=[RULE, "abbott2014"],
    ),
    Review(
        week=6,
        until_week=8,
        what="Without a meaningful change by now (pain down 2 points and 30 %, or your "
        "activities up 2 points), see a physical therapist or doctor.",
        source=cite_all(("ostelo2008", "abbott2014", RULE)),
        refs=["ostelo2008", "abbott2014", RULE],
    ),
)


@dataclass
class _Chosen:
    exercise: Exercise
    intent: Intent
    priority: int
    whys: list[Why] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class _Placed:
    chosen: _Chosen
    item: Item
    script: ScriptItem


def _resolve(
    ex_id: str, library: Library, c: Constraints
) -> tuple[Exercise | None, list[str], tuple[str, ...]]:
    """The exercise itself, or its first allowed substitute (breadth-first), with the reasons
    each skipped one was excluded ("<name> <reason>") and the first reason's references."""
    queue, seen, reasons = [ex_id], {ex_id}, list[str]()
    first_refs: tuple[str, ...] = ()
    while queue:
        ex = library[queue.pop(0)]
        found = exclusion(ex, c)
        if found is None:
            return ex, reasons, first_refs
        reason, refs = found
        first_refs = first_refs or refs
        reasons.append(f"{ex.name} {reason}")
        for sub in ex.substitutes:
            if sub not in seen:
                seen.add(sub)
                queue.append(sub)
    return None, reasons, first_refs


def _needs(
    intake: Intake, patterns: list[Pattern], lib: Library
) -> list[tuple[str, Intent, int, Why, Pattern | None]]:
    needs: list[tuple[str, Intent, int, Why, Pattern | None]] = []
    lists = pattern_exercises(lib)
    # Moderate-confidence patterns come first; the order of find_patterns breaks ties.
    ranked = sorted(enumerate(patterns), key=lambda ip: (ip[1].confidence != "moderate", ip[0]))
    for rank, (_, p) in enumerate(ranked):
        for pos, (ex_id, intent) in enumerate(lists.get(p.id, [])):
            why = Why(
                kind="pattern",
                text=purpose_words(p.text.split(".")[0], intent),
                pattern=p.id,
                intent=intent,
                source=p.source,
                refs=list(p.refs),
            )
            needs.append((ex_id, intent, rank * 10 + pos, why, p))
    # Exercises the answers point to beyond the patterns' lists (planning/selection.toml).
    ranks: dict[str, int] = {p.id: rank for rank, (_, p) in enumerate(ranked)}
    for rn in rule_needs(intake, patterns, ranks, lead_side(intake, patterns)):
        why = Why(
            kind="pattern" if rn.pattern is not None else "answer",
            text=rn.text
            if rn.pattern is None
            else f"{purpose_words(rn.pattern.text.split('.')[0], rn.intent)} {rn.text}",
            pattern=rn.pattern.id if rn.pattern is not None else None,
            intent=rn.intent,
            source=rn.source,
            refs=list(rn.refs),
        )
        needs.append((rn.exercise, rn.intent, rn.priority, why, rn.pattern))
    if (intake.age >= OLDER_ADULT_AGE or balance_is_poor(intake)) and not any(
        p.id == "balance_deficit" for p in patterns
    ):
        # Falls prevention: balance challenge for older adults and poor balance whatever the
        # patterns (Sherrington 2017: programmes that challenge balance, about 3 h a week).
        refs: tuple[str, ...] = ("sherrington2017", "sherrington2020")
        why = Why(
            kind="general",
            text="Balance practice: at your age or with your balance, standing balance work "
            "helps prevent falls. (control)",
            intent="control",
            source=cite_all(refs),
            refs=list(refs),
        )
        needs.append(("single_leg_balance", "control", 500, why, None))
    general_text = (
        "Part of a general balanced program: no functional pattern was found from your answers."
        if not patterns
        else "Part of the balanced base program that rounds out your plan."
    )
    for pos, (ex_id, intent, refs) in enumerate(base_program(lib)):
        why = Why(
            kind="general",
            text=f"{general_text} ({intent})",
            intent=intent,
            source=cite_all(refs),
            refs=list(refs),
        )
        needs.append((ex_id, intent, 1000 + pos, why, None))
    return needs


BAND_REFS = ("seed_hip_exercises_eleven", RULE)


def _band_swap(
    ex: Exercise, library: Library, c: Constraints, intent: Intent
) -> tuple[Exercise, Why | None]:
    """The banded version of the same aim when the person lists a resistance band, lacks a load
    the exercise's ladder needs, and the variant is allowed (issue 14 item 15: equipment the
    person has is used where it serves the same intent and ladder); else the exercise itself.

    With the load at hand (ankle weights) the exercise stays: the band adds nothing there."""
    variant = library.get(ex.band_variant) if ex.band_variant else None
    missing = sorted(
        {need for step in ex.ladder if (need := LOAD_NEEDS.get(step.load))} - c.equipment
    )
    if variant is None or not missing or "resistance_band" not in c.equipment:
        return ex, None
    if exclusion(variant, c):
        return ex, None
    lacking = " and ".join(m.replace("_", " ") for m in missing)
    return variant, Why(
        kind="substitute",
        text=f"Uses your resistance band: {variant.name} works the same muscles as the "
        f"{in_sentence(ex.name)}, and a stronger band adds load later where the "
        f"{in_sentence(ex.name)} would need {lacking}, which you did not list.",
        intent=intent,
        source=cite_all(BAND_REFS),
        refs=list(BAND_REFS),
    )


def _same_family(ex: Exercise, chosen: Iterable[_Chosen]) -> bool:
    """Variants of one exercise name each other as substitutes (e.g. the pelvic tilts)."""
    return any(
        ex.id in ch.exercise.substitutes or ch.exercise.id in ex.substitutes for ch in chosen
    )


@dataclass(frozen=True)
class _Candidate:
    """What stands in the plan for one need: the exercise, and why it is not the one named."""

    exercise: Exercise
    intent: Intent
    band: Why | None  # the banded variant's reason
    swap_why: str  # the pain swap's reason ("" when there was none)
    reasons: list[str]  # why the named exercise and skipped substitutes were excluded
    why_refs: tuple[str, ...]


def _candidate(
    ex_id: str, intent: Intent, why: Why, intake: Intake, library: Library, c: Constraints
) -> _Candidate | LeftOut:
    """The exercise a need gets after exclusions and swaps, or why it is left out."""
    ex, reasons, why_refs = _resolve(ex_id, library, c)
    swap_why = ""
    band: Why | None = None
    if ex is not None:  # with a band, the banded version of the same move (issue 14.15)
        ex, band = _band_swap(ex, library, c, intent)
    if ex is not None:  # high pain: strength work without movement under load (issue 13)
        ex, swap_why = pain_swap(ex, intake, library, lambda e: exclusion_reason(e, c) is None)
        if ex is None:
            return LeftOut(exercise=ex_id, reason=swap_why)
        if swap_why:
            intent = ex.primary_intent
            band = None  # the swap's reason says what stands in now
    if ex is None:
        # Dropped from the patterns' exercises or from the base program: either way the
        # person sees what was left out and why (issue 13 item 15).
        where = " (from the base program)" if why.kind == "general" else ""
        return LeftOut(
            exercise=ex_id,
            reason="; ".join(reasons) + f". No safe substitute in the library{where}.",
        )
    return _Candidate(ex, intent, band, swap_why, reasons, why_refs)


def _substitute_why(ex_id: str, cand: _Candidate, library: Library) -> Why:
    """Why a substitute stands in for the named exercise: the pain swap or the exclusion."""
    swap_why, reasons = cand.swap_why, cand.reasons
    return Why(
        kind="substitute",
        text=swap_why
        or f"Stands in for {library[ex_id].name}, which {reasons[0].removeprefix(library[ex_id].name + ' ')}.",
        intent=cand.intent,
        source=PAIN_SOURCE if swap_why else cite_all(cand.why_refs),
        refs=list(LIMITS.pain.sources) if swap_why else list(cand.why_refs),
    )


def _merge(
    entry: _Chosen,
    ex_id: str,
    priority: int,
    why: Why,
    pattern: Pattern | None,
    cand: _Candidate,
    library: Library,
) -> None:
    """Add one need's priority, reasons and pattern to the exercise already chosen for it."""
    entry.priority = min(entry.priority, priority)
    if why not in entry.whys:
        entry.whys.append(why)
    if pattern is not None and pattern not in entry.patterns:
        entry.patterns.append(pattern)
    if cand.band is not None and cand.band not in entry.whys:
        entry.whys.append(cand.band)
    if cand.exercise.id != ex_id and (cand.swap_why or cand.reasons):
        sub_why = _substitute_why(ex_id, cand, library)
        if sub_why not in entry.whys:
            entry.whys.append(sub_why)


def _choose(
    intake: Intake, patterns: list[Pattern], library: Library, c: Constraints
) -> tuple[list[_Chosen], list[LeftOut]]:
    chosen: dict[str, _Chosen] = {}
    left_out: dict[str, LeftOut] = {}
    for ex_id, intent, priority, why, pattern in _needs(intake, patterns, library):
        cand = _candidate(ex_id, intent, why, intake, library, c)
        if isinstance(cand, LeftOut):
            left_out.setdefault(ex_id, cand)
            continue
        ex = cand.exercise
        if pattern is None and ex.id not in chosen and _same_family(ex, chosen.values()):
            continue  # the base program does not add a variant of an exercise already chosen
        entry = chosen.get(ex.id)
        if entry is None:
            entry = chosen[ex.id] = _Chosen(exercise=ex, intent=cand.intent, priority=priority)
        elif pattern is None:
            continue  # already in the plan for a pattern; the base program adds nothing
        _merge(entry, ex_id, priority, why, pattern, cand, library)
    return sorted(chosen.values(), key=lambda ch: (ch.priority, ch.exercise.id)), list(
        left_out.values()
    )


def _older_adult_rung(ex: Exercise) -> int | None:
    """The first rung from the start that suits an older adult (ACSM: stretches held 30-60 s;
    strength at 10-15 repetitions with a lighter load), or None when the rule does not apply."""
    rungs = range(ex.dose.start, len(ex.ladder))
    if ex.primary_intent == "stretch":
        return next((i for i in rungs if ex.ladder[i].hold_s >= OLDER_ADULT_MIN_STRETCH_S), None)
    if ex.primary_intent == "strengthen" and ex.dose.kind == "reps":
        return next((i for i in rungs if ex.ladder[i].reps >= OLDER_ADULT_MIN_REPS), None)
    return None


def _start_rung(ex: Exercise, c: Constraints) -> int:
    """The seed's starting rung, adjusted for older adults and limited to available load."""
    rung = ex.dose.start
    if c.older_adult:
        rung = _older_adult_rung(ex) or rung
    while rung > 0 and LOAD_NEEDS.get(ex.ladder[rung].load, "") not in ("", *c.equipment):
        rung -= 1
    return rung


def _notes(ex: Exercise, intake: Intake, c: Constraints) -> list[str]:
    notes = []
    if "needs_support_for_balance" in ex.cautions and c.needs_support:
        notes.append("Keep a hand on a sturdy support or wall the whole time.")
    if "gentle_in_pregnancy" in ex.cautions and intake.pregnant:
        notes.append("Move gently and stop short of a strong stretch: no bouncing in pregnancy.")
    if intake.pregnant and "books_or_step" in ex.optional_equipment:
        notes.append("Stand on the floor, not on books or a step, while pregnant.")
    if ex.position == "side_lying" and intake.hip_precautions == "posterior_approach":
        notes.append("Keep a pillow between your knees so the top leg never crosses the midline.")
    if ex.id == "glute_bridge" and intake.hip_precautions == "anterior_approach":
        notes.append(
            "Lift only until shoulders, hips and knees make a straight line, never higher: "
            "the hip must not go past straight after an anterior approach."
        )
    if ex.contraindications and intake.hip_precautions in (
        "posterior_approach",
        "anterior_approach",
    ):
        notes.append("Stay inside the hip precautions your surgeon or therapist gave you.")
    return notes + condition_notes(ex, intake)


def item_notes(ex: Exercise, intake: Intake) -> list[str]:
    """How to do this exercise safely given the intake (also for prescribed items)."""
    return _notes(ex, intake, constraints_for(intake))


def _side_plan(
    ch: _Chosen, weaker: Side | None, only_weaker: bool = False
) -> tuple[list[Side | None], str | None, Side | None]:
    """The sides to train in order, the prescribed `side` field, and the lead side.

    `only_weaker`: the other side is symptom-free, so one-leg strength work led by the weaker
    side trains that side only (seed 001, issue 13 item 12)."""
    ex = ch.exercise
    if ex.sidedness == "bilateral":
        return [None], None, None
    one_sided = {p.side for p in ch.patterns}
    only = next(iter(one_sided)) if len(one_sided) == 1 else None
    if (
        ex.sidedness == "per_side"
        and ex.primary_intent in ("stretch", "mobilize")
        and only in SIDES
    ):
        return [only], only, only
    lead: Side | None = only if only in SIDES else weaker
    if ex.sidedness == "alternating":
        return [None], "both", lead
    if lead is None:
        return ["left", "right"], "both", None
    if only_weaker and lead == weaker and ex.primary_intent == "strengthen":
        return [lead], lead, lead
    return [lead, "right" if lead == "left" else "left"], "both", lead


def script_item(ex: Exercise, doses: list[SideDose]) -> ScriptItem:
    """The script's view of one exercise at the given doses (timings come from the library)."""
    return ScriptItem(
        exercise=ex.id,
        name=ex.name,
        kind=ex.dose.kind,
        sidedness=ex.sidedness,
        rep_s=ex.dose.rep_s,
        rest_s=ex.dose.rest_s,
        rep_rest_s=ex.dose.rep_rest_s,
        doses=doses,
    )


def _lead_why(
    ch: _Chosen,
    lead: Side | None,
    side_field: str | None,
    *,
    for_weakness: bool,
    extra_set: bool,
    step: LadderStep,
) -> Why | None:
    """Why the item starts with (or keeps to) one side, when it does."""
    ex = ch.exercise
    lead_refs = ("seed_hip_exercises_eleven", RULE)
    if lead and side_field == "both" and for_weakness:
        text = f"Start with your {lead} side, the weaker one."
        if extra_set:
            text += f" It gets one set more than the other side ({step.sets + 1} instead of {step.sets})."
        return Why(kind="lead_side", text=text, source=cite_all(lead_refs), refs=list(lead_refs))
    if lead and side_field == "both":
        where = next((p.name.lower() for p in ch.patterns if p.side == lead), "the pattern")
        return Why(
            kind="lead_side",
            text=f"Start with your {lead} side, where the {where} was found.",
            source=cite_all((RULE,)),
            refs=[RULE],
        )
    if lead and for_weakness and ex.primary_intent == "strengthen":
        other = "right" if lead == "left" else "left"
        return Why(
            kind="lead_side",
            text=f"Only your {lead} side, the weaker one: your {other} side has no pain "
            "and no positive test, so it does not need this work.",
            source=cite_all(lead_refs),
            refs=list(lead_refs),
        )
    if lead:
        return Why(
            kind="lead_side",
            text=f"Only the {lead} side, where the pattern was found.",
            source=cite_all((RULE,)),
            refs=[RULE],
        )
    return None


def _build_item(
    ch: _Chosen, intake: Intake, c: Constraints, weaker: Side | None, rung: int
) -> tuple[Item, ScriptItem]:
    ex = ch.exercise
    step = ex.ladder[rung]
    sides, side_field, lead = _side_plan(ch, weaker, only_weaker_side(intake, weaker))
    whys = list(ch.whys)
    # "The weaker one" only when the side leads because it is weaker (issue 13 item 15); a side
    # that leads because a one-sided pattern was found there says so instead.
    for_weakness = lead is not None and lead == weaker
    extra_set = (
        for_weakness
        and side_field == "both"
        and ex.primary_intent == "strengthen"
        and ex.sidedness == "per_side"
        and step.sets < MAX_SETS
    )
    lead_why = _lead_why(
        ch, lead, side_field, for_weakness=for_weakness, extra_set=extra_set, step=step
    )
    if lead_why is not None:
        whys.append(lead_why)
    if rung != ex.dose.start:
        dose_refs = ("acsm2021_stretching",) if ex.primary_intent == "stretch" else ("acsm2009",)
        whys.append(
            Why(
                kind="dose",
                text="Dose adjusted for your age, equipment or pain: "
                + dose_words(kind=ex.dose.kind, sets=step.sets, reps=step.reps, hold_s=step.hold_s)
                + ".",
                source=cite_all(dose_refs),
                refs=list(dose_refs),
            )
        )
    dose = Dose(sets=step.sets, reps=step.reps, hold_s=step.hold_s, load=step.load, rung=rung)
    by_side = {s: dose for s in sides if s is not None} or None
    if extra_set and by_side and lead:
        by_side[lead] = dose.model_copy(update={"sets": step.sets + 1})
    script = script_item(
        ex,
        [
            SideDose(
                side=s,
                sets=by_side[s].sets if by_side and s else step.sets,
                reps=step.reps,
                hold_s=step.hold_s,
            )
            for s in sides
        ],
    )
    item = Item(
        exercise=ex.id,
        name=ex.name,
        side=side_field,
        lead_side=lead,
        sets=by_side[lead].sets if by_side and lead else step.sets,
        reps=step.reps,
        hold_s=step.hold_s,
        rest_s=ex.dose.rest_s,
        load=step.load,
        dose_by_side=by_side,
        intent=ch.intent,
        position=ex.position,
        seconds=item_seconds(script),
        why=whys,
        notes=_notes(ex, intake, c),
    )
    return item, script


def _groups(ex: Exercise) -> set[str]:
    return {MUSCLE_GROUP[m] for m in ex.targets}


def _adjacent(a: Weekday, b: Weekday) -> bool:
    """Consecutive days, counting Sunday -> Monday: the week repeats."""
    return (WEEKDAYS.index(a) - WEEKDAYS.index(b)) % 7 in (1, 6)


def _strength_days(
    groups: set[str],
    wanted: int,
    days: tuple[Weekday, ...],
    group_days: dict[str, set[Weekday]],
    load: dict[Weekday, int],
) -> list[Weekday]:
    """Up to `wanted` days for one strength exercise, never next to another day that trains one
    of its muscle groups (48 h between strength sessions of a group, CLINICAL.md 6)."""
    picked: list[Weekday] = []
    while len(picked) < wanted:

        def allowed(d: Weekday) -> bool:
            taken = set(picked).union(*(group_days.get(g, set()) for g in groups))
            return d not in picked and not any(_adjacent(d, t) for t in taken)

        options = [d for d in days if allowed(d)]
        if not options:
            break
        strength_days = set().union(*group_days.values()) if group_days else set()
        options.sort(
            key=lambda d: (
                0
                if any(d in group_days.get(g, set()) for g in groups)
                else 1
                if d in strength_days
                else 2,
                load[d],
                WEEKDAYS.index(d),
            )
        )
        picked.append(options[0])
    return sorted(picked, key=WEEKDAYS.index)


# Within a session, exercises are grouped by position so nobody goes floor -> standing -> floor:
# standing first (after the warm-up phase), then the chair, then the floor positions, one after
# another, ending lying down (issue 13 item 14). Older adults and people with poor balance
# gain the most: one trip down to the floor and one back up.
POSITION_ORDER: dict[str, int] = {
    "standing": 0,
    "seated_chair": 1,
    "kneeling": 2,
    "quadruped": 3,
    "prone": 4,
    "side_lying": 5,
    "seated_floor": 6,
    "supine": 7,
}


def _more_balance(
    sessions: dict[tuple[Weekday, int], list[_Placed]],
    used: dict[tuple[Weekday, int], int],
    budget: int,
) -> None:
    """Falls prevention (issue 13 item 10): the balance exercise gets the time the sessions have
    left, the same dose in each of its sessions (so progression has one dose to work from)."""
    placed_once = {id(p): p for ps in sessions.values() for p in ps}
    for placed in placed_once.values():
        slots = [slot for slot, ps in sessions.items() if any(p is placed for p in ps)]
        room = min(budget - used[slot] for slot in slots)
        item, script = more_balance(placed.item, placed.script, room)
        if item is placed.item:
            continue
        for slot in slots:
            used[slot] += item.seconds - placed.item.seconds
        placed.item, placed.script = item, script


_Slot = tuple[Weekday, int]  # (day, session of the day)


def _fitting_rung(
    ch: _Chosen, intake: Intake, c: Constraints, weaker: Side | None, budget: int
) -> int | None:
    """The highest rung at or below the start that fits the session alone."""
    rung = high_pain_rung(_start_rung(ch.exercise, c), intake)
    return next(
        (
            r
            for r in range(rung, -1, -1)
            if _build_item(ch, intake, c, weaker, r)[0].seconds <= budget
        ),
        None,
    )


def _slots_for(
    ch: _Chosen,
    sessions: dict[_Slot, list[_Placed]],
    used: dict[_Slot, int],
    days: tuple[Weekday, ...],
    group_days: dict[str, set[Weekday]],
) -> list[_Slot]:
    """Strength work on its own spread of first sessions; everything else in every session."""
    if ch.intent != "strengthen":
        return list(sessions)
    ex = ch.exercise
    high = ex.dose.days_per_week[1]
    load = {d: used[(d, 1)] for d in days}
    targets = _strength_days(_groups(ex), min(high, len(days)), days, group_days, load)
    return [(d, 1) for d in targets]


def _place(
    placed: _Placed,
    slots: list[_Slot],
    sessions: dict[_Slot, list[_Placed]],
    used: dict[_Slot, int],
    budget: int,
    group_days: dict[str, set[Weekday]],
) -> bool:
    """Put the item into each slot with time left for it; whether any took it."""
    ch, seconds = placed.chosen, placed.item.seconds
    placed_any = False
    for slot in slots:
        if used[slot] + seconds <= budget:
            sessions[slot].append(placed)
            used[slot] += seconds
            placed_any = True
            if ch.intent == "strengthen":
                for g in _groups(ch.exercise):
                    group_days.setdefault(g, set()).add(slot[0])
    return placed_any


def _days_of(sessions: dict[_Slot, list[_Placed]], warm: WarmUp) -> list[Day]:
    """The sessions that hold anything, as plan days, each in position order."""
    out: list[Day] = []
    for (day, session), placed_items in sorted(
        sessions.items(), key=lambda kv: (kv[0][1], WEEKDAYS.index(kv[0][0]))
    ):
        if not placed_items:
            continue
        placed_items.sort(
            key=lambda p: (
                POSITION_ORDER[p.item.position],
                SESSION_ORDER[p.chosen.intent],
                p.chosen.priority,
                p.item.exercise,
            )
        )
        day_script = build_script([p.script for p in placed_items], warm.moves)
        out.append(
            Day(
                day=day,
                session=session,
                minutes=round(day_script.total_s / 60, 1),
                duration_s=day_script.total_s,
                items=[p.item for p in placed_items],
                warm_up=warm,
            )
        )
    out.sort(key=lambda d: (WEEKDAYS.index(d.day), d.session))
    return out


def _schedule(
    chosen: list[_Chosen],
    intake: Intake,
    c: Constraints,
    weaker: Side | None,
    lib: Library | None = None,
) -> tuple[list[Day], list[LeftOut]]:
    # Every session opens with the warm-up (issue 13 item 14); its time is part of the session,
    # so the exercises get what is left (the shortest session, 5 minutes, keeps half of it).
    warm = warm_up()
    budget = intake.minutes_per_session * 60 - warm.seconds
    days = SESSION_DAYS[min(intake.sessions_per_week, 7)]
    extra = max(0, intake.sessions_per_week - 7)  # second sessions: no strength work in them
    left_out: list[LeftOut] = []
    sessions: dict[_Slot, list[_Placed]] = {(d, 1): [] for d in days}
    for d in WEEKDAYS[:extra]:
        sessions[(d, 2)] = []
    used: dict[_Slot, int] = dict.fromkeys(sessions, 0)
    group_days: dict[str, set[Weekday]] = {}

    for ch in chosen:
        ex = ch.exercise
        fit = _fitting_rung(ch, intake, c, weaker, budget)
        if fit is None:
            left_out.append(
                LeftOut(
                    exercise=ex.id,
                    reason=f"{ex.name} does not fit in {intake.minutes_per_session} minutes.",
                )
            )
            continue
        item, script = _build_item(ch, intake, c, weaker, fit)
        placed = _Placed(chosen=ch, item=item, script=script)
        slots = _slots_for(ch, sessions, used, days, group_days)
        if not _place(placed, slots, sessions, used, budget, group_days):
            left_out.append(
                LeftOut(
                    exercise=ex.id,
                    reason=f"{ex.name} did not fit in the time you have; add minutes to include it.",
                )
            )

    if c.older_adult or balance_is_poor(intake):
        _more_balance(sessions, used, budget)
    return _days_of(sessions, warm), left_out


def day_script_items(day: Day, library: Library | None = None) -> list[ScriptItem]:
    """Rebuild the script items of a plan day (for players and the `session` command)."""
    lib = library or default_library()
    items = []
    for it in day.items:
        ex = lib[it.exercise]
        if it.dose_by_side:
            order = [it.lead_side] if it.lead_side else []
            order += [s for s in SIDES if s in it.dose_by_side and s not in order]
            doses = [
                SideDose(
                    side=s,
                    sets=it.dose_by_side[s].sets,
                    reps=it.dose_by_side[s].reps,
                    hold_s=it.dose_by_side[s].hold_s,
                )
                for s in order
                if s is not None
            ]
        else:
            doses = [SideDose(side=None, sets=it.sets, reps=it.reps, hold_s=it.hold_s)]
        items.append(script_item(ex, doses))
    return items


def day_script(day: Day, library: Library | None = None) -> Script:
    """The session script of a plan day: its warm-up (when the plan has one), then its items."""
    return build_script(day_script_items(day, library), day.warm_up.moves if day.warm_up else None)


# Stretches the seed gives daily (knees to chest, the seated straddle stretch), and their
# variants: offered on the days without a session when they are in the plan (issue 13 item 13).
DAILY_STRETCHES: tuple[str, ...] = (
    "knee_to_chest",
    "seated_knee_to_chest",
    "seated_straddle_stretch",
)
BALANCE_HABIT_REFS = ("sherrington2017", "sherrington2020", RULE)


def daily_habits(intake: Intake, days: list[Day], lib: Library) -> list[LifestyleItem]:
    """A daily standing balance habit (older adults, poor balance) and the seed's daily stretches
    on the days without a session, as checkable habits."""
    items: list[LifestyleItem] = []
    planned = {it.exercise for d in days for it in d.items}
    session_days = {d.day for d in days}
    free_days = 7 - len(session_days)
    if (intake.age >= OLDER_ADULT_AGE or balance_is_poor(intake)) and (
        "single_leg_balance" in planned
    ):
        items.append(
            LifestyleItem(
                id="daily_balance",
                kind="drills",
                title="Daily balance practice",
                reason=(
                    "Falls are best prevented by balance practice adding up to about 3 hours a "
                    "week: every day, while the kettle boils or you brush your teeth, stand on "
                    "one leg holding the counter, a few times each side."
                ),
                moves=["single_leg_balance"],
                checklist=["Balance practice done today, holding something sturdy"],
                per_week=7,
                lesson="gait_and_walking",
                source=cite_all(BALANCE_HABIT_REFS),
            )
        )
    stretches = [e for e in DAILY_STRETCHES if e in planned]
    if stretches and free_days > 0:
        names = " and ".join(lib[e].name.lower() for e in stretches)
        items.append(
            LifestyleItem(
                id="daily_stretches",
                kind="drills",
                title="Daily stretches",
                reason=(
                    f"The source gives {names} daily: on the days without a session, do them "
                    "once, at the dose in your plan."
                ),
                moves=stretches,
                checklist=["Daily stretches done"],
                per_week=free_days,
                lesson="common_causes",
                source=cite_all(("seed_hip_exercises_eleven", "acsm2021_stretching")),
            )
        )
    return items


def _side_report(intake: Intake, patterns: list[Pattern]) -> str:
    """Names a reported weaker side that the tests contradict; the measured finding wins."""
    said = intake.findings.weaker_side
    measured = next(
        (p.side for p in patterns if p.id == "abductor_weakness" and p.side in SIDES), None
    )
    if said in SIDES and measured is not None and said != measured:
        return (
            f" You said your {said} side feels weaker, but the standing test found the "
            f"{measured} hip muscles weaker; the plan follows the test and starts with the "
            f"{measured} side."
        )
    return ""


def generate_plan(intake: Intake, library: Library | None = None) -> PlanDocument:
    lib = library or default_library()
    referral = screen(intake)
    patterns = find_patterns(intake)
    if referral.plan_withheld:
        return PlanDocument(
            disclaimer=DISCLAIMER,
            referral=referral,
            patterns=patterns,
            plan=None,
            lessons=lessons_for(intake, patterns),
        )
    c = constraints_for(intake)
    chosen, left_out = _choose(intake, patterns, lib, c)
    weaker = lead_side(intake, patterns)
    days, unfit = _schedule(chosen, intake, c, weaker, lib)
    basis = "patterns" if patterns else "general"
    # "Weaker side leading" only when a side does lead because it is weaker (issue 13 item 15).
    weaker_leads = weaker is not None and any(
        it.lead_side == weaker for d in days for it in d.items
    )
    summary = (
        f"{len(patterns)} functional pattern{'' if len(patterns) == 1 else 's'} found; the plan works on them first"
        + (f", your weaker {weaker} side leading." if weaker_leads else ".")
        if patterns
        else "No functional pattern was found, so this is a general balanced program."
        + (f" One-leg exercises start with your weaker {weaker} side." if weaker_leads else "")
    )
    summary += _side_report(intake, patterns)
    if weaker is not None and any(
        it.side == weaker and it.intent == "strengthen" for d in days for it in d.items
    ):
        other = "right" if weaker == "left" else "left"
        summary += (
            f" One-leg strength work trains only your weaker {weaker} side: your {other} side "
            "has no pain and no positive test."
        )
    summary += condition_summary(intake)
    if intake.sessions_per_week < 2:
        summary += " With one session a week strength gains are slow; 2-3 sessions are advised."
    return PlanDocument(
        disclaimer=DISCLAIMER,
        referral=referral,
        patterns=patterns,
        plan=PlanBody(
            weeks=PLAN_WEEKS,
            basis=basis,
            summary=summary,
            days=days,
            reviews=list(REVIEWS),
            left_out=left_out + unfit,
            lifestyle=lifestyle_for(intake, patterns, lib) + daily_habits(intake, days, lib),
            balance=balance_dose(days) if c.older_adult or balance_is_poor(intake) else None,
        ),
        lessons=lessons_for(intake, patterns),
    )
