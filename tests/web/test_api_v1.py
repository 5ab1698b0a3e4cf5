"""The JSON API under /api/v1: token and session auth, the same access rules as the pages,
ETag/If-Match on plans, idempotent logs, and denials that change nothing."""

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from hipalign.adapters.db.models import AuditEvent, CareLink, ExerciseLogRecord, PlanRecord
from hipalign.core.planning.prescription import prescription_from
from hipalign.services.identity import tokens
from hipalign.services.program import plans
from tests.core.conftest import intake_doc
from tests.services.factories import (
    all_counts,
    log_payload,
    only_the_denial_added,
    person_models,
    public_id,
    staff_token,
)
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_token(user)}"}


def get(path: str, headers: dict[str, str] | None = None, client: Client | None = None) -> Any:
    return (client or Client()).get(V1 + path, headers=headers)


def send(
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str] | None = None,
    client: Client | None = None,
) -> Any:
    c = client or Client()
    return getattr(c, method)(
        V1 + path, json.dumps(body), content_type="application/json", headers=headers
    )


def snapshot(user_id: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row this person owns, field by field; a token's last-used time is bookkeeping."""
    return {
        m.__name__: sorted(
            (dict(row) for row in m._default_manager.filter(user_id=user_id).values()),
            key=lambda r: str(r[m._meta.pk.attname]),
        )
        for m in person_models()
        if m.__name__ != "ApiToken"
    }


def rx_body(plan: PlanRecord, sets: int = 3) -> dict[str, Any]:
    """The plan as a prescription, with the first exercise's sets changed."""
    rx = prescription_from(plans.plan_document(plan))
    assert rx is not None
    body = rx.model_dump(mode="json")
    body["items"][0]["sets"] = sets
    return body


# --- authentication ------------------------------------------------------------------------

OWN_GETS = ["/me", "/plan", "/plans", "/logs", "/progress", "/patients"]


@pytest.mark.parametrize("path", OWN_GETS)
def test_anonymous_gets_401_with_a_bearer_challenge(path: str) -> None:
    response = get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization" in response.json()["error"]


def test_anonymous_writes_get_401_and_store_nothing(owner_plan: PlanRecord) -> None:
    pid = public_id(owner_plan.user)
    before = all_counts()

    assert send("post", "/logs", log_payload(owner_plan)).status_code == 401
    assert send("post", "/intake", intake_doc()).status_code == 401
    assert send("put", f"/patients/{pid}/plan", rx_body(owner_plan)).status_code == 401
    assert all_counts() == before


def test_a_token_acts_for_its_owner(owner: User) -> None:
    response = get("/me", bearer(owner))

    assert response.status_code == 200
    assert response.json() == {
        "username": "ann_owner",
        "role": "person",
        "public_id": public_id(owner),
    }


def test_the_browser_session_also_works(owner_client: Client) -> None:
    assert get("/me", client=owner_client).json()["username"] == "ann_owner"


def test_a_revoked_token_is_401(owner: User) -> None:
    made = tokens.api_token_create(owner, "old")
    tokens.api_token_revoke(owner, str(made.token.id), timezone.now())

    response = get("/me", {"Authorization": f"Bearer {made.secret}"})

    assert response.status_code == 401


@pytest.mark.parametrize("value", ["Bearer hpa_made-up", "Bearer ", "Basic YTpi", "hpa_x"])
def test_a_wrong_authorization_header_is_401(owner: User, value: str) -> None:
    assert get("/me", {"Authorization": value}).status_code == 401


def test_a_clinician_session_without_the_mfa_step_is_401(clinician: User) -> None:
    assert get("/me", client=logged_in(clinician, mfa=False)).status_code == 401
    assert get("/me", client=logged_in(clinician)).status_code == 200


def test_a_session_write_without_the_csrf_token_is_403_and_stores_nothing(
    owner: User, owner_plan: PlanRecord
) -> None:
    client = logged_in(owner, enforce_csrf_checks=True)
    before = all_counts()

    response = send("post", "/logs", log_payload(owner_plan), client=client)

    assert response.status_code == 403
    assert only_the_denial_added(before, "denied.forbidden")


def test_a_token_write_needs_no_csrf_token(owner: User, owner_plan: PlanRecord) -> None:
    client = Client(enforce_csrf_checks=True)
    response = send("post", "/logs", log_payload(owner_plan), bearer(owner), client=client)
    assert response.status_code == 201


def test_the_openapi_spec_is_public_at_a_stable_url_and_there_are_no_docs_pages() -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "hipalign API"
    assert "/api/v1/plan" in spec["paths"]
    assert Client().get("/api/v1/docs").status_code == 404


def test_every_operation_declares_its_error_responses() -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert "401" in codes, (method, path)
            if method in ("post", "put"):
                assert {"400", "403", "422"} <= codes, (method, path)
            if "{public_id}" in path:
                assert {"404", "422"} <= codes, (method, path)


# --- intake and plans ----------------------------------------------------------------------


def test_the_first_intake_makes_plan_version_1_without_if_match(owner: User) -> None:
    response = send("post", "/intake", intake_doc(), bearer(owner))

    assert response.status_code == 201
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["version"] == 1 and body["author_role"] == "person"
    assert body["document"]["schema"] == "hipalign.plan/1"


def test_a_replan_without_if_match_is_428_and_stores_nothing(
    owner: User, owner_plan: PlanRecord
) -> None:
    h = bearer(owner)
    before = snapshot(owner.pk)

    response = send("post", "/intake", intake_doc(), h)

    assert response.status_code == 428
    assert response.json()["current_version"] == 1
    assert response.json()["error"].startswith("If-Match:")
    assert snapshot(owner.pk) == before


def test_a_replan_with_the_current_etag_makes_the_next_version(
    owner: User, owner_plan: PlanRecord
) -> None:
    h = bearer(owner)
    etag = get("/plan", h)["ETag"]

    response = send("post", "/intake", intake_doc(), {**h, "If-Match": etag})

    assert response.status_code == 201
    assert response["ETag"] == '"2"'
    assert get("/plan", h).json()["version"] == 2


def test_the_persons_replan_cannot_silently_overwrite_the_clinicians_prescription(
    owner: User, owner_plan: PlanRecord, clinician: User
) -> None:
    person, doctor = bearer(owner), bearer(clinician)
    seen = get("/plan", person)["ETag"]  # the person loads version 1
    pid = public_id(owner)
    put = send("put", f"/patients/{pid}/plan", rx_body(owner_plan), {**doctor, "If-Match": seen})
    assert put.status_code == 200 and put.json()["author_role"] == "clinician"
    before = snapshot(owner.pk)

    stale = send("post", "/intake", intake_doc(), {**person, "If-Match": seen})

    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert "clinician" in stale.json()["error"]
    assert snapshot(owner.pk) == before
    assert get("/plan", person).json()["author_role"] == "clinician"


@pytest.mark.parametrize("value", ['"7"', "garbage", 'W/"0"'])
def test_a_stale_or_unreadable_if_match_is_412(
    owner: User, owner_plan: PlanRecord, value: str
) -> None:
    h = bearer(owner)
    before = snapshot(owner.pk)
    response = send("post", "/intake", intake_doc(), {**h, "If-Match": value})
    assert response.status_code == 412
    assert snapshot(owner.pk) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"user_id": 1}, "user_id"),
        ({"user": "bea_other"}, "user"),
        ({"age": 5}, "age"),
        ({"pain": {"now": 11}}, "pain.now"),
    ],
)
def test_a_bad_intake_is_422_naming_the_field_and_stores_nothing(
    owner: User, change: dict[str, Any], field: str
) -> None:
    h = bearer(owner)
    before = all_counts()

    response = send("post", "/intake", {**intake_doc(), **change}, h)

    assert response.status_code == 422
    assert any(p.startswith(f"{field}:") for p in response.json()["problems"])
    assert field in [f["field"] for f in response.json()["fields"]]
    assert all_counts() == before


def test_a_body_that_is_not_json_is_400(owner: User) -> None:
    response = Client().post(
        V1 + "/intake", "{not json", content_type="application/json", headers=bearer(owner)
    )
    assert response.status_code == 400


def test_plan_is_404_before_the_first_plan(owner: User) -> None:
    assert get("/plan", bearer(owner)).status_code == 404


def test_plan_history_is_paged_and_bounded(owner: User, owner_plan: PlanRecord) -> None:
    h = bearer(owner)
    send("post", "/intake", intake_doc(), {**h, "If-Match": '"1"'})

    page = get("/plans?limit=1", h).json()
    assert page["total"] == 2 and [p["version"] for p in page["items"]] == [2]
    assert [p["version"] for p in get("/plans?limit=1&offset=1", h).json()["items"]] == [1]
    too_many = get("/plans?limit=101", h)
    assert too_many.status_code == 422
    assert too_many.json()["problems"][0].startswith("limit:")


# --- logs and progress ---------------------------------------------------------------------


def test_a_log_resent_with_a_token_is_stored_once(owner: User, owner_plan: PlanRecord) -> None:
    h, body = bearer(owner), log_payload(owner_plan)

    first, again = (send("post", "/logs", body, h) for _ in range(2))

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["log_id"] == again.json()["log_id"]
    assert again.json()["created"] is False
    assert ExerciseLogRecord.objects.count() == 1


def test_the_v1_and_the_player_api_share_one_idempotency_key(
    owner: User, owner_client: Client, owner_plan: PlanRecord
) -> None:
    body = log_payload(owner_plan)
    first = owner_client.post("/api/logs", json.dumps(body), content_type="application/json")

    again = send("post", "/logs", body, bearer(owner))

    assert (first.status_code, again.status_code) == (201, 200)
    assert ExerciseLogRecord.objects.count() == 1


def test_the_same_client_id_with_another_payload_is_422_and_changes_nothing(
    owner: User, owner_plan: PlanRecord
) -> None:
    h, body = bearer(owner), log_payload(owner_plan)
    send("post", "/logs", body, h)
    before = snapshot(owner.pk)

    response = send("post", "/logs", {**body, "reps_done": 3}, h)

    assert response.status_code == 422
    assert response.json()["error"].startswith("client_id:")
    assert snapshot(owner.pk) == before


@pytest.mark.parametrize("field", ["user", "user_id", "owner_id"])
def test_owner_fields_in_a_log_are_refused_never_used(
    owner: User, other: User, owner_plan: PlanRecord, field: str
) -> None:
    h = bearer(owner)
    before = all_counts()

    response = send("post", "/logs", {**log_payload(owner_plan), field: other.pk}, h)

    assert response.status_code == 422
    assert response.json()["problems"] == [
        f"{field}: unknown field; remove it (the owner is always the caller)"
    ]
    # the same problem as a (field, message) pair, for clients that show it by the field
    assert response.json()["fields"] == [
        {"field": field, "message": "unknown field; remove it (the owner is always the caller)"}
    ]
    assert all_counts() == before


def test_a_log_against_another_persons_plan_is_404_and_stores_nothing(
    other: User, owner_plan: PlanRecord
) -> None:
    h = bearer(other)
    before = all_counts()

    response = send("post", "/logs", log_payload(owner_plan), h)

    assert response.status_code == 404
    assert only_the_denial_added(before, "denied.not_found")


def test_own_logs_and_progress(owner: User, owner_plan: PlanRecord) -> None:
    h = bearer(owner)
    send("post", "/logs", log_payload(owner_plan), h)

    logs = get("/logs", h).json()
    progress = get("/progress", h).json()

    assert logs["total"] == 1 and logs["items"][0]["exercise"] == "glute_bridge"
    # One exercise of a session: part of one session, as a fraction (issue 14 item 3).
    assert 0 < progress["sessions_done"] < 1
    assert progress["weeks"][-1]["done"] == progress["sessions_done"]


def test_a_skip_is_stored_and_listed_as_skipped_and_documented(
    owner: User, owner_plan: PlanRecord
) -> None:
    h = bearer(owner)
    body = {**log_payload(owner_plan, sets_done=0, reps_done=0, skipped=True)}
    del body["pain_during"]

    created = send("post", "/logs", body, h)
    item = get("/logs", h).json()["items"][0]

    assert (created.status_code, created.json()["decision"]) == (201, None)
    assert (item["skipped"], item["pain_during"], item["sets_done"]) == (True, None, 0)
    schemas = _schemas()
    assert "skipped" in schemas["LogBody"]["properties"]
    assert "pain_during" not in schemas["LogBody"]["required"]
    assert "skipped" in schemas["LogOut"]["properties"]


def test_a_log_counted_by_the_camera_is_stored_marked_and_a_resend_is_recognised(
    owner: User, owner_plan: PlanRecord
) -> None:
    # Issue 17: the camera coach's counts are marked; a body without the field is a person's.
    h = bearer(owner)
    camera = log_payload(owner_plan, counted_by="camera")
    plain = log_payload(owner_plan)

    first = send("post", "/logs", camera, h)
    again = send("post", "/logs", camera, h)
    send("post", "/logs", plain, h)
    items = {i["client_id"]: i for i in get("/logs", h).json()["items"]}

    assert (first.status_code, again.status_code) == (201, 200)
    assert items[camera["client_id"]]["counted_by"] == "camera"
    assert items[plain["client_id"]]["counted_by"] == "person"
    assert "counted_by" in _schemas()["LogBody"]["properties"]
    changed = send("post", "/logs", {**camera, "counted_by": "person"}, h)
    assert changed.status_code == 422  # the same id with another body


def test_a_log_counted_by_anything_else_is_422_and_stores_nothing(
    owner: User, owner_plan: PlanRecord
) -> None:
    h = bearer(owner)
    before = all_counts()

    response = send("post", "/logs", log_payload(owner_plan, counted_by="robot"), h)

    assert response.status_code == 422
    assert "counted_by" in json.dumps(response.json())
    assert all_counts() == before


def test_a_log_without_pain_that_is_not_a_skip_is_422_and_stores_nothing(
    owner: User, owner_plan: PlanRecord
) -> None:
    h, body = bearer(owner), log_payload(owner_plan)
    del body["pain_during"]
    before = all_counts()

    response = send("post", "/logs", body, h)

    assert response.status_code == 422
    assert "pain_during" in json.dumps(response.json())
    assert all_counts() == before


# --- a clinician's patients ----------------------------------------------------------------


def test_a_clinician_lists_linked_patients_only(owner: User, other: User, clinician: User) -> None:
    body = get("/patients", bearer(clinician)).json()

    assert body["total"] == 1
    row = body["items"][0]
    assert (row["public_id"], row["username"]) == (public_id(owner), "ann_owner")
    assert isinstance(row["flags"], list)


def test_an_unlinked_clinician_lists_no_one(owner: User, other_clinician: User) -> None:
    assert get("/patients", bearer(other_clinician)).json()["items"] == []


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_the_patient_list_is_403_for_a_person_or_an_admin(
    who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    response = get("/patients", bearer(user))
    assert response.status_code == 403


PATIENT_GETS = ["plan", "progress", "logs"]


@pytest.mark.parametrize("what", PATIENT_GETS)
def test_a_linked_clinician_reads_a_patients_data_and_it_is_audited(
    owner: User, owner_plan: PlanRecord, clinician: User, what: str
) -> None:
    response = get(f"/patients/{public_id(owner)}/{what}", bearer(clinician))

    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        actor_id=clinician.pk, subject_id=owner.pk, action=f"read:api.{what}"
    ).exists()


@pytest.mark.parametrize("what", PATIENT_GETS)
@pytest.mark.parametrize("who", ["other", "other_clinician", "admin"])
def test_anyone_else_gets_404_for_a_patients_data(
    owner: User,
    owner_plan: PlanRecord,
    who: str,
    what: str,
    request: pytest.FixtureRequest,
) -> None:
    h, pid = bearer(request.getfixturevalue(who)), public_id(owner)
    before = all_counts()

    response = get(f"/patients/{pid}/{what}", h)

    assert response.status_code == 404
    assert "ann_owner" not in response.content.decode()
    assert only_the_denial_added(before, "denied.not_found")


def test_a_person_reads_their_own_data_by_public_id(owner: User, owner_plan: PlanRecord) -> None:
    assert get(f"/patients/{public_id(owner)}/plan", bearer(owner)).status_code == 200


def test_access_ends_with_the_link(owner: User, owner_plan: PlanRecord, clinician: User) -> None:
    h = bearer(clinician)
    assert get(f"/patients/{public_id(owner)}/plan", h).status_code == 200

    CareLink.objects.update(status="ended")

    assert get(f"/patients/{public_id(owner)}/plan", h).status_code == 404
    assert get("/patients", h).json()["items"] == []


def test_unknown_and_malformed_patient_ids(clinician: User) -> None:
    h = bearer(clinician)
    assert get(f"/patients/{uuid.uuid4()}/plan", h).status_code == 404
    assert get("/patients/not-an-id/plan", h).status_code == 422


def test_patient_logs_are_paged(owner: User, owner_plan: PlanRecord, clinician: User) -> None:
    h = bearer(owner)
    for _ in range(3):
        send("post", "/logs", log_payload(owner_plan), h)

    page = get(f"/patients/{public_id(owner)}/logs?limit=2&offset=1", bearer(clinician)).json()

    assert page["total"] == 3 and len(page["items"]) == 2


# --- prescribing (PUT) ---------------------------------------------------------------------


def test_a_linked_clinician_prescribes_with_if_match(
    owner: User, owner_plan: PlanRecord, clinician: User
) -> None:
    h = bearer(clinician)
    pid = public_id(owner)
    etag = get(f"/patients/{pid}/plan", h)["ETag"]

    response = send("put", f"/patients/{pid}/plan", rx_body(owner_plan), {**h, "If-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert body["author_role"] == "clinician"
    assert any(c["kind"] == "dose" for c in body["changes"])


def test_a_prescription_without_if_match_is_428_and_changes_nothing(
    owner: User, owner_plan: PlanRecord, clinician: User
) -> None:
    h, pid = bearer(clinician), public_id(owner)
    before = snapshot(owner.pk)

    response = send("put", f"/patients/{pid}/plan", rx_body(owner_plan), h)

    assert response.status_code == 428
    assert response.json()["current_version"] == 1
    assert snapshot(owner.pk) == before


def test_a_stale_prescription_is_412_and_changes_nothing(
    owner: User, owner_plan: PlanRecord, clinician: User
) -> None:
    send("post", "/intake", intake_doc(), {**bearer(owner), "If-Match": '"1"'})  # person re-plans
    h, pid = bearer(clinician), public_id(owner)
    before = snapshot(owner.pk)

    response = send("put", f"/patients/{pid}/plan", rx_body(owner_plan), {**h, "If-Match": '"1"'})

    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    assert snapshot(owner.pk) == before


@pytest.mark.parametrize(
    ("who", "status"), [("other_clinician", 404), ("admin", 403), ("other", 403), ("owner", 403)]
)
def test_a_prescription_by_anyone_but_a_linked_clinician_is_refused_and_changes_nothing(
    owner: User,
    owner_plan: PlanRecord,
    who: str,
    status: int,
    request: pytest.FixtureRequest,
) -> None:
    h, pid = bearer(request.getfixturevalue(who)), public_id(owner)
    before = all_counts()
    owned = snapshot(owner.pk)

    response = send("put", f"/patients/{pid}/plan", rx_body(owner_plan), {**h, "If-Match": '"1"'})

    assert response.status_code == status
    assert snapshot(owner.pk) == owned
    assert all_counts()["PlanRecord"] == before["PlanRecord"]


def test_a_prescription_naming_an_owner_field_is_422(
    owner: User, owner_plan: PlanRecord, clinician: User
) -> None:
    body = {**rx_body(owner_plan), "user_id": 99}
    response = send(
        "put",
        f"/patients/{public_id(owner)}/plan",
        body,
        {**bearer(clinician), "If-Match": '"1"'},
    )
    assert response.status_code == 422
    assert response.json()["problems"][0].startswith("user_id:")


# --- the token pages (account) -------------------------------------------------------------


def test_the_account_page_links_to_api_tokens(owner_client: Client) -> None:
    assert 'href="/account/tokens"' in owner_client.get("/account").content.decode()


def test_a_token_made_on_the_page_is_shown_once_and_works(owner_client: Client) -> None:
    made = owner_client.post("/account/tokens", {"name": "phone"})
    page = made.content.decode()
    secret = page.split('data-testid="token-secret">')[1].split("<")[0]

    assert made.status_code == 200 and secret.startswith("hpa_")
    assert get("/me", {"Authorization": f"Bearer {secret}"}).status_code == 200
    again = owner_client.get("/account/tokens").content.decode()
    assert secret not in again and secret[:12] in again and "phone" in again


def test_the_token_page_sets_and_shows_the_expiry(owner_client: Client) -> None:
    form = owner_client.get("/account/tokens").content.decode()
    assert 'name="days"' in form and 'value="90"' in form

    made = owner_client.post("/account/tokens", {"name": "phone", "days": "30"})

    token = tokens.api_tokens_list(made.wsgi_request.user)[0]
    assert abs(token.expires_at - token.created_at - timedelta(days=30)) < timedelta(seconds=5)
    assert f"{token.expires_at.day} {token.expires_at:%b %Y}" in made.content.decode()


@pytest.mark.parametrize("days", ["0", "366", "x", ""])
def test_a_token_lifetime_out_of_range_is_refused_on_the_page(
    owner_client: Client, days: str
) -> None:
    response = owner_client.post("/account/tokens", {"name": "phone", "days": days})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Expires after (days): give a whole number of days from 1 to 365" in page
    assert 'id="token-days-error"' in page
    assert tokens.api_tokens_list(response.wsgi_request.user) == []


def test_a_token_without_a_name_is_refused_on_the_page(owner_client: Client) -> None:
    response = owner_client.post("/account/tokens", {"name": " "})
    assert response.status_code == 422
    page = response.content.decode()
    # the box by the page's word for it, once, with what is allowed; never its form name
    assert "Name: give a name of 1-60 characters" in page
    assert page.count("Name: ") == 1 and "name: " not in page
    assert tokens.api_tokens_list(response.wsgi_request.user) == []


def test_a_token_revoked_on_the_page_stops_working(owner: User, owner_client: Client) -> None:
    made = tokens.api_token_create(owner, "script")

    response = owner_client.post(f"/account/tokens/{made.token.id}/revoke")

    assert response.status_code == 302
    assert get("/me", {"Authorization": f"Bearer {made.secret}"}).status_code == 401


def test_another_person_cannot_revoke_or_see_a_token(owner: User, other_client: Client) -> None:
    made = tokens.api_token_create(owner, "script-of-ann")

    assert other_client.post(f"/account/tokens/{made.token.id}/revoke").status_code == 404
    assert "script-of-ann" not in other_client.get("/account/tokens").content.decode()
    assert get("/me", {"Authorization": f"Bearer {made.secret}"}).status_code == 200


def test_the_token_pages_need_a_signed_in_user() -> None:
    assert Client().get("/account/tokens").status_code == 302
    assert Client().post("/account/tokens", {"name": "x"}).status_code == 302


# --- the OpenAPI document as strict as the server (issue 12, item 17) ----------------------


def _schemas() -> dict[str, Any]:
    from django.test import Client as _Client

    return _Client().get("/api/v1/openapi.json").json()["components"]["schemas"]  # type: ignore[no-any-return]


@pytest.mark.django_db
def test_the_openapi_document_lists_the_exercise_ids_as_an_enum() -> None:
    from hipalign.core.library import default_library

    schemas = _schemas()

    for name in ("LogBody", "PrescribedItem"):
        assert schemas[name]["properties"]["exercise"]["enum"] == sorted(default_library())


@pytest.mark.django_db
def test_the_openapi_document_asks_for_unique_days_and_every_screening_answer() -> None:
    from hipalign.core.screening.catalog import QUESTION_IDS

    schemas = _schemas()
    screening = schemas["Intake"]["properties"]["screening"]

    assert schemas["PrescribedItem"]["properties"]["days"]["uniqueItems"] is True
    assert screening["required"] == list(QUESTION_IDS)
    assert screening["additionalProperties"] is False
    assert set(screening["properties"]) == set(QUESTION_IDS)
