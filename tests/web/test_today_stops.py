"""Today shows why an exercise stopped until a review, leaves it out of the player, and asks a
safety question the stored intake never answered (issue 13)."""

import pytest
from django.test import Client

from hipalign.adapters.db.models import IntakeRecord, PlanRecord
from hipalign.core.screening.catalog import QUESTIONS_BY_ID
from hipalign.services.program import recording
from tests.services.factories import EXERCISE, LOG_TODAY, log_payload

pytestmark = pytest.mark.django_db


def test_a_stopped_exercise_leaves_the_player_and_today_says_why(
    owner_plan: PlanRecord, owner_client: Client
) -> None:
    before = owner_client.get("/today").content.decode()
    assert f'"id": "{EXERCISE}"' in before and 'data-testid="stopped"' not in before

    recording.log_record(owner_plan.user, log_payload(owner_plan, sharp_pain=True), today=LOG_TODAY)

    r = owner_client.get("/today")
    html = r.content.decode()
    assert r.status_code == 200
    stopped = html.split('data-testid="stopped"', 1)[1].split("</section>", 1)[0]
    assert "Glute bridge" in stopped and "sharp pain" in stopped
    assert "comes back when your clinician changes your plan" in stopped
    player = r.context["player"]
    assert EXERCISE not in [e["id"] for e in player["exercises"]]


def test_today_asks_a_safety_question_the_stored_intake_never_answered(
    owner_plan: PlanRecord, owner_client: Client
) -> None:
    rec = owner_plan.intake
    doc = dict(rec.document)
    doc["screening"] = {k: v for k, v in doc["screening"].items() if k != "constant_night_pain"}
    IntakeRecord.objects.filter(pk=rec.pk).update(document=doc)

    html = owner_client.get("/today").content.decode()

    notice = html.split('data-testid="unanswered"', 1)[1].split("</section>", 1)[0]
    assert QUESTIONS_BY_ID["constant_night_pain"].question in notice
    assert 'href="/checkin"' in notice
