"""The weekly check-in page: red flags refer, the check-in falls due a week after the start."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from hipalign.adapters.db.models import CheckInRecord, PlanRecord
from hipalign.core.screening.catalog import QUESTIONS
from tests.services.factories import MONDAY, all_counts
from tests.web.conftest import SetToday, no_answers

pytestmark = pytest.mark.django_db

URGENT = next(q for q in QUESTIONS if q.level == "urgent")
DUE_NOTICE = "Your weekly check-in is due."


def checkin_form(**changes: str) -> dict[str, str]:
    return {**no_answers(), "pain_now": "2", "pain_worst_week": "3", **changes}


def test_checkin_with_a_red_flag_shows_the_referral_and_stores_it(
    owner: AbstractBaseUser, owner_plan: PlanRecord, owner_client: Client
) -> None:
    response = owner_client.post("/checkin", checkin_form(**{f"q_{URGENT.id}": "yes"}))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="referral"' in html
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
    response = owner_client.post("/checkin", checkin_form())

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
