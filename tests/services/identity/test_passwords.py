"""The admin's one-time reset link: hash only, 24 hours, once, audited; admins only."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import ApiToken, AuditEvent, PasswordResetLink
from hipalign.core.errors import InputError
from hipalign.services.identity import passwords, tokens
from hipalign.services.kernel.access import Forbidden, NotFound
from tests.services.factories import PASSWORD, public_id

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEW = "violet ferry copper lantern"


def _password_ok(user: User, password: str) -> bool:
    return User.objects.get(pk=user.pk).check_password(password)


def test_only_the_sha256_of_the_link_is_stored(admin: User, owner: User) -> None:
    secret = passwords.reset_link_issue(admin, public_id(owner), now=NOW)
    link = PasswordResetLink.objects.get(user=owner)
    assert link.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(v) for v in PasswordResetLink.objects.values_list(flat=False).get()]
    assert not any(secret in v for v in stored)
    assert link.expires_at == NOW + timedelta(hours=24)
    assert AuditEvent.objects.filter(action="password.reset_issue", subject_id=owner.pk).exists()


def test_a_link_sets_the_password_once_and_revokes_the_tokens(admin: User, owner: User) -> None:
    tokens.api_token_create(owner, "script")
    secret = passwords.reset_link_issue(admin, public_id(owner), now=NOW)
    assert passwords.reset_link_account(secret, now=NOW) == owner
    passwords.reset_link_use(secret, password=NEW, now=NOW + timedelta(hours=1))
    assert _password_ok(owner, NEW)
    assert not ApiToken.objects.filter(user=owner, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="password.reset_use", subject_id=owner.pk).exists()
    # The second use is refused and changes nothing.
    assert passwords.reset_link_account(secret, now=NOW) is None
    with pytest.raises(NotFound):
        passwords.reset_link_use(secret, password="amber quiet harbour moss", now=NOW)
    assert _password_ok(owner, NEW)


def test_an_expired_link_is_refused_and_changes_nothing(admin: User, owner: User) -> None:
    secret = passwords.reset_link_issue(admin, public_id(owner), now=NOW)
    later = NOW + timedelta(hours=24)
    assert passwords.reset_link_account(secret, now=later) is None
    with pytest.raises(NotFound):
        passwords.reset_link_use(secret, password=NEW, now=later)
    assert _password_ok(owner, PASSWORD)
    assert PasswordResetLink.objects.get(user=owner).used_at is None


def test_a_new_link_retires_the_earlier_one(admin: User, owner: User) -> None:
    first = passwords.reset_link_issue(admin, public_id(owner), now=NOW)
    second = passwords.reset_link_issue(admin, public_id(owner), now=NOW)
    assert passwords.reset_link_account(first, now=NOW) is None
    assert passwords.reset_link_account(second, now=NOW) == owner


def test_a_weak_password_through_a_link_is_refused_naming_the_field_and_keeps_the_link(
    admin: User, owner: User
) -> None:
    secret = passwords.reset_link_issue(admin, public_id(owner), now=NOW)
    with pytest.raises(InputError) as err:
        passwords.reset_link_use(secret, password="zzzzzzzzzzzz", now=NOW)
    assert err.value.problems[0].startswith("new_password1: New password: ")
    assert _password_ok(owner, PASSWORD)
    assert passwords.reset_link_account(secret, now=NOW) == owner


def test_an_unknown_or_overlong_secret_is_no_link(owner: User) -> None:
    assert passwords.reset_link_account("not-a-link", now=NOW) is None
    assert passwords.reset_link_account("x" * 10_000, now=NOW) is None


@pytest.mark.parametrize("who", ["owner", "clinician"])
def test_only_an_admin_issues_a_link_and_a_refusal_stores_nothing(
    who: str, request: pytest.FixtureRequest, other: User
) -> None:
    actor = request.getfixturevalue(who)
    with pytest.raises((Forbidden, NotFound)):
        passwords.reset_link_issue(actor, public_id(other), now=NOW)
    assert not PasswordResetLink.objects.exists()


def test_an_unknown_account_is_not_found(admin: User) -> None:
    for pid in ("nope", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            passwords.reset_link_issue(admin, pid, now=NOW)
    assert not PasswordResetLink.objects.exists()
