"""`hipalign worker`: django-tasks-db's own worker (`db_worker`) with the app's settings, plus
the heartbeat that lets the other workers recover a job this one was running when it died.

django-tasks-db claims a job with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (each ready
row goes to one worker; others skip it without waiting) and in an EXCLUSIVE transaction on
SQLite (one claim at a time), then marks it RUNNING. It never looks at a RUNNING row again, so
a worker killed mid-job would leave it running for ever: here every worker writes a heartbeat
(`WorkerBeat`) from a side thread and, each beat, fails the tries of workers whose heartbeat
stopped, which services/kernel/jobs.py retries or gives up like any failed try."""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hipalign.adapters.db.models import WorkerBeat
from hipalign.core.errors import InputError
from hipalign.services.kernel.jobs import backend_kind, job_failed, run_job
from hipalign.services.ops.periodic import periodic_enqueue

log = logging.getLogger("hipalign.jobs")


class WorkerStopped(Exception):
    """Recorded as the error of a try whose worker died (no Python exception was raised)."""


def beat(worker_id: str) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": timezone.now(), "pid": os.getpid(), "host": socket.gethostname()},
    )


def jobs_reap() -> int:
    """Fail the tries left running by workers whose heartbeat stopped; returns how many."""
    now = timezone.now()
    alive = set(
        WorkerBeat.objects.filter(
            beat_at__gte=now - timedelta(seconds=settings.WORKER_DEAD_S)
        ).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.running().filter(
        task_path=run_job.module_path,
        # a worker beats before it claims; this margin covers a claim racing the first beat
        started_at__lt=now - timedelta(seconds=settings.WORKER_BEAT_S),
    )
    reaped = 0
    for row_id, workers in running.values_list("id", "worker_ids"):
        if workers and workers[-1] in alive:
            continue
        with transaction.atomic():
            row = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(id=row_id, status=TaskResultStatus.RUNNING)
                .first()
            )
            if row is None:  # another worker is reaping it, or it just finished
                continue
            who = workers[-1] if workers else "?"
            reason = f"the worker ({who}) stopped while running it"
            row.set_failed(WorkerStopped(reason))
            key = str(row.args_kwargs.get("kwargs", {}).get("key", ""))
            state = job_failed(key=key, reason=reason)
            log.warning("job %s: %s; now %s", key, reason, state)
        reaped += 1
    WorkerBeat.objects.filter(
        beat_at__lt=now - timedelta(seconds=10 * settings.WORKER_DEAD_S)
    ).delete()  # long-gone workers
    return reaped


def _beating(worker_id: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.WORKER_BEAT_S):
            try:
                close_old_connections()
                beat(worker_id)
                jobs_reap()
                periodic_enqueue(now=timezone.now())
            except Exception:  # a lost connection: try again next beat, never stop beating
                log.exception("worker %s: heartbeat failed", worker_id)
    finally:
        connections.close_all()  # this thread's own connection


def worker_run(
    *, once: bool, interval: float = 1.0, worker_id: str = "", verbosity: int = 1
) -> None:
    """Run queued jobs until stopped (SIGTERM/SIGINT finish the current job first), or with
    `once` until none is ready."""
    if backend_kind() != "database":
        raise InputError(
            "worker",
            [
                "worker: the jobs run in the web process (HIPALIGN_JOBS=inline) or in the "
                "broker's own worker (HIPALIGN_TASKS_BACKEND); set HIPALIGN_JOBS=worker for "
                "this one"
            ],
        )
    worker_id = worker_id or f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"
    beat(worker_id)
    jobs_reap()
    periodic_enqueue(now=timezone.now())
    stop = threading.Event()
    side = threading.Thread(target=_beating, args=(worker_id, stop), daemon=True)
    side.start()
    try:
        call_command(
            "db_worker",
            queue_name="*",
            interval=interval,
            batch=once,
            reload=False,
            startup_delay=not once,
            worker_id=worker_id[:64],
            verbosity=verbosity,
        )
    finally:
        stop.set()
        side.join(timeout=5)
        WorkerBeat.objects.filter(worker_id=worker_id).delete()


def jobs_run_pending() -> int:
    """Recover dead workers' tries, then run every ready job here, one after the other, as
    db_worker does but in the caller's process and connection (tests; db_worker would close a
    connection that is inside a transaction). Returns how many tries ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.utils import exclusive_transaction

    jobs_reap()
    worker_id = f"inproc-{get_random_string(8)}"
    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=run_job.backend,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            row = DBTaskResult.objects.ready().filter(backend_name=run_job.backend).get_locked()
            if row is not None:
                row.claim(worker_id)
        if row is None:
            return ran
        runner.run_task(row)
        ran += 1
