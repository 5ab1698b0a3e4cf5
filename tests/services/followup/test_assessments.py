"""A clinician's assessment: stored, mapped onto a new intake and plan, locked, audited."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import AssessmentRecord, AuditEvent, CareLink, PlanRecord
from hipalign.core.errors import InputError
from hipalign.services.followup import assessments
from hipalign.services.kernel.access import Forbidden, NotFound
from hipalign.services.program import plans
from tests.services.factories import MONDAY, TUESDAY, all_counts, make_plan, public_id

DOC: dict[str, Any] = {
    "performed_on": "2026-03-03",
    "tests": {
        "trendelenburg": {"left": {"result": "positive", "lateral_pain": False}},
        "single_leg_stance": {"left": {"seconds": 6}, "right": {"seconds": 28}},
        "thomas": {"right": {"thigh_deg": 10, "knee_deg": 75}},
        "pelvic_crest": {"gap_mm": 12, "high_side": "left"},
    },
    "pain_during_tests": 2,
    "notes": "tolerated well",
}


@pytest.fixture
def plan(owner: User) -> PlanRecord:
    return make_plan(owner)


def test_an_assessment_makes_a_new_intake_and_plan_by_the_clinician(
    owner: User, clinician: User, plan: PlanRecord
) -> None:
    saved = assessments.assessment_record(
        clinician, public_id(owner), DOC, TUESDAY, expected_version=plan.version
    )

    rec = AssessmentRecord.objects.get()
    assert (rec.user_id, rec.clinician_id, rec.performed_on.isoformat()) == (
        owner.pk,
        clinician.pk,
        "2026-03-03",
    )
    assert rec.intake_id == saved.plan.intake_id
    new = plans.plan_current(owner)
    assert new is not None and new.pk == saved.plan.pk
    assert (new.version, new.author_id, new.author_role) == (2, clinician.pk, "clinician")
    intake = plans.intake_current(owner)
    assert intake is not None
    f = intake.findings
    assert f.trendelenburg is not None and f.trendelenburg.left == "positive"
    assert f.single_leg_stance_s is not None and f.single_leg_stance_s.right == 28
    assert f.thomas_test is not None and f.thomas_test.right == "hip_flexor_tight"
    assert f.pelvic_obliquity is not None and f.pelvic_obliquity.source == "clinician"
    assert saved.findings["single_leg_stance_s"] == {"left": 6.0, "right": 28.0}
    assert {d.finding for d in saved.derived} >= {"positive", "hip_flexor_tight"}


def test_the_write_is_audited_with_actor_and_subject_and_no_health_data(
    owner: User, clinician: User, plan: PlanRecord
) -> None:
    before = AuditEvent.objects.count()

    saved = assessments.assessment_record(clinician, public_id(owner), DOC, TUESDAY)

    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert [r.action for r in rows] == ["write:assessment", "plan.create", "assessment.create"]
    assert {(r.actor_id, r.subject_id) for r in rows} == {(clinician.pk, owner.pk)}
    assert rows[-1].target == str(saved.record.id)
    # Ids only: the person's public id or a record id, never a value or a finding.
    assert all(re.fullmatch(r"[0-9a-f-]{36}", r.target) for r in rows)
    assert rows[0].target == public_id(owner)


def test_clearance_by_the_clinician_lets_a_withheld_plan_through(
    owner: User, clinician: User
) -> None:
    withheld = make_plan(owner, screening={"constant_night_pain": True})
    assert withheld.withheld

    saved = assessments.assessment_record(
        clinician,
        public_id(owner),
        {"performed_on": "2026-03-03", "cleared_by_clinician": True},
        TUESDAY,
        expected_version=withheld.version,
    )

    assert not saved.plan.withheld


def test_a_value_out_of_range_names_the_field_and_stores_nothing(
    owner: User, clinician: User, plan: PlanRecord
) -> None:
    counts = all_counts()
    bad = {**DOC, "tests": {"thomas": {"left": {"knee_deg": 181}}}}

    with pytest.raises(InputError) as err:
        assessments.assessment_record(clinician, public_id(owner), bad, TUESDAY)

    assert err.value.problems == ["tests.thomas.left.knee_deg: give 0-180 degrees (got 181)"]
    after = all_counts()
    after.pop("AuditEvent"), counts.pop("AuditEvent")  # the attempted access is audited
    assert after == counts


def test_a_stale_plan_version_is_refused_and_nothing_is_stored(
    owner: User, clinician: User, plan: PlanRecord
) -> None:
    seen = plan.version
    make_plan(owner, TUESDAY, age=41)  # the person changed their answers meanwhile
    counts = all_counts()

    with pytest.raises(plans.StalePlan, match="you edited version 1, but the plan is now"):
        assessments.assessment_record(
            clinician, public_id(owner), DOC, TUESDAY, expected_version=seen
        )

    after = all_counts()
    after.pop("AuditEvent"), counts.pop("AuditEvent")
    assert after == counts
    assert AssessmentRecord.objects.count() == 0


def test_without_an_intake_the_clinician_is_told_so(owner: User, clinician: User) -> None:
    with pytest.raises(InputError, match="has not answered the intake"):
        assessments.assessment_record(clinician, public_id(owner), DOC, MONDAY)

    assert AssessmentRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("other_clinician", NotFound),
        ("other", Forbidden),
        ("admin", Forbidden),
        ("owner", Forbidden),  # the person may not assess themself or clear themself
    ],
)
def test_only_a_linked_clinician_may_record_an_assessment(
    who: str,
    error: type[Exception],
    request: pytest.FixtureRequest,
    owner: User,
    plan: PlanRecord,
) -> None:
    actor = request.getfixturevalue(who)
    before = plans.plan_version_now(owner)

    with pytest.raises(error):
        assessments.assessment_record(actor, public_id(owner), DOC, TUESDAY)

    assert AssessmentRecord.objects.count() == 0
    assert plans.plan_version_now(owner) == before


def test_an_ended_link_ends_assessment_access(
    owner: User, clinician: User, plan: PlanRecord
) -> None:
    CareLink.objects.filter(clinician=clinician, patient=owner).update(status="ended")

    with pytest.raises(NotFound):
        assessments.assessment_record(clinician, public_id(owner), DOC, TUESDAY)
    with pytest.raises(NotFound):
        assessments.assessment_form(clinician, public_id(owner))


def test_the_form_gives_the_plan_version_and_the_last_assessment(
    owner: User, clinician: User, plan: PlanRecord
) -> None:
    empty = assessments.assessment_form(clinician, public_id(owner))
    assessments.assessment_record(clinician, public_id(owner), DOC, TUESDAY)

    form = assessments.assessment_form(clinician, public_id(owner))

    assert (empty.plan_version, empty.last) == (1, None)
    assert form.plan_version == 2 and form.last is not None
    assert any(d.finding == "hip_flexor_tight" and d.side == "right" for d in form.last_derived)
