"""The safety stop: a yes that needs care now ends the onboarding (or a check-in) at once, and
the same card stays on Today until every safety question has been answered again without one
(issue 14 item 4). The clock is passed in (`today`), never read here."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from django.contrib.auth.models import User
from django.db import transaction

from hipalign.adapters.db.models import CheckInRecord, PlanRecord, SafetyStop
from hipalign.core.errors import InputError
from hipalign.core.screening.catalog import QUESTIONS_BY_ID, STOP_LEVELS, stops_at_once
from hipalign.core.screening.rules import Referral, screen_answers
from hipalign.services.kernel.audit import audit_record
from hipalign.services.program import plans

Origin = Literal["onboarding", "checkin", "plan"]


@dataclass(frozen=True)
class SafetyCard:
    """What Today shows while a warning sign that needs care now stands."""

    referral: Referral
    origin: Origin  # where the answers were given: the onboarding, a check-in, a stored plan
    on: date


def safety_stop_record(user: User, answers: Mapping[str, bool], today: date) -> Referral:
    """Store the answers the onboarding stopped at and return the referral made from them.

    `answers` are the questions answered so far (question id -> yes); at least one of them must
    be a yes that stops (catalog.STOP_LEVELS), else nothing is stored."""
    unknown = sorted(q for q in answers if q not in QUESTIONS_BY_ID)
    if unknown:
        raise InputError("screening", [f"{q}: not a question of the screening" for q in unknown])
    if not stops_at_once(answers):
        raise InputError(
            "screening", ["no answer needs care now; answer the remaining questions to go on"]
        )
    referral = screen_answers(answers)
    with transaction.atomic():
        rec = SafetyStop.objects.create(
            user=user,
            performed_on=today,
            answers=dict(answers),
            referral_level=referral.level,
            referral=referral.model_dump(mode="json"),
        )
        audit_record(int(user.pk), "safety_stop.create", str(rec.id))
    return referral


def safety_stopped(user: User) -> bool:
    """Whether this person's onboarding ever stopped at a warning sign (a check-in may follow
    one before any intake exists)."""
    return SafetyStop.objects.filter(user_id=user.pk).exists()


def safety_card(user: User) -> SafetyCard | None:
    """The card Today shows, from the newest time every safety question was put to the person:
    a stopped onboarding, a check-in, or the intake behind the current plan. Only an answer at a
    stop level (emergency, urgent) shows it; a later full set of answers without one clears it."""
    checkin = CheckInRecord.objects.filter(user_id=user.pk).order_by("-created_at").first()
    return safety_card_of(user, last_checkin=checkin, plan=plans.plan_current(user))


def safety_card_of(
    user: User, *, last_checkin: CheckInRecord | None, plan: PlanRecord | None
) -> SafetyCard | None:
    """safety_card for the newest check-in and current plan the caller has read already (Today
    reads them once for the whole page); only the onboarding stop is read here."""
    stop = SafetyStop.objects.filter(user_id=user.pk).order_by("-created_at").first()
    checkin = last_checkin
    # (when, where, level, record): the referral is read only for the newest one.
    events: list[tuple[datetime, Origin, str, SafetyStop | CheckInRecord | PlanRecord]] = []
    if stop is not None:
        events.append((stop.created_at, "onboarding", stop.referral_level, stop))
    if checkin is not None:
        events.append((checkin.created_at, "checkin", checkin.referral_level, checkin))
    if plan is not None:
        events.append((plan.intake.created_at, "plan", plan.referral_level, plan))
    if not events:
        return None
    _, origin, level, rec = max(events, key=lambda e: e[0])
    if level not in STOP_LEVELS:
        return None
    if isinstance(rec, PlanRecord):
        # Through the plan reader: a plan stored by an earlier version is brought up to date.
        return SafetyCard(plans.plan_document(rec).referral, origin, rec.starts_on)
    return SafetyCard(Referral.model_validate(rec.referral), origin, rec.performed_on)
