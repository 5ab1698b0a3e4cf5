"""Onboarding: every safety question asked explicitly, a plan or a referral, history kept."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import IntakeRecord, PlanRecord
from hipalign.core.screening.catalog import QUESTIONS, QUESTIONS_BY_ID
from hipalign.services.program import plans
from tests.services.factories import MONDAY, all_counts
from tests.web.conftest import no_answers

pytestmark = pytest.mark.django_db

EMERGENCY = next(q for q in QUESTIONS if q.level == "emergency")


def onboarding_form(**changes: Any) -> dict[str, Any]:
    """The onboarding form as a person fills it: every safety answer no, the required rest."""
    form: dict[str, Any] = {
        **no_answers(),
        "age": "40",
        "pregnant": "no",
        "pain_now": "2",
        "pain_worst_week": "3",
        "pain_side": "none",
        "minutes_per_session": "20",
        "sessions_per_week": "3",
    }
    form.update(changes)
    return form


def test_onboarding_page_asks_every_safety_question_with_no_answer_chosen(
    owner_client: Client,
) -> None:
    response = owner_client.get("/onboarding")

    html = response.content.decode()
    assert response.status_code == 200
    for q in QUESTIONS:
        assert f'name="q_{q.id}"' in html
        assert f'name="q_{q.id}" value="no" required id="id_q_{q.id}_1" checked' not in html
    assert "checked" not in html.split('id="step-about"')[0]  # no safety answer is preset


def test_all_safety_answers_no_makes_a_plan_and_goes_to_it(
    owner: User, owner_client: Client
) -> None:
    response = owner_client.post("/onboarding", onboarding_form())

    assert response.status_code == 302
    assert response["Location"] == "/plan"
    assert IntakeRecord.objects.filter(user=owner).count() == 1
    plan = PlanRecord.objects.get(user=owner)
    assert (plan.withheld, plan.starts_on) == (False, MONDAY)
    assert IntakeRecord.objects.get(user=owner).document["pain"] == {
        "now": 2,
        "worst_week": 3,
        "side": "none",
    }
    page = owner_client.get("/plan").content.decode()
    assert "Your exercises" in page
    assert "Glute bridge" in page


def test_optional_self_tests_reach_the_stored_intake(owner: User, owner_client: Client) -> None:
    form = onboarding_form(
        weaker_side="left",
        trendelenburg_left="positive",
        stance_left_s="8",
        stance_right_s="30",
        equipment=["mat", "resistance_band"],
        sitting_hours_per_day="9",
    )

    assert owner_client.post("/onboarding", form).status_code == 302

    doc = IntakeRecord.objects.get(user=owner).document
    assert doc["findings"]["weaker_side"] == "left"
    assert doc["findings"]["trendelenburg"] == {"left": "positive"}
    assert doc["findings"]["single_leg_stance_s"] == {"left": 8, "right": 30}
    assert sorted(doc["equipment"]) == ["mat", "resistance_band"]
    assert doc["lifestyle"]["sitting_hours_per_day"] == 9


def test_missing_safety_answer_rerenders_naming_the_question_and_stores_nothing(
    owner_client: Client,
) -> None:
    question = QUESTIONS[3]
    form = onboarding_form()
    del form[f"q_{question.id}"]
    before = all_counts()

    response = owner_client.post("/onboarding", form)

    assert response.status_code == 200
    assert f"q_{question.id}" in response.context["form"].errors
    alert = response.content.decode().split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert f"{question.question}</a>: This field is required." in alert
    assert alert.count("<li>") == 1  # only the missing one is named
    assert all_counts() == before


def _fields_with_errors(html: str) -> list[str]:
    """The HTML of each question (its .field block) that the server marked as having an error."""
    blocks = html.split('<div class="field')[1:]
    return [b.split('<div class="field', 1)[0] for b in blocks if b.startswith(' has-error"')]


def test_without_script_each_message_sits_in_its_own_question_and_its_inputs_point_to_it(
    owner_client: Client,
) -> None:
    """Issue 14, item 12: the server's message is under the question it is about (not only in
    the summary at the top), the question's inputs are aria-invalid and described by it."""
    question = QUESTIONS[3]
    form = onboarding_form(pain_now="12")
    del form[f"q_{question.id}"]

    html = owner_client.post("/onboarding", form).content.decode()

    blocks = _fields_with_errors(html)
    assert len(blocks) == 2, blocks
    safety, pain = blocks
    qid = f"id_q_{question.id}"
    assert f'<fieldset id="{qid}" tabindex="-1" aria-describedby="{qid}_error">' in safety
    assert f'<p class="error" id="{qid}_error">This field is required.</p>' in safety
    assert safety.count('aria-invalid="true"') == 2  # yes and no
    assert 'aria-describedby="id_pain_now_error"' in pain and 'aria-invalid="true"' in pain
    assert pain.count('id="id_pain_now_error"') == 1 and "less than or equal to 10" in pain


def test_invalid_number_rerenders_naming_the_field_and_stores_nothing(
    owner_client: Client,
) -> None:
    before = all_counts()

    response = owner_client.post("/onboarding", onboarding_form(pain_now="12"))

    assert response.status_code == 200
    assert "pain_now" in response.context["form"].errors
    assert all_counts() == before


def test_pregnant_without_weeks_is_refused_with_the_core_message(owner_client: Client) -> None:
    before = all_counts()

    response = owner_client.post("/onboarding", onboarding_form(pregnant="yes"))

    assert response.status_code == 200
    assert "weeks is required when pregnant" in response.content.decode()
    assert all_counts() == before


def test_red_flag_answer_stores_no_plan_and_shows_the_action_with_no_player(
    owner: User, owner_client: Client
) -> None:
    # The whole form sent with an emergency yes (no script): it stops just the same (issue
    # 14.4); tests/web/test_safety_stop.py covers the stop itself.
    response = owner_client.post("/onboarding", onboarding_form(**{f"q_{EMERGENCY.id}": "yes"}))

    assert (response.status_code, response["Location"]) == (302, "/onboarding/stop")
    assert PlanRecord.objects.filter(user=owner).count() == 0
    page = owner_client.get("/plan")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Get emergency care now" in html
    assert QUESTIONS_BY_ID[EMERGENCY.id].action in html
    assert "Your exercises" not in html
    assert "Glute bridge" not in html
    today = owner_client.get("/today")
    assert today.status_code == 200
    assert 'data-testid="safety-card"' in today.content.decode()
    assert 'id="player"' not in today.content.decode()


def test_replan_keeps_history_and_plans_lists_both(owner: User, owner_client: Client) -> None:
    owner_client.post("/onboarding", onboarding_form())
    first = PlanRecord.objects.get(user=owner)

    changed = owner_client.get("/onboarding")
    response = owner_client.post("/onboarding", onboarding_form(age="67", pain_now="4"))

    assert changed.context["changing"] is True
    assert changed.context["form"].initial["age"] == 40
    assert response.status_code == 302
    assert PlanRecord.objects.filter(user=owner).count() == 2
    assert IntakeRecord.objects.filter(user=owner).count() == 2
    second = plans.plan_current(owner)
    assert second is not None and second.pk != first.pk
    assert IntakeRecord.objects.get(pk=first.intake_id).document["age"] == 40
    history = owner_client.get("/plans").content.decode()
    assert f"/plans/{first.id}" in history and f"/plans/{second.id}" in history
    old = owner_client.get(f"/plans/{first.id}")
    assert old.status_code == 200
    assert old.context["is_current"] is False


def test_home_sends_a_person_without_a_plan_to_onboarding_and_with_one_to_today(
    owner_client: Client, owner: User
) -> None:
    assert owner_client.get("/")["Location"] == "/onboarding"
    owner_client.post("/onboarding", onboarding_form())
    assert owner_client.get("/")["Location"] == "/today"


def test_plan_pages_without_a_plan_send_to_onboarding(owner_client: Client) -> None:
    assert owner_client.get("/plan")["Location"] == "/onboarding"
    assert owner_client.get("/today")["Location"] == "/onboarding"


def test_changing_answers_asks_every_safety_question_and_pregnancy_afresh(
    owner: User, owner_client: Client
) -> None:
    owner_client.post("/onboarding", onboarding_form())

    changed = owner_client.get("/onboarding")

    html = changed.content.decode()
    assert changed.context["changing"] is True
    initial = changed.context["form"].initial
    assert initial["age"] == 40  # the rest starts from the last answers
    assert not any(key.startswith("q_") for key in initial)
    assert "pregnant" not in initial
    safety = html.split('id="step-about"')[0]
    assert "checked" not in safety  # no safety answer is preset
    about = html.split('id="step-about"')[1].split("</fieldset>")[0]
    assert not re.search(r'name="pregnant"[^>]*checked', about)


def test_a_new_form_has_no_preset_pregnancy_answer(owner_client: Client) -> None:
    html = owner_client.get("/onboarding").content.decode()

    assert 'name="pregnant"' in html
    assert not re.search(r'name="pregnant"[^>]*checked', html)
