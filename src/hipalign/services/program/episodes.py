"""A person's episodes of care in the database: the current one, and starting a new one.

Scores are compared inside an episode (core/outcomes/episode.py). Plan versions never start one;
the person, or a clinician linked to them, does, explicitly (issue 14, item 1)."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from hipalign.adapters.db.models import CareEpisode, OutcomeRecord, PlanRecord
from hipalign.core.access import Action
from hipalign.core.errors import InputError
from hipalign.core.outcomes.episode import first_episode_start
from hipalign.services.kernel.access import Actor, authorize
from hipalign.services.kernel.audit import audit_record


def episode_current(user: User) -> CareEpisode | None:
    return CareEpisode.objects.filter(user_id=user.pk).order_by("-created_at").first()


def episode_for_scores(user: User, *, today: date) -> CareEpisode:
    """The current episode; the first one when the person has none yet, starting with their
    first plan that was not withheld (or today, for the plan being made now)."""
    current = episode_current(user)
    if current is not None:
        return current
    starts = list(
        PlanRecord.objects.filter(user_id=user.pk, withheld=False).values_list(
            "starts_on", flat=True
        )
    )
    return CareEpisode.objects.create(
        user=user,
        started_on=first_episode_start(starts, []) or today,
        started_by=user,
        started_by_role="person",
    )


# The confirm step's checkbox, as the pages label it; its refusal names it.
CONFIRM_LABEL = gettext_lazy("Yes, start a new episode of care today")


@dataclass(frozen=True)
class EpisodeStarted:
    episode: CareEpisode
    patient: User


@dataclass(frozen=True)
class EpisodeNow:
    """What the confirm step shows: whose episode, since when, how many scores it holds."""

    patient: User
    episode: CareEpisode | None
    scores: int
    has_plan: bool


def episode_now(actor: Actor, *, public_id: str) -> EpisodeNow:
    """The current episode of the person named by `public_id` (themself, or a linked
    clinician's patient; anyone else: NotFound)."""
    patient = authorize(actor=actor, action=Action.PATIENT_EPISODE_READ, subject=public_id).subject
    episode = episode_current(patient)
    scores = 0 if episode is None else OutcomeRecord.objects.filter(episode_id=episode.pk).count()
    has_plan = PlanRecord.objects.filter(user_id=patient.pk, withheld=False).exists()
    return EpisodeNow(patient, episode, scores, has_plan)


def episode_start(actor: Actor, *, public_id: str, today: date, confirmed: bool) -> EpisodeStarted:
    """Start a new episode of care for the person named by `public_id`: from now on their
    scores are compared with a new baseline; the earlier episodes and their scores stay.

    The person themself or a clinician with an active care link may (anyone else: NotFound,
    nothing changes). `confirmed` is the explicit yes of the confirm step: without it nothing
    is stored. A clinician's start is audited with the person as its subject."""
    patient = authorize(actor=actor, action=Action.PATIENT_EPISODE_START, subject=public_id).subject
    if not confirmed:
        raise InputError(
            "episode",
            [
                "confirm: "
                + gettext("tick '%(label)s' to start one; nothing was changed")
                % {"label": CONFIRM_LABEL}
            ],
        )
    if not PlanRecord.objects.filter(user_id=patient.pk, withheld=False).exists():
        raise InputError(
            "episode", ["(plan): " + gettext("an episode of care starts once there is a plan")]
        )
    by_other = actor.pk != patient.pk
    current = episode_current(patient)
    if (
        current is not None
        and current.started_on == today
        and not OutcomeRecord.objects.filter(episode_id=current.pk).exists()
    ):
        # A double submit (or a second start the same day before any score) would leave an
        # empty episode behind: the one just started is the new episode.
        return EpisodeStarted(current, patient)
    with transaction.atomic():
        episode = CareEpisode.objects.create(
            user=patient,
            started_on=today,
            started_by_id=actor.pk,
            started_by_role="clinician" if by_other else "person",
        )
        audit_record(
            int(actor.pk),  # type: ignore[arg-type]
            "episode.start",
            str(episode.id),
            subject_id=int(patient.pk) if by_other else None,
        )
    return EpisodeStarted(episode, patient)
