"""Audit trail of who did what, never with health data in it (RELIABILITY.md 1, V16)."""

from hipalign.adapters.db.models import AuditEvent


def audit_record(actor_id: int | None, action: str, target: str = "") -> None:
    AuditEvent.objects.create(actor_id=actor_id, action=action, target=target)
