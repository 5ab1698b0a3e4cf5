"""Run by test_backup.py in a subprocess: a live install (the app's file database, WAL) with 10
threads logging sessions while the backup is taken.

Prints one JSON object: the client ids acknowledged before the backup started and all those
acknowledged by the end (writers go on after the backup finished)."""

import json
import os
import secrets
import sys
import threading
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

WRITERS = 10
BEFORE = 60  # acknowledged logs before the backup starts
AFTER = 40  # more acknowledged logs after it ends
UPLOADS = 5


def main() -> None:
    data = Path(os.environ["HIPALIGN_DATA"])
    out = Path(sys.argv[1])
    from hipalign.web.server import prepare

    prepare(data)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from hipalign.core.intake import INTAKE_SCHEMA
    from hipalign.core.screening.catalog import QUESTION_IDS
    from hipalign.services.ops.backup import backup_create, database_for
    from hipalign.services.program import plans, recording
    from tests.services.factories import LOG_TODAY  # Django models: only after django.setup()

    user = get_user_model()._default_manager.create_user(username="writer", password=None)
    intake = {"schema": INTAKE_SCHEMA, "age": 40, "screening": dict.fromkeys(QUESTION_IDS, False)}
    plan = plans.intake_submit(user, intake, date(2026, 3, 2))
    from hipalign.services.kernel.files import CLINIC_MEDIA, POSTURE, save_bytes, store

    # Stand-ins for kept photos, overlays and a clinic's media (any bytes), stored the way the
    # app stores them: through Django's storage API, on the data folder by default.
    for i in range(UPLOADS):
        save_bytes(store(POSTURE), f"{uuid.uuid4().hex}-{i}.jpg", secrets.token_bytes(50_000 + i))
    save_bytes(store(CLINIC_MEDIA), f"{uuid.uuid4().hex}.jpg", secrets.token_bytes(20_000))

    acked: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[str] = []

    def write(i: int) -> None:
        session_id = str(uuid.uuid4())
        k = 0
        try:
            while not stop.is_set():
                client_id = f"w{i}-{k:05d}"
                payload: dict[str, Any] = {
                    "client_id": client_id,
                    "session_id": session_id,
                    "plan_id": str(plan.id),
                    "day": "mon",
                    "performed_on": "2026-03-02",
                    "exercise": "glute_bridge",
                    "rung": 1,
                    "sets_done": 1,
                    "reps_done": 8,
                    "hold_s_done": 2,
                    "pain_during": 1,
                }
                recording.log_record(user, payload, today=LOG_TODAY)
                with lock:  # acknowledged: log_record returned after its commit
                    acked.append(client_id)
                k += 1
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    def count() -> int:
        with lock:
            return len(acked)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    while count() < BEFORE and not errors:
        stop.wait(0.01)
    with lock:
        before = list(acked)
    try:
        # In this process, as the CLI's `hipalign backup` does it (its own SQLite connection):
        # started right after `before` was read, so the newest of those commits are still in
        # the WAL, where a copy of the database file would miss them (issue 19: 23 of 1,051).
        backup_create(
            data_dir=data,
            db=database_for(data_dir=data, url=""),
            out=out,
            now=datetime.now(UTC),
            with_keys=True,
        )
        backup_error = ""
    except Exception as exc:
        backup_error = repr(exc)
    with lock:
        during = len(acked) - len(before)
    target = count() + AFTER
    while count() < target and not errors:
        stop.wait(0.01)
    stop.set()
    for t in threads:
        t.join()
    print(
        json.dumps(
            {
                "backup_error": backup_error,
                "errors": errors,
                "before": before,
                "during": during,
                "all": acked,
            }
        )
    )


if __name__ == "__main__":
    main()
