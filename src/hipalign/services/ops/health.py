"""Readiness (issue 19): can this process take a write now? `/healthz` only says it is alive.

A write is proved, not assumed: a row goes into the rate-limit cache table inside a transaction
that is always rolled back, so a read-only database file, a read-only mount, a full disk that
refuses the journal, or a PostgreSQL standby answers "not ready" while nothing is changed."""

import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import DatabaseError, connection, transaction

log = logging.getLogger("hipalign.ops")
PROBE_TABLE = "hipalign_ratelimit"  # settings.CACHES["ratelimit"]: always present, no data
PROBE_KEY = ":readyz-probe:"


class _RolledBack(Exception):
    pass


@dataclass(frozen=True, kw_only=True)
class Readiness:
    ready: bool
    reason: str  # "" when ready; a short code a monitor can match, never a path or a message


def readiness_check(*, data_dir: Path, min_free_bytes: int, now: datetime) -> Readiness:
    try:
        free = shutil.disk_usage(data_dir).free
    except OSError as exc:
        log.warning("readyz: data folder unusable: %s", exc.strerror)
        return Readiness(ready=False, reason="data_folder_unavailable")
    if free < min_free_bytes:
        log.warning("readyz: %d bytes free in the data folder, below %d", free, min_free_bytes)
        return Readiness(ready=False, reason="low_disk_space")
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO {PROBE_TABLE} (cache_key, value, expires) VALUES (%s, %s, %s)",
                    [PROBE_KEY, "", now.astimezone(UTC)],
                )
            raise _RolledBack  # the write was accepted; undo it
    except _RolledBack:
        return Readiness(ready=True, reason="")
    except DatabaseError as exc:
        log.warning("readyz: the database refused a write: %s", type(exc).__name__)
        return Readiness(ready=False, reason="database_not_writable")
