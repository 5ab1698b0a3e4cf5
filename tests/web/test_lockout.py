"""Failed log-ins lock per account and address first, the account everywhere only at a higher
count, and the operator's `hipalign unlock` lifts both (issue 12 item 12)."""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from typer.testing import CliRunner

from hipalign.adapters.db.models import AuditEvent
from hipalign.cli.main import app
from hipalign.core.errors import InputError
from hipalign.services.identity import accounts
from hipalign.web import server
from tests.services.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OWNER_IP = "198.51.100.7"


def _login(ip: str, username: str, password: str, **meta: Any) -> tuple[Client, Any]:
    client = Client(REMOTE_ADDR=ip, **meta)
    response = client.post("/login", {"username": username, "password": password})
    return client, response


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail(ip: str, username: str, times: int) -> None:
    for i in range(times):
        _login(ip, username, f"wrong guess {i}")


def test_an_attacker_locking_an_account_from_one_address_does_not_lock_the_owner_elsewhere(
    owner: User,
) -> None:
    _fail(ATTACKER, owner.get_username(), settings.AXES_FAILURE_LIMIT)

    attacker, refused = _login(ATTACKER, owner.get_username(), PASSWORD)
    owner_client, allowed = _login(OWNER_IP, owner.get_username(), PASSWORD)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 30 * 60
    assert "paused for 30 minutes" in refused.content.decode()
    assert not _signed_in(attacker)
    assert allowed.status_code == 302
    assert _signed_in(owner_client)


def test_changing_the_case_of_the_username_does_not_give_a_fresh_counter(
    owner: User,
) -> None:
    name = owner.get_username()
    _fail(ATTACKER, name.upper(), settings.AXES_FAILURE_LIMIT // 2)
    _fail(ATTACKER, name, settings.AXES_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT // 2)

    client, refused = _login(ATTACKER, name, PASSWORD)

    assert refused.status_code == 429
    assert not _signed_in(client)


# The lock alone: the per-account rate limit (web/throttle.py) would refuse sooner.
@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "login_account": ""})
def test_failures_spread_over_many_addresses_lock_the_account_everywhere_at_the_higher_limit(
    owner: User,
) -> None:
    per_address = settings.AXES_FAILURE_LIMIT - 1  # each address stays under its own limit
    addresses = -(-settings.ACCOUNT_FAILURE_LIMIT // per_address)
    for n in range(addresses - 1):
        _fail(f"203.0.113.{n + 1}", owner.get_username(), per_address)
    done = (addresses - 1) * per_address
    _fail(f"203.0.113.{addresses}", owner.get_username(), settings.ACCOUNT_FAILURE_LIMIT - done - 1)

    just_under, before = _login(OWNER_IP, owner.get_username(), PASSWORD)
    just_under.post("/logout")
    _fail("192.0.2.200", owner.get_username(), 1)  # the ACCOUNT_FAILURE_LIMIT-th failure
    locked, after = _login(OWNER_IP, owner.get_username(), PASSWORD)

    assert settings.ACCOUNT_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    assert before.status_code == 302
    assert after.status_code == 429
    assert not _signed_in(locked)


@override_settings(TRUSTED_PROXIES=1)
def test_a_wrong_password_count_behind_a_trusted_proxy_is_per_client_address(
    owner: User,
) -> None:
    proxy = "10.0.0.1"
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(proxy, owner.get_username(), f"wrong {i}", HTTP_X_FORWARDED_FOR=ATTACKER)

    # A client cannot pick its address: the proxy appends the real one on the right.
    _, spoofed = _login(
        proxy, owner.get_username(), PASSWORD, HTTP_X_FORWARDED_FOR=f"{OWNER_IP}, {ATTACKER}"
    )
    client, allowed = _login(proxy, owner.get_username(), PASSWORD, HTTP_X_FORWARDED_FOR=OWNER_IP)

    assert spoofed.status_code == 429
    assert allowed.status_code == 302
    assert _signed_in(client)


def test_unlock_lifts_the_lock_from_every_address_and_is_audited(
    owner: User,
) -> None:
    _fail(OWNER_IP, owner.get_username(), settings.AXES_FAILURE_LIMIT)
    _fail(ATTACKER, owner.get_username(), settings.AXES_FAILURE_LIMIT)

    cleared = accounts.account_unlock(username=owner.get_username().upper())
    client, response = _login(OWNER_IP, owner.get_username(), PASSWORD)

    assert cleared == 2
    assert not AccessAttempt.objects.exists()
    assert response.status_code == 302
    assert _signed_in(client)
    event = AuditEvent.objects.filter(action="auth.unlock").get()
    assert (event.actor_id, event.subject_id) == (None, owner.pk)


def test_unlock_of_an_unknown_account_names_the_field_and_changes_nothing(
    owner: User,
) -> None:
    _fail(ATTACKER, owner.get_username(), 3)

    with pytest.raises(InputError) as caught:
        accounts.account_unlock(username="nobody-here")

    assert caught.value.problems == ["username: no account is named 'nobody-here'"]
    assert AccessAttempt.objects.count() == 1
    assert not AuditEvent.objects.filter(action="auth.unlock").exists()


def test_the_unlock_command_lets_the_owner_in_again(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test database is already migrated; prepare() would point Django at a data folder.
    monkeypatch.setattr(server, "prepare", lambda data: None)
    _fail(OWNER_IP, owner.get_username(), settings.AXES_FAILURE_LIMIT)

    result = CliRunner().invoke(app, ["unlock", owner.get_username()])
    unknown = CliRunner().invoke(app, ["unlock", "nobody-here"])
    client, _ = _login(OWNER_IP, owner.get_username(), PASSWORD)

    assert result.exit_code == 0, result.output
    assert "unlocked (1 address counter(s) cleared)" in result.output
    assert unknown.exit_code == 2
    assert "username: no account is named 'nobody-here'" in unknown.output
    assert _signed_in(client)
