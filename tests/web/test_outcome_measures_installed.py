"""A measure installed as a data file is rendered, read and recorded with no code change, on
the scores page and through POST /api/v1/outcomes (issue 15: measures end to end as data)."""

import json
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from hipalign.adapters.db.models import AuditEvent, OutcomeRecord, PlanRecord

pytestmark = pytest.mark.django_db

# Our own two-item test questionnaire: not a published measure, so the MCID source says so.
KNEELING = """
id = "kneeltest"
name = "Kneeling check (test)"
what = "Two questions about kneeling, each rated 0 (cannot) to 6 (no trouble); the score is their mean."
scoring = "mean"
scale = [0, 6]
answer = "whole"
recall = "the last 3 days"
due_weeks = [3, 6]
higher_is_better = true
min_answered = 2
mcid = 1.5
mcid_source = "a test value, from no publication"
licence = "free"
text_shipped = true
source = "the test suite"

[[item]]
id = "down"
text = "How easily can you kneel down on both knees?"
label = "Kneeling down"

[[item]]
id = "stay"
text = "How long can you stay kneeling without trouble?"
label = "Staying on your knees"
"""


@pytest.fixture
def installed(tmp_path: Path, settings: SettingsWrapper) -> Path:
    (tmp_path / "kneeltest.toml").write_text(KNEELING, "utf-8")
    settings.HIPALIGN_MEASURES_DIR = tmp_path
    return tmp_path


def test_the_scores_page_renders_an_installed_measure_from_its_file(
    installed: Path, owner_client: Client, owner_plan: PlanRecord
) -> None:
    html = owner_client.get("/outcomes").content.decode()

    assert 'data-testid="measure-kneeltest"' in html
    assert "How easily can you kneel down on both knees?" in html
    assert 'name="down" type="number" min="0" max="6" step="1" required' in html
    assert "Answer for the last 3 days." in html
    assert 'action="/outcomes/kneeltest"' in html


def test_the_page_records_an_installed_measure(
    installed: Path, owner_client: Client, owner_plan: PlanRecord
) -> None:
    response = owner_client.post("/outcomes/kneeltest", {"down": "3", "stay": "4"})

    assert response.status_code == 302
    rec = OutcomeRecord.objects.get(user=owner_plan.user, measure="kneeltest")
    assert rec.total == 3.5 and rec.answers == {"down": 3.0, "stay": 4.0}


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"down": "7", "stay": "4"}, "Kneeling down: give a whole number from 0 to 6"),
        ({"down": "2", "stay": "x"}, "Staying on your knees: give a whole number from 0 to 6"),
        ({"down": "2.5", "stay": "4"}, "Kneeling down: give a whole number from 0 to 6"),
        ({"down": "2"}, "at least 2 of 2 items must be answered"),
    ],
)
def test_a_bad_answer_names_the_field_by_its_label_and_stores_nothing(
    installed: Path,
    owner_client: Client,
    owner_plan: PlanRecord,
    form: dict[str, str],
    says: str,
) -> None:
    audit_before = AuditEvent.objects.count()

    response = owner_client.post("/outcomes/kneeltest", form)

    assert response.status_code == 422
    assert says in response.content.decode()
    assert not OutcomeRecord.objects.filter(measure="kneeltest").exists()
    assert AuditEvent.objects.count() == audit_before


def test_the_api_lists_an_installed_measure_with_its_form_and_mcid(
    installed: Path, owner_client: Client
) -> None:
    response = owner_client.get("/api/v1/measures")

    assert response.status_code == 200
    measures = {m["id"]: m for m in response.json()}
    assert {"nprs", "psfs", "kneeltest"} <= set(measures)
    assert "hoos" not in measures  # its wording is not shipped: no one can fill it in here
    kneel = measures["kneeltest"]
    assert kneel["items"] == [
        {"id": "down", "text": "How easily can you kneel down on both knees?"},
        {"id": "stay", "text": "How long can you stay kneeling without trouble?"},
    ]
    assert (kneel["low"], kneel["high"], kneel["answer"]) == (0, 6, "whole")
    assert (kneel["mcid"], kneel["due_weeks"], kneel["recall"]) == (1.5, [3, 6], "the last 3 days")
    assert measures["psfs"]["own_items"] == [3, 5] and measures["psfs"]["items"] == []


def _post(client: Client, body: object) -> tuple[int, dict[str, object]]:
    response = client.post("/api/v1/outcomes", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_the_api_records_an_installed_measure_once_per_client_id(
    installed: Path, owner_client: Client, owner_plan: PlanRecord
) -> None:
    body = {"client_id": "kneel-0001", "measure": "kneeltest", "answers": {"down": 2, "stay": 5}}

    first_status, first = _post(owner_client, body)
    again_status, again = _post(owner_client, body)

    assert (first_status, first["created"], first["total"]) == (201, True, 3.5)
    assert (again_status, again["created"], again["id"]) == (200, False, first["id"])
    assert OutcomeRecord.objects.filter(measure="kneeltest").count() == 1


def test_a_client_id_reused_for_other_answers_is_refused_and_stores_nothing(
    installed: Path, owner_client: Client, owner_plan: PlanRecord
) -> None:
    body = {"client_id": "kneel-0002", "measure": "kneeltest", "answers": {"down": 2, "stay": 5}}
    _post(owner_client, body)

    status, answer = _post(owner_client, {**body, "answers": {"down": 6, "stay": 6}})

    assert status == 422
    assert "client_id: already used for a different score" in str(answer["error"])
    rec = OutcomeRecord.objects.get(measure="kneeltest")
    assert rec.answers == {"down": 2.0, "stay": 5.0}


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"down": 9, "stay": 5}, "answers.down: must be a whole number from 0 to 6 (got 9)"),
        ({"down": True, "stay": 5}, "answers.down: must be a whole number from 0 to 6 (got True)"),
        ({"knees": 2, "stay": 5}, "answers.knees: not an item of kneeltest; items: down, stay"),
    ],
)
def test_bad_api_answers_answer_422_naming_the_field_and_store_nothing(
    installed: Path,
    owner_client: Client,
    owner_plan: PlanRecord,
    answers: dict[str, object],
    problem: str,
) -> None:
    body = {"client_id": "kneel-0003", "measure": "kneeltest", "answers": answers}

    status, answer = _post(owner_client, body)

    assert status == 422
    assert problem in answer["problems"]  # type: ignore[operator]
    assert not OutcomeRecord.objects.filter(measure="kneeltest").exists()


def test_an_unknown_measure_answers_422_listing_the_installed_ones(
    installed: Path, owner_client: Client, owner_plan: PlanRecord
) -> None:
    status, answer = _post(
        owner_client, {"client_id": "kneel-0004", "measure": "odi", "answers": {}}
    )

    assert status == 422
    assert "kneeltest" in str(answer["error"]) and "choose one of" in str(answer["error"])


def test_an_installed_file_that_clashes_with_a_shipped_measure_is_refused(
    tmp_path: Path, settings: SettingsWrapper, owner_client: Client
) -> None:
    (tmp_path / "nprs.toml").write_text(KNEELING.replace('"kneeltest"', '"nprs"'), "utf-8")
    settings.HIPALIGN_MEASURES_DIR = tmp_path

    from hipalign.services.followup.outcomes import measures_installed

    with pytest.raises(ValueError, match=r"nprs\.toml: id 'nprs' is a shipped measure"):
        measures_installed()
