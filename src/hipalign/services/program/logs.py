"""A person's exercise logs: a page at a time (the JSON API's log list), and deleting one.

The caller has already resolved whose logs these are (services.access.patient_for); this module
only reads the rows of that person."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from hipalign.adapters.db.models import ExerciseLogRecord, SessionRecord
from hipalign.core.errors import InputError
from hipalign.core.library import default_library
from hipalign.core.words import dose_words
from hipalign.services.kernel.access import owned
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.languages import language_active
from hipalign.services.kernel.versions import program_changed
from hipalign.services.program.doses import current_dose_rebuild

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


@dataclass(frozen=True)
class LogShown:
    """One log as the delete confirmation shows it."""

    id: str
    performed_on: date
    exercise: str
    side: str | None
    detail: str


def log_get(user: User, *, log_id: str) -> LogShown:
    """One of the person's own logs; anyone else's (or none) is NotFound."""
    rec = owned(ExerciseLogRecord, user, log_id)
    ex = default_library().get(rec.exercise_id)
    named = default_library(language_active()).get(rec.exercise_id)  # the name in its words
    return LogShown(
        id=str(rec.id),
        performed_on=rec.performed_on,
        exercise=named.name if named else rec.exercise_id,
        side=rec.side,
        detail=log_words(rec, ex.dose.kind if ex else "reps"),
    )


def log_words(rec: ExerciseLogRecord, kind: str) -> str:
    """The log as pages show it, in the request's language: '3 × 10; pain during 2/10' or
    'Skipped (0 × 0 done)'. Exports keep the English of log_detail."""
    work = dose_words(kind=kind, sets=rec.sets_done, reps=rec.reps_done, hold_s=rec.hold_s_done)
    if rec.counted_by == "camera":
        work = gettext("%(work)s (counted by the camera)") % {"work": work}
    text = gettext("Skipped (%(work)s done)") % {"work": work} if rec.skipped else work
    if rec.pain_during is not None:
        text += gettext("; pain during %(pain)s/10") % {"pain": rec.pain_during}
    return text


def log_detail(rec: ExerciseLogRecord) -> str:
    """'3 × 10, 5 s pause each; pain during 2/10', or for a skip 'Skipped (0 × 0 done)': the
    dose words of every page (core/words.py)."""
    ex = default_library().get(rec.exercise_id)
    work = dose_words(
        kind=ex.dose.kind if ex else "reps",
        sets=rec.sets_done,
        reps=rec.reps_done,
        hold_s=rec.hold_s_done,
    )
    pain = "" if rec.pain_during is None else f"; pain during {rec.pain_during}/10"
    if rec.counted_by == "camera":  # issue 17: the camera coach counted, the person kept it
        work += " (counted by the camera)"
    return f"Skipped ({work} done){pain}" if rec.skipped else f"{work}{pain}"


def log_delete(user: User, *, log_id: str) -> None:
    """Delete one of the person's own logs, made by mistake, with the decisions made from it.

    The dose of that exercise and side goes back to the newest decision left; a session left
    without logs goes too, so no next-morning question is asked about it. Anyone else's log (or
    none) is NotFound and nothing changes."""
    with transaction.atomic():
        rec = owned(ExerciseLogRecord, user, log_id)
        session_id = rec.session_id
        rec.delete()  # its decisions (and a CurrentDose pointing at one) cascade
        SessionRecord.objects.filter(pk=session_id, user_id=user.pk, logs__isnull=True).delete()
        program_changed(user_id=int(user.pk))
        current_dose_rebuild(user)
        audit_record(int(user.pk), "log.delete", log_id)
