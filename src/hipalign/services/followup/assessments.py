"""A clinician's assessment (CLINICAL.md 4): stored as given, and turned into a new intake version
and plan for the person in one transaction, with the plan's optimistic lock applied."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from hipalign.adapters.db.models import AssessmentRecord, PlanRecord
from hipalign.core.access import Action
from hipalign.core.clinical_tests import Assessment, Derived, assessment_apply, assessment_derive
from hipalign.core.dates import ENTERED
from hipalign.core.errors import InputError, validate_document
from hipalign.core.intake import Intake
from hipalign.services.kernel.access import Actor, authorize
from hipalign.services.kernel.audit import audit_record
from hipalign.services.program.plans import intake_current, intake_submit, plan_current


@dataclass(frozen=True)
class AssessmentSaved:
    record: AssessmentRecord
    plan: PlanRecord
    derived: list[Derived]
    findings: dict[str, Any]  # the new intake's findings, as stored


@dataclass(frozen=True)
class AssessmentForm:
    """What the clinician needs to start an assessment: who, the plan version they are looking
    at (sent back with the form, for the optimistic lock), and the last assessment."""

    patient: User
    plan_version: int
    plan_id: str | None
    intake: Intake | None
    last: AssessmentRecord | None
    last_derived: list[Derived]


def _document(rec: AssessmentRecord) -> Assessment:
    return Assessment.model_validate(rec.document)


def assessment_form(actor: Actor, public_id: str) -> AssessmentForm:
    """The person's current intake and plan version and their last assessment (clinicians only)."""
    patient = authorize(
        actor=actor, action=Action.PATIENT_ASSESSMENT_READ, subject=public_id
    ).subject
    plan = plan_current(patient)
    last = AssessmentRecord.objects.filter(user_id=patient.pk).order_by("-created_at").first()
    return AssessmentForm(
        patient=patient,
        plan_version=0 if plan is None else plan.version,
        plan_id=None if plan is None else str(plan.id),
        intake=intake_current(patient),
        last=last,
        last_derived=[] if last is None else assessment_derive(_document(last)),
    )


def assessment_record(
    actor: Actor,
    public_id: str,
    document: dict[str, Any],
    today: date,
    *,
    expected_version: int | None = None,
) -> AssessmentSaved:
    """Store a clinician's assessment and make the new intake and plan from it.

    `expected_version` is the plan version the clinician saw; when the plan changed since, this
    raises program.StalePlan and stores nothing (one transaction). The day of the assessment
    must fall in core.dates.ENTERED around `today`."""
    grant = authorize(actor=actor, action=Action.PATIENT_ASSESSMENT_WRITE, subject=public_id)
    clinician, patient = grant.user, grant.subject
    assessment = validate_document(Assessment, document, "assessment")
    late = ENTERED.problem("performed_on", date.fromisoformat(assessment.performed_on), today)
    if late:
        raise InputError("assessment", [late])
    current = intake_current(patient)
    if current is None:
        raise InputError(
            "assessment",
            ["(intake): the person has not answered the intake yet; ask them to do that first"],
        )
    new_intake = assessment_apply(current, assessment)
    with transaction.atomic():
        plan = intake_submit(
            patient,
            new_intake.model_dump(mode="json", by_alias=True, exclude_none=True),
            today,
            expected_version=expected_version,
            author=clinician,
        )
        rec = AssessmentRecord.objects.create(
            user=patient,
            clinician=clinician,
            performed_on=date.fromisoformat(assessment.performed_on),
            document=assessment.model_dump(mode="json", by_alias=True, exclude_none=True),
            intake=plan.intake,
        )
        audit_record(
            int(clinician.pk), "assessment.create", str(rec.id), subject_id=int(patient.pk)
        )
    return AssessmentSaved(
        record=rec,
        plan=plan,
        derived=assessment_derive(assessment),
        findings=new_intake.findings.model_dump(mode="json", exclude_none=True),
    )
