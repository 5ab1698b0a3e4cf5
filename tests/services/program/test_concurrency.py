"""Concurrent log writes: one stored row per client id and none lost (RELIABILITY.md H1, H3).

SQLite runs the race in a subprocess against the app's real file database (WAL, IMMEDIATE);
PostgreSQL runs the same race in-process, each thread on its own server connection."""

import json
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from hipalign.adapters.db.models import AuditEvent
from hipalign.core.intake import INTAKE_SCHEMA
from hipalign.core.screening.catalog import QUESTION_IDS
from hipalign.services.kernel.audit import audit_record, audit_verify
from hipalign.services.program import plans
from tests.services.concurrent_logs import LOGS_PER_THREAD, THREADS, race
from tests.services.factories import make_user

ROOT = Path(__file__).resolve().parents[3]
ON_POSTGRESQL = connection.vendor == "postgresql"


def _assert_one_row_per_client_id_and_none_lost(out: dict[str, Any]) -> None:
    assert all(isinstance(r, list) for r in out["same"]), out["same"]
    assert sorted(created for created, _ in out["same"]) == [False] * (THREADS - 1) + [True]
    assert len({log_id for _, log_id in out["same"]}) == 1
    assert out["same_rows"] == 1
    assert out["distinct"] == [LOGS_PER_THREAD] * THREADS, out["distinct"]
    assert out["logs"] == 1 + THREADS * LOGS_PER_THREAD
    assert out["sessions"] == 1 + THREADS


@pytest.mark.skipif(
    ON_POSTGRESQL,
    reason="tests SQLite's IMMEDIATE write lock on the file database; on PostgreSQL the same "
    "race runs as test_on_postgresql_concurrent_resends_store_one_log_...",
)
def test_concurrent_resends_store_one_log_and_concurrent_logs_are_all_stored(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))} | {
        "HIPALIGN_ENV": "local",
        "HIPALIGN_DATA": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "hipalign.web.settings",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "tests.services.concurrent_logs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])

    _assert_one_row_per_client_id_and_none_lost(out)
    assert (tmp_path / "hipalign.sqlite3").exists()  # the file database, not memory


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="needs a database server: threads cannot share the in-memory SQLite test database "
    "(the SQLite race runs in a subprocess, test above); runs in the PostgreSQL pass",
)
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_concurrent_resends_store_one_log_and_concurrent_logs_are_all_stored() -> (
    None
):
    user = make_user("racer")
    intake = {"schema": INTAKE_SCHEMA, "age": 40, "screening": dict.fromkeys(QUESTION_IDS, False)}
    plan = plans.intake_submit(user, intake, date(2026, 3, 2))

    out = race(user, str(plan.id))

    _assert_one_row_per_client_id_and_none_lost(out)


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="needs a database server: threads cannot share the in-memory SQLite test database; "
    "runs in the PostgreSQL pass, where only an advisory lock keeps audit writers in turn",
)
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_concurrent_audit_events_keep_one_unbroken_chain() -> None:
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def write(i: int) -> None:
        barrier.wait()
        try:
            for k in range(LOGS_PER_THREAD):
                audit_record(None, "race.test", f"t{i}-{k}")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert AuditEvent.objects.filter(action="race.test").count() == THREADS * LOGS_PER_THREAD
    assert audit_verify() is None  # no two events were chained to the same predecessor
