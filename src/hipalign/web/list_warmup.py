"""Builds each clinic day's patient list ahead in `hipalign serve` (issue 19).

The list keeps what it computed per patient in the process, under the day and the patient's
program version (services/care/clinic.py); a process's first list of a day recomputed every
patient (about 0.35 s at 1,000 patients with a year of logs, bench/clinic_speed.py). A side
thread computes it at start and within a minute of each clinician's midnight, so the first list
a clinician opens reads again only the patients who changed since. The edge reads the clock;
the services are given the time."""

import logging
import threading
from datetime import date, datetime

from django.db import close_old_connections, connection
from django.utils import timezone

from hipalign.services.care.clinic import clinic_days, patients_warm

log = logging.getLogger("hipalign.warmup")

# A clinician's midnight is seen within this; the tick itself is one small query.
EVERY_S = 60.0


def warm_tick(*, now: datetime, warmed: set[date]) -> set[date]:
    """Build each clinic day not built yet; the days built (yesterday's dropped once no
    clinician's zone is on it). A day that fails is tried again next tick."""
    days = clinic_days(now=now)
    done = warmed & days
    for day in sorted(days - done):
        patients = patients_warm(today=day)
        log.info("patient lists built ahead", extra={"day": day.isoformat(), "patients": patients})
        done.add(day)
    return done


def list_warmer(*, stop: threading.Event, every_s: float = EVERY_S) -> None:
    """`warm_tick` now and every `every_s` until `stop`; a failed tick (a database away or
    locked) is logged and the next one tries again."""
    warmed: set[date] = set()
    while True:
        try:
            close_old_connections()
            warmed = warm_tick(now=timezone.now(), warmed=warmed)
        except Exception:
            log.exception("patient lists: building ahead failed")
        finally:
            # This thread's connection is not held idle between ticks (PostgreSQL counts them).
            connection.close()
        if stop.wait(every_s):
            return
