"""Two `hipalign serve` processes and a worker on one PostgreSQL (issue 19, "Many app
processes"): everything a request needs is in the database or the shared storage, so a person
can sign up through one, upload and log through the other, and a clinician can read through
either; the audit chain stays whole under writes from both, and a kill -9 of one server in the
middle of the writes loses and doubles no acknowledged log.

Loopback only. Runs in the PostgreSQL pass of scripts/test (it needs a PostgreSQL server; the
SQLite pass skips it, as tests/web/test_server.py)."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from django.db import connection

from hipalign.core.vocab import WEEKDAYS
from tests import scratch_db
from tests.adapters.media import media_dir
from tests.core.conftest import intake_doc
from tests.services.factories import EXERCISE, FULL_DOSE, PASSWORD, RUNG

ON_POSTGRESQL = connection.vendor == "postgresql"
ROOT = Path(__file__).resolve().parents[2]
STARTUP_S = 60
WRITERS = 4
LOGS_PER_WRITER = 20
KILL_AFTER = 20  # acknowledged logs before server A is killed
READERS = 2

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="needs a PostgreSQL server (HIPALIGN_DATABASE_URL); runs in the PostgreSQL pass",
    ),
    pytest.mark.django_db(transaction=True),  # CREATE DATABASE cannot run in a transaction
]

# The clinician, their API token (with the second factor it needs) and an invite code, made in
# the new install's database the way an operator's script would.
SETUP = """
import json, django
django.setup()
from django.utils import timezone
from hipalign.services.care.links import link_code_create
from tests.services.factories import make_role, staff_token
c = make_role("cleo_two", "clinician")
print(json.dumps({"token": staff_token(c, "two servers"), "code": link_code_create(c, timezone.now()).code}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + STARTUP_S
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            time.sleep(0.2)
    return False


class Install:
    def __init__(self, tmp_path: Path, url: str) -> None:
        self.url = url
        self.data = tmp_path / "data"  # one machine: the servers share the data folder's store
        self.tmp = tmp_path
        # Shared by every process, as DEPLOY.md says: sessions made by one are read by the
        # other, and both extend one audit chain.
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))
        } | {
            "HIPALIGN_ENV": "local",
            "HIPALIGN_DATABASE_URL": url,
            "HIPALIGN_DATA": str(self.data),
            "HIPALIGN_SECRET_KEY": uuid.uuid4().hex * 2,
            "HIPALIGN_AUDIT_KEY": uuid.uuid4().hex * 2,
            "HIPALIGN_JOBS": "worker",
            "HIPALIGN_WORKER_BEAT_S": "1",
        }
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "hipalign.cli.main", *args, "--data", str(self.data)]
        with (self.tmp / f"{name}.log").open("wb") as out:
            proc = subprocess.Popen(
                cmd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,  # its own group: a kill reaches every thread and child
            )
        self.procs[name] = proc
        return proc

    def serve(self, name: str) -> str:
        port = _free_port()
        self.start(name, "serve", "--host", "127.0.0.1", "--port", str(port))
        return f"http://127.0.0.1:{port}"

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture
def install(tmp_path: Path) -> Iterator[Install]:
    name = f"{connection.settings_dict['NAME']}_two"  # a fresh database beside the test one
    with scratch_db.scratch(name) as url:
        made = Install(tmp_path, url)
        try:
            yield made
        finally:
            made.stop()


def _csrf(s: requests.Session) -> str:
    return str(s.cookies.get("csrftoken", ""))


def _log_body(plan_id: str, client_id: str) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    return {
        "client_id": client_id,
        "session_id": str(uuid.uuid4()),
        "plan_id": plan_id,
        "day": WEEKDAYS[today.weekday()],
        "session": 1,
        "performed_on": today.isoformat(),
        "exercise": EXERCISE,
        "rung": RUNG,
        **FULL_DOSE,
        "pain_during": 1,
    }


def test_two_servers_and_a_worker_share_one_postgresql_and_survive_a_kill(
    install: Install,
) -> None:
    started = time.monotonic()
    a = install.serve("a")  # the first start migrates the empty database
    assert _wait_healthy(int(a.rsplit(":", 1)[1]), install.procs["a"]), install.log("a")
    b = install.serve("b")
    install.start("worker", "worker")
    setup = subprocess.run(
        [sys.executable, "-c", SETUP],
        env=install.env | {"DJANGO_SETTINGS_MODULE": "hipalign.web.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    made = json.loads(setup.stdout.strip().splitlines()[-1])
    clinician = {"Authorization": f"Bearer {made['token']}"}
    assert _wait_healthy(int(b.rsplit(":", 1)[1]), install.procs["b"]), install.log("b")

    # A person signs up through A ...
    person = requests.Session()
    person.get(f"{a}/signup", timeout=10)
    signed = person.post(
        f"{a}/signup",
        data={"username": "ann_two", "password": PASSWORD, "csrfmiddlewaretoken": _csrf(person)},
        allow_redirects=False,
        timeout=10,
    )
    assert signed.status_code == 302, signed.text[:500]
    # ... and goes on through B with the same browser session.
    csrf = {"X-CSRFToken": _csrf(person)}
    linked = person.post(
        f"{b}/care",
        data={"action": "redeem", "code": made["code"], "csrfmiddlewaretoken": _csrf(person)},
        timeout=10,
    )
    assert linked.status_code == 200 and "Linked with cleo_two" in linked.text
    planned = person.post(f"{b}/api/v1/intake", json=intake_doc(), headers=csrf, timeout=30)
    assert planned.status_code == 201, planned.text[:500]
    plan_id = planned.json()["id"]
    public_id = person.get(f"{b}/api/v1/me", timeout=10).json()["public_id"]
    with (media_dir() / "pose.jpg").open("rb") as photo:
        uploaded = person.post(
            f"{b}/posture",
            files={"file": ("me.jpg", photo, "image/jpeg")},
            data={"csrfmiddlewaretoken": _csrf(person)},
            allow_redirects=False,
            timeout=30,
        )
    assert uploaded.status_code == 302, uploaded.text[:500]

    # Writers log through both servers; a log whose server does not answer is sent again, with
    # the same client id, through the other. Readers (the clinician) read through both: every
    # read of a patient's data is an audit row, so both servers extend the chain at once.
    acked: set[str] = set()
    sent: set[str] = set()
    reads: dict[str, int] = {a: 0, b: 0}
    tried_reads = 0
    failovers = 0  # sends that met a dead server (or a 5xx) and went to the other
    lock = threading.Lock()
    a_dead = threading.Event()
    writing = threading.Event()
    errors: list[str] = []

    def write(w: int) -> None:
        cookies = {k: v for k, v in person.cookies.items() if v is not None}
        nonlocal failovers
        for i in range(LOGS_PER_WRITER):
            client_id = f"two-{w}-{i:03d}"
            body = _log_body(plan_id, client_id)
            deadline = time.monotonic() + 30
            turn = (w + i) % 2
            while time.monotonic() < deadline:
                base = (a, b)[turn]
                turn = 1 - turn
                with lock:
                    sent.add(client_id)
                try:
                    r = requests.post(
                        f"{base}/api/v1/logs", json=body, cookies=cookies, headers=csrf, timeout=10
                    )
                except requests.RequestException:
                    with lock:
                        failovers += 1
                    continue  # the server is gone (or went mid-request): the other one
                if r.status_code in (200, 201):
                    with lock:
                        acked.add(client_id)
                    break
                if r.status_code >= 500:
                    continue
                errors.append(f"{client_id}: {r.status_code} {r.text[:200]}")
                return
            else:
                errors.append(f"{client_id}: never acknowledged")

    def read() -> None:
        nonlocal tried_reads
        turn = 0
        while writing.is_set():
            base = (a, b)[turn]
            turn = 1 - turn
            if base == a and a_dead.is_set():
                continue
            with lock:
                tried_reads += 1
            try:
                r = requests.get(
                    f"{base}/api/v1/patients/{public_id}/logs", headers=clinician, timeout=10
                )
            except requests.RequestException:
                continue
            if r.status_code == 200:
                with lock:
                    reads[base] += 1
            time.sleep(0.05)

    writing.set()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    readers = [threading.Thread(target=read) for _ in range(READERS)]
    for t in threads + readers:
        t.start()
    while len(acked) < KILL_AFTER and any(t.is_alive() for t in threads):
        time.sleep(0.02)
    os.killpg(install.procs["a"].pid, signal.SIGKILL)  # mid-writes, no warning
    a_dead.set()
    killed_at = len(acked)
    for t in threads:
        t.join(timeout=60)
    writing.clear()
    for t in readers:
        t.join(timeout=20)

    assert errors == [], errors
    assert install.procs["a"].wait(timeout=10) == -signal.SIGKILL
    assert KILL_AFTER <= killed_at < WRITERS * LOGS_PER_WRITER  # killed mid-writes
    assert len(acked) == WRITERS * LOGS_PER_WRITER
    assert failovers > 0  # the writers did meet the killed server and went on through B
    with psycopg.connect(install.url) as db:
        stored: dict[str, int] = dict(
            db.execute(
                "SELECT client_id, count(*) FROM hipalign_exerciselogrecord GROUP BY client_id"
            ).fetchall()
        )
        audited_reads = db.execute(
            "SELECT count(*) FROM hipalign_auditevent WHERE action LIKE 'read:%%'"
        ).fetchone()
    # Every acknowledged log is there exactly once, and nothing that was never sent.
    assert set(stored) == acked and set(stored) <= sent
    assert set(stored.values()) == {1}
    # The clinician read through both (A before its kill), and each read left its audit row.
    assert reads[a] > 0 and reads[b] > 0, reads
    assert audited_reads is not None
    assert sum(reads.values()) <= audited_reads[0] <= tried_reads
    # After the kill, B serves what both wrote.
    page = requests.get(
        f"{b}/api/v1/patients/{public_id}/logs?limit=1", headers=clinician, timeout=10
    )
    assert page.status_code == 200 and page.json()["total"] == len(acked)

    # The worker measured the photo uploaded through B; the result is read back through B.
    deadline = time.monotonic() + 45
    status = ""
    while time.monotonic() < deadline:
        with psycopg.connect(install.url) as db:
            row = db.execute("SELECT status FROM hipalign_postureupload").fetchone()
        status = row[0] if row else ""
        if status in ("done", "failed"):
            break
        time.sleep(0.5)
    assert status == "done", install.log("worker")
    assert "This is your baseline" in person.get(f"{b}/posture", timeout=10).text

    # The audit chain, written by two servers, a worker and a killed server, holds.
    chain = subprocess.run(
        [sys.executable, "-m", "hipalign.cli.main", "audit", "verify", "--data", str(install.data)],
        env=install.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert chain.returncode == 0, chain.stdout + chain.stderr
    print(
        f"two servers: {len(acked)} logs acknowledged ({killed_at} before the kill of A, "
        f"{failovers} sends failed over), "
        f"{reads[a]}+{reads[b]} clinician reads through A+B, {audited_reads[0]} audited; "
        f"{time.monotonic() - started:.1f} s"
    )
