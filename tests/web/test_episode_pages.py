"""The "Start a new episode of care" confirm step, for the person and for a linked clinician:
nothing starts without the ticked confirmation, and anyone else gets 404 (issue 14, item 1)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import AuditEvent, CareEpisode, PlanRecord
from tests.services.factories import make_plan, public_id, snapshot

pytestmark = pytest.mark.django_db
PSFS = {"activity_0": "stairs", "rating_0": "3", "activity_1": "walking", "rating_1": "4"}
PSFS |= {"activity_2": "car", "rating_2": "5"}


def _scored(client: Client) -> None:
    assert client.post("/outcomes/psfs", PSFS).status_code == 302


def test_the_person_confirms_and_the_scores_page_asks_for_a_new_baseline(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    _scored(owner_client)
    scores = owner_client.get("/outcomes").content.decode()
    assert 'href="/episode/new"' in scores and 'data-testid="psfs-activity"' not in scores

    confirm = owner_client.get("/episode/new").content.decode()
    assert 'data-testid="episode-current"' in confirm and "holds 2 scores" in confirm

    started = owner_client.post("/episode/new", {"confirm": "yes"})

    assert (started.status_code, started["Location"]) == (302, "/outcomes")
    assert 'data-testid="psfs-activity"' in owner_client.get("/outcomes").content.decode()
    assert 'data-testid="baseline-missing"' in owner_client.get("/today").content.decode()
    assert CareEpisode.objects.filter(user=owner_plan.user).count() == 2


def test_without_the_tick_nothing_starts_and_the_box_is_named_by_its_label(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    _scored(owner_client)
    public_id(owner_plan.user)
    before = snapshot(owner_plan.user.pk)

    refused = owner_client.post("/episode/new", {})

    assert refused.status_code == 422
    page = refused.content.decode()
    label = "Yes, start a new episode of care today"
    # the box by its label, once (the message quotes it), and never by its form name
    assert f"<p>tick &#x27;{label}&#x27; to start one; nothing was changed</p>" in page
    assert "confirm:" not in page
    assert snapshot(owner_plan.user.pk) == before


def test_a_linked_clinician_starts_one_from_the_patient_page_and_it_is_audited(
    owner: User, owner_plan: PlanRecord, clinician_client: Client
) -> None:
    url = f"/clinic/patients/{public_id(owner)}/episode"
    assert url in clinician_client.get(f"/clinic/patients/{public_id(owner)}").content.decode()
    assert owner.get_username() in clinician_client.get(url).content.decode()

    started = clinician_client.post(url, {"confirm": "yes"})

    assert (started.status_code, started["Location"]) == (
        302,
        f"/clinic/patients/{public_id(owner)}",
    )
    newest = CareEpisode.objects.filter(user=owner).order_by("-created_at").first()
    assert newest is not None and newest.started_by_role == "clinician"
    event = AuditEvent.objects.filter(action="episode.start").get()
    assert event.subject_id == owner.pk and event.target == str(newest.id)


def test_another_clinician_or_person_gets_404_and_nothing_changes(
    owner: User,
    owner_plan: PlanRecord,
    other: User,
    other_client: Client,
    other_clinician_client: Client,
    admin_client: Client,
) -> None:
    make_plan(other)
    url = f"/clinic/patients/{public_id(owner)}/episode"
    before = snapshot(owner.pk)

    for c in (other_clinician_client, other_client, admin_client):
        assert c.get(url).status_code == 404
        assert c.post(url, {"confirm": "yes"}).status_code == 404

    assert snapshot(owner.pk) == before
    assert not AuditEvent.objects.filter(action="episode.start").exists()
