"""Run by test_concurrency.py in a subprocess: the service against the real file database
(SQLite, WAL, IMMEDIATE transactions, as settings.py configures it), with threads.

The pytest database is in-memory SQLite (TEST.NAME is unset unless HIPALIGN_TEST_DB is), where
threads share one connection cache and locking differs from the file database the app uses; a
subprocess gets the production configuration in a throwaway data folder instead.

Prints one JSON object: what each thread got back and the rows stored. On PostgreSQL the test
calls `race` in-process instead: every thread gets its own server connection there."""

import json
import threading
import uuid
from datetime import date
from typing import Any

import django

THREADS = 8
LOGS_PER_THREAD = 5


def race(user: Any, plan_id: str) -> dict[str, Any]:
    """Both races for `user`'s plan: what each thread got back and the rows stored.

    Each thread uses its own database connection (Django keeps one per thread) and closes it."""
    from django.db import connection

    from hipalign.adapters.db.models import ExerciseLogRecord, SessionRecord
    from hipalign.services.program import recording
    from tests.services.factories import LOG_TODAY  # Django models: only after django.setup()

    def payload(client_id: str, session_id: str) -> dict[str, Any]:
        return {
            "client_id": client_id,
            "session_id": session_id,
            "plan_id": plan_id,
            "day": "mon",
            "performed_on": "2026-03-02",
            "exercise": "glute_bridge",
            "rung": 1,
            "sets_done": 1,
            "reps_done": 8,
            "hold_s_done": 2,
            "pain_during": 1,
        }

    def run(work: Any) -> list[Any]:
        barrier = threading.Barrier(THREADS)
        out: list[Any] = [None] * THREADS

        def one(i: int) -> None:
            barrier.wait()
            try:
                out[i] = work(i)
            except Exception as exc:
                out[i] = f"error: {exc!r}"
            finally:
                connection.close()

        threads = [threading.Thread(target=one, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return out

    # 1. The same log sent by every thread at once (double submit, replay racing the original).
    same = payload("same-key-001", str(uuid.uuid4()))

    def resend(i: int) -> list[Any]:
        r = recording.log_record(user, dict(same), today=LOG_TODAY)
        return [r.created, r.log_id]

    same_results = run(resend)
    same_rows = ExerciseLogRecord.objects.filter(client_id="same-key-001").count()

    # 2. Different logs from every thread: none may be lost or fail with "database is locked".
    def distinct(i: int) -> int:
        session_id = str(uuid.uuid4())
        for k in range(LOGS_PER_THREAD):
            recording.log_record(user, payload(f"t{i}-log-{k:03d}", session_id), today=LOG_TODAY)
        return LOGS_PER_THREAD

    distinct_results = run(distinct)
    return {
        "same": same_results,
        "same_rows": same_rows,
        "distinct": distinct_results,
        "logs": ExerciseLogRecord.objects.filter(user_id=user.pk).count(),
        "sessions": SessionRecord.objects.filter(user_id=user.pk).count(),
    }


def main() -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from django.contrib.auth import get_user_model

    from hipalign.core.intake import INTAKE_SCHEMA
    from hipalign.core.screening.catalog import QUESTION_IDS
    from hipalign.services.program import plans

    user = get_user_model()._default_manager.create_user(username="racer", password=None)
    intake = {"schema": INTAKE_SCHEMA, "age": 40, "screening": dict.fromkeys(QUESTION_IDS, False)}
    plan = plans.intake_submit(user, intake, date(2026, 3, 2))
    print(json.dumps(race(user, str(plan.id))))


if __name__ == "__main__":
    main()
