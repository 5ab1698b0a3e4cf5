"""Jobs that come round on a clock (issue 19): every worker queues them each heartbeat, keyed
by their time slot, so with any number of workers each slot is queued, and run, once.

Their bodies are safe to run any number of times (reminders: one Delivery row per person,
channel and slot, services/reach/delivery.py), so a retry after a crash sends nothing twice."""

from datetime import datetime, timedelta

from django.utils import timezone

from hipalign.adapters.db.models import JobRecord
from hipalign.services.kernel.jobs import job_enqueue

# name -> (every so many seconds, body). Reminders are due by the minute.
PERIODIC: dict[str, tuple[int, str]] = {
    "reminders": (60, "hipalign.services.ops.periodic.reminders_run"),
}
KEEP_FINISHED = timedelta(days=1)  # finished slots are only kept to make each slot run once


def reminders_run() -> None:
    from hipalign.services.reach.delivery import deliver_due_reminders

    deliver_due_reminders(now=timezone.now())


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
