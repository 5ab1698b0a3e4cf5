"""The audit log as admins read it: newest first, filtered, paged, itself audited, checked."""

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import AuditEvent
from hipalign.core.errors import InputError
from hipalign.services.kernel import audit_log
from hipalign.services.kernel.access import Forbidden
from hipalign.services.kernel.audit import audit_record


def test_audit_page_is_newest_first_filtered_and_itself_audited(
    admin: User, clinician: User, owner: User
) -> None:
    audit_record(int(owner.pk), "plan.create", "p1")
    audit_record(int(clinician.pk), "read:timeline", "x", subject_id=int(owner.pk))
    audit_record(int(owner.pk), "account.export")
    page = audit_log.audit_page(admin)
    assert [r.action for r in page.rows][:3] == ["account.export", "read:timeline", "plan.create"]
    marked = [r for r in page.rows if r.others_data]
    assert [(r.actor, r.subject) for r in marked] == [("cleo_clinician", "ann_owner")]
    assert [r.action for r in audit_log.audit_page(admin, by="CLEO_clinician").rows] == [
        "read:timeline"
    ]
    assert [r.action for r in audit_log.audit_page(admin, subject="ann_owner").rows] == [
        "read:timeline"
    ]
    assert AuditEvent.objects.filter(actor_id=admin.pk, action="audit.view").count() == 3


def test_audit_page_pages_by_fifty(admin: User) -> None:
    for i in range(120):
        audit_record(None, "test.event", str(i))
    first = audit_log.audit_page(admin)
    assert (len(first.rows), first.pages, first.total) == (50, 3, 120)
    third = audit_log.audit_page(admin, page="3")
    assert [r.target for r in third.rows][-1] == "0"


def test_audit_page_names_an_unknown_filter(admin: User) -> None:
    with pytest.raises(InputError, match="by: no account is called 'nobody'"):
        audit_log.audit_page(admin, by="nobody")


def test_only_admins_read_the_audit_log(owner: User, clinician: User) -> None:
    # Both fixtures in the signature: getfixturevalue() made the database fixture lazily, which
    # fails when an earlier browser test left an event loop running in this process.
    for who in (owner, clinician):
        with pytest.raises(Forbidden):
            audit_log.audit_page(who)
        with pytest.raises(Forbidden):
            audit_log.audit_chain_check(who)


def test_chain_check_reports_the_first_edited_row(admin: User) -> None:
    audit_record(1, "a")
    audit_record(1, "b")
    first = audit_log.audit_chain_check(admin)
    assert first.holds and (first.state.length, first.state.broken_at) == (2, None)
    second = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=second.pk).update(action="z")
    broken = audit_log.audit_chain_check(admin)
    assert not broken.holds and broken.state.broken_at == second.pk
    assert list(
        AuditEvent.objects.filter(action="audit.verify").values_list("target", flat=True)
    ) == [f"holds: 2 rows, head {second.pk}", f"the chain breaks at row {second.pk}"]


def test_chain_check_against_an_export_reports_rows_removed_from_the_end(
    admin: User,
) -> None:
    from datetime import UTC, datetime

    for i in range(30):
        audit_record(1, "test.event", str(i))
    export = "".join(audit_log.audit_export(admin, now=datetime.now(UTC)))
    assert audit_log.audit_chain_check(admin, anchor=export).holds
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:25]
    AuditEvent.objects.filter(id__in=list(newest)).delete()

    assert audit_log.audit_chain_check(admin).holds  # alone, the chain cannot tell
    check = audit_log.audit_chain_check(admin, anchor=export)
    assert check.state.holds and not check.holds
    assert check.problem.startswith("truncated: the anchor had 31 rows")


def test_chain_check_refuses_a_forged_anchor_and_checks_nothing(admin: User) -> None:
    audit_record(1, "a")
    forged = (
        '{"schema": "hipalign.audit-anchor/1", "length": 0, "head_id": null, '
        '"head_hash": "' + "0" * 64 + '", "made_at": "2026-01-01T00:00:00+00:00", '
        '"signature": "' + "f" * 64 + '"}'
    )
    before = AuditEvent.objects.count()
    with pytest.raises(InputError, match="anchor: the anchor's signature does not match"):
        audit_log.audit_chain_check(admin, anchor=forged)
    with pytest.raises(InputError, match="anchor: not an audit anchor"):
        audit_log.audit_chain_check(admin, anchor="[[[[")
    assert AuditEvent.objects.count() == before


def test_only_admins_export_the_audit_log(owner: User, clinician: User) -> None:
    from datetime import UTC, datetime

    for who in (owner, clinician):
        with pytest.raises(Forbidden):
            audit_log.audit_export(who, now=datetime.now(UTC))
    assert not AuditEvent.objects.filter(action="audit.export").exists()
