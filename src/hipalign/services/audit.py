"""Audit trail of who did what, never with health data in it (RELIABILITY.md 1, V16).

Rows are hash-chained. Writers are serialised by the database (SQLite IMMEDIATE transactions),
so two rows never claim the same predecessor."""

import hashlib

from django.db import transaction

from hipalign.adapters.db.models import AuditEvent

GENESIS = "0" * 64


def _digest(prev: str, at: str, actor_id: int | None, action: str, target: str) -> str:
    raw = "\x1f".join([prev, at, str(actor_id), action, target]).encode()
    return hashlib.sha256(raw).hexdigest()


def audit_record(actor_id: int | None, action: str, target: str = "") -> None:
    with transaction.atomic():
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = last or GENESIS
        ev = AuditEvent(actor_id=actor_id, action=action, target=target, prev_hash=prev, hash="")
        ev.save()  # sets `at`
        ev.hash = _digest(prev, ev.at.isoformat(), actor_id, action, target)
        ev.save(update_fields=["hash"])


def audit_verify() -> int | None:
    """The id of the first row whose chain does not hold, or None when the whole chain holds."""
    prev = GENESIS
    for ev in AuditEvent.objects.order_by("id").iterator():
        expected = _digest(prev, ev.at.isoformat(), ev.actor_id, ev.action, ev.target)
        if ev.prev_hash != prev or ev.hash != expected:
            return ev.id
        prev = ev.hash
    return None
