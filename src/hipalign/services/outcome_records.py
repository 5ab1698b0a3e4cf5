"""A person's outcome scores in the database: record, baseline, summary with review advice."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User

from hipalign.adapters.db.models import OutcomeRecord, PlanRecord
from hipalign.core.dates import shift
from hipalign.core.errors import InputError
from hipalign.core.outcomes.engine import (
    Change,
    Measure,
    Score,
    change,
    installed,
    not_installed_reason,
    score,
)
from hipalign.core.outcomes.review import OutcomeReview, outcome_review, structural_signs
from hipalign.core.stored import read_intake
from hipalign.services.audit import audit_record
from hipalign.services.outcomes import measure_get, measure_list
from hipalign.services.program import plan_current

# Scores are due at the review points (weeks 2, 4, 6-8) and whenever the person wants.
DUE_WEEKS = (2, 4, 6)
DUE_MEASURES = ("nprs", "psfs")


@dataclass(frozen=True)
class OutcomeView:
    measure: Measure
    # Oldest first, since the current program started. Records follow the intake, not the plan
    # version: a clinician's revision keeps the intake, so it keeps the baseline (issue 5).
    records: list[OutcomeRecord]
    baseline: OutcomeRecord | None
    latest: OutcomeRecord | None
    changes: list[Change]


@dataclass(frozen=True)
class Outcomes:
    plan: PlanRecord | None
    views: list[OutcomeView]
    week: int
    due: bool  # a review point has come and no score was recorded in its week
    review: OutcomeReview | None
    psfs_activities: list[str]  # the baseline's activities, rated again each time


def _as_score(rec: OutcomeRecord) -> Score:
    return Score(
        measure=rec.measure,
        total=rec.total,
        scales=dict(rec.scales),
        items={k: float(v) for k, v in rec.answers.items() if v is not None},
        answered=sum(1 for v in rec.answers.values() if v is not None),
    )


def outcome_record(
    user: User, measure_id: str, answers: dict[str, Any], today: date
) -> OutcomeRecord:
    """Score and store one questionnaire for the current plan; bad answers store nothing."""
    plan = plan_current(user)
    if plan is None or plan.withheld:
        raise InputError("outcome", ["(plan): outcome scores start once you have a plan"])
    measure = measure_get(measure_id)
    if not installed(measure):
        raise InputError("outcome", [not_installed_reason(measure)])
    result = score(measure, answers)
    rec = OutcomeRecord.objects.create(
        user=user,
        plan=plan,
        measure=measure.id,
        performed_on=today,
        answers=result.items,
        total=result.total,
        scales=result.scales,
    )
    audit_record(int(user.pk), "outcome.create", str(rec.id))
    return rec


def outcomes_summary(user: User, today: date) -> Outcomes:
    plan = plan_current(user)
    if plan is None or plan.withheld:
        return Outcomes(plan, [], 0, False, None, [])
    week = (today - plan.starts_on).days // 7 + 1
    records = list(
        OutcomeRecord.objects.filter(user_id=user.pk, plan__intake_id=plan.intake_id).order_by(
            "performed_on", "created_at"
        )
    )
    views = []
    all_changes: list[Change] = []
    for m in measure_list():
        mine = [r for r in records if r.measure == m.id]
        baseline = mine[0] if mine else None
        latest = mine[-1] if len(mine) > 1 else None
        changes = change(m, _as_score(baseline), _as_score(latest)) if baseline and latest else []
        all_changes += changes
        views.append(OutcomeView(m, mine, baseline, latest, changes))
    due = _due(plan, week, [r.performed_on for r in records])
    intake = read_intake(plan.intake.document)
    review = outcome_review(week, all_changes, structural_signs(intake)) if all_changes else None
    psfs = next((list(r.answers) for r in records if r.measure == "psfs"), [])
    return Outcomes(plan, views, week, due, review, psfs)


def _due(plan: PlanRecord, week: int, recorded_on: list[date]) -> bool:
    """A review point (week 2, 4, 6) has come and nothing was scored since its week began."""
    due_week = max((w for w in DUE_WEEKS if w <= week), default=None)
    if due_week is None:
        return False
    since = shift(plan.starts_on, 7 * (due_week - 1))
    return not any(on >= since and on > plan.starts_on for on in recorded_on)


def outcomes_due(user: User, plan: PlanRecord, today: date) -> bool:
    week = (today - plan.starts_on).days // 7 + 1
    recorded = list(
        OutcomeRecord.objects.filter(user_id=user.pk, plan__intake_id=plan.intake_id).values_list(
            "performed_on", flat=True
        )
    )
    return _due(plan, week, recorded)


def outcomes_baseline_missing(user: User, plan: PlanRecord) -> bool:
    """No PSFS yet for this plan: the person has not named the activities to follow."""
    if plan.withheld:
        return False
    return not OutcomeRecord.objects.filter(
        user_id=user.pk, plan__intake_id=plan.intake_id, measure="psfs"
    ).exists()
