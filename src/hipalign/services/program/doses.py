"""Current doses: the dose each exercise and side is at now, from the last decisions, and
the table that keeps it (rebuilt from the logs when a log is deleted)."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from hipalign.adapters.db.models import (
    CurrentDose,
    DecisionRecord,
    PlanRecord,
)
from hipalign.core.i18n import SOURCE_LANGUAGE
from hipalign.core.library import Exercise, default_library
from hipalign.core.library.model import LadderStep
from hipalign.core.planning.document import Item, PlanDocument
from hipalign.core.progression import (
    Decision,
    dose_at_rung,
)
from hipalign.core.vocab import Side
from hipalign.core.words import decision_words, dose_words
from hipalign.services.program import plans


def decision_text(d: Decision) -> str:
    """A progression decision and its next dose in the product's words ("Step up: next time
    3 × 12"), for the player and the API (issue 14.7: no client rebuilds dose wording)."""
    ex = default_library().get(d.exercise)
    dose = dose_words(
        kind=ex.dose.kind if ex else "reps",
        sets=d.dose.sets,
        reps=d.dose.reps,
        hold_s=d.dose.hold_s,
        load=d.dose.load,
    )
    return decision_words(d.action, dose)


@dataclass(frozen=True)
class SideNow:
    side: Side | None
    rung: int
    sets: int
    reps: int
    hold_s: int
    load: str
    action: str | None  # the last decision for this side, if any
    reasons: list[str]
    review_suggested: bool


@dataclass(frozen=True)
class ItemNow:
    item: Item
    exercise: Exercise
    sides: list[SideNow]


def _latest_decisions(
    user: User, exercises: list[str] | None = None
) -> dict[tuple[str, str | None], DecisionRecord]:
    """The newest decision per exercise and side (CurrentDose points at it)."""
    qs = CurrentDose.objects.filter(user_id=user.pk).select_related("decision")
    if exercises is not None:
        qs = qs.filter(exercise_id__in=exercises)
    return {(c.exercise_id, c.side or None): c.decision for c in qs}


def current_dose_set(user: User, decision: DecisionRecord) -> None:
    """Point the exercise and side at its newest decision (call inside the decision's transaction)."""
    CurrentDose.objects.update_or_create(
        user=user,
        exercise_id=decision.exercise_id,
        side=decision.side or "",
        defaults={"decision": decision},
    )


def current_dose_rebuild(user: User) -> int:
    """Rebuild CurrentDose from the decision history (after an import or a bulk load)."""
    newest = (
        DecisionRecord.objects.filter(user_id=user.pk)
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("exercise_id"), F("side")],
                order_by=[F("created_at").desc()],
            )
        )
        .filter(n=1)
    )
    with transaction.atomic():
        CurrentDose.objects.filter(user_id=user.pk).delete()
        rows = [
            CurrentDose(user=user, exercise_id=d.exercise_id, side=d.side or "", decision=d)
            for d in newest
        ]
        CurrentDose.objects.bulk_create(rows)
    return len(rows)


Planned = tuple[Side | None, int, int, int, int, str]


def _planned_doses(item: Item, ex: Exercise) -> list[Planned]:
    """(side, rung, sets, reps, hold_s, load) as planned, the lead side first; the planner may
    have adapted the ladder dose (older adults: longer holds, more reps; the weaker side: one
    more set; balance: more sets), which dose_at_rung carries across decisions."""
    if not item.dose_by_side:
        return [(None, _planned_rung(item, ex), item.sets, item.reps, item.hold_s, item.load)]
    order = [item.lead_side] if item.lead_side else []
    order += [s for s in item.dose_by_side if s not in order]
    return [
        (s, d.rung, d.sets, d.reps, d.hold_s, d.load)
        for s in order
        if s is not None
        for d in [item.dose_by_side[s]]
    ]


def _dose_after(
    planned: Planned, ex: Exercise, decided_rung: int
) -> tuple[int, int, int, int, str]:
    """(rung, sets, reps, hold_s, load) once a decision moved this side to `decided_rung`."""
    _, rung, sets, reps, hold_s, _load = planned
    planned_step = ex.ladder[min(rung, len(ex.ladder) - 1)]
    rung = min(decided_rung, len(ex.ladder) - 1)
    step = ex.ladder[rung]
    sets, reps, hold_s = dose_at_rung(
        planned=(sets, reps, hold_s), planned_step=planned_step, step=step
    )
    return rung, sets, reps, hold_s, step.load


def _item_now(
    item: Item, ex: Exercise, latest: dict[tuple[str, str | None], DecisionRecord]
) -> ItemNow:
    sides: list[SideNow] = []
    # The plan's numbers are used until a progression decision moves the side to a ladder rung.
    for planned in _planned_doses(item, ex):
        side, rung, sets, reps, hold_s, load = planned
        dec = latest.get((ex.id, side))
        if dec is not None:
            rung, sets, reps, hold_s, load = _dose_after(planned, ex, dec.rung)
        sides.append(
            SideNow(
                side=side,
                rung=rung,
                sets=sets,
                reps=reps,
                hold_s=hold_s,
                load=load,
                action=dec.action if dec else None,
                reasons=list(dec.reasons) if dec else [],
                review_suggested=bool(dec and dec.review_suggested),
            )
        )
    return ItemNow(item=item, exercise=ex, sides=sides)


def _persons_dose(plan: PlanRecord | None, decision: Decision) -> Decision:
    """The decision with the person's own next dose (the plan's additions carried to the new
    rung), so the player's "next time" line says what Today will show; the ladder's dose when
    the exercise is not in the current plan."""
    if plan is None:
        return decision
    doc = plans.plan_document(plan)
    ex = default_library().get(decision.exercise)
    items = [
        it
        for d in (doc.plan.days if doc.plan else [])
        for it in d.items
        if it.exercise == decision.exercise
    ]
    if ex is None or not items:
        return decision
    planned = next((p for p in _planned_doses(items[0], ex) if p[0] == decision.side), None)
    if planned is None:
        return decision
    _, sets, reps, hold_s, load = _dose_after(planned, ex, decision.rung)
    dose = LadderStep(sets=sets, reps=reps, hold_s=hold_s, load=load)  # type: ignore[arg-type]
    return decision.model_copy(update={"dose": dose})


def _planned_rung(item: Item, ex: Exercise) -> int:
    """The planned ladder rung of an item without per-side doses: the plan document gives the
    dose, and the rung is the ladder step with that dose (the planner always picks a step)."""
    for i, step in enumerate(ex.ladder):
        if (step.sets, step.reps, step.hold_s, step.load) == (
            item.sets,
            item.reps,
            item.hold_s,
            item.load,
        ):
            return i
    return ex.dose.start


def plan_items_now(
    user: User, doc: PlanDocument, *, language: str = SOURCE_LANGUAGE
) -> dict[str, ItemNow]:
    """Every exercise of the plan at today's dose (after progression), keyed by exercise id;
    the exercise's words (name, summary, steps, mistakes) in `language` where translated."""
    lib = default_library(language)
    latest = _latest_decisions(user)
    out: dict[str, ItemNow] = {}
    if doc.plan is None:
        return out
    for d in doc.plan.days:
        for it in d.items:
            if it.exercise not in out and it.exercise in lib:
                out[it.exercise] = _item_now(it, lib[it.exercise], latest)
    return out
