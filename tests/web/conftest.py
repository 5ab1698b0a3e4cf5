"""Web fixtures: the two people of tests/services, logged-in clients, and a pinned clock.

Views read the date through `hipalign.web.clock.today`; it is pinned to MONDAY (a planned day)
for every web test, and `set_today` moves it."""

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

# Every page and route module is imported here, before any test patches a service function: a
# module first imported inside a patched test would keep the patched function for the session.
import hipalign.web.urls  # noqa: F401
from hipalign.web import clock
from tests.services.conftest import (  # noqa: F401
    admin,
    clinician,
    other,
    other_clinician,
    other_plan,
    owner,
    owner_plan,
)
from tests.services.factories import MONDAY

SetToday = Callable[[date], None]


@pytest.fixture(autouse=True)
def set_today(monkeypatch: pytest.MonkeyPatch) -> SetToday:
    def pin(d: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: d)

    pin(MONDAY)
    return pin


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Export leases (web/views_exports.py) live in the cache; a test that reads only a streamed
    download's status never closes it, so no lease outlives its test. The cache is a database
    table (settings.py): its rows go with the test's transaction; any other cache is cleared."""
    yield
    from django.core.cache import cache
    from django.core.cache.backends.db import DatabaseCache

    if not isinstance(cache._connections[cache._alias], DatabaseCache):  # type: ignore[attr-defined]
        cache.clear()


MFA_SESSION_KEY = "hipalign_mfa"  # set by the TOTP step; clinicians and admins need it


def logged_in(user: User, *, mfa: bool = True, **kwargs: Any) -> Client:
    """A client signed in as `user`; for clinicians and admins, past the TOTP step unless
    `mfa=False` (the state right after the password)."""
    c = Client(**kwargs)
    c.force_login(user)
    if mfa:
        session = c.session
        session[MFA_SESSION_KEY] = True
        session.save()
    return c


@pytest.fixture
def owner_client(owner: User) -> Client:  # noqa: F811
    return logged_in(owner)


@pytest.fixture
def other_client(other: User) -> Client:  # noqa: F811
    return logged_in(other)


@pytest.fixture
def clinician_client(clinician: User) -> Client:  # noqa: F811
    return logged_in(clinician)


@pytest.fixture
def other_clinician_client(other_clinician: User) -> Client:  # noqa: F811
    return logged_in(other_clinician)


@pytest.fixture
def admin_client(admin: User) -> Client:  # noqa: F811
    return logged_in(admin)


def post_log(client: Client, body: Any, **headers: Any) -> Any:
    """The test client's response (with `.json()`) to a POST of `body` to /api/logs."""
    return client.post(
        "/api/logs", json.dumps(body), content_type="application/json", headers=headers or None
    )


def streamed(response: Any) -> bytes:
    """The whole body of a streaming answer (a file download), read to its end."""
    return b"".join(response.streaming_content)


def no_answers() -> dict[str, str]:
    """Every safety question of a form answered "no"."""
    from hipalign.core.screening.catalog import QUESTION_IDS

    return {f"q_{qid}": "no" for qid in QUESTION_IDS}


def close_download(response: Any) -> None:
    """Close a response as a browser ends a download. Closing sends Django's request_finished,
    whose close_old_connections would close the test's database connection mid-transaction
    (on PostgreSQL: "the connection is closed"); the test client detaches it only around its
    own requests and reads, so this does the same around the close."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
