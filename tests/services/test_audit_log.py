"""The audit log as admins read it: newest first, filtered, paged, itself audited, checked."""

import pytest
from django.contrib.auth.models import AbstractBaseUser

from hipalign.adapters.db.models import AuditEvent
from hipalign.core.errors import InputError
from hipalign.services import audit_log
from hipalign.services.access import Forbidden
from hipalign.services.audit import audit_record


def test_audit_page_is_newest_first_filtered_and_itself_audited(
    admin: AbstractBaseUser, clinician: AbstractBaseUser, owner: AbstractBaseUser
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


def test_audit_page_pages_by_fifty(admin: AbstractBaseUser) -> None:
    for i in range(120):
        audit_record(None, "test.event", str(i))
    first = audit_log.audit_page(admin)
    assert (len(first.rows), first.pages, first.total) == (50, 3, 120)
    third = audit_log.audit_page(admin, page="3")
    assert [r.target for r in third.rows][-1] == "0"


def test_audit_page_names_an_unknown_filter(admin: AbstractBaseUser) -> None:
    with pytest.raises(InputError, match="by: no account is called 'nobody'"):
        audit_log.audit_page(admin, by="nobody")


def test_only_admins_read_the_audit_log(
    owner: AbstractBaseUser, clinician: AbstractBaseUser
) -> None:
    # Both fixtures in the signature: getfixturevalue() made the database fixture lazily, which
    # fails when an earlier browser test left an event loop running in this process.
    for who in (owner, clinician):
        with pytest.raises(Forbidden):
            audit_log.audit_page(who)
        with pytest.raises(Forbidden):
            audit_log.audit_chain_check(who)


def test_chain_check_reports_the_first_edited_row(admin: AbstractBaseUser) -> None:
    audit_record(1, "a")
    audit_record(1, "b")
    assert audit_log.audit_chain_check(admin) is None
    second = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=second.pk).update(action="z")
    assert audit_log.audit_chain_check(admin) == second.pk
    assert list(
        AuditEvent.objects.filter(action="audit.verify").values_list("target", flat=True)
    ) == ["holds", f"breaks at {second.pk}"]
