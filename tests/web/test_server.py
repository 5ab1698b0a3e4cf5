"""`hipalign serve` on PostgreSQL: one variable, migrations applied on start, no password shown."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests import scratch_db

ON_POSTGRESQL = connection.vendor == "postgresql"
STARTUP_S = 60
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="needs a PostgreSQL server (HIPALIGN_DATABASE_URL); runs in the PostgreSQL pass, "
    "the SQLite start is what the end-to-end tests use",
)
@pytest.mark.django_db(transaction=True)  # CREATE DATABASE cannot run in a transaction
def test_serve_with_a_database_url_migrates_an_empty_database_and_serves_from_it(
    tmp_path: Path,
) -> None:
    db = connection.settings_dict
    name = f"{db['NAME']}_serve"  # a fresh, empty database beside the test database
    url = scratch_db.url_of(name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))} | {
        "HIPALIGN_ENV": "local",
        "HIPALIGN_DATABASE_URL": url,
    }
    port = _free_port()
    log = tmp_path / "server.log"
    cmd = [sys.executable, "-m", "hipalign.cli.main", "serve", "--port", str(port)]
    cmd += ["--data", str(tmp_path / "data"), "--threads", "2"]
    scratch_db.create(name)
    try:
        with log.open("wb") as out:
            proc = subprocess.Popen(
                cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path
            )
            try:
                status = _wait_healthy(port, proc)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        with psycopg.connect(url) as conn:
            migrations = conn.execute(
                "SELECT count(*) FROM django_migrations WHERE app = 'hipalign'"
            ).fetchone()
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = "
                "'hipalign_libraryexercise'"
            ).fetchone()
    finally:
        scratch_db.drop(name)
    printed = log.read_text(errors="replace")

    assert status == 200, printed
    assert f"database PostgreSQL {db['HOST']}:{db['PORT']}/{name} as {db['USER']}" in printed
    assert str(db["PASSWORD"]) not in printed
    assert not (tmp_path / "data" / "hipalign.sqlite3").exists()
    expected = len(list((ROOT / "src/hipalign/adapters/db/migrations").glob("0*.py")))
    assert migrations is not None and migrations[0] == expected  # every migration, at start
    assert tables == (0,)  # the library is the data files; no table holds a copy (issue 15)


def _wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> int | None:
    deadline = time.monotonic() + STARTUP_S
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return int(r.status)
        except OSError:
            time.sleep(0.3)
    return None
