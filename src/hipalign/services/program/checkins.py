"""The weekly check-in: record it, what it carries over, and when the next one is due."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from hipalign.adapters.db.models import (
    CheckInRecord,
    PlanRecord,
    SafetyStop,
)
from hipalign.core.errors import InputError, validate_document
from hipalign.core.intake import Intake
from hipalign.core.screening.catalog import QUESTIONS_BY_ID, Question, carried_over
from hipalign.core.screening.rules import Referral, screen, screen_answers
from hipalign.core.stored import read_intake
from hipalign.services.kernel.audit import audit_record
from hipalign.services.program import plans

# A check-in at these levels means: see a doctor before exercising again.
ALERT_LEVELS = frozenset({"emergency", "urgent", "see_doctor"})


def unanswered_questions(plan: PlanRecord, last_checkin: CheckInRecord | None) -> list[str]:
    """Questions of the catalog the plan's stored intake has no answer for and no check-in since
    has answered (a question added after the intake was stored), as plain question texts."""
    missing = read_intake(plan.intake.document).unanswered
    if last_checkin is not None and last_checkin.created_at >= plan.intake.created_at:
        missing = [q for q in missing if q not in last_checkin.answers]
    return [QUESTIONS_BY_ID[q].question for q in missing]


def checkin_record(
    user: User,
    answers: dict[str, bool],
    pain_now: int,
    pain_worst_week: int,
    today: date,
) -> tuple[CheckInRecord, Referral]:
    """The red-flag questions again, and pain, screened against the current intake.

    Before any intake, only after an onboarding that stopped at a warning sign: then the
    answers alone are screened (there is no age or pain history to apply the other rules to),
    and a check-in without one clears the stop (services.safety)."""
    intake = plans.intake_current(user)
    if intake is None:
        if not SafetyStop.objects.filter(user_id=user.pk).exists():
            raise InputError("check-in", [gettext("fill in the intake first")])
        referral = screen_answers(_full_answers(answers, pain_now, pain_worst_week))
    else:
        doc = intake.model_dump(mode="json", by_alias=True, exclude_none=True)
        doc["screening"] = answers
        doc["pain"] = {**doc.get("pain", {}), "now": pain_now, "worst_week": pain_worst_week}
        checked = validate_document(Intake, doc, "check-in")
        referral = screen(checked)
    with transaction.atomic():
        rec = CheckInRecord.objects.create(
            user=user,
            performed_on=today,
            answers=answers,
            pain_now=pain_now,
            pain_worst_week=pain_worst_week,
            referral_level=referral.level,
            referral=referral.model_dump(mode="json"),
        )
        audit_record(plans._uid(user), "checkin.create", str(rec.id))
    return rec, referral


def _full_answers(answers: dict[str, bool], pain_now: int, pain_worst_week: int) -> dict[str, bool]:
    """A check-in's answers when no intake is there to check them against: every question of
    the catalog answered yes or no, and pain on the 0-10 scale."""
    problems = [
        f"screening.{q}: not a question of the screening"
        for q in answers
        if q not in QUESTIONS_BY_ID
    ]
    problems += [
        f"screening.{q}: answer yes or no"
        for q in QUESTIONS_BY_ID
        if not isinstance(answers.get(q), bool)
    ]
    problems += [
        f"pain.{name}: a whole number from 0 to 10"
        for name, v in (("now", pain_now), ("worst_week", pain_worst_week))
        if not 0 <= v <= 10
    ]
    if problems:
        raise InputError("check-in", problems)
    return answers


def checkin_carried_over(user: User) -> tuple[Question, ...]:
    """The questions asked once that the intake answered no and no later check-in answered yes:
    the check-in asks only whether anything changed about them, and carries the no over."""
    intake = plans.intake_current(user)
    if intake is None:
        return ()
    last = checkin_latest(user)
    # A yes at a check-in (after "something changed") outweighs the intake's no: asked in full.
    said_yes = {qid for qid, answer in (last.answers if last else {}).items() if answer is True}
    return tuple(q for q in carried_over(intake.screening) if q.id not in said_yes)


def checkin_latest(user: User) -> CheckInRecord | None:
    return CheckInRecord.objects.filter(user_id=user.pk).order_by("-created_at").first()


def checkin_due(user: User, today: date) -> bool:
    """A check-in is due once a week after the plan starts."""
    plan = plans.plan_current(user)
    return plan is not None and checkin_due_for(plan, checkin_latest(user), today)


def checkin_due_for(plan: PlanRecord, last: CheckInRecord | None, today: date) -> bool:
    """checkin_due for a plan and last check-in the caller already read (Today reads them once)."""
    if plan.withheld:
        return False
    since = last.performed_on if last else plan.starts_on
    return (today - since).days >= 7
