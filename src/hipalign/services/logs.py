"""A person's exercise logs, a page at a time (the JSON API's log list).

The caller has already resolved whose logs these are (services.access.patient_for); this module
only reads the rows of that person."""

from dataclasses import dataclass

from django.contrib.auth.models import User

from hipalign.adapters.db.models import ExerciseLogRecord
from hipalign.core.errors import InputError

# A page is bounded so one request cannot pull a whole year of logs (OWASP API4).
PAGE_MAX = 100


@dataclass(frozen=True)
class LogPage:
    total: int
    items: list[ExerciseLogRecord]


def logs_page(user: User, *, limit: int, offset: int) -> LogPage:
    """Newest first; `limit` 1-PAGE_MAX, `offset` 0 or more."""
    if not 1 <= limit <= PAGE_MAX:
        raise InputError("logs", [f"limit: must be a whole number 1-{PAGE_MAX}"])
    if offset < 0:
        raise InputError("logs", ["offset: must be 0 or more"])
    qs = ExerciseLogRecord.objects.filter(user_id=user.pk)
    rows = list(
        qs.select_related("session").order_by("-performed_on", "-created_at")[
            offset : offset + limit
        ]
    )
    return LogPage(total=qs.count(), items=rows)
