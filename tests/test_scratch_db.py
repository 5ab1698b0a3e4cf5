"""The scratch-database helper waits out an autovacuum worker inside the database it drops, and
nothing else (see tests/scratch_db.py)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db.utils import ProgrammingError

from tests import scratch_db

AUTOVACUUM = ProgrammingError(
    "must be a member of the role whose process is being terminated or member of pg_signal_backend"
)


class _Server:
    """Stands in for the connection: fails the first `failures` statements with `error`."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error = failures, error
        self.ran: list[str] = []

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        yield self

    def execute(self, sql: str) -> None:
        self.ran.append(sql)
        if len(self.ran) <= self.failures:
            raise self.error


def _serve(monkeypatch: pytest.MonkeyPatch, server: _Server) -> None:
    monkeypatch.setattr(scratch_db, "connection", server)
    monkeypatch.setattr(time, "sleep", lambda s: None)


def test_a_drop_refused_because_autovacuum_is_inside_is_tried_again_until_it_goes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = _Server(failures=3, error=AUTOVACUUM)
    _serve(monkeypatch, server)
    scratch_db.drop("x")
    assert server.ran == ['DROP DATABASE IF EXISTS "x" WITH (FORCE)'] * 4


def test_any_other_error_on_drop_is_raised_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    server = _Server(failures=1, error=ProgrammingError("permission denied to drop database"))
    _serve(monkeypatch, server)
    with pytest.raises(ProgrammingError, match="permission denied"):
        scratch_db.drop("x")
    assert len(server.ran) == 1


def test_the_drop_gives_up_after_its_patience(monkeypatch: pytest.MonkeyPatch) -> None:
    _serve(monkeypatch, _Server(failures=10**6, error=AUTOVACUUM))
    with pytest.raises(ProgrammingError, match="pg_signal_backend"):
        scratch_db.drop("x", patience_s=0.05)
