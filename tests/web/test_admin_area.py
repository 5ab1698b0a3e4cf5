"""The admin area: accounts and roles, the audit log. It does not exist for anyone else (404),
and the audit log can be read but never edited or deleted, here or in the Django admin."""

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import AuditEvent, Profile
from hipalign.services.kernel.access import role_of
from hipalign.services.kernel.audit import audit_record, audit_verify
from tests.services.factories import public_id
from tests.web.conftest import logged_in, streamed

PAGES = ["/admin-area/people", "/admin-area/audit"]


def _role(user: User) -> str | None:
    return role_of(User.objects.get(pk=user.pk))


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_log_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


@pytest.mark.parametrize("who", ["owner_client", "clinician_client"])
def test_the_area_does_not_exist_for_people_and_clinicians(
    who: str, request: pytest.FixtureRequest, other: User
) -> None:
    c: Client = request.getfixturevalue(who)
    actor = c.session["_auth_user_id"]
    mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for path in PAGES:
        assert c.get(path).status_code == 404, path
    pid = public_id(other)
    assert c.post(f"/admin-area/people/{pid}/role", {"role": "admin"}).status_code == 404
    assert c.post(f"/admin-area/people/{pid}/mfa-reset").status_code == 404
    assert c.post("/admin-area/audit/verify").status_code == 404
    assert c.get("/admin-area/audit/export.jsonl").status_code == 404
    assert _role(other) == "person"
    # Nothing read, changed or checked: the only new rows say who was refused what.
    new = AuditEvent.objects.filter(id__gt=mark).order_by("id")
    assert [(str(e.actor_id), e.action, e.target) for e in new] == [
        (actor, "denied.role", f"404 {m} {p}")
        for m, p in [
            ("GET", "/admin-area/people"),
            ("GET", "/admin-area/audit"),
            ("POST", f"/admin-area/people/{pid}/role"),
            ("POST", f"/admin-area/people/{pid}/mfa-reset"),
            ("POST", "/admin-area/audit/verify"),
            ("GET", "/admin-area/audit/export.jsonl"),
        ]
    ]


def test_an_admin_without_the_second_factor_is_sent_to_set_it_up(admin: User) -> None:
    response = logged_in(admin, mfa=False).get("/admin-area/people")
    assert response["Location"].startswith("/account/security/setup")


def test_people_page_lists_accounts_with_role_mfa_and_patients(
    admin_client: Client, clinician: User
) -> None:
    html = admin_client.get("/admin-area/people").content.decode()
    for name in ("ada_admin", "ann_owner", "cleo_clinician"):
        assert f'data-username="{name}"' in html
    row = html.split('data-username="cleo_clinician"', 1)[1].split("</tr>", 1)[0]
    assert "<td>clinician</td>" in row and "<td>1</td>" in row and "no" in row


def test_role_change_applies_and_ends_that_users_sessions(
    admin_client: Client, other: User
) -> None:
    other_client = logged_in(other)
    assert other_client.get("/account").status_code == 200
    response = admin_client.post(
        f"/admin-area/people/{public_id(other)}/role", {"role": "clinician"}
    )
    assert response["Location"] == "/admin-area/people"
    assert _role(other) == "clinician"
    assert other_client.get("/account")["Location"].startswith("/login")  # session ended
    ev = AuditEvent.objects.get(action="role.change")
    assert (ev.target, ev.subject_id) == ("person->clinician", other.pk)
    # Their next sign-in asks for the second factor.
    again = logged_in(other, mfa=False)
    assert again.get("/account")["Location"].startswith("/account/security/setup")


def test_demoting_a_clinician_closes_the_clinic_at_once(
    admin_client: Client, clinician: User, owner: User
) -> None:
    admin_client.post(f"/admin-area/people/{public_id(clinician)}/role", {"role": "person"})
    c = logged_in(clinician)
    assert c.get(f"/clinic/patients/{public_id(owner)}").status_code == 404


def test_the_last_admin_cannot_step_down(admin_client: Client, admin: User) -> None:
    response = admin_client.post(
        f"/admin-area/people/{public_id(admin)}/role", {"role": "person"}, follow=True
    )
    assert "last admin" in response.content.decode()
    assert _role(admin) == "admin"
    assert admin_client.get("/admin-area/people").status_code == 200


def test_an_unknown_role_or_account_changes_nothing(admin_client: Client, other: User) -> None:
    response = admin_client.post(
        f"/admin-area/people/{public_id(other)}/role", {"role": "root"}, follow=True
    )
    assert "choose one of person, clinician, admin" in response.content.decode()
    missing = "00000000-0000-0000-0000-000000000000"
    assert (
        admin_client.post(f"/admin-area/people/{missing}/role", {"role": "admin"}).status_code
        == 404
    )
    assert _role(other) == "person"


def test_audit_log_is_newest_first_marks_others_data_and_is_audited(
    admin_client: Client,
    admin: User,
    clinician: User,
    owner: User,
) -> None:
    audit_record(int(owner.pk), "plan.create", "p1")
    audit_record(int(clinician.pk), "read:timeline", "t1", subject_id=int(owner.pk))
    html = admin_client.get("/admin-area/audit").content.decode()
    assert html.index("read:timeline") < html.index("plan.create")
    assert html.count('class="others-data"') == 1
    assert "health data of ann_owner" in html
    assert "(UTC)" in html
    assert AuditEvent.objects.filter(actor_id=admin.pk, action="audit.view").count() == 1


def test_audit_log_filters_by_actor_and_subject(
    admin_client: Client, clinician: User, owner: User
) -> None:
    audit_record(int(owner.pk), "plan.create", "p1")
    audit_record(int(clinician.pk), "read:timeline", "t1", subject_id=int(owner.pk))
    by = admin_client.get("/admin-area/audit", {"by": "cleo_clinician"}).content.decode()
    assert "read:timeline" in by and "plan.create" not in by
    subject = admin_client.get("/admin-area/audit", {"subject": "ann_owner"}).content.decode()
    assert "read:timeline" in subject and "plan.create" not in subject
    unknown = admin_client.get("/admin-area/audit", {"by": "nobody"})
    assert unknown.status_code == 400
    assert "no account is called" in unknown.content.decode()


def test_audit_log_pages_by_fifty_keeping_the_filter(admin_client: Client, owner: User) -> None:
    for i in range(60):
        audit_record(int(owner.pk), "test.event", f"t{i}")
    first = admin_client.get("/admin-area/audit", {"by": "ann_owner"})
    assert first.content.decode().count("test.event") == 50
    assert "by=ann_owner&amp;page=2" in first.content.decode()
    second = admin_client.get("/admin-area/audit", {"by": "ann_owner", "page": "2"})
    assert second.content.decode().count("test.event") == 10


def test_chain_check_is_on_demand_audited_and_names_length_and_head(
    admin_client: Client,
) -> None:
    audit_record(None, "test.event")
    head = AuditEvent.objects.order_by("-id").first()
    assert head is not None
    count = AuditEvent.objects.count()
    response = admin_client.post("/admin-area/audit/verify", follow=True)
    html = response.content.decode()
    assert "The hash chain holds" in html
    assert f"{count} rows, the newest is row {head.pk} (hash {head.hash[:16]}" in html
    assert AuditEvent.objects.filter(action="audit.verify", target__startswith="holds: ").exists()
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    AuditEvent.objects.filter(pk=first.pk).update(target="edited")
    broken = admin_client.post("/admin-area/audit/verify", follow=True)
    assert f"breaks at row {first.pk}" in broken.content.decode()


def _export(c: Client) -> bytes:
    response = c.get("/admin-area/audit/export.jsonl")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="hipalign-audit-')
    return streamed(response)


def test_the_signed_export_shows_rows_later_removed_from_the_end(admin_client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    for i in range(30):
        audit_record(None, "test.event", str(i))
    export = _export(admin_client)
    lines = export.decode().splitlines()
    assert '"action": "audit.export"' in lines[-2]  # the export is its own last row
    assert lines[-1].startswith('{"anchor": {"schema": "hipalign.audit-anchor/1"')

    same = admin_client.post(
        "/admin-area/audit/verify",
        {"anchor_file": SimpleUploadedFile("a.jsonl", export)},
        follow=True,
    )
    assert "It still contains everything the earlier export held" in same.content.decode()
    newest = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:25])
    AuditEvent.objects.filter(id__in=newest).delete()

    alone = admin_client.post("/admin-area/audit/verify", follow=True).content.decode()
    against = admin_client.post(
        "/admin-area/audit/verify",
        {"anchor_file": SimpleUploadedFile("a.jsonl", export)},
        follow=True,
    ).content.decode()

    assert "The hash chain holds" in alone
    assert "Compared with the earlier export: truncated: the anchor had" in against


def test_a_file_that_is_not_an_export_is_named_and_checks_nothing(admin_client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        "/admin-area/audit/verify",
        {"anchor_file": SimpleUploadedFile("notes.txt", b"hello\n")},
        follow=True,
    )
    page = response.content.decode()
    assert "Earlier export to compare with: not an audit anchor" in page
    assert page.count("Earlier export to compare with:") == 1  # the label once, no form id
    assert not AuditEvent.objects.filter(action="audit.verify").exists()


def test_the_audit_log_has_no_edit_or_delete_anywhere(admin_client: Client) -> None:
    audit_record(None, "test.event")
    ev = AuditEvent.objects.get(action="test.event")
    assert not django_admin.site.is_registered(AuditEvent)
    for path in [
        "/admin/db/auditevent/",
        f"/admin/db/auditevent/{ev.pk}/change/",
        f"/admin/db/auditevent/{ev.pk}/delete/",
    ]:
        assert admin_client.get(path).status_code == 404, path
        admin_client.post(path, {"post": "yes", "action": "changed"})
    assert AuditEvent.objects.get(pk=ev.pk).action == "test.event"
    for method in ("put", "patch", "delete"):
        assert getattr(admin_client, method)("/admin-area/audit").status_code == 405
    assert audit_verify() is None


def test_mfa_reset_from_the_people_page(admin_client: Client, clinician: User) -> None:
    from hipalign.adapters.db.models import TotpDevice

    TotpDevice.objects.create(user=clinician, secret="A" * 32, confirmed_at="2026-03-01T09:00Z")
    response = admin_client.post(
        f"/admin-area/people/{public_id(clinician)}/mfa-reset", follow=True
    )
    assert "Two-step sign-in reset" in response.content.decode()
    assert not TotpDevice.objects.filter(user_id=clinician.pk).exists()
    assert Profile.objects.get(user_id=clinician.pk).role == "clinician"


def test_an_admin_who_steps_down_leaves_the_area(
    admin_client: Client, admin: User, other: User
) -> None:
    admin_client.post(f"/admin-area/people/{public_id(other)}/role", {"role": "admin"})
    response = admin_client.post(f"/admin-area/people/{public_id(admin)}/role", {"role": "person"})
    assert response["Location"] == "/"
    assert _role(admin) == "person"
    assert admin_client.get("/admin-area/people").status_code == 404  # same session, kept
