"""The FHIR R4 bundle: every resource validates, each kind of data lands in its resource, and
nothing of another person is in it."""

import json
import uuid
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import User
from fhir.resources.R4B.bundle import Bundle

from hipalign.adapters.db.models import (
    AssessmentRecord,
    AuditEvent,
    ExerciseLogRecord,
    PostureUpload,
)
from hipalign.core.words import TIMES
from hipalign.services.followup import outcome_records
from hipalign.services.portability import fhir
from hipalign.services.program import checkins, doses, plans, recording
from tests.services.factories import LOG_TODAY, MONDAY, THURSDAY, log_payload, make_plan, public_id
from tests.services.identity.test_accounts import POSTURE_OK

pytestmark = pytest.mark.django_db


def _fill(user: User, canary: str) -> None:
    plan = make_plan(user)  # with its NPRS baseline (an outcome record)
    done = recording.log_record(user, log_payload(plan, client_id=f"{canary}-log"), today=LOG_TODAY)
    session = ExerciseLogRecord.objects.get(pk=done.log_id).session_id
    recording.next_morning_record(user, str(session), 2)
    screening = dict.fromkeys(plan.intake.document["screening"], False)
    checkins.checkin_record(user, screening, 3, 4, THURSDAY)
    outcome_records.outcome_record(
        user,
        "psfs",
        {f"{canary} stairs": 4, "walking": 6, "sitting": 7},
        THURSDAY,
    )
    PostureUpload.objects.create(user=user, kind="photo", status="done", result=POSTURE_OK)
    PostureUpload.objects.create(user=user, kind="photo", status="failed", error="too dark")
    AssessmentRecord.objects.create(
        user=user,
        performed_on=THURSDAY,
        document={
            "schema": "hipalign.assessment/1",
            "performed_on": THURSDAY.isoformat(),
            "notes": f"{canary} notes",
            "pain_during_tests": 2,
        },
    )


def _bundle(user: User) -> dict[str, Any]:
    return json.loads(fhir.fhir_render(user, user))  # type: ignore[no-any-return]


def test_bundle_validates_as_fhir_and_counts_each_kind(owner: User, other: User) -> None:
    _fill(owner, "canary-owner")
    _fill(other, "canary-other")

    data = fhir.fhir_render(owner, owner)

    bundle = Bundle.model_validate_json(data)
    assert bundle.type == "collection"
    kinds = Counter(
        e.resource.get_resource_type()  # type: ignore[union-attr]
        for e in bundle.entry  # type: ignore[union-attr]
        if getattr(e.resource, "valueRatio", None) is None  # the weekly adherence: tested apart
    )
    # pain: check-in now + worst week, one log, one next morning; posture: the measured photo
    # only; one assessment; outcomes: the NPRS baseline and the PSFS, in one episode of care;
    # the log as a Procedure.
    assert kinds == {
        "Patient": 1,
        "CarePlan": 1,
        "Procedure": 1,
        "Observation": 4 + 1 + 1,
        "EpisodeOfCare": 1,
        "QuestionnaireResponse": 2,
    }


def test_bundle_holds_nothing_of_another_person(owner: User, other: User) -> None:
    _fill(owner, "canary-owner")
    _fill(other, "canary-other")

    text = json.dumps(_bundle(owner))

    assert "canary-owner stairs" in text and public_id(owner) in text
    for canary in ["canary-other", other.get_username(), public_id(other)]:
        assert canary not in text
    other_ids = [str(p.id) for p in other.plans.all()] + [
        str(u.id) for u in PostureUpload.objects.filter(user=other)
    ]
    assert not any(i in text for i in other_ids)


def test_patient_is_named_by_username_only(owner: User) -> None:
    make_plan(owner)

    patient = _bundle(owner)["entry"][0]["resource"]

    assert patient["resourceType"] == "Patient"
    assert patient["identifier"] == [{"system": "urn:hipalign:username", "value": "ann_owner"}]
    assert not {"name", "birthDate", "gender", "telecom", "address"} & patient.keys()


def test_pain_observations_use_the_loinc_nprs_code(owner: User) -> None:
    _fill(owner, "canary-owner")

    pains = [
        e["resource"]
        for e in _bundle(owner)["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"].get("coding", [{}])[0].get("code") == "72514-3"
    ]

    assert sorted(p["valueInteger"] for p in pains) == [1, 2, 3, 4]  # log, morning, now, worst
    morning = next(p for p in pains if "morning" in p["code"]["text"])
    assert morning["effectiveDateTime"] == "2026-03-03"  # the day after the session
    assert all(p["code"]["coding"][0]["system"] == "http://loinc.org" for p in pains)


def test_posture_values_carry_ucum_units_and_their_band(owner: User) -> None:
    _fill(owner, "canary-owner")

    posture = next(
        e["resource"]
        for e in _bundle(owner)["entry"]
        if e["resource"].get("code", {}).get("text", "").startswith("Posture")
    )

    parts = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in posture["component"]}
    assert parts["hip_tilt_deg"]["value"] == 1.5
    assert (parts["hip_tilt_deg"]["system"], parts["hip_tilt_deg"]["code"]) == (
        "http://unitsofmeasure.org",
        "deg",
    )
    assert parts["lateral_shift_pct"]["code"] == "%"
    assert parts["hip_tilt_deg"]["extension"][0]["valueQuantity"]["value"] == 2.4


def test_care_plan_activities_carry_todays_dose_and_days(owner: User) -> None:
    plan = make_plan(owner)
    items = doses.plan_items_now(owner, plans.plan_document(plan))

    care = next(
        e["resource"]
        for e in _bundle(owner)["entry"]
        if e["resource"]["resourceType"] == "CarePlan"
    )

    assert (care["status"], care["intent"], care["period"]["start"]) == (
        "active",
        "plan",
        MONDAY.isoformat(),
    )
    assert [a["detail"]["code"]["coding"][0]["code"] for a in care["activity"]] == list(items)
    bridge = next(a for a in care["activity"] if a["detail"]["code"]["text"] == "Glute bridge")
    assert bridge["detail"]["description"] == f"1 {TIMES} 8, 2 s pause each"
    assert bridge["detail"]["scheduledTiming"]["repeat"]["dayOfWeek"] == ["mon", "wed", "fri"]


def test_outcomes_become_questionnaire_responses_with_answers_and_score(
    owner: User,
) -> None:
    _fill(owner, "canary-owner")

    psfs = next(
        e["resource"]
        for e in _bundle(owner)["entry"]
        if e["resource"].get("questionnaire", "").endswith(":psfs")
    )

    answers = {i["linkId"]: i["answer"][0]["valueDecimal"] for i in psfs["item"]}
    assert answers == {"canary-owner stairs": 4.0, "walking": 6.0, "sitting": 7.0, "total": 5.7}


def test_each_questionnaire_response_names_its_episode_of_care(
    owner: User,
) -> None:
    _fill(owner, "canary-owner")

    entries = [e["resource"] for e in _bundle(owner)["entry"]]

    (episode,) = [r for r in entries if r["resourceType"] == "EpisodeOfCare"]
    assert episode["status"] == "active" and episode["period"]["start"] == "2026-03-02"
    refs = {
        x["valueReference"]["reference"]
        for r in entries
        if r["resourceType"] == "QuestionnaireResponse"
        for x in r["extension"]
        if x["url"] == fhir.EPISODE_OF_CARE
    }
    assert refs == {f"urn:uuid:{episode['id']}"}


def test_fhir_export_by_the_person_is_audited(owner: User) -> None:
    make_plan(owner)

    fhir.fhir_render(owner, owner)

    event = AuditEvent.objects.get(action="export.fhir")
    assert (event.actor_id, event.target, event.subject_id) == (owner.pk, public_id(owner), None)


# --- optional fields left empty (issue 12, item 3) -----------------------------------------

# Every optional field of an assessment as the form leaves it when nothing is typed in.
EMPTY_OPTIONALS: dict[str, Any] = {
    "notes": "",
    "pain_place": "",
    "pain_during_tests": None,
    "cleared_by_clinician": None,
    "hip_precautions": None,
    "tests": {},
    "leg_length": {"tests": {"leg_length": {"method": None}}},
    "pelvic_crest": {"tests": {"pelvic_crest": {"high_side": None}}},
    "blank text": {"notes": "   ", "pain_place": " "},
}


def _blank_strings(node: Any, path: str = "") -> list[str]:
    """Paths of every empty or blank string in a JSON document (FHIR allows none)."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _blank_strings(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _blank_strings(v, f"{path}[{i}]")]
    return [path] if isinstance(node, str) and not node.strip() else []


@pytest.mark.parametrize("left_empty", list(EMPTY_OPTIONALS))
def test_an_assessment_with_an_optional_field_left_empty_exports_without_empty_values(
    left_empty: str, owner: User, clinician: User
) -> None:
    from hipalign.services.followup import assessments

    make_plan(owner)
    value = EMPTY_OPTIONALS[left_empty]
    extra = value if isinstance(value, dict) and left_empty not in ("tests",) else {}
    doc: dict[str, Any] = {"performed_on": THURSDAY.isoformat(), **extra}
    if not extra:
        doc[left_empty] = value
    assessments.assessment_record(clinician, public_id(owner), doc, THURSDAY)

    for actor in (owner, clinician):
        bundle = json.loads(fhir.fhir_render(owner, actor))
        assert _blank_strings(bundle) == []
        Bundle.model_validate(bundle)


def test_a_blank_answer_key_and_empty_plan_text_leave_no_empty_value(
    owner: User,
) -> None:
    from hipalign.adapters.db.models import OutcomeRecord

    plan = make_plan(owner)
    OutcomeRecord.objects.create(
        user=owner,
        plan=plan,
        episode=owner.episodes.get(),
        measure="psfs",
        performed_on=MONDAY,
        answers={"": 3},
        scales={},
    )

    assert _blank_strings(_bundle(owner)) == []


def test_a_skipped_exercise_is_a_procedure_not_done_and_has_no_pain_made_up(
    owner: User,
) -> None:
    plan = make_plan(owner)
    session = str(uuid.uuid4())
    for body in (
        log_payload(plan, session_id=session),
        log_payload(
            plan,
            session_id=session,
            exercise="clamshell",
            skipped=True,
            sets_done=0,
            reps_done=0,
            pain_during=None,
            side="left",
            rung=0,
        ),
        log_payload(
            plan,
            session_id=session,
            exercise="clamshell",
            skipped=True,
            sets_done=1,
            reps_done=4,
            pain_during=None,
            side="right",
            rung=0,
        ),
    ):
        recording.log_record(owner, body, today=LOG_TODAY)

    resources = [e["resource"] for e in _bundle(owner)["entry"]]

    procedures = {p["code"]["text"]: p for p in resources if p["resourceType"] == "Procedure"}
    assert {k: p["status"] for k, p in procedures.items()} == {
        "Glute bridge": "completed",
        "Clamshell, left side": "not-done",
        "Clamshell, right side": "stopped",
    }
    assert procedures["Clamshell, left side"]["statusReason"]["text"] == "Skipped by the person"
    assert "statusReason" not in procedures["Glute bridge"]
    pain_texts = [
        r["code"]["text"]
        for r in resources
        if r["resourceType"] == "Observation" and r["code"]["text"].startswith("Pain during")
    ]
    assert pain_texts == ["Pain during Glute bridge"]


def test_a_person_without_an_episode_of_care_exports_none(other: User) -> None:
    """No plan yet, so no episode: the bundle holds the Patient only (it raised before)."""
    kinds = [e["resource"]["resourceType"] for e in _bundle(other)["entry"]]
    assert kinds == ["Patient"]


def test_the_patient_carries_the_persons_chosen_language(owner: User, other: User) -> None:
    from hipalign.services.kernel.languages import language_set

    language_set(owner, language="es")

    [mine] = [
        e["resource"] for e in _bundle(owner)["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    [theirs] = [
        e["resource"] for e in _bundle(other)["entry"] if e["resource"]["resourceType"] == "Patient"
    ]

    assert mine["communication"] == [
        {
            "language": {
                "coding": [{"system": "urn:ietf:bcp:47", "code": "es"}],
                "text": "Español",
            },
            "preferred": True,
        }
    ]
    assert "communication" not in theirs  # never chose one: nothing is claimed
    Bundle.model_validate(_bundle(owner))
