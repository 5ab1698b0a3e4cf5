"""POST /api/logs as the session player uses it: idempotent by client_id (RELIABILITY.md H1),
strict input with messages naming the field, and the progression it drives."""

import uuid
from typing import Any

import pytest
from django.test import Client

from hipalign.adapters.db.models import DecisionRecord, ExerciseLogRecord, PlanRecord, SessionRecord
from hipalign.core.library import default_library
from tests.services.factories import (
    EXERCISE,
    FRIDAY,
    MONDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    all_counts,
    log_payload,
    only_the_denial_added,
    snapshot,
)
from tests.web.conftest import SetToday, post_log

pytestmark = pytest.mark.django_db


def test_resending_a_log_five_times_stores_one_row_first_201_then_200_same_id(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    body = log_payload(owner_plan)

    responses = [post_log(owner_client, body) for _ in range(5)]

    assert [r.status_code for r in responses] == [201, 200, 200, 200, 200]
    assert [r.json()["created"] for r in responses] == [True, False, False, False, False]
    assert len({r.json()["log_id"] for r in responses}) == 1
    assert ExerciseLogRecord.objects.count() == 1
    assert SessionRecord.objects.count() == 1
    assert DecisionRecord.objects.count() == 1
    assert responses[-1].json()["decision"]["action"] == responses[0].json()["decision"]["action"]


def test_same_client_id_with_a_different_payload_is_422_and_changes_nothing(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    body = log_payload(owner_plan)
    first = post_log(owner_client, body)
    before = snapshot(owner_plan.user.pk)

    response = post_log(owner_client, {**body, "reps_done": 3})

    assert first.status_code == 201
    assert response.status_code == 422
    assert response.json()["error"].startswith("client_id:")
    assert snapshot(owner_plan.user.pk) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pain_during": 11}, "pain_during"),
        ({"unknown_field": 1}, "unknown_field"),
        ({"reps_done": "eight"}, "reps_done"),
        ({"reps_done": 8.5}, "reps_done"),
        ({"pain_during": True}, "pain_during"),
        ({"exercise": "not_an_exercise"}, "exercise"),
        ({"rung": 6}, "rung"),
        ({"rung": -1}, "rung"),
        ({"performed_on": "02/03/2026"}, "performed_on"),
        ({"session_id": "not-a-uuid-but-long-enough-000000"}, "session_id"),
        ({"plan_id": None}, "plan_id"),
    ],
)
def test_bad_log_is_422_naming_the_field_and_stores_nothing(
    owner_client: Client, owner_plan: PlanRecord, change: dict[str, Any], field: str
) -> None:
    before = all_counts()

    response = post_log(owner_client, {**log_payload(owner_plan), **change})

    assert response.status_code == 422
    assert any(p.startswith(f"{field}:") for p in response.json()["problems"]), response.json()
    assert field in response.json()["error"]
    assert all_counts() == before


def test_log_missing_a_required_field_is_422_naming_it(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    body = log_payload(owner_plan)
    del body["pain_during"]

    response = post_log(owner_client, body)

    assert response.status_code == 422
    assert "pain_during: Field required" in response.json()["problems"]
    assert ExerciseLogRecord.objects.count() == 0


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", '"a string"', "{"])
def test_log_body_that_is_no_json_object_is_refused_and_stores_nothing(
    owner_client: Client, owner_plan: PlanRecord, raw: str
) -> None:
    before = all_counts()

    response = owner_client.post("/api/logs", raw, content_type="application/json")

    assert 400 <= response.status_code < 500
    assert response.status_code != 404
    assert all_counts() == before


def test_log_for_an_unknown_plan_is_404_and_stores_nothing(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    before = all_counts()

    response = post_log(owner_client, log_payload(owner_plan, plan_id=str(uuid.uuid4())))

    assert response.status_code == 404
    assert response.json() == {"error": "not found"}
    assert only_the_denial_added(before, "denied.not_found")


def test_anonymous_log_is_refused_and_stores_nothing(
    client: Client, owner_plan: PlanRecord
) -> None:
    response = post_log(client, log_payload(owner_plan))

    assert response.status_code == 401
    assert ExerciseLogRecord.objects.count() == 0


def test_api_has_no_public_docs_or_schema(owner_client: Client) -> None:
    assert owner_client.get("/api/docs").status_code == 404
    assert owner_client.get("/api/openapi.json").status_code == 404


def test_get_on_the_log_route_is_not_allowed(owner_client: Client) -> None:
    assert owner_client.get("/api/logs").status_code == 405


# --- progression through the web ---------------------------------------------------------------


def _session_of(response: Any) -> str:
    return str(ExerciseLogRecord.objects.get(pk=response.json()["log_id"]).session_id)


def _next_morning(client: Client, session_id: str, pain: int) -> Any:
    return client.post(f"/sessions/{session_id}/next-morning", {"pain_next_morning": str(pain)})


def _glute_bridge_on_today(client: Client) -> dict[str, Any]:
    response = client.get("/today")
    assert response.status_code == 200
    player = response.context["player"]
    return next(e for e in player["exercises"] if e["id"] == EXERCISE)


def test_two_calm_full_dose_sessions_progress_and_today_shows_the_new_dose(
    owner_client: Client, owner_plan: PlanRecord, set_today: SetToday
) -> None:
    ladder = default_library()[EXERCISE].ladder
    assert _glute_bridge_on_today(owner_client)["sides"][0]["reps"] == ladder[1].reps

    first = post_log(owner_client, log_payload(owner_plan, performed_on=MONDAY))
    set_today(TUESDAY)
    assert _next_morning(owner_client, _session_of(first), 1).status_code == 200
    second = post_log(owner_client, log_payload(owner_plan, performed_on=WEDNESDAY))
    set_today(THURSDAY)
    done = _next_morning(owner_client, _session_of(second), 1)
    set_today(FRIDAY)
    dose = _glute_bridge_on_today(owner_client)

    assert first.status_code == second.status_code == 201
    assert second.json()["decision"]["action"] == "hold"
    assert done.status_code == 200
    glute = default_library()[EXERCISE].name
    assert f"{glute}</strong> — Step up: next time {ladder[2].sets} \u00d7 {ladder[2].reps}" in (
        done.content.decode()
    )
    assert DecisionRecord.objects.filter(action="progress").count() == 1
    assert dose["sides"][0] == {
        "side": None,
        "rung": 2,
        "sets": ladder[2].sets,
        "reps": ladder[2].reps,
        "hold_s": ladder[2].hold_s,
    }
    assert ladder[2].reps != ladder[1].reps
    assert f"{ladder[2].sets} \u00d7 {ladder[2].reps}" in owner_client.get("/plan").content.decode()


def test_pain_seven_regresses_and_the_advice_suggests_a_review(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    response = post_log(owner_client, log_payload(owner_plan, pain_during=7))

    assert response.status_code == 201
    body = response.json()
    assert (body["decision"]["action"], body["decision"]["rung"]) == ("regress", 0)
    assert any("review" in a for a in body["advice"])
    assert _glute_bridge_on_today(owner_client)["sides"][0]["rung"] == 0


def test_pain_seven_on_the_easiest_rung_stops_and_suggests_a_review(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    step = default_library()[EXERCISE].ladder[0]
    body = log_payload(
        owner_plan,
        rung=0,
        sets_done=step.sets,
        reps_done=step.reps,
        hold_s_done=step.hold_s,
        pain_during=7,
    )

    response = post_log(owner_client, body).json()

    assert response["decision"]["action"] == "stop_and_review"
    assert response["decision"]["review_suggested"] is True
    assert any("review with a professional is suggested" in a for a in response["advice"])


def test_next_morning_pain_out_of_range_is_422_and_not_stored(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    session_id = _session_of(post_log(owner_client, log_payload(owner_plan)))

    responses = [_next_morning(owner_client, session_id, p) for p in (11, -1)]
    text = owner_client.post(f"/sessions/{session_id}/next-morning", {"pain_next_morning": "x"})

    assert [r.status_code for r in responses] == [422, 422]
    assert text.status_code == 422
    assert "pain_next_morning" in text.content.decode()
    assert SessionRecord.objects.get(pk=session_id).pain_next_morning is None


def test_today_asks_about_yesterdays_session_once(
    owner_client: Client, owner_plan: PlanRecord, set_today: SetToday
) -> None:
    session_id = _session_of(post_log(owner_client, log_payload(owner_plan, performed_on=MONDAY)))
    set_today(TUESDAY)

    before = owner_client.get("/today").content.decode()
    _next_morning(owner_client, session_id, 2)
    after = owner_client.get("/today").content.decode()

    assert f"/sessions/{session_id}/next-morning" in before
    assert f"/sessions/{session_id}/next-morning" not in after


def test_a_log_answers_the_decision_in_the_words_of_every_page(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    from hipalign.core.words import decision_words, dose_words

    body = post_log(owner_client, log_payload(owner_plan)).json()
    d = body["decision"]
    ex = default_library()[d["exercise"]]
    dose = dose_words(
        kind=ex.dose.kind,
        sets=d["dose"]["sets"],
        reps=d["dose"]["reps"],
        hold_s=d["dose"]["hold_s"],
        load=d["dose"]["load"],
    )

    # The player shows this text as it is (player.js builds no dose wording of its own).
    assert body["decision_text"] == decision_words(d["action"], dose)
    assert "\u00d7" in body["decision_text"] and " x " not in body["decision_text"]
