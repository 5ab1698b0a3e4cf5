"""The scores page and the printable report."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
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
    # Named by its label, with what is allowed; never by the item's id.
    html = response.content.decode()
    assert "Your hip pain over the last 24 hours: give a whole number from 0 to 10" in html
    assert "answers.pain" not in html
    assert OutcomeRecord.objects.count() == before


def test_an_unknown_measure_answers_422_and_lists_the_measures(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    response = owner_client.post("/outcomes/odi", {"pain": "3"})
    assert response.status_code == 422
    assert "choose one of" in response.content.decode()


def test_the_report_holds_the_plan_and_no_one_elses_scores(
    owner_client: Client, owner_plan: PlanRecord, other: User
) -> None:
    from tests.services.factories import make_plan

    make_plan(other, pain={"now": 9, "worst_week": 9})
    owner_client.post("/outcomes/nprs", {"pain": "0"})

    html = owner_client.get("/report").content.decode()

    assert "hipalign progress report" in html
    assert owner_plan.user.get_username() in html
    assert other.get_username() not in html
    assert "from 9" not in html


def test_scores_survive_an_assessment_and_a_prescription_on_every_page(
    owner_client: Client,
    owner_plan: PlanRecord,
    clinician_client: Client,
    set_today: Any,
) -> None:
    """Issue 14, item 1: new plan versions made by a clinician keep the person's baseline."""
    from tests.services.factories import MONDAY, public_id
    from tests.web.test_prescribe_pages import _form as prescription_form

    psfs = {"activity_0": "climbing stairs", "rating_0": "3", "activity_1": "walking"}
    psfs |= {"rating_1": "4", "activity_2": "getting into the car", "rating_2": "5"}
    assert owner_client.post("/outcomes/psfs", psfs).status_code == 302
    later = MONDAY + timedelta(weeks=1, days=1)
    set_today(later)
    rated = {"activity_0": "climbing stairs", "rating_0": "6", "activity_1": "walking"}
    rated |= {"rating_1": "4", "activity_2": "getting into the car", "rating_2": "5"}
    assert owner_client.post("/outcomes/psfs", rated).status_code == 302
    assert owner_client.post("/outcomes/nprs", {"pain": "2"}).status_code == 302
    pid = public_id(owner_plan.user)
    assessed = clinician_client.post(
        f"/clinic/patients/{pid}/assessment",
        {
            "plan_version": "1",
            "performed_on": later.isoformat(),
            "method": "in_person",
            "cleared_by_clinician": "no",
            "tests.single_leg_stance.right.seconds": "12",
        },
    )
    assert assessed.status_code == 302
    data = prescription_form(clinician_client, pid)
    data["item-0-sets"] = int(data["item-0-sets"]) + 1
    assert clinician_client.post(f"/clinic/patients/{pid}/plan", data).status_code == 302
    assert PlanRecord.objects.filter(user=owner_plan.user).count() == 3

    scores = owner_client.get("/outcomes").content.decode()
    today = owner_client.get("/today").content.decode()
    progress = owner_client.get("/progress").content.decode()
    report = owner_client.get("/report").content.decode()

    assert 'value="climbing stairs"' in scores  # the baseline's activities, rated again
    assert 'data-testid="psfs-activity"' not in scores  # not asked anew
    assert (
        "So far: 0 on Mon 2 Mar 2026; 2 on Tue 10 Mar 2026." in scores
    )  # onboarding pain, then the later score
    assert 'data-testid="baseline-missing"' not in today
    for page in (progress, report):
        assert 'data-testid="outcome-change-psfs"' in page
        assert "score for climbing stairs improved by 3 points" in page
        assert 'data-testid="outcome-change-nprs"' in page


def _cards(html: str) -> list[str]:
    """The headings of the scores page's cards, in order."""
    import re

    return re.findall(r'<section class="card[^"]*"[^>]*><h2[^>]*>([^<]+)</h2>', html)


def test_a_person_sees_only_installed_questionnaires_and_first(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    """Issue 14, item 11: the questionnaires whose wording is not installed are not cards for a
    person, nor what they meet first; one short line says they are not available."""
    html = owner_client.get("/outcomes").content.decode()

    assert _cards(html) == ["Pain rating (NPRS)", "Activities that matter to you (PSFS)"]
    assert "HOOS-12" in html  # named once, in the short note after the cards
    assert html.index("HOOS-12") > html.index('data-testid="psfs-save"')
    assert "licence" not in html and "--texts" not in html
    assert 'data-testid="outcomes-operator"' not in html


def test_the_operator_sees_which_questionnaires_are_not_installed_and_how(
    admin_client: Client,
) -> None:
    html = admin_client.get("/outcomes").content.decode()

    assert 'data-testid="outcomes-operator"' in html
    for name in ("HOOS-12", "International Hip Outcome Tool (iHOT-12)", "(LEFS)"):
        assert name in html, name
    assert "hipalign outcomes list --texts FILE" in html
    assert "licence is unconfirmed" in html
    assert "Pain rating (NPRS)" not in _cards(html)  # the admin has no plan to score against


def test_a_clinician_is_not_shown_the_operators_note(clinician_client: Client) -> None:
    html = clinician_client.get("/outcomes").content.decode()
    assert 'data-testid="outcomes-operator"' not in html
