"""A clinician prescribes and edits a linked person's plan (issue 5).

The editor starts from the current plan. The core's safety rules apply to every choice
(`core.planning.prescription`); a contraindicated exercise needs a recorded reason. The new plan
is stored as the next version with optimistic locking (`program.plan_store`): an edit made from a
version that is no longer current is refused with StalePlan and stores nothing.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from hipalign.adapters.db.models import CurrentDose, PlanRecord
from hipalign.core.access import Action
from hipalign.core.errors import InputError
from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.constraints import constraints_for, exclusion_reason
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.prescription import Prescription, prescribe, prescription_from
from hipalign.core.stored import read_intake
from hipalign.services.kernel.access import Actor, authorize
from hipalign.services.kernel.audit import audit_record
from hipalign.services.program.plans import plan_current, plan_document, plan_store


@dataclass(frozen=True)
class Choice:
    exercise: str
    name: str
    sidedness: str
    kind: str  # "hold" or "reps"
    excluded: str | None  # why the intake rules it out (an override reason is then required)


@dataclass(frozen=True)
class Editor:
    patient: User
    plan: PlanRecord
    document: PlanDocument
    prescription: Prescription
    choices: list[Choice]


def _current(patient: User) -> tuple[PlanRecord, PlanDocument, Intake]:
    plan = plan_current(patient)
    if plan is None:
        raise InputError(
            "plan", ["plan: " + gettext("this person has no plan yet; they start with onboarding")]
        )
    return plan, plan_document(plan), read_intake(plan.intake.document)


def plan_editor(actor: Actor, public_id: str) -> Editor:
    """What the prescription editor shows: the current plan as a prescription, and the library
    with, for each exercise, the safety rule this person's intake applies to it."""
    patient = authorize(actor=actor, action=Action.PATIENT_PLAN_EDITOR, subject=public_id).subject
    plan, doc, intake = _current(patient)
    rx = prescription_from(doc)
    if rx is None:
        raise InputError(
            "plan",
            [
                "plan: "
                + gettext(
                    "withheld by the safety screen; record an assessment that clears the flags "
                    "first"
                )
            ],
        )
    c = constraints_for(intake)
    lib = default_library()
    choices = [
        Choice(
            exercise=ex.id,
            name=ex.name,
            sidedness=ex.sidedness,
            kind=ex.dose.kind,
            excluded=exclusion_reason(ex, c),
        )
        for ex in sorted(lib.values(), key=lambda e: e.name)
    ]
    return Editor(patient=patient, plan=plan, document=doc, prescription=rx, choices=choices)


def plan_prescribe(
    actor: Actor, public_id: str, raw: dict[str, Any], expected_version: int | None
) -> PlanRecord:
    """Store the clinician's prescription as the person's next plan version.

    `expected_version` is the version the clinician edited; None is refused (the API answers 428),
    because an edit without a base could silently undo someone else's change.
    """
    grant = authorize(actor=actor, action=Action.PATIENT_PLAN_PRESCRIBE, subject=public_id)
    clinician, patient = grant.user, grant.subject
    if expected_version is None:
        raise InputError("version", ["version: " + gettext("say which plan version you edited")])
    plan, doc, intake = _current(patient)
    done = prescribe(doc, intake, raw, default_library())
    note = str(raw.get("note", "")) if isinstance(raw, dict) else ""
    with transaction.atomic():
        made = plan_store(
            patient,
            plan.intake,
            done.document,
            plan.starts_on,  # a revision keeps the program's weeks and review points
            expected_version=expected_version,
            author=clinician,
            author_role="clinician",
            changes=[c.model_dump() for c in done.changes],
            overrides=[o.model_dump() for o in done.overrides],
            note=note,
        )
        # The prescribed dose replaces the progression's current dose of the exercises whose
        # dose the clinician set; the decision history stays.
        redosed = {c.exercise for c in done.changes if c.kind in ("dose", "added", "side")}
        CurrentDose.objects.filter(user_id=patient.pk, exercise_id__in=redosed).delete()
        audit_record(int(clinician.pk), "plan.prescribe", str(made.id), subject_id=int(patient.pk))
    return made
