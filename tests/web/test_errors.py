"""A database that cannot be reached answers 503 with no traceback, and the app is healthy again
once it is back (RELIABILITY.md H7); any other server error stays a plain 500."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection
from django.test import Client

from hipalign.adapters.db.models import ExerciseLogRecord, PlanRecord
from hipalign.services.program import plans, recording
from tests.services.factories import log_payload
from tests.web.conftest import logged_in, post_log

ON_POSTGRESQL = connection.vendor == "postgresql"
LEAKS = ("Traceback", "OperationalError", "psycopg", "sqlite", 'File "')


def _no_leak(body: bytes) -> None:
    text = body.decode()
    for word in LEAKS:
        assert word not in text, word


def _client(user: User) -> Client:
    # The test client re-raises view exceptions by default; a browser gets the response.
    return logged_in(user, raise_request_exception=False)


def _refuse(*args: object, **kwargs: object) -> None:
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')


def test_a_page_answers_503_without_a_traceback_when_the_database_fails(
    owner_plan: PlanRecord, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plans, "plan_current", _refuse)

    r = _client(owner).get("/plan")

    assert r.status_code == 503
    assert r["Retry-After"] == "10"
    assert b"cannot be reached" in r.content
    _no_leak(r.content)


def test_an_api_call_answers_503_json_and_stores_nothing_when_the_database_fails(
    owner_plan: PlanRecord, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recording, "log_record", _refuse)

    r = post_log(_client(owner), log_payload(owner_plan))

    assert r.status_code == 503
    assert "cannot be reached" in r.json()["error"]
    _no_leak(r.content)
    assert not ExerciseLogRecord.objects.exists()


def test_other_server_errors_stay_500_without_a_traceback(
    owner_plan: PlanRecord, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(plans, "plan_current", broken)

    r = _client(owner).get("/plan")

    assert r.status_code == 500
    assert b"a bug" not in r.content
    _no_leak(r.content)


@contextmanager
def _database_down() -> Iterator[None]:
    """The default connection pointed at a port nothing listens on, as after the server stops;
    every query in between must open a new connection and is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]  # free once closed: connecting is refused
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = dead_port
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="an outage needs a database server to lose (embedded SQLite is a file in the "
    "process); runs in the PostgreSQL pass of scripts/test",
)
@pytest.mark.django_db(transaction=True)  # no test transaction holding the connection open
def test_on_postgresql_an_outage_answers_503_everywhere_and_the_app_recovers(
    owner_plan: PlanRecord, owner: User
) -> None:
    client = _client(owner)
    assert client.get("/healthz").status_code == 200
    assert client.get("/plan").status_code == 200

    with _database_down():
        anonymous = Client(raise_request_exception=False).get("/healthz")
        health = client.get("/healthz")  # with a session cookie: middleware fails first
        page = client.get("/plan")
        write = post_log(client, log_payload(owner_plan))

    assert [anonymous.status_code, health.status_code, page.status_code, write.status_code] == [
        503,
        503,
        503,
        503,
    ]
    assert anonymous.json() == health.json() == {"status": "unavailable"}
    assert b"cannot be reached" in page.content
    for r in (anonymous, health, page, write):
        _no_leak(r.content)
    assert not ExerciseLogRecord.objects.exists()  # the refused write was not stored
    # Back up: the next requests reconnect (CONN_HEALTH_CHECKS), nothing to restart.
    assert client.get("/healthz").status_code == 200
    assert client.get("/plan").status_code == 200
