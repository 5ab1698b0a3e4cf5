"""Exports of a person's data in formats other programs read: a PDF handout of the plan, an
iCalendar file of planned sessions, and a FHIR R4 bundle (the full JSON export and its import
are in services.accounts).

Every function here takes the person whose data it exports (`patient`) and the one asking
(`actor`): the caller has already resolved `patient` through services.access (the person themself,
or a clinician with an active care link), and each export is written to the audit log.
"""

from django.contrib.auth.models import User

from hipalign.core.errors import InputError
from hipalign.core.i18n import SOURCE_LANGUAGE
from hipalign.core.library import Exercise
from hipalign.core.words import dose_words, long_weekday_name, side_words
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.languages import language_active, language_chosen
from hipalign.services.program import doses, plan_words
from hipalign.services.program import plan_view as plan_views
from hipalign.services.program.plan_view import PlanView


def weekday_name(code: str) -> str:
    """A plan day in full, in the active language ("Monday", "lunes")."""
    return long_weekday_name(code, language=language_active())


def plan_view(patient: User) -> PlanView:
    """The person's current plan as the plan page shows it (services/program/plan_view.py), its
    exercises in the person's language (an export's words are the person's, whoever asks for
    it; the codes stay language-free); InputError naming `plan` when there is none yet."""
    view = plan_views.plan_view(patient, language=language_chosen(patient) or SOURCE_LANGUAGE)
    if view is None:
        raise InputError("plan", ["plan: there is no plan yet; fill in the intake first"])
    return view


def dose_text(ex: Exercise, s: doses.SideNow) -> str:
    """One side's dose in the words of the plan page ("Left: 2 × 30 s hold"), from
    core.words like every other place that shows a dose, in the active language."""
    words = dose_words(kind=ex.dose.kind, sets=s.sets, reps=s.reps, hold_s=s.hold_s, load=s.load)
    if language_active() == SOURCE_LANGUAGE:
        return side_words(s.side) + words
    side = f"{plan_words.side_title(s.side)}: " if s.side else ""
    return side + (plan_words.dose_phrase(words) or words)


def export_audit(actor: User, patient: User, action: str, target: str) -> None:
    """One audit row per export; names the record, never its content. `subject_id` is set when
    someone other than the person exported their data (ASVS 16.3.2)."""
    other = actor.pk != patient.pk
    audit_record(int(actor.pk), action, target, subject_id=int(patient.pk) if other else None)
