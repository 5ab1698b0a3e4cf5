"""The emergency path (issue 14 item 4): a yes that needs care now ends the onboarding or the
check-in at once, on a page titled for what it is, with a call link and readable sources; Today
shows the same card until a check-in without such a sign clears it."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from hipalign.adapters.db.models import CheckInRecord, IntakeRecord, PlanRecord, SafetyStop
from hipalign.core.references import bibliography
from hipalign.core.screening.catalog import QUESTIONS
from tests.services.factories import all_counts, make_plan
from tests.web.conftest import no_answers
from tests.web.test_checkin import checkin_form
from tests.web.test_onboarding import onboarding_form

pytestmark = pytest.mark.django_db

EMERGENCIES = [q for q in QUESTIONS if q.level == "emergency"]
URGENTS = [q for q in QUESTIONS if q.level == "urgent"]
# Not the first question: the answers before it are given (no), the ones after it are not.
EMERGENCY = EMERGENCIES[2]
URGENT = URGENTS[0]
LATER_STEPS = ('id="step-about"', 'id="step-symptoms"', 'id="step-setup"', 'id="step-tests"')


def answered_until(question_id: str, answer: str = "yes") -> dict[str, str]:
    """The safety step as a person stops it: every question before this one no, this one yes,
    none after it answered, and nothing of the later steps."""
    form: dict[str, str] = {}
    for q in QUESTIONS:
        if q.id == question_id:
            form[f"q_{q.id}"] = answer
            return form
        form[f"q_{q.id}"] = "no"
    raise AssertionError(question_id)


def card_of(html: str) -> str:
    return html.split('data-testid="safety-card"', 1)[1].split("</section>", 1)[0]


def stop(client: Client, question_id: str = EMERGENCY.id, **extra: str) -> Any:
    return client.post("/onboarding", answered_until(question_id) | extra, follow=True)


@pytest.mark.parametrize("question", [EMERGENCY, URGENT], ids=["emergency", "urgent"])
def test_a_yes_that_needs_care_now_stops_the_onboarding_at_once_without_the_later_steps(
    owner: User, owner_client: Client, question: Any
) -> None:
    response = stop(owner_client, question.id)

    html = response.content.decode()
    assert response.redirect_chain == [("/onboarding/stop", 302)]
    assert response.status_code == 200
    for step in LATER_STEPS:
        assert step not in html
    assert "Age (years)" not in html and "Please check these answers" not in html
    assert question.action in card_of(html)
    # Nothing of an intake was needed: none stored; the stop keeps only what was answered.
    assert IntakeRecord.objects.filter(user=owner).count() == 0
    assert PlanRecord.objects.filter(user=owner).count() == 0
    saved = SafetyStop.objects.get(user=owner)
    assert saved.answers == {k[2:]: v == "yes" for k, v in answered_until(question.id).items()}
    assert saved.referral_level == question.level


@pytest.mark.parametrize(
    ("question", "title"),
    [(EMERGENCY, "Get emergency care now"), (URGENT, "See a doctor urgently")],
    ids=["emergency", "urgent"],
)
def test_the_stop_page_is_titled_for_what_it_is_not_your_plan(
    owner_client: Client, question: Any, title: str
) -> None:
    html = stop(owner_client, question.id).content.decode()

    assert re.search(rf"<title>\s*{title}\b", html)
    assert f"<h1>{title}</h1>" in html
    assert "Your plan" not in html


def test_the_card_calls_112_by_default(owner_client: Client) -> None:
    card = card_of(stop(owner_client).content.decode())

    assert 'href="tel:112"' in card
    assert "Call 112" in card


@override_settings(EMERGENCY_NUMBER="+44 999")
def test_the_card_calls_the_operators_emergency_number_when_set(owner_client: Client) -> None:
    card = card_of(stop(owner_client).content.decode())

    assert 'href="tel:+44999"' in card
    assert "Call +44 999" in card
    assert "tel:112" not in card


def test_the_stop_page_has_no_print_button_no_lessons_and_no_plan(owner_client: Client) -> None:
    html = stop(owner_client).content.decode()

    assert "Print this plan" not in html and "data-print" not in html
    assert "print.js" not in html
    assert "/learn/" not in html and "Worth reading" not in html
    assert "Your exercises" not in html and 'data-testid="week"' not in html


def test_sources_on_the_card_are_readable_references_not_raw_links(owner_client: Client) -> None:
    card = card_of(stop(owner_client).content.decode())

    refs = bibliography()
    for ref_id in EMERGENCY.refs:
        assert refs[ref_id].title.replace("'", "&#x27;") in card
    assert 'href="https://' in card  # the references link to their pages ...
    assert "http" not in re.sub(r'href="[^"]*"', "", card)  # ... but never show an address
    for label in ("GH:", "GS:", "DVT/PE:"):
        assert label not in card


def test_today_shows_the_card_until_a_check_in_without_a_warning_sign_clears_it(
    owner: User, owner_client: Client
) -> None:
    stop(owner_client)

    today = owner_client.get("/today")
    again = owner_client.get("/today")
    cleared = owner_client.post("/checkin", {**no_answers(), **checkin_form()})
    after = owner_client.get("/today")

    assert today.status_code == 200  # no plan, yet Today is the card, not the onboarding
    card = card_of(today.content.decode())
    assert EMERGENCY.action in card and 'href="tel:112"' in card
    assert 'data-testid="safety-card"' in again.content.decode()  # it stays
    assert 'data-testid="checkin-ok"' in cleared.content.decode()
    assert CheckInRecord.objects.get(user=owner).referral_level == "none"
    assert after.status_code == 302 and after["Location"] == "/onboarding"


def test_a_check_in_that_still_has_the_sign_keeps_the_card(
    owner: User, owner_client: Client
) -> None:
    stop(owner_client)

    owner_client.post("/checkin", {**no_answers(), **checkin_form(**{f"q_{URGENT.id}": "yes"})})

    card = card_of(owner_client.get("/today").content.decode())
    assert URGENT.action in card


def test_with_a_plan_the_stop_replaces_the_session_on_today_until_cleared(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    stop(owner_client)

    stopped = owner_client.get("/today")
    owner_client.post("/checkin", checkin_form())
    cleared = owner_client.get("/today")

    html = stopped.content.decode()
    assert 'data-testid="safety-card"' in html
    assert 'id="player"' not in html and "player.js" not in html
    assert "Daily habits" not in html
    assert PlanRecord.objects.filter(user=owner).count() == 1  # the plan is not replaced
    assert 'data-testid="safety-card"' not in cleared.content.decode()
    assert cleared.context["player"] is not None


def test_a_check_in_yes_that_needs_care_now_stops_it_at_once_without_pain(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    response = owner_client.post("/checkin", answered_until(EMERGENCY.id))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Get emergency care now" in html and 'href="tel:112"' in card_of(html)
    assert "Please check these answers" not in html
    assert CheckInRecord.objects.filter(user=owner).count() == 0
    assert SafetyStop.objects.get(user=owner).referral_level == "emergency"
    assert 'data-testid="safety-card"' in owner_client.get("/today").content.decode()


def test_a_full_check_in_with_an_emergency_yes_is_stored_and_shows_the_card(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    response = owner_client.post("/checkin", checkin_form(**{f"q_{EMERGENCY.id}": "yes"}))

    html = response.content.decode()
    assert "<h1>Get emergency care now</h1>" in html
    assert "Print this plan" not in html
    assert CheckInRecord.objects.get(user=owner).referral_level == "emergency"
    today = owner_client.get("/today").content.decode()
    assert "Your last check-in needs attention" in card_of(today)


def test_the_no_script_stop_button_without_a_sign_goes_on_with_the_form(
    owner_client: Client,
) -> None:
    before = all_counts()

    response = owner_client.post("/onboarding", no_answers() | {"stop": "safety"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "None of your answers so far needs care straight away" in html
    assert "Please check these answers" not in html  # nothing refused yet
    assert 'id="step-about"' in html
    assert response.context["form"].initial[f"q_{EMERGENCY.id}"] == "no"  # answers kept
    assert all_counts() == before


def test_a_see_doctor_yes_does_not_stop_the_onboarding(owner_client: Client) -> None:
    see_doctor = next(q for q in QUESTIONS if q.level == "see_doctor")
    before = all_counts()

    response = owner_client.post("/onboarding", answered_until(see_doctor.id))

    assert response.status_code == 200  # the form again, asking for the rest
    assert "Age (years)" in response.content.decode()
    assert all_counts() == before


def test_the_onboarding_form_names_the_questions_that_stop_it(owner_client: Client) -> None:
    html = owner_client.get("/onboarding").content.decode()

    names = re.search(r'data-stop-names="([^"]*)"', html)
    assert names is not None
    assert set(names.group(1).split()) == {
        f"q_{q.id}" for q in QUESTIONS if q.level in ("emergency", "urgent")
    }
    assert 'data-testid="stop-now"' in html.split('id="step-about"')[0]  # on the safety step


def test_a_plan_withheld_for_an_emergency_shows_the_card_page_not_your_plan(
    owner: User, owner_client: Client
) -> None:
    make_plan(owner, screening={EMERGENCY.id: True})  # as the API or the CLI store it

    html = owner_client.get("/plan").content.decode()

    assert "<h1>Get emergency care now</h1>" in html
    assert "Your plan" not in html and "Print this plan" not in html
    assert "Worth reading" not in html


def test_the_stop_page_without_a_stop_goes_home(owner_client: Client) -> None:
    response = owner_client.get("/onboarding/stop")

    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_later_intake_without_a_sign_clears_the_card(owner: User, owner_client: Client) -> None:
    stop(owner_client)

    owner_client.post("/onboarding", onboarding_form())

    assert 'data-testid="safety-card"' not in owner_client.get("/today").content.decode()
