"""Changing one's password on the Account page, and the admin's one-time reset link."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from hipalign.adapters.db.models import ApiToken, AuditEvent, PasswordResetLink
from hipalign.services.identity import passwords, tokens
from tests.services.factories import PASSWORD, public_id
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

NEW = "violet ferry copper lantern"


def _password_ok(user: User, password: str) -> bool:
    return User.objects.get(pk=user.pk).check_password(password)


def _change(client: Client, current: str, new: str = NEW, again: str | None = None) -> Any:
    return client.post(
        "/account/password",
        {"old_password": current, "new_password1": new, "new_password2": again or new},
    )


def test_a_password_change_keeps_this_session_and_ends_the_others(
    owner: User,
) -> None:
    here, elsewhere = logged_in(owner), logged_in(owner)
    tokens.api_token_create(owner, "script")
    response = _change(here, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/account"
    assert _password_ok(owner, NEW)
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302  # sent to log in
    assert not ApiToken.objects.filter(user=owner, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(actor_id=owner.pk, action="password.change").exists()


def test_a_wrong_current_password_is_refused_naming_the_field_and_changes_nothing(
    owner: User,
) -> None:
    here, elsewhere = logged_in(owner), logged_in(owner)
    response = _change(here, "not my password")
    assert response.status_code == 422
    assert "Current password: this is not your current password" in response.content.decode()
    assert _password_ok(owner, PASSWORD)
    assert elsewhere.get("/account").status_code == 200


def test_a_weak_new_password_is_refused_by_the_validators(owner: User) -> None:
    response = _change(logged_in(owner), PASSWORD, new="zzzzzzzzzzzz")
    assert response.status_code == 422
    assert "too easy to guess" in response.content.decode()
    assert _password_ok(owner, PASSWORD)


def _issue(admin_client: Client, user: User) -> str:
    response = admin_client.post(f"/admin-area/people/{public_id(user)}/reset-link")
    assert response.status_code == 200
    found = re.search(r"/reset/([A-Za-z0-9_-]+)", response.content.decode())
    assert found is not None
    return found[1]


def test_a_reset_link_works_once_and_ends_the_accounts_sessions(
    admin_client: Client, owner: User
) -> None:
    signed_in = logged_in(owner)
    secret = _issue(admin_client, owner)
    assert PasswordResetLink.objects.get(user=owner).key_hash != secret
    anyone = Client()
    assert anyone.get(f"/reset/{secret}").status_code == 200
    body = {"new_password1": NEW, "new_password2": NEW}
    response = anyone.post(f"/reset/{secret}", body)
    assert response.status_code == 302 and response["Location"] == "/login"
    assert _password_ok(owner, NEW)
    assert signed_in.get("/account").status_code == 302
    # Used: the same link answers the clear page and changes nothing.
    again = anyone.post(
        f"/reset/{secret}",
        {"new_password1": "amber quiet harbour moss"}
        | {"new_password2": "amber quiet harbour moss"},
    )
    assert again.status_code == 404
    assert "This reset link does not work" in again.content.decode()
    assert _password_ok(owner, NEW)


def test_an_expired_or_unknown_link_shows_the_clear_page_and_changes_nothing(
    admin: User, owner: User
) -> None:
    secret = passwords.reset_link_issue(
        admin, public_id(owner), now=timezone.now() - timedelta(hours=25)
    )
    for s in (secret, "made-up"):
        response = Client().post(f"/reset/{s}", {"new_password1": NEW, "new_password2": NEW})
        assert response.status_code == 404
        assert "This reset link does not work" in response.content.decode()
        assert owner.get_username() not in response.content.decode()
    assert _password_ok(owner, PASSWORD)


def test_a_mismatched_new_password_on_the_reset_page_keeps_the_link(
    admin: User, owner: User
) -> None:
    secret = passwords.reset_link_issue(admin, public_id(owner))
    response = Client().post(f"/reset/{secret}", {"new_password1": NEW, "new_password2": "x"})
    assert response.status_code == 422
    assert "New password again: it does not match New password." in response.content.decode()
    assert _password_ok(owner, PASSWORD)
    assert passwords.reset_link_account(secret, now=timezone.now()) == owner


def test_a_new_password_the_service_refuses_is_named_by_the_pages_label_and_keeps_the_link(
    admin: User, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ValidationError

    secret = passwords.reset_link_issue(admin, public_id(owner))

    def refuse(password: str, user: object = None) -> None:
        raise ValidationError(["it is on a list of leaked passwords"])

    # The form's own checks pass; the service's check (a second look, under the lock) refuses.
    monkeypatch.setattr(passwords, "validate_password", refuse)
    response = Client().post(f"/reset/{secret}", {"new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 422
    assert response.context["form"].errors["new_password1"] == [
        "New password: it is on a list of leaked passwords"
    ]
    assert _password_ok(owner, PASSWORD)
    assert passwords.reset_link_account(secret, now=timezone.now()) == owner


@pytest.mark.parametrize("who", ["owner", "clinician"])
def test_a_non_admin_cannot_issue_a_reset_link_and_nothing_is_stored(
    who: str, request: pytest.FixtureRequest, other: User
) -> None:
    client = logged_in(request.getfixturevalue(who))
    assert client.post(f"/admin-area/people/{public_id(other)}/reset-link").status_code == 404
    assert not PasswordResetLink.objects.exists()


def test_the_people_page_offers_a_reset_link_per_account(admin_client: Client, owner: User) -> None:
    page = admin_client.get("/admin-area/people").content.decode()
    assert f'action="/admin-area/people/{public_id(owner)}/reset-link"' in page


def test_reset_page_requests_past_the_limit_per_address_are_refused_and_change_nothing(
    admin: User, owner: User
) -> None:
    from django.conf import settings

    for _ in range(int(settings.RATE_LIMITS["password_reset"].split("/")[0])):
        assert Client(REMOTE_ADDR="203.0.113.10").get("/reset/guess").status_code == 404
    secret = passwords.reset_link_issue(admin, public_id(owner))
    body = {"new_password1": NEW, "new_password2": NEW}
    refused = Client(REMOTE_ADDR="203.0.113.10").post(f"/reset/{secret}", body)
    assert refused.status_code == 429
    assert "Too many password-reset link attempts from this address" in refused.content.decode()
    assert _password_ok(owner, PASSWORD)
    assert Client(REMOTE_ADDR="198.51.100.20").post(f"/reset/{secret}", body).status_code == 302
