import pytest

from hipalign.adapters.db.models import AuditEvent
from hipalign.services.audit import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _three_events() -> list[AuditEvent]:
    audit_record(1, "plan.create", "p1")
    audit_record(1, "account.export")
    audit_record(2, "checkin.create", "c1")
    return list(AuditEvent.objects.order_by("id"))


def test_untouched_chain_verifies() -> None:
    _three_events()
    assert audit_verify() is None


def test_edited_row_breaks_the_chain_at_that_row() -> None:
    events = _three_events()
    AuditEvent.objects.filter(pk=events[1].pk).update(action="account.delete")
    assert audit_verify() == events[1].pk


def test_deleted_row_breaks_the_chain_at_the_next_row() -> None:
    events = _three_events()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert audit_verify() == events[2].pk


def test_each_row_points_at_its_predecessor() -> None:
    events = _three_events()
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
