"""Jobs that come round on a clock (issue 19): every worker queues them each heartbeat, keyed
by their time slot, so with any number of workers each slot is queued, and run, once.

Their bodies are safe to run any number of times (reminders: one Delivery row per person,
channel and slot, services/reach/delivery.py), so a retry after a crash sends nothing twice."""

import logging
import threading
from datetime import datetime, timedelta

from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

from hipalign.adapters.db.models import JobRecord
from hipalign.services.kernel.jobs import job_enqueue

log = logging.getLogger("hipalign.jobs")

# name -> (every so many seconds, body). Reminders are due by the minute; the task backend's
# finished rows (django-tasks-db keeps every try) are pruned once a day.
PERIODIC: dict[str, tuple[int, str]] = {
    "reminders": (60, "hipalign.services.ops.periodic.reminders_run"),
    "prune_results": (86_400, "hipalign.services.ops.periodic.task_results_prune"),
}
TASK_RESULTS_KEEP_DAYS = 14  # long enough to read why a job failed, short enough to stay small
KEEP_FINISHED = timedelta(days=1)  # finished slots are only kept to make each slot run once


def reminders_run() -> None:
    from hipalign.services.reach.delivery import deliver_due_reminders

    deliver_due_reminders(now=timezone.now())


def task_results_prune() -> None:
    """Drop django-tasks-db's rows of finished tries older than TASK_RESULTS_KEEP_DAYS; the
    JobRecord (what the person and the operator read) stays. Only the database backend has
    such rows; inline and broker backends keep none here."""
    from hipalign.services.kernel.jobs import backend_kind

    if backend_kind() == "database":
        call_command(
            "prune_db_task_results",
            min_age_days=TASK_RESULTS_KEEP_DAYS,
            failed_min_age_days=TASK_RESULTS_KEEP_DAYS,
            verbosity=0,
        )


def inline_clock(*, stop: threading.Event, every_s: float = 20.0) -> None:
    """With jobs inline (one process, no worker: the laptop install) nobody else queues the
    periodic slots, so `hipalign serve` runs this in a side thread: each tick queues the current
    slots, which inline run at once. A failed tick is logged and the next one tries again; the
    slots' keys make a slot run once even if ticks overlap a restart."""
    while not stop.wait(every_s):
        try:
            close_old_connections()
            periodic_enqueue(now=timezone.now())
        except Exception:  # a locked or lost database: the next tick tries again
            log.exception("periodic jobs: tick failed")


def periodic_enqueue(*, now: datetime) -> int:
    """Queue each periodic job's current slot (a no-op when some worker already did); drop
    finished slots older than a day. Returns how many were queued by this call."""
    queued = 0
    for name, (every, body) in PERIODIC.items():
        slot = int(now.timestamp()) // every
        queued += job_enqueue(key=f"every:{name}:{slot}", body=body)
    JobRecord.objects.filter(
        key__startswith="every:", state__in=("done", "failed"), updated_at__lt=now - KEEP_FINISHED
    ).delete()
    return queued
