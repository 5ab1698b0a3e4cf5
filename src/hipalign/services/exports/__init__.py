"""Exports of a person's data in formats other programs read: a PDF handout of the plan, an
iCalendar file of planned sessions, and a FHIR R4 bundle (the full JSON export and its import
are in services.accounts).

Every function here takes the person whose data it exports (`patient`) and the one asking
(`actor`): the caller has already resolved `patient` through services.access (the person themself,
or a clinician with an active care link), and each export is written to the audit log.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.errors import InputError
from hipalign.core.library import Exercise
from hipalign.core.planning.document import PlanDocument
from hipalign.services import program
from hipalign.services.audit import audit_record

TIMES = "\u00d7"  # the multiplication sign the plan page uses between sets and reps
WEEKDAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


@dataclass(frozen=True)
class PlanView:
    """The current plan as the plan page shows it: the stored record, its document, and each
    exercise at today's dose (after progression decisions)."""

    rec: PlanRecord
    doc: PlanDocument
    items: dict[str, program.ItemNow]


def plan_view(patient: User) -> PlanView:
    """The person's current plan; InputError naming `plan` when there is none yet."""
    rec = program.plan_current(patient)
    if rec is None:
        raise InputError("plan", ["plan: there is no plan yet; fill in the intake first"])
    doc = program.plan_document(rec)
    return PlanView(rec, doc, program.plan_items_now(patient, doc))


def dose_text(ex: Exercise, s: program.SideNow) -> str:
    """One side's dose in the words of the plan page ("Left: 2 x 30 s hold, 3 times",
    written with the multiplication sign as on the page)."""
    if ex.dose.kind == "hold":
        text = f"{s.sets} {TIMES} {s.hold_s} s hold"
        if s.reps > 1:
            text += f", {s.reps} times"
    else:
        text = f"{s.sets} {TIMES} {s.reps} reps"
        if s.hold_s:
            text += f", {s.hold_s} s pause"
    if s.load != "bodyweight":
        text += f", {s.load.replace('_', ' ')}"
    return f"{s.side.title()}: {text}" if s.side else text


def export_audit(actor: User, patient: User, action: str, target: str) -> None:
    """One audit row per export; names the record, never its content. `subject_id` is set when
    someone other than the person exported their data (ASVS 16.3.2)."""
    other = actor.pk != patient.pk
    audit_record(int(actor.pk), action, target, subject_id=int(patient.pk) if other else None)
