"""Background jobs on Django's Tasks framework (issue 19).

Every job goes through the one task `run_job(key=...)`; what to do is in its `JobRecord`
(body, keyword arguments, tries). That gives, whatever the backend:
- idempotency by key: `job_enqueue` with a key already used queues nothing, and a try that finds
  its job done (or failed for good) does nothing, so a retry or a duplicate delivery is harmless;
- retries with backoff: a body that raises is tried again after `JOB_BACKOFF_S`, at most
  `JOB_MAX_TRIES` starts in all, then its `give_up` function tells the person why;
- crash recovery: a worker that dies natively (SIGKILL, a segfault) leaves its try "running";
  services/ops/worker.py finds it by the worker's stopped heartbeat and fails that try here,
  which counts like an exception, so a job that kills every worker is given up after N tries
  instead of killing workers forever.
Bodies are plain functions taking keyword arguments of JSON values, and must be idempotent: a
worker killed after the work but before the record says "done" runs the body again.

The code asks the backend only for `enqueue` and `using(run_after=...)` (Django's API), so a
broker backend can replace the database one (README "Background work")."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string

from hipalign.adapters.db.models import JobRecord

log = logging.getLogger("hipalign.jobs")
REASON_CHARS = 300  # JobRecord.error


def backend_kind() -> str:
    """'database' (django-tasks-db: queued in our database, atomic with the caller's writes),
    'inline' (Django's immediate backend: runs at once, in the caller's process) or 'broker'."""
    from django.tasks.backends.immediate import ImmediateBackend
    from django_tasks_db import DatabaseBackend

    backend = run_job.get_backend()
    if isinstance(backend, DatabaseBackend):
        return "database"
    if isinstance(backend, ImmediateBackend):
        return "inline"
    return "broker"


def jobs_inline() -> bool:
    return backend_kind() == "inline"


def job_enqueue(*, key: str, body: str, give_up: str = "", **kwargs: Any) -> bool:
    """Queue `body(**kwargs)` once for `key`; False (and nothing queued) if the key was used.

    On the database backend the job is queued in the caller's transaction, so it exists exactly
    when the caller's rows do. Inline, it runs now, after the record is written; on a broker it
    is sent when the transaction commits (a job for rows that never committed is never sent)."""
    kind = backend_kind()
    with transaction.atomic():
        _, created = JobRecord.objects.get_or_create(
            key=key, defaults={"body": body, "give_up": give_up, "kwargs": kwargs}
        )
        if created and kind == "database":
            _submit(key)
    if created and kind == "inline":
        _submit(key)
    elif created and kind == "broker":
        transaction.on_commit(lambda: _submit(key))
    return created


def _submit(key: str, delay_s: float = 0.0) -> None:
    t = run_job
    if delay_s:
        t = run_job.using(run_after=timezone.now() + timedelta(seconds=delay_s))
    result = t.enqueue(key=key)
    JobRecord.objects.filter(key=key).update(result_id=str(result.id)[:64])


@task
def run_job(*, key: str) -> str:
    """One try of the job `key`: 'done', 'skipped' (already finished: idempotent) or raises."""
    with transaction.atomic():
        rec = JobRecord.objects.select_for_update().filter(key=key).first()
        if rec is None or rec.state in ("done", "failed"):
            return "skipped"
        if rec.tries >= settings.JOB_MAX_TRIES:  # every try so far died before it could say so
            rec.state = "running"
            _finish_failed(rec, "it stopped its worker at every try")
            return "skipped"
        rec.state, rec.tries = "running", rec.tries + 1
        rec.save(update_fields=["state", "tries", "updated_at"])
    try:
        import_string(rec.body)(**rec.kwargs)
    except Exception as exc:
        log.exception("job %s failed (try %s)", key, rec.tries)
        job_failed(key=key, reason=f"{type(exc).__name__}: {exc}")
        raise  # the backend records this try as failed, with its traceback
    JobRecord.objects.filter(key=key, state="running").update(
        state="done", updated_at=timezone.now()
    )
    return "done"


def job_failed(*, key: str, reason: str) -> str:
    """A try of `key` ended without finishing (an exception, or its worker died): queue it again
    after the backoff, or give it up after JOB_MAX_TRIES. Returns the job's new state."""
    with transaction.atomic():
        rec = JobRecord.objects.select_for_update().filter(key=key).first()
        if rec is None or rec.state != "running":
            return rec.state if rec else "gone"
        retry = rec.tries < settings.JOB_MAX_TRIES and backend_kind() != "inline"
        if not retry:
            _finish_failed(rec, reason)
            return "failed"
        rec.state, rec.error = "queued", reason[:REASON_CHARS]
        rec.save(update_fields=["state", "error", "updated_at"])
        backoff = settings.JOB_BACKOFF_S
        delay = backoff[min(rec.tries, len(backoff)) - 1] if rec.tries else 0.0
        if backend_kind() == "database":
            _submit(key, delay)
        else:
            transaction.on_commit(lambda: _submit(key, delay))
    return "queued"


def _finish_failed(rec: JobRecord, reason: str) -> None:
    """Failed for good (inside the caller's transaction): the record says why, and the job's
    `give_up` tells the person (for a posture upload: "could not be measured", with the reason)."""
    log.warning("job %s given up after %s tries: %s", rec.key, rec.tries, reason)
    rec.state, rec.error = "failed", reason[:REASON_CHARS]
    rec.save(update_fields=["state", "error", "updated_at"])
    if rec.give_up:
        import_string(rec.give_up)(**rec.kwargs, reason=reason)
