"""A person's outcome scores in the database: record, baseline, summary with review advice."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from hipalign.adapters.db.models import CareEpisode, OutcomeRecord, PlanRecord
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
from hipalign.core.outcomes.episode import episode_week, history, scores_due
from hipalign.core.outcomes.form import MeasureForm, measure_form, read_form
from hipalign.core.outcomes.review import OutcomeReview, outcome_review, structural_signs
from hipalign.core.stored import read_intake
from hipalign.services.followup.outcomes import measure_get, measure_list
from hipalign.services.kernel.audit import audit_record
from hipalign.services.program.episodes import episode_current, episode_for_scores
from hipalign.services.program.plans import plan_current


@dataclass(frozen=True)
class OutcomeView:
    measure: Measure
    # Oldest first, in the current episode of care: plan versions (a clinician's assessment or
    # prescription) keep the episode, so they keep the baseline (issue 14, item 1).
    records: list[OutcomeRecord]
    baseline: OutcomeRecord | None
    latest: OutcomeRecord | None
    changes: list[Change]
    form: MeasureForm  # the page's one template renders any measure from it


@dataclass(frozen=True)
class Outcomes:
    plan: PlanRecord | None
    views: list[OutcomeView]
    week: int  # of the episode of care
    due: bool  # a review point has come and no score was recorded in its week
    review: OutcomeReview | None
    psfs_activities: list[str]  # the baseline's activities, rated again each time
    episode: CareEpisode | None = None


def _as_score(rec: OutcomeRecord) -> Score:
    return Score(
        measure=rec.measure,
        total=rec.total,
        scales=dict(rec.scales),
        items={k: float(v) for k, v in rec.answers.items() if v is not None},
        answered=sum(1 for v in rec.answers.values() if v is not None),
    )


def outcome_form_record(
    *, user: User, measure_id: str, posted: Mapping[str, str], today: date
) -> OutcomeRecord:
    """Read a posted form of any installed measure and store its score; a problem names the
    field by its label, and nothing is stored."""
    measure = measure_get(measure_id)
    if not installed(measure):
        raise InputError("outcome", [not_installed_reason(measure)])
    return outcome_record(user, measure.id, read_form(measure, posted), today)


def outcome_record(
    user: User, measure_id: str, answers: dict[str, Any], today: date, client_id: str | None = None
) -> OutcomeRecord:
    """Score and store one questionnaire in the current episode; bad answers store nothing."""
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
        episode=episode_for_scores(user, today=today),
        measure=measure.id,
        performed_on=today,
        answers=result.items,
        total=result.total,
        scales=result.scales,
        client_id=client_id,
    )
    audit_record(int(user.pk), "outcome.create", str(rec.id))
    return rec


@dataclass(frozen=True)
class OutcomeWritten:
    """What the API answers for a stored score (a read model, not the row)."""

    id: str
    client_id: str
    created: bool  # False: this client_id was stored before (a resend)
    measure: str
    performed_on: date
    total: float | None
    scales: dict[str, float]
    answers: dict[str, float]


def _written(rec: OutcomeRecord, created: bool) -> OutcomeWritten:
    return OutcomeWritten(
        id=str(rec.id),
        client_id=str(rec.client_id),
        created=created,
        measure=rec.measure,
        performed_on=rec.performed_on,
        total=rec.total,
        scales=dict(rec.scales),
        answers=dict(rec.answers),
    )


def outcome_write(
    *, user: User, measure_id: str, answers: dict[str, Any], client_id: str, today: date
) -> OutcomeWritten:
    """Store one score once per `client_id`: a resend with the same measure and answers returns
    the stored score; the same id with other answers is refused and stores nothing."""
    existing = OutcomeRecord.objects.filter(user_id=user.pk, client_id=client_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                return _written(outcome_record(user, measure_id, answers, today, client_id), True)
        except IntegrityError:  # the same id sent twice at once: the other one stored it
            existing = OutcomeRecord.objects.get(user_id=user.pk, client_id=client_id)
    measure = measure_get(measure_id)
    same = existing.measure == measure.id and score(measure, answers).items == existing.answers
    if not same:
        raise InputError(
            "outcome",
            ["client_id: already used for a different score; make a new id for a new score"],
        )
    return _written(existing, False)


def _episode_records(episode: CareEpisode | None) -> list[OutcomeRecord]:
    if episode is None:
        return []
    return list(OutcomeRecord.objects.filter(episode_id=episode.pk))


def outcomes_summary(user: User, today: date) -> Outcomes:
    plan = plan_current(user)
    if plan is None or plan.withheld:
        return Outcomes(plan, [], 0, False, None, [])
    episode = episode_current(user)
    records = _episode_records(episode)
    started = episode.started_on if episode is not None else plan.starts_on
    week = episode_week(started, today)
    views = []
    all_changes: list[Change] = []
    for m in measure_list():
        mine, baseline, latest = history(records, m.id)
        changes = change(m, _as_score(baseline), _as_score(latest)) if baseline and latest else []
        all_changes += changes
        # A measure whose items the person names (PSFS) asks again about the baseline's ones.
        named = list(baseline.answers) if baseline is not None and m.own_items else None
        form = measure_form(m, activities=named)
        views.append(OutcomeView(m, mine, baseline, latest, changes, form))
    due = scores_due(started, today, [r.performed_on for r in records])
    intake = read_intake(plan.intake.document)
    review = outcome_review(week, all_changes, structural_signs(intake)) if all_changes else None
    _, psfs_baseline, _ = history(records, "psfs")
    psfs = list(psfs_baseline.answers) if psfs_baseline is not None else []
    return Outcomes(plan, views, week, due, review, psfs, episode)


def outcomes_due(user: User, plan: PlanRecord, today: date) -> bool:
    """Scores are due at a review point of the current episode (the plan only says whether
    there is one to score: a withheld plan takes none)."""
    return outcomes_state(plan, episode_current(user), today).due


def outcomes_baseline_missing(user: User, plan: PlanRecord) -> bool:
    """No PSFS yet in the current episode: the person has not named the activities to follow."""
    return outcomes_state(plan, episode_current(user), plan.starts_on).baseline_missing


@dataclass(frozen=True)
class OutcomesState:
    due: bool  # scores are due at a review point today
    baseline_missing: bool  # no PSFS yet in the episode


def outcomes_state(plan: PlanRecord, episode: CareEpisode | None, today: date) -> OutcomesState:
    """outcomes_due and outcomes_baseline_missing in one query, for the current episode the
    caller has read already (Today reads it once for the whole page)."""
    if plan.withheld:
        return OutcomesState(due=False, baseline_missing=False)
    if episode is None:
        return OutcomesState(due=scores_due(plan.starts_on, today, []), baseline_missing=True)
    recorded = list(
        OutcomeRecord.objects.filter(episode_id=episode.pk).values_list("performed_on", "measure")
    )
    return OutcomesState(
        due=scores_due(episode.started_on, today, [on for on, _ in recorded]),
        baseline_missing=not any(m == "psfs" for _, m in recorded),
    )
