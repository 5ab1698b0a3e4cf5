"""Exercise logs and next-morning pain: record one idempotently (a resend of the same
client id stores nothing new) and decide the next dose."""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from hipalign.adapters.db.models import (
    CurrentDose,
    DecisionRecord,
    ExerciseLogRecord,
    PlanRecord,
    SessionRecord,
)
from hipalign.core.dates import ENTERED
from hipalign.core.errors import InputError, validate_document
from hipalign.core.library import default_library
from hipalign.core.progression import (
    ACCEPTABLE_MAX,
    Action,
    Decision,
    ExerciseLog,
    decide,
    stopped_until_review,
)
from hipalign.core.vocab import Side, Weekday
from hipalign.services.kernel.access import NotFound, owned
from hipalign.services.kernel.versions import program_changed
from hipalign.services.program import doses, plans

# Logs read back to decide: the core looks at the last SESSIONS_TO_PROGRESS logs at most.
DECIDE_WINDOW = 3


class LogIn(BaseModel):
    """What the player sends after an exercise, for one side. Owner fields are never read from
    the payload: the person is the logged-in user (no mass assignment, RELIABILITY.md A4)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    client_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    session_id: str = Field(min_length=32, max_length=36)
    plan_id: str = Field(min_length=32, max_length=36)
    day: Weekday
    session: int = Field(default=1, ge=1, le=2)
    # JSON has no date type: the ISO string the player sends must parse despite strict=True.
    performed_on: date = Field(strict=False)
    exercise: str = Field(min_length=1, max_length=64)
    side: Side | None = None
    rung: int = Field(ge=0, le=20)
    sets_done: int = Field(ge=0, le=10)
    reps_done: int = Field(ge=0, le=100)
    hold_s_done: int = Field(default=0, ge=0, le=600)
    # Issue 14 item 2: the exercise was skipped; the numbers are what was done (often 0). Stored,
    # counted as skipped, never moves the dose. Absent (old clients) means done. Declared before
    # pain_during, whose check reads it.
    skipped: bool = Field(
        default=False,
        description="the exercise was skipped: the numbers are what was done (0 for nothing), "
        "pain_during may be left out, and the log never changes the dose",
    )
    # Issue 17: "camera" when the camera coach counted the reps or hold and the person saved its
    # numbers unchanged. Absent (every client before it) means the person counted.
    counted_by: Literal["person", "camera"] = Field(
        default="person",
        description="who counted the reps and holds: 'camera' when the player's camera coach "
        "counted them on the device and the person kept its numbers",
    )
    # Needed unless skipped; a client from before `skipped` always sends it.
    pain_during: int | None = Field(default=None, ge=0, le=10, validate_default=True)
    effort: int | None = Field(default=None, ge=0, le=10)
    sharp_pain: bool = False
    new_numbness: bool = False

    @field_validator("pain_during")
    @classmethod
    def _pain_unless_skipped(cls, value: int | None, info: ValidationInfo) -> int | None:
        # `missing`, as before skips existed: old and new clients get the same message.
        if value is None and not info.data.get("skipped", False):
            raise PydanticCustomError("missing", "Field required")
        return value


# The payload fields stored as they are on ExerciseLogRecord.
LOG_FIELDS = frozenset(
    {
        "side",
        "rung",
        "sets_done",
        "reps_done",
        "hold_s_done",
        "pain_during",
        "effort",
        "sharp_pain",
        "new_numbness",
        "skipped",
        "counted_by",
        "performed_on",
    }
)


class LogConflict(Exception):
    """The same client id was used before with a different payload (RFC draft idempotency: 422)."""


@dataclass(frozen=True)
class LogResult:
    created: bool
    log_id: str
    decision: Decision | None
    stop_advice: list[str] = field(default_factory=list)


def _payload_hash(payload: LogIn) -> str:
    body = payload.model_dump(mode="json")
    # A log that was not skipped hashes as it did before `skipped` existed, so a resend from an
    # outbox filled by an older player still matches its stored log (200, not 422).
    if not body["skipped"]:
        del body["skipped"]
    if body["counted_by"] == "person":  # likewise for logs from before issue 17
        del body["counted_by"]
    raw = json.dumps(body, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()


def _core_log(rec: ExerciseLogRecord, next_morning: int | None) -> ExerciseLog:
    return ExerciseLog(
        id=str(rec.client_id),
        side=rec.side,  # type: ignore[arg-type]  # stored values come from the Side literal
        rung=rec.rung,
        sets_done=rec.sets_done,
        reps_done=rec.reps_done,
        hold_s_done=rec.hold_s_done,
        pain_during=rec.pain_during,
        pain_next_morning=next_morning,
        effort=rec.effort,
        sharp_pain=rec.sharp_pain,
        new_numbness=rec.new_numbness,
        skipped=rec.skipped,
    )


def _decides(log: ExerciseLogRecord) -> bool:
    """Whether a log makes a decision: a skip does not, unless it reports a warning sign."""
    return not log.skipped or log.sharp_pain or log.new_numbness


def _decide_for(user: User, log: ExerciseLogRecord) -> Decision:
    """Run the core on the latest logs of this exercise and side; store the decision.

    Skipped logs are not read as history (the core would leave them out anyway, and they must
    not fill the window); only `log` itself may be a skip (with a warning sign, see _decides)."""
    ex = default_library()[log.exercise_id]
    recent = list(
        ExerciseLogRecord.objects.filter(
            user_id=user.pk, exercise_id=log.exercise_id, side=log.side
        )
        .filter(Q(skipped=False) | Q(pk=log.pk))
        .select_related("session")
        .order_by("-performed_on", "-created_at")[:DECIDE_WINDOW]
    )[::-1]
    previous: tuple[Action, ...] = tuple(
        DecisionRecord.objects.filter(user_id=user.pk, exercise_id=log.exercise_id, side=log.side)
        .exclude(log=log)
        .order_by("-created_at")
        .values_list("action", flat=True)[:2]
    )[::-1]  # type: ignore[assignment]  # stored values come from the Action literal
    intake = plans.intake_current(user)
    equipment = frozenset(intake.equipment) if intake else frozenset()
    plan = plans.plan_current(user)
    cur = (
        CurrentDose.objects.filter(
            user_id=user.pk, exercise_id=log.exercise_id, side=log.side or ""
        )
        .select_related("decision")
        .first()
    )
    # A stop lasts until a new plan (issue 13 item 5), whatever is logged meanwhile.
    stopped = bool(
        plan is not None
        and cur is not None
        and stopped_until_review(
            cur.decision.action, decided_after_plan=cur.decision.created_at > plan.created_at
        )
    )
    decision = decide(
        ex,
        [_core_log(r, r.session.pain_next_morning) for r in recent],
        equipment=equipment,
        previous_actions=previous,
        stopped=stopped,
    )
    stored = DecisionRecord.objects.create(
        user=user,
        log=log,
        exercise_id=log.exercise_id,
        side=log.side,
        action=decision.action,
        rung=decision.rung,
        reasons=decision.reasons,
        review_suggested=decision.review_suggested,
    )
    doses.current_dose_set(user, stored)
    return doses._persons_dose(plan, decision)


def _stop_advice(payload: LogIn, decision: Decision | None) -> list[str]:
    advice = []
    if payload.pain_during is not None and payload.pain_during > ACCEPTABLE_MAX:
        advice.append(
            f"Pain of {payload.pain_during}/10 is above 5: stop this exercise for today and "
            "consider a review with a professional."
        )
    if decision is not None and decision.review_suggested:
        advice.append("A review with a professional is suggested before going on with this one.")
    return advice


def log_record(user: User, raw: dict[str, Any], *, today: date) -> LogResult:
    """Store one exercise log, once per client id, and decide the next dose.

    A resend with the same client id and payload returns the stored result (no second row); the
    same id with another payload raises LogConflict; a plan or session of another person is
    NotFound. `performed_on` must fall in core.dates.ENTERED around `today`."""
    payload = validate_document(LogIn, raw, "log")
    late = ENTERED.problem("performed_on", payload.performed_on, today)
    if late:
        raise InputError("log", [late])
    lib = default_library()
    if payload.exercise not in lib:
        raise InputError("log", [f"exercise: {payload.exercise!r} is not in the library"])
    ex = lib[payload.exercise]
    if payload.rung >= len(ex.ladder):
        raise InputError("log", [f"rung: must be 0-{len(ex.ladder) - 1} for {ex.id}"])
    digest = _payload_hash(payload)
    plan = owned(PlanRecord, user, payload.plan_id)
    # A resend is answered from a plain read, so replays never queue for the write lock; the
    # check is repeated inside the transaction for a resend racing its first send.
    existing = ExerciseLogRecord.objects.filter(
        user_id=user.pk, client_id=payload.client_id
    ).first()
    if existing is not None:
        return _replayed(existing, digest)
    with transaction.atomic():
        existing = ExerciseLogRecord.objects.filter(
            user_id=user.pk, client_id=payload.client_id
        ).first()
        if existing is not None:
            return _replayed(existing, digest)
        session = SessionRecord.objects.filter(pk=_uuid(payload.session_id)).first()
        if session is None:
            try:
                with transaction.atomic():
                    session = SessionRecord.objects.create(
                        id=_uuid(payload.session_id),
                        user=user,
                        plan=plan,
                        day=payload.day,
                        session=payload.session,
                        performed_on=payload.performed_on,
                    )
            except IntegrityError:
                # The first logs of one session sent at once (a double submit): on PostgreSQL
                # both insert the session and the later one fails here, once the other has
                # committed (SQLite's IMMEDIATE lock queues them instead). Use the stored one.
                session = SessionRecord.objects.filter(pk=_uuid(payload.session_id)).first()
                if session is None:
                    raise
        if session.user_id != user.pk:
            raise NotFound("SessionRecord")
        elif session.plan_id != plan.id:
            raise InputError(
                "log", ["plan_id: differs from the plan this session was started with"]
            )
        try:
            with transaction.atomic():
                log = ExerciseLogRecord.objects.create(
                    user=user,
                    client_id=payload.client_id,
                    payload_hash=digest,
                    session=session,
                    exercise_id=payload.exercise,
                    **payload.model_dump(include=set(LOG_FIELDS)),
                )
        except IntegrityError:
            # A concurrent request with the same client id committed first.
            existing = ExerciseLogRecord.objects.get(user_id=user.pk, client_id=payload.client_id)
            return _replayed(existing, digest)
        program_changed(user_id=int(user.pk))  # commits with the log (kernel/versions.py)
        decision = _decide_for(user, log) if _decides(log) else None
    return LogResult(True, str(log.id), decision, _stop_advice(payload, decision))


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise InputError("log", ["session_id: must be a UUID made by the player"]) from exc


def _replayed(existing: ExerciseLogRecord, digest: str) -> LogResult:
    if existing.payload_hash != digest:
        raise LogConflict(existing.client_id)
    dec = existing.decisions.order_by("created_at").first()
    decision = None
    if dec is not None:
        ex = default_library()[dec.exercise_id]
        decision = Decision(
            exercise=dec.exercise_id,
            side=dec.side,
            action=dec.action,
            rung=dec.rung,
            dose=ex.ladder[dec.rung],
            reasons=list(dec.reasons),
            triggered_by=[existing.client_id],
            review_suggested=dec.review_suggested,
        )
    return LogResult(False, str(existing.id), decision)


def next_morning_record(user: User, session_id: str, pain: int) -> list[Decision]:
    """Record next-morning pain for a session and re-decide each exercise it logged."""
    if not 0 <= pain <= 10:
        # The field leads the problem (the page names it by its label; issue 20).
        raise InputError(
            "pain_next_morning",
            ["pain_next_morning: " + gettext("must be a whole number 0-10")],
        )
    session = owned(SessionRecord, user, session_id)
    with transaction.atomic():
        session.pain_next_morning = pain
        session.save(update_fields=["pain_next_morning"])
        last_per_side: dict[tuple[str, str | None], ExerciseLogRecord] = {}
        for log in session.logs.filter(skipped=False).order_by("created_at"):
            last_per_side[(log.exercise_id, log.side)] = log
        return [_decide_for(user, log) for log in last_per_side.values()]
