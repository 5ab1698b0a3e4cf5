"""API tokens: shown once, stored as a hash, refused once revoked, touched at most once a minute."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, User

from hipalign.adapters.db.models import ApiToken, AuditEvent
from hipalign.core.errors import InputError
from hipalign.services.identity import tokens
from hipalign.services.kernel.access import NotFound

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_new_token_is_stored_only_as_its_sha256_with_a_display_prefix(
    owner: User,
) -> None:
    made = tokens.api_token_create(owner, "  phone   app ")

    row = ApiToken.objects.get()
    assert made.secret.startswith("hpa_") and len(made.secret) > 40
    assert row.key_hash == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in {row.key_hash, row.prefix, row.name}
    assert made.secret.startswith(row.prefix) and len(row.prefix) == 12
    assert row.name == "phone app"
    assert AuditEvent.objects.filter(action="token.create", target=str(row.id)).exists()


def test_two_tokens_differ(owner: User) -> None:
    a = tokens.api_token_create(owner, "a").secret
    b = tokens.api_token_create(owner, "b").secret
    assert a != b


def test_a_live_token_authenticates_its_owner_and_records_the_use(
    owner: User,
) -> None:
    made = tokens.api_token_create(owner, "script")

    assert tokens.api_token_authenticate(made.secret, NOW) == owner
    assert ApiToken.objects.get().last_used_at == NOW


def test_last_used_moves_at_most_once_a_minute(owner: User) -> None:
    made = tokens.api_token_create(owner, "script")

    tokens.api_token_authenticate(made.secret, NOW)
    tokens.api_token_authenticate(made.secret, NOW + timedelta(seconds=59))
    assert ApiToken.objects.get().last_used_at == NOW
    tokens.api_token_authenticate(made.secret, NOW + timedelta(seconds=61))
    assert ApiToken.objects.get().last_used_at == NOW + timedelta(seconds=61)


@pytest.mark.parametrize(
    "secret", ["", "hpa_", "hpa_not-a-real-token", "Bearer x", "hpa_" + "a" * 300]
)
def test_unknown_tokens_authenticate_no_one(owner: User, secret: str) -> None:
    tokens.api_token_create(owner, "script")
    assert tokens.api_token_authenticate(secret, NOW) is None


def test_a_revoked_token_is_refused_at_once(owner: User) -> None:
    made = tokens.api_token_create(owner, "script")

    tokens.api_token_revoke(owner, str(made.token.id), NOW)

    assert tokens.api_token_authenticate(made.secret, NOW) is None
    assert ApiToken.objects.get().revoked_at == NOW
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_a_disabled_accounts_token_is_refused(owner: User) -> None:
    made = tokens.api_token_create(owner, "script")
    owner.is_active = False
    owner.save()

    assert tokens.api_token_authenticate(made.secret, NOW) is None


def test_another_persons_token_cannot_be_revoked_and_stays_live(owner: User, other: User) -> None:
    made = tokens.api_token_create(owner, "script")

    with pytest.raises(NotFound):
        tokens.api_token_revoke(other, str(made.token.id), NOW)
    with pytest.raises(NotFound):
        tokens.api_token_revoke(AnonymousUser(), str(made.token.id), NOW)
    with pytest.raises(NotFound):
        tokens.api_token_revoke(owner, "not-a-uuid", NOW)

    assert ApiToken.objects.get().revoked_at is None
    assert tokens.api_token_authenticate(made.secret, NOW) == owner


def test_a_token_is_listed_only_for_its_owner(owner: User, other: User) -> None:
    tokens.api_token_create(owner, "script")

    assert [t.name for t in tokens.api_tokens_list(owner)] == ["script"]
    assert tokens.api_tokens_list(other) == []


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_token_needs_a_name_of_1_to_60_characters(owner: User, name: str) -> None:
    with pytest.raises(InputError) as err:
        tokens.api_token_create(owner, name)
    assert err.value.problems[0].startswith("name:")
    assert ApiToken.objects.count() == 0


def test_at_most_ten_live_tokens(owner: User) -> None:
    made = [tokens.api_token_create(owner, f"t{i}") for i in range(tokens.MAX_ACTIVE)]
    with pytest.raises(InputError):
        tokens.api_token_create(owner, "one more")

    tokens.api_token_revoke(owner, str(made[0].token.id), NOW)
    tokens.api_token_create(owner, "one more")
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == tokens.MAX_ACTIVE


def test_anonymous_cannot_make_a_token() -> None:
    with pytest.raises(NotFound):
        tokens.api_token_create(AnonymousUser(), "x")


# --- expiry (issue 12 item 6) ---------------------------------------------------------------


def test_a_token_expires_after_90_days_by_default(owner: User) -> None:
    made = tokens.api_token_create(owner, "script", now=NOW)

    assert made.token.expires_at == NOW + timedelta(days=90)
    assert tokens.api_token_authenticate(made.secret, NOW + timedelta(days=90, seconds=-1))
    assert tokens.api_token_authenticate(made.secret, NOW + timedelta(days=90)) is None


@pytest.mark.parametrize("days", [1, "7", " 365 "])
def test_the_lifetime_can_be_chosen_up_to_a_year(owner: User, days: object) -> None:
    made = tokens.api_token_create(owner, "script", days=days, now=NOW)  # type: ignore[arg-type]
    assert made.token.expires_at == NOW + timedelta(days=int(str(days)))


@pytest.mark.parametrize("days", [0, 366, "-3", "1.5", "", "abc", "9" * 30])
def test_a_lifetime_outside_1_to_365_days_is_refused_naming_the_field(
    owner: User, days: object
) -> None:
    with pytest.raises(InputError) as err:
        tokens.api_token_create(owner, "script", days=days, now=NOW)  # type: ignore[arg-type]
    assert err.value.problems == [
        "days: Expires after (days): give a whole number of days from 1 to 365"
    ]
    assert ApiToken.objects.count() == 0


def test_revoke_all_ends_only_this_accounts_live_tokens_and_says_why(
    owner: User, other: User
) -> None:
    mine = [tokens.api_token_create(owner, f"t{i}") for i in range(3)]
    tokens.api_token_revoke(owner, str(mine[0].token.id), NOW)
    theirs = tokens.api_token_create(other, "script")

    later = NOW + timedelta(hours=1)
    assert tokens.api_tokens_revoke_all(int(owner.pk), reason="password.change", now=later) == 2

    assert ApiToken.objects.get(pk=mine[0].token.id).revoked_at == NOW  # first revocation kept
    assert all(tokens.api_token_authenticate(m.secret, later) is None for m in mine)
    assert tokens.api_token_authenticate(theirs.secret, later) == other
    row = AuditEvent.objects.get(action="token.revoke_all")
    assert (row.target, row.subject_id) == ("password.change", owner.pk)
    assert tokens.api_tokens_revoke_all(int(owner.pk), reason="password.change", now=later) == 0
