"""A linked clinician prescribes a person's next plan version (issue 5); nobody else can."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import AuditEvent, CareLink, CurrentDose, PlanRecord
from hipalign.core.errors import InputError
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.prescription import prescription_from
from hipalign.services.care import links as care
from hipalign.services.care.prescribe import plan_editor, plan_prescribe
from hipalign.services.kernel.access import Forbidden, NotFound
from hipalign.services.program import plans, recording
from tests.services.factories import (
    LOG_TODAY,
    log_payload,
    make_plan,
    person_models,
    public_id,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
BRIDGE_ONLY = {
    "items": [
        {
            "exercise": "glute_bridge",
            "side": None,
            "sets": 1,
            "reps": 8,
            "hold_s": 2,
            "days": ["mon"],
        }
    ]
}


def snapshot(user_id: Any) -> dict[str, list[dict[str, Any]]]:
    """Every field of every row this person owns (factories.snapshot sorts by `id`, which
    Profile, keyed by its user, does not have)."""
    return {
        m.__name__: sorted(
            (dict(row) for row in m._default_manager.filter(user_id=user_id).values()),
            key=lambda r: str(r.get("id", r.get("user_id"))),
        )
        for m in person_models()
    }


def _raw(plan: PlanRecord) -> dict[str, Any]:
    rx = prescription_from(PlanDocument.model_validate(plan.document))
    assert rx is not None
    return rx.model_dump(mode="json")


def _entry(raw: dict[str, Any], exercise: str) -> dict[str, Any]:
    return next(it for it in raw["items"] if it["exercise"] == exercise)


def _redosed(plan: PlanRecord) -> dict[str, Any]:
    raw = _raw(plan)
    _entry(raw, "glute_bridge").update(sets=2, reps=12)
    raw["note"] = "More bridges: the hip abductors are coming along."
    return raw


def _log(plan: PlanRecord, user: User, exercise: str, side: str | None) -> None:
    recording.log_record(
        user, log_payload(plan, exercise=exercise, side=side, rung=1), today=LOG_TODAY
    )


def test_a_linked_clinician_stores_the_next_version_with_its_changes(
    owner: User, clinician: User
) -> None:
    base = make_plan(owner)
    _log(base, owner, "glute_bridge", None)
    _log(base, owner, "knee_to_chest", "left")
    assert {c.exercise_id for c in CurrentDose.objects.filter(user_id=owner.pk)} == {
        "glute_bridge",
        "knee_to_chest",
    }
    audits = AuditEvent.objects.count()

    made = plan_prescribe(clinician, public_id(owner), _redosed(base), base.version)

    assert made.version == base.version + 1
    assert plans.plan_current(owner) == made
    assert made.author_id == clinician.pk
    assert made.author_role == "clinician"
    assert made.starts_on == base.starts_on  # a revision keeps the program's weeks
    assert made.intake_id == base.intake_id
    assert made.note == "More bridges: the hip abductors are coming along."
    assert [c["kind"] for c in made.changes] == ["dose"]
    assert made.changes[0]["exercise"] == "glute_bridge"
    assert (
        made.changes[0]["text"]
        == "Glute bridge: dose from 1 × 8, 2 s pause each to 2 × 12, 2 s pause each."
    )
    assert made.overrides == []
    doc = PlanDocument.model_validate(made.document)
    assert doc.plan is not None
    assert {
        (it.sets, it.reps) for d in doc.plan.days for it in d.items if it.exercise == "glute_bridge"
    } == {(2, 12)}
    # The clinician's dose replaces the progression's current dose of the re-dosed exercise only.
    assert {c.exercise_id for c in CurrentDose.objects.filter(user_id=owner.pk)} == {
        "knee_to_chest"
    }
    # Audited (the access and the write), with whose data it was, and no health data.
    new = list(AuditEvent.objects.order_by("id")[audits:])
    write = [e for e in new if e.action == "plan.prescribe"]
    assert len(write) == 1
    assert write[0].actor_id == clinician.pk
    assert write[0].subject_id == owner.pk
    assert write[0].target == str(made.id)
    for e in new:
        assert e.subject_id == owner.pk
        text = f"{e.action} {e.target}".lower()
        assert "bridge" not in text and "dose" not in text and "abductor" not in text


def test_the_old_version_stays_in_the_history(owner: User, clinician: User) -> None:
    base = make_plan(owner)
    document = base.document
    made = plan_prescribe(clinician, public_id(owner), _redosed(base), base.version)

    assert plans.plan_history(owner) == [made, base]
    base.refresh_from_db()
    assert base.document == document
    assert base.author_role == "person" and base.changes[0]["what"] == "intake"


def test_a_contraindicated_choice_is_refused_without_a_reason_and_stored_with_one(
    owner: User, clinician: User
) -> None:
    base = make_plan(owner, hip_precautions="posterior_approach")
    raw = _raw(base)
    assert "knee_to_chest" not in {it["exercise"] for it in raw["items"]}
    raw["items"].append(
        {
            "exercise": "knee_to_chest",
            "side": "both",
            "sets": 1,
            "reps": 4,
            "hold_s": 30,
            "days": ["tue"],
        }
    )
    before = snapshot(owner.pk)

    with pytest.raises(InputError) as exc:
        plan_prescribe(clinician, public_id(owner), raw, base.version)
    assert exc.value.problems[0].startswith(f"items[{len(raw['items']) - 1}].override_reason: ")
    assert "bends the hip past 90 degrees" in exc.value.problems[0]
    assert snapshot(owner.pk) == before

    raw["items"][-1]["override_reason"] = "Surgeon cleared flexion to 100 degrees at 12 weeks"
    made = plan_prescribe(clinician, public_id(owner), raw, base.version)

    assert made.overrides == [
        {
            "exercise": "knee_to_chest",
            "rule": made.overrides[0]["rule"],
            "reason": "Surgeon cleared flexion to 100 degrees at 12 weeks",
        }
    ]
    assert "bends the hip past 90 degrees" in made.overrides[0]["rule"]
    doc = PlanDocument.model_validate(made.document)
    assert doc.plan is not None
    notes = [
        n
        for d in doc.plan.days
        for it in d.items
        if it.exercise == "knee_to_chest"
        for n in it.notes
    ]
    assert any("Surgeon cleared flexion" in n for n in notes)


def test_the_editor_shows_the_plan_and_what_the_intake_rules_out(
    owner: User, clinician: User
) -> None:
    base = make_plan(owner, hip_precautions="posterior_approach")

    editor = plan_editor(clinician, public_id(owner))

    assert editor.patient.pk == owner.pk
    assert editor.plan == base
    assert editor.prescription.model_dump(mode="json")["items"] == _raw(base)["items"]
    by_id = {c.exercise: c for c in editor.choices}
    assert by_id["knee_to_chest"].excluded is not None
    assert "bends the hip past 90 degrees" in by_id["knee_to_chest"].excluded
    assert by_id["glute_bridge"].excluded is None
    assert by_id["knee_to_chest"].kind == "hold" and by_id["knee_to_chest"].sidedness == "per_side"


def test_the_editor_refuses_a_withheld_plan(owner: User, clinician: User) -> None:
    withheld = make_plan(owner, screening={"fall_cannot_bear_weight": True})
    assert withheld.withheld

    with pytest.raises(InputError) as exc:
        plan_editor(clinician, public_id(owner))
    assert exc.value.problems[0].startswith("plan: withheld")
    with pytest.raises(InputError) as exc:
        plan_prescribe(clinician, public_id(owner), BRIDGE_ONLY, withheld.version)
    assert exc.value.problems[0].startswith("plan: ")
    assert plans.plan_version_now(owner) == 1


def test_a_person_without_a_plan_cannot_be_prescribed_for(owner: User, clinician: User) -> None:
    with pytest.raises(InputError) as exc:
        plan_editor(clinician, public_id(owner))
    assert exc.value.problems[0].startswith("plan: ")
    with pytest.raises(InputError):
        plan_prescribe(clinician, public_id(owner), BRIDGE_ONLY, 0)
    assert not PlanRecord.objects.filter(user_id=owner.pk).exists()


def test_an_edit_without_a_version_is_refused(owner: User, clinician: User) -> None:
    base = make_plan(owner)
    before = snapshot(owner.pk)

    with pytest.raises(InputError) as exc:
        plan_prescribe(clinician, public_id(owner), _redosed(base), None)

    assert exc.value.problems == ["version: say which plan version you edited"]
    assert snapshot(owner.pk) == before


def test_bad_input_names_the_field_and_stores_nothing(owner: User, clinician: User) -> None:
    base = make_plan(owner)
    raw = _redosed(base)
    _entry(raw, "plank")["hold_s"] = 0
    before = snapshot(owner.pk)

    with pytest.raises(InputError) as exc:
        plan_prescribe(clinician, public_id(owner), raw, base.version)

    assert [p.split(":")[0] for p in exc.value.problems] == [
        f"items[{raw['items'].index(_entry(raw, 'plank'))}].hold_s"
    ]
    assert snapshot(owner.pk) == before


# --- who may not -----------------------------------------------------------------------------


def _denied(actor: User, owner: User, error: type[Exception]) -> None:
    base = plans.plan_current(owner) or make_plan(owner)
    pid = public_id(owner)
    before = snapshot(owner.pk)
    audits = AuditEvent.objects.filter(subject_id=owner.pk).count()

    with pytest.raises(error):
        plan_editor(actor, pid)
    with pytest.raises(error):
        plan_prescribe(actor, pid, _redosed(base), base.version)

    assert snapshot(owner.pk) == before
    assert PlanRecord.objects.filter(user_id=owner.pk).count() == 1
    assert plans.plan_version_now(owner) == base.version
    assert AuditEvent.objects.filter(subject_id=owner.pk).count() == audits


def test_an_unlinked_clinician_gets_not_found(owner: User, other_clinician: User) -> None:
    _denied(other_clinician, owner, NotFound)


def test_another_person_is_refused(owner: User, other: User) -> None:
    _denied(other, owner, Forbidden)


def test_an_admin_is_refused(owner: User, admin: User) -> None:
    _denied(admin, owner, Forbidden)


def test_the_person_cannot_prescribe_for_themself(owner: User) -> None:
    _denied(owner, owner, Forbidden)


def test_an_unknown_or_malformed_person_id_is_not_found(owner: User, clinician: User) -> None:
    base = make_plan(owner)
    for pid in ("not-a-uuid", "00000000-0000-4000-8000-000000000000"):
        with pytest.raises(NotFound):
            plan_prescribe(clinician, pid, _redosed(base), base.version)
    assert plans.plan_version_now(owner) == 1


def test_access_ends_with_the_link(owner: User, clinician: User) -> None:
    base = make_plan(owner)
    plan_editor(clinician, public_id(owner))
    link = CareLink.objects.get(clinician_id=clinician.pk, patient_id=owner.pk)

    care.link_end(owner, str(link.id), NOW)

    with pytest.raises(NotFound):
        plan_editor(clinician, public_id(owner))
    with pytest.raises(NotFound):
        plan_prescribe(clinician, public_id(owner), _redosed(base), base.version)
    assert plans.plan_version_now(owner) == 1
