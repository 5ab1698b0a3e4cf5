"""Export downloads and the import form: the person's own, a linked clinician's for a patient,
and everyone else's request answered 404 with nothing changed."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from hipalign.adapters.db.models import AuditEvent, PlanRecord
from hipalign.services.identity import accounts
from tests.services.factories import all_counts, make_plan, make_user, owned_counts, public_id
from tests.services.pdf_text import read_pdf
from tests.web.conftest import SetToday, close_download, logged_in

pytestmark = pytest.mark.django_db

OWN = {
    "/plan/handout.pdf": ("application/pdf", "export.handout"),
    "/plan/calendar.ics": ("text/calendar; charset=utf-8", "export.calendar"),
    "/account/fhir.json": ("application/fhir+json", "export.fhir"),
}
PATIENT_KINDS = {
    "handout.pdf": ("application/pdf", "export.handout"),
    "calendar.ics": ("text/calendar; charset=utf-8", "export.calendar"),
    "fhir.json": ("application/fhir+json", "export.fhir"),
}


def _is_download(response: object, content_type: str) -> None:
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"] == content_type  # type: ignore[index]
    assert response["Content-Disposition"].startswith("attachment; filename=")  # type: ignore[index]
    assert response["Cache-Control"] == "no-store"  # type: ignore[index]


@pytest.mark.parametrize("url", list(OWN))
def test_person_downloads_their_own_export(
    owner_client: Client, owner_plan: PlanRecord, url: str
) -> None:
    content_type, action = OWN[url]

    response = owner_client.get(url)

    _is_download(response, content_type)
    event = AuditEvent.objects.get(action=action)
    assert (event.actor_id, event.subject_id) == (owner_plan.user_id, None)


def test_the_handout_download_is_the_persons_plan(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    pdf = read_pdf(owner_client.get("/plan/handout.pdf").content)

    assert "For: ann_owner" in pdf.text and "Glute bridge" in pdf.text


@pytest.mark.parametrize("url", ["/plan/handout.pdf", "/plan/calendar.ics"])
def test_without_a_plan_the_person_is_sent_back_with_a_reason(
    owner_client: Client, url: str
) -> None:
    response = owner_client.get(url, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "there is no plan yet" in page or "no exercise plan is given yet" in page
    assert page.count("Plan: ") == 1 and "plan: " not in page  # the page's word, not the id
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


@pytest.mark.parametrize("kind", list(PATIENT_KINDS))
def test_linked_clinician_downloads_a_patients_export_and_it_is_audited(
    clinician_client: Client,
    clinician: User,
    owner: User,
    owner_plan: PlanRecord,
    kind: str,
) -> None:
    content_type, action = PATIENT_KINDS[kind]

    response = clinician_client.get(f"/clinic/patients/{public_id(owner)}/{kind}")

    _is_download(response, content_type)
    event = AuditEvent.objects.get(action=action)
    assert (event.actor_id, event.subject_id) == (clinician.pk, owner.pk)
    assert AuditEvent.objects.filter(
        actor_id=clinician.pk, action=f"read:{action}", subject_id=owner.pk
    ).exists()


@pytest.mark.parametrize("kind", list(PATIENT_KINDS))
@pytest.mark.parametrize("who", ["other_client", "other_clinician_client", "admin_client"])
def test_anyone_not_linked_gets_404_and_nothing_changes(
    request: pytest.FixtureRequest,
    owner: User,
    owner_plan: PlanRecord,
    kind: str,
    who: str,
) -> None:
    client: Client = request.getfixturevalue(who)
    url = f"/clinic/patients/{public_id(owner)}/{kind}"
    before = all_counts()
    audit_before = AuditEvent.objects.count()

    response = client.get(url)

    assert response.status_code == 404
    assert b"ann_owner" not in response.content
    after = all_counts()
    after.pop("AuditEvent"), before.pop("AuditEvent")
    assert after == before
    # No export, no read recorded: only the refusal itself (issue 12, item 14).
    assert AuditEvent.objects.count() == audit_before + 1
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None and (last.action, last.target) == (
        "denied.not_found",
        f"404 GET {url}",
    )


def test_a_clinician_whose_link_ended_gets_404(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    from hipalign.adapters.db.models import CareLink

    CareLink.objects.filter(patient=owner).update(status="ended")

    response = clinician_client.get(f"/clinic/patients/{public_id(owner)}/fhir.json")

    assert response.status_code == 404


@pytest.mark.parametrize("kind", list(PATIENT_KINDS))
def test_an_unknown_or_malformed_patient_id_is_404(clinician_client: Client, kind: str) -> None:
    for pid in ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]:
        assert clinician_client.get(f"/clinic/patients/{pid}/{kind}").status_code == 404


@pytest.mark.parametrize("url", [*OWN, "/clinic/patients/x/fhir.json"])
def test_anonymous_is_sent_to_log_in(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_plan_page_links_the_handout_and_calendar(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    page = owner_client.get("/plan").content.decode()

    assert 'href="/plan/handout.pdf"' in page and 'href="/plan/calendar.ics"' in page


# --- import ------------------------------------------------------------------------------


def _export_file(user: User) -> SimpleUploadedFile:
    doc = accounts.account_export(user)
    return SimpleUploadedFile("export.json", json.dumps(doc).encode(), "application/json")


def test_account_page_offers_the_import_only_while_the_account_is_empty(
    owner_client: Client, owner: User
) -> None:
    assert 'action="/account/import"' in owner_client.get("/account").content.decode()
    make_plan(owner)

    assert 'action="/account/import"' not in owner_client.get("/account").content.decode()


def test_import_through_the_form_loads_the_data(owner: User, set_today: SetToday) -> None:
    set_today(timezone.localdate())  # the export's rows are stamped now, not on the pinned day
    make_plan(owner)
    upload = _export_file(owner)
    newcomer = make_user("nina_new")

    response = logged_in(newcomer).post("/account/import", {"file": upload}, follow=True)

    assert response.status_code == 200
    assert b"Imported 1 plans" in response.content
    assert owned_counts(newcomer.pk)["PlanRecord"] == 1


def test_import_into_an_account_with_data_is_refused_and_changes_nothing(
    owner_client: Client, owner: User, other: User
) -> None:
    make_plan(owner)
    make_plan(other)
    before = owned_counts(owner.pk)

    response = owner_client.post("/account/import", {"file": _export_file(other)}, follow=True)

    assert b"Nothing was imported" in response.content
    assert b"already holds data" in response.content
    assert owned_counts(owner.pk) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", b"not a JSON file"),
        (b'{"schema": "hipalign.export/9"}', b"schema"),
        (b"[1, 2]", b"must be a JSON object"),
    ],
)
def test_import_of_a_bad_file_says_why_and_stores_nothing(
    owner_client: Client, owner: User, content: bytes, message: bytes
) -> None:
    upload = SimpleUploadedFile("export.json", content, "application/json")

    response = owner_client.post("/account/import", {"file": upload}, follow=True)

    assert b"Nothing was imported" in response.content and message in response.content
    assert owned_counts(owner.pk) == dict.fromkeys(owned_counts(owner.pk), 0)


def test_import_of_a_file_over_the_cap_is_refused_unread(
    owner_client: Client, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "IMPORT_MAX_BYTES", 10)
    upload = SimpleUploadedFile(
        "export.json", b'{"schema": "x", "pad": "......"}', "application/json"
    )

    response = owner_client.post("/account/import", {"file": upload}, follow=True)

    assert b"Nothing was imported" in response.content and b"file: at most" in response.content


def test_import_without_a_file_names_the_field(owner_client: Client) -> None:
    response = owner_client.post("/account/import", {}, follow=True)

    assert b"file: choose the JSON file" in response.content


def test_import_needs_a_post_with_the_csrf_token(owner: User) -> None:
    strict = logged_in(owner, enforce_csrf_checks=True)

    assert strict.get("/account/import").status_code == 405
    assert strict.post("/account/import", {"file": _export_file(owner)}).status_code == 403


# --- heavy exports: streamed, one in flight per account (issue 12, item 5) -------------------


def test_the_fhir_download_is_streamed_and_reads_back_as_a_bundle(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    response = owner_client.get("/account/fhir.json")

    assert response.status_code == 200 and response.streaming
    bundle = Bundle.model_validate_json(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert bundle.type == "collection" and len(bundle.entry or []) >= 2


def test_a_second_export_while_one_is_in_flight_answers_429_with_retry_after(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    first = owner_client.get("/account/fhir.json")  # streaming, not yet read

    again = owner_client.get("/account/fhir.json")
    json_export = owner_client.get("/account/export.json")

    assert first.status_code == 200
    assert (again.status_code, json_export.status_code) == (429, 429)
    assert again["Retry-After"].isdigit() and "Try again" in again.content.decode()


def test_the_lease_is_given_back_when_the_download_ends_or_is_dropped(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    done = owner_client.get("/account/fhir.json")
    b"".join(done.streaming_content)  # type: ignore[attr-defined]  # read to the end: closed
    dropped = owner_client.get("/account/fhir.json")
    close_download(dropped)  # the client went away before reading it

    assert owner_client.get("/account/export.json").status_code == 200


def test_one_accounts_export_does_not_hold_back_another_account(
    owner_client: Client,
    other_client: Client,
    owner_plan: PlanRecord,
    other_plan: PlanRecord,
) -> None:
    mine = owner_client.get("/account/fhir.json")

    theirs = other_client.get("/account/fhir.json")

    assert (mine.status_code, theirs.status_code) == (200, 200)


def test_the_install_makes_at_most_two_heavy_exports_at_once(
    owner_plan: PlanRecord, other_plan: PlanRecord
) -> None:
    from hipalign.web.views_exports import EXPORT_SLOTS

    third = make_user("tess_third")
    clients = [logged_in(owner_plan.user), logged_in(other_plan.user), logged_in(third)]

    answers = [
        c.get("/account/export.json" if i == 2 else "/account/fhir.json")
        for i, c in enumerate(clients)
    ]

    assert EXPORT_SLOTS == 2
    assert [a.status_code for a in answers] == [200, 200, 429]
