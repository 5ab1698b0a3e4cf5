"""Issue 13: the onboarding wizard and the clinician's assessment ask the weeks since giving
birth and caesarean when the person is not pregnant; the intake keeps them and the plan obeys."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import AssessmentRecord, IntakeRecord, PlanRecord
from hipalign.services.program import plans
from tests.services.factories import all_counts, make_plan
from tests.web.test_clinic_pages import _form, body, patient_url
from tests.web.test_onboarding import onboarding_form

pytestmark = pytest.mark.django_db


def _plan_items(plan: PlanRecord) -> set[str]:
    doc = plans.plan_document(plan)
    assert doc.plan is not None
    return {it.exercise for d in doc.plan.days for it in d.items}


def test_onboarding_asks_weeks_since_birth_and_caesarean_in_the_about_step(
    owner_client: Client,
) -> None:
    html = owner_client.get("/onboarding").content.decode()
    about = html.split('id="step-about"', 1)[1].split('id="step-symptoms"', 1)[0]
    assert 'name="postpartum_weeks"' in about and 'name="caesarean"' in about
    assert 'value="pubic_pain"' in html and 'value="thigh_pain"' in html


def test_onboarding_postpartum_answers_reach_the_intake_and_the_plan(
    owner: User, owner_client: Client
) -> None:
    form = onboarding_form(postpartum_weeks="5", caesarean="yes", equipment=["mat", "wall"])
    response = owner_client.post("/onboarding", form)

    assert response.status_code == 302
    doc = IntakeRecord.objects.get(user=owner).document
    assert doc["pregnancy"] == {"pregnant": False, "postpartum_weeks": 5, "caesarean": True}
    plan = PlanRecord.objects.get(user=owner)
    assert plan.referral_level == "see_physio"
    assert not {"plank", "incline_plank", "side_plank"} & _plan_items(plan)


def test_onboarding_weeks_since_birth_out_of_range_is_named_and_nothing_stored(
    owner_client: Client,
) -> None:
    before = all_counts()
    response = owner_client.post("/onboarding", onboarding_form(postpartum_weeks="200"))

    assert response.status_code == 200
    assert "postpartum_weeks" in response.context["form"].errors
    assert all_counts() == before


def test_onboarding_ignores_postpartum_answers_while_pregnant(
    owner: User, owner_client: Client
) -> None:
    form = onboarding_form(pregnant="yes", pregnancy_weeks="20", postpartum_weeks="5")
    assert owner_client.post("/onboarding", form).status_code == 302
    assert IntakeRecord.objects.get(user=owner).document["pregnancy"] == {
        "pregnant": True,
        "weeks": 20,
    }


def test_the_assessment_records_weeks_since_birth_on_the_intake(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    page = body(clinician_client.get(patient_url(owner, "/assessment")))
    assert 'name="postpartum_weeks"' in page

    saved = clinician_client.post(
        patient_url(owner, "/assessment"),
        _form(owner_plan.version, postpartum_weeks="7", caesarean="yes"),
    )

    assert saved.status_code == 302
    intake = plans.intake_current(owner)
    assert intake is not None and (intake.postpartum_weeks, intake.caesarean) == (7, True)


def test_the_assessment_refuses_weeks_since_birth_out_of_range(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    r = clinician_client.post(
        patient_url(owner, "/assessment"), _form(owner_plan.version, postpartum_weeks="300")
    )
    assert r.status_code == 422 and "postpartum_weeks" in body(r)
    assert not AssessmentRecord.objects.exists()


def test_the_assessment_of_a_pregnant_person_does_not_ask_weeks_since_birth(
    clinician_client: Client, owner: User
) -> None:
    make_plan(owner, pregnancy={"pregnant": True, "weeks": 20})
    page = body(clinician_client.get(patient_url(owner, "/assessment")))
    assert 'name="postpartum_weeks"' not in page
