"""Audit trail of who did what, never with health data in it (RELIABILITY.md 1, V16).

Rows are hash-chained. Writers are serialised by the database (SQLite IMMEDIATE transactions),
so two rows never claim the same predecessor."""

import hashlib

from django.db import connection, transaction

from hipalign.adapters.db.models import AuditEvent

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 0x68697061  # "hipa": one advisory lock for the whole chain


def _digest(
    prev: str, at: str, actor_id: int | None, action: str, target: str, subject_id: int | None
) -> str:
    parts = [prev, at, str(actor_id), action, target]
    if subject_id is not None:  # rows from before subjects existed keep their hashes
        parts.append(str(subject_id))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def audit_record(
    actor_id: int | None, action: str, target: str = "", *, subject_id: int | None = None
) -> None:
    """Append one event. `subject_id` is the person whose health data someone else touched."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # PostgreSQL lets concurrent writers read the same last row; a transaction-level
            # advisory lock makes them take turns, as SQLite's IMMEDIATE write lock does.
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = last or GENESIS
        ev = AuditEvent(
            actor_id=actor_id,
            action=action,
            target=target,
            subject_id=subject_id,
            prev_hash=prev,
            hash="",
        )
        ev.save()  # sets `at`
        ev.hash = _digest(prev, ev.at.isoformat(), actor_id, action, target, subject_id)
        ev.save(update_fields=["hash"])


def audit_verify() -> int | None:
    """The id of the first row whose chain does not hold, or None when the whole chain holds."""
    prev = GENESIS
    for ev in AuditEvent.objects.order_by("id").iterator():
        expected = _digest(
            prev, ev.at.isoformat(), ev.actor_id, ev.action, ev.target, ev.subject_id
        )
        if ev.prev_hash != prev or ev.hash != expected:
            return ev.id
        prev = ev.hash
    return None
