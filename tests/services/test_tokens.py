"""API tokens: shown once, stored as a hash, refused once revoked, touched at most once a minute."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from hipalign.adapters.db.models import ApiToken, AuditEvent
from hipalign.core.errors import InputError
from hipalign.services import tokens
from hipalign.services.access import NotFound

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_new_token_is_stored_only_as_its_sha256_with_a_display_prefix(
    owner: AbstractBaseUser,
) -> None:
    made = tokens.api_token_create(owner, "  phone   app ")

    row = ApiToken.objects.get()
    assert made.secret.startswith("hpa_") and len(made.secret) > 40
    assert row.key_hash == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in {row.key_hash, row.prefix, row.name}
    assert made.secret.startswith(row.prefix) and len(row.prefix) == 12
    assert row.name == "phone app"
    assert AuditEvent.objects.filter(action="token.create", target=str(row.id)).exists()


def test_two_tokens_differ(owner: AbstractBaseUser) -> None:
    a = tokens.api_token_create(owner, "a").secret
    b = tokens.api_token_create(owner, "b").secret
    assert a != b


def test_a_live_token_authenticates_its_owner_and_records_the_use(
    owner: AbstractBaseUser,
) -> None:
    made = tokens.api_token_create(owner, "script")

    assert tokens.api_token_authenticate(made.secret, NOW) == owner
    assert ApiToken.objects.get().last_used_at == NOW


def test_last_used_moves_at_most_once_a_minute(owner: AbstractBaseUser) -> None:
    made = tokens.api_token_create(owner, "script")

    tokens.api_token_authenticate(made.secret, NOW)
    tokens.api_token_authenticate(made.secret, NOW + timedelta(seconds=59))
    assert ApiToken.objects.get().last_used_at == NOW
    tokens.api_token_authenticate(made.secret, NOW + timedelta(seconds=61))
    assert ApiToken.objects.get().last_used_at == NOW + timedelta(seconds=61)


@pytest.mark.parametrize(
    "secret", ["", "hpa_", "hpa_not-a-real-token", "Bearer x", "hpa_" + "a" * 300]
)
def test_unknown_tokens_authenticate_no_one(owner: AbstractBaseUser, secret: str) -> None:
    tokens.api_token_create(owner, "script")
    assert tokens.api_token_authenticate(secret, NOW) is None


def test_a_revoked_token_is_refused_at_once(owner: AbstractBaseUser) -> None:
    made = tokens.api_token_create(owner, "script")

    tokens.api_token_revoke(owner, str(made.token.id), NOW)

    assert tokens.api_token_authenticate(made.secret, NOW) is None
    assert ApiToken.objects.get().revoked_at == NOW
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_a_disabled_accounts_token_is_refused(owner: AbstractBaseUser) -> None:
    made = tokens.api_token_create(owner, "script")
    owner.is_active = False
    owner.save()

    assert tokens.api_token_authenticate(made.secret, NOW) is None


def test_another_persons_token_cannot_be_revoked_and_stays_live(
    owner: AbstractBaseUser, other: AbstractBaseUser
) -> None:
    made = tokens.api_token_create(owner, "script")

    with pytest.raises(NotFound):
        tokens.api_token_revoke(other, str(made.token.id), NOW)
    with pytest.raises(NotFound):
        tokens.api_token_revoke(AnonymousUser(), str(made.token.id), NOW)
    with pytest.raises(NotFound):
        tokens.api_token_revoke(owner, "not-a-uuid", NOW)

    assert ApiToken.objects.get().revoked_at is None
    assert tokens.api_token_authenticate(made.secret, NOW) == owner


def test_a_token_is_listed_only_for_its_owner(
    owner: AbstractBaseUser, other: AbstractBaseUser
) -> None:
    tokens.api_token_create(owner, "script")

    assert [t.name for t in tokens.api_tokens_list(owner)] == ["script"]
    assert tokens.api_tokens_list(other) == []


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_token_needs_a_name_of_1_to_60_characters(owner: AbstractBaseUser, name: str) -> None:
    with pytest.raises(InputError) as err:
        tokens.api_token_create(owner, name)
    assert err.value.problems[0].startswith("name:")
    assert ApiToken.objects.count() == 0


def test_at_most_ten_live_tokens(owner: AbstractBaseUser) -> None:
    made = [tokens.api_token_create(owner, f"t{i}") for i in range(tokens.MAX_ACTIVE)]
    with pytest.raises(InputError):
        tokens.api_token_create(owner, "one more")

    tokens.api_token_revoke(owner, str(made[0].token.id), NOW)
    tokens.api_token_create(owner, "one more")
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == tokens.MAX_ACTIVE


def test_anonymous_cannot_make_a_token() -> None:
    with pytest.raises(NotFound):
        tokens.api_token_create(AnonymousUser(), "x")
