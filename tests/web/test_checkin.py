"""The weekly check-in page: red flags refer, the check-in falls due a week after the start."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import CheckInRecord, IntakeRecord, PlanRecord
from hipalign.core.screening.catalog import QUESTIONS
from tests.services.factories import MONDAY, all_counts
from tests.web.conftest import SetToday, no_answers

pytestmark = pytest.mark.django_db

URGENT = next(q for q in QUESTIONS if q.level == "urgent")
DUE_NOTICE = "Your weekly check-in is due."


CANCER = next(q for q in QUESTIONS if q.id == "cancer_history_or_weight_loss")
LIFETIME = [q for q in QUESTIONS if q.lifetime]
CURRENT = [q for q in QUESTIONS if not q.lifetime]
HIDDEN_GROUP = "<div data-checkin-carried hidden>"


def checkin_form(**changes: str) -> dict[str, str]:
    """Every question shown answered no, and "nothing changed" for the ones asked once."""
    current = {k: v for k, v in no_answers().items() if k not in {f"q_{q.id}" for q in LIFETIME}}
    return {**current, "changed": "no", "pain_now": "2", "pain_worst_week": "3", **changes}


def lifetime_again(**changes: str) -> dict[str, str]:
    """Something changed: the questions asked once, answered again (no unless changed)."""
    return checkin_form(**({"changed": "yes"} | {f"q_{q.id}": "no" for q in LIFETIME} | changes))


def shown_part(html: str) -> str:
    """The page without the hidden group of carried-over questions (it ends at the button)."""
    start = html.find(HIDDEN_GROUP)
    return html if start < 0 else html[:start] + html[html.index('<button type="submit"', start) :]


def test_checkin_with_a_red_flag_shows_the_referral_and_stores_it(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    response = owner_client.post("/checkin", checkin_form(**{f"q_{URGENT.id}": "yes"}))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="safety-card"' in html  # the card of issue 14.4, as on Today
    assert "See a doctor urgently" in html
    assert URGENT.action.split(".")[0] in html
    rec = CheckInRecord.objects.get(user=owner)
    assert (rec.referral_level, rec.answers[URGENT.id], rec.performed_on) == (
        "urgent",
        True,
        MONDAY,
    )


def test_checkin_red_flag_is_shown_on_today_afterwards(
    owner_plan: PlanRecord, owner_client: Client
) -> None:
    owner_client.post("/checkin", checkin_form(**{f"q_{URGENT.id}": "yes"}))

    html = owner_client.get("/today").content.decode()

    assert "Your last check-in needs attention" in html
    assert URGENT.action.split(".")[0] in html


def test_checkin_without_flags_says_carry_on(owner_plan: PlanRecord, owner_client: Client) -> None:
    response = owner_client.post("/checkin", checkin_form())

    html = response.content.decode()
    assert 'data-testid="checkin-ok"' in html
    assert 'data-testid="referral"' not in html
    assert "needs attention" not in owner_client.get("/today").content.decode()


def test_checkin_with_a_missing_answer_rerenders_and_stores_nothing(
    owner_plan: PlanRecord, owner_client: Client
) -> None:
    form = checkin_form()
    del form[f"q_{URGENT.id}"]
    before = all_counts()

    response = owner_client.post("/checkin", form)

    assert response.status_code == 200
    assert f"q_{URGENT.id}" in response.context["form"].errors
    assert URGENT.question in response.content.decode()
    assert all_counts() == before


def test_checkin_before_any_plan_is_refused_with_a_message(owner_client: Client) -> None:
    # No intake, nothing to carry over: every question is asked in full.
    response = owner_client.post("/checkin", {**no_answers(), **checkin_form()})

    assert response.status_code == 200
    assert "fill in the intake first" in response.content.decode()
    assert CheckInRecord.objects.count() == 0


def test_checkin_is_due_on_today_seven_days_after_the_plan_starts(
    owner_plan: PlanRecord, owner_client: Client, set_today: SetToday
) -> None:
    set_today(MONDAY + timedelta(days=6))
    day_six = owner_client.get("/today").content.decode()
    set_today(MONDAY + timedelta(days=7))
    day_seven = owner_client.get("/today").content.decode()

    assert DUE_NOTICE not in day_six
    assert DUE_NOTICE in day_seven


def test_checkin_done_clears_the_due_notice(
    owner_plan: PlanRecord, owner_client: Client, set_today: SetToday
) -> None:
    set_today(MONDAY + timedelta(days=7))
    owner_client.post("/checkin", checkin_form())

    assert DUE_NOTICE not in owner_client.get("/today").content.decode()


def test_checkin_asks_the_intake_no_to_cancer_only_as_anything_changed(
    owner_plan: PlanRecord, owner_client: Client
) -> None:
    html = owner_client.get("/checkin").content.decode()

    shown = shown_part(html)
    assert CANCER.question not in shown
    assert "Has anything changed since you last told us about: cancer" in shown
    assert CANCER.question in html[html.index(HIDDEN_GROUP) :]  # there for checkin.js to show


def test_checkin_shows_every_current_state_question_every_week(
    owner_plan: PlanRecord, owner_client: Client
) -> None:
    owner_client.post("/checkin", checkin_form())

    shown = shown_part(owner_client.get("/checkin").content.decode())

    for q in CURRENT:
        assert q.question in shown


def test_checkin_nothing_changed_stores_the_intake_answers_carried_over(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    response = owner_client.post("/checkin", checkin_form())

    assert 'data-testid="checkin-ok"' in response.content.decode()
    rec = CheckInRecord.objects.get(user=owner)
    assert rec.answers == {q.id: False for q in QUESTIONS}


def test_checkin_without_the_anything_changed_answer_is_refused(
    owner_plan: PlanRecord, owner_client: Client
) -> None:
    form = checkin_form()
    del form["changed"]

    response = owner_client.post("/checkin", form)

    assert "changed" in response.context["form"].errors
    assert CheckInRecord.objects.count() == 0


def test_checkin_something_changed_requires_the_lifetime_questions_again(
    owner_plan: PlanRecord, owner_client: Client
) -> None:
    before = all_counts()

    response = owner_client.post("/checkin", checkin_form(changed="yes"))

    html = response.content.decode()
    assert set(response.context["form"].errors) == {f"q_{q.id}" for q in LIFETIME}
    assert HIDDEN_GROUP not in html  # the server shows them without any script
    assert CANCER.question in html
    assert all_counts() == before


def test_checkin_something_changed_and_a_yes_to_cancer_refers(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    response = owner_client.post("/checkin", lifetime_again(**{f"q_{CANCER.id}": "yes"}))

    assert 'data-testid="referral"' in response.content.decode()
    rec = CheckInRecord.objects.get(user=owner)
    assert (rec.referral_level, rec.answers[CANCER.id]) == ("see_doctor", True)


def test_checkin_after_a_yes_at_a_checkin_asks_that_question_in_full(
    owner_plan: PlanRecord, owner_client: Client
) -> None:
    owner_client.post("/checkin", lifetime_again(**{f"q_{CANCER.id}": "yes"}))

    form = owner_client.get("/checkin").context["form"]

    assert f"q_{CANCER.id}" in [f.name for f in form.always_fields()]
    assert form.fields[f"q_{CANCER.id}"].required


def test_checkin_asks_a_question_the_intake_never_answered_in_full(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    rec = IntakeRecord.objects.get(user=owner)
    del rec.document["screening"][CANCER.id]  # as if the question were added since
    rec.save()

    html = owner_client.get("/checkin").content.decode()

    assert CANCER.question in shown_part(html)
    assert "since you last told us about: cancer" not in html
