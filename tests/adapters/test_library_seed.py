"""The library in the database: seeded by id from the core files, local entries kept; admin."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from hipalign.adapters.db.models import LibraryExercise
from hipalign.core.library import default_library
from hipalign.services.library.sync import SeedResult, library_seed
from tests.services.factories import make_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/hipalign/libraryexercise/"


def _local(ex_id: str = "towel_slide") -> LibraryExercise:
    return LibraryExercise.objects.create(
        id=ex_id,
        name="Towel slide",
        origin="local",
        position="standing",
        intent="strength",
        data={"id": ex_id, "note": "added by the clinic"},
    )


def test_seed_creates_one_row_per_core_exercise() -> None:
    core = default_library()

    result = library_seed()

    assert result == SeedResult(created=len(core), updated=0, unchanged=0)
    assert set(LibraryExercise.objects.values_list("id", flat=True)) == set(core)
    for row in LibraryExercise.objects.all():
        ex = core[row.id]
        assert (row.origin, row.name, row.position, row.intent) == (
            "core",
            ex.name,
            ex.position,
            ex.primary_intent,
        )
        assert row.data == ex.model_dump(mode="json")


def test_second_seed_changes_nothing() -> None:
    library_seed()
    before = {r.id: (r.updated_at, r.data) for r in LibraryExercise.objects.all()}

    result = library_seed()

    assert result == SeedResult(created=0, updated=0, unchanged=len(default_library()))
    assert {r.id: (r.updated_at, r.data) for r in LibraryExercise.objects.all()} == before


def test_seed_restores_a_core_row_edited_in_the_database() -> None:
    library_seed()
    LibraryExercise.objects.filter(id="glute_bridge").update(
        name="Edited", updated_at=datetime(2020, 1, 1, tzinfo=UTC)
    )

    result = library_seed()

    assert (result.updated, result.created) == (1, 0)
    assert (
        LibraryExercise.objects.get(id="glute_bridge").name
        == default_library()["glute_bridge"].name
    )


def test_local_exercise_survives_a_reseed_unchanged() -> None:
    library_seed()
    local = _local()
    before = LibraryExercise.objects.filter(pk=local.pk).values().get()

    library_seed()

    assert LibraryExercise.objects.filter(pk=local.pk).values().get() == before
    assert LibraryExercise.objects.count() == len(default_library()) + 1


def test_local_exercise_that_takes_a_core_id_is_replaced_by_the_core_entry() -> None:
    _local("glute_bridge")

    library_seed()

    row = LibraryExercise.objects.get(id="glute_bridge")
    assert (row.origin, row.name) == ("core", default_library()["glute_bridge"].name)


def _log_in_superuser(client: Client) -> None:
    """A superuser (an admin) past the TOTP step the middleware asks admins for."""
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    session = client.session
    session["hipalign_mfa"] = True
    session.save()


def test_admin_library_list_loads_for_a_superuser(client: Client) -> None:
    library_seed()
    _log_in_superuser(client)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert b"glute_bridge" in response.content


def test_admin_library_list_sends_a_normal_user_to_the_admin_login(client: Client) -> None:
    library_seed()
    client.force_login(make_user("person"))

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert b"glute_bridge" not in response.content


def test_admin_library_list_refuses_staff_without_permission(client: Client) -> None:
    library_seed()
    client.force_login(make_user("helper", is_staff=True))

    response = client.get(CHANGELIST)

    assert response.status_code == 403


def test_admin_library_list_sends_anonymous_to_the_admin_login(client: Client) -> None:
    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_cannot_delete_a_core_exercise_but_can_delete_a_local_one(client: Client) -> None:
    library_seed()
    _local()
    _log_in_superuser(client)

    core = client.post(f"{CHANGELIST}glute_bridge/delete/", {"post": "yes"})
    local = client.post(f"{CHANGELIST}towel_slide/delete/", {"post": "yes"})

    assert core.status_code == 403
    assert LibraryExercise.objects.filter(id="glute_bridge").exists()
    assert local.status_code == 302
    assert not LibraryExercise.objects.filter(id="towel_slide").exists()


def test_admin_cannot_edit_a_core_exercise(client: Client) -> None:
    library_seed()
    _log_in_superuser(client)
    name = LibraryExercise.objects.get(id="glute_bridge").name

    client.post(
        f"{CHANGELIST}glute_bridge/change/",
        {"name": "Hacked", "position": "x", "intent": "x", "data": "{}"},
    )

    assert LibraryExercise.objects.get(id="glute_bridge").name == name


def test_admin_site_does_not_offer_user_or_group_pages(client: Client) -> None:
    """Roles change only in the admin area, which also ends sessions and audits the change."""
    _log_in_superuser(client)
    assert client.get("/admin/hipalign/libraryexercise/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 404
    assert client.get("/admin/auth/group/").status_code == 404
