"""The scores page and the printable report."""

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from hipalign.adapters.db.models import OutcomeRecord, PlanRecord

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_log_in() -> None:
    for path in ("/outcomes", "/report"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login"), path


def test_psfs_rows_are_scored_and_stored(owner_client: Client, owner_plan: PlanRecord) -> None:
    rows = {"activity_0": "stairs", "rating_0": "3", "activity_1": "walking", "rating_1": "4"}
    rows |= {"activity_2": "car", "rating_2": "5"}

    response = owner_client.post("/outcomes/psfs", rows)

    assert response.status_code == 302
    rec = OutcomeRecord.objects.get(measure="psfs", user=owner_plan.user)
    assert rec.total == 4.0 and rec.answers == {"stairs": 3.0, "walking": 4.0, "car": 5.0}


def test_a_bad_score_answers_422_naming_it_and_stores_nothing(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    before = OutcomeRecord.objects.count()

    response = owner_client.post("/outcomes/nprs", {"pain": "11"})

    assert response.status_code == 422
    assert "answers.pain: must be a whole number from 0 to 10" in response.content.decode()
    assert OutcomeRecord.objects.count() == before


def test_an_unknown_measure_answers_422_and_lists_the_measures(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    response = owner_client.post("/outcomes/odi", {"pain": "3"})
    assert response.status_code == 422
    assert "choose one of" in response.content.decode()


def test_the_report_holds_the_plan_and_no_one_elses_scores(
    owner_client: Client, owner_plan: PlanRecord, other: AbstractBaseUser
) -> None:
    from tests.services.factories import make_plan

    make_plan(other, pain={"now": 9, "worst_week": 9})
    owner_client.post("/outcomes/nprs", {"pain": "0"})

    html = owner_client.get("/report").content.decode()

    assert "hipalign progress report" in html
    assert owner_plan.user.get_username() in html
    assert other.get_username() not in html
    assert "from 9" not in html
