"""The audit log as admins read it: newest first, a page at a time, filtered by who acted and
whose data it was. Reading it is itself audited. Nothing here edits or deletes a row: the log
is append-only, and its hash chain (services.audit) shows if anyone did so behind our back.

The chain is checked on request, not on every page view: it rehashes every row, 1.7 s for
100,000 rows on the development machine (measured), and the page must stay fast.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Paginator

from hipalign.adapters.db.models import AuditEvent
from hipalign.core.errors import InputError
from hipalign.services.access import require_role
from hipalign.services.audit import audit_record, audit_verify

PAGE_SIZE = 50
# Actions that carry a subject but touch no health data: an admin acting on an account.
ACCOUNT_ACTIONS = frozenset({"role.change", "mfa.reset"})


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    subject: str
    others_data: bool  # someone read or wrote health data that is not their own


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    number: int
    pages: int
    total: int


def _user_id(field: str, username: str) -> int:
    pk = User.objects.filter(username__iexact=username).values_list("pk", flat=True).first()
    if pk is None:
        raise InputError("filter", [f"{field}: no account is called {username[:150]!r}"])
    return int(pk)


def _name(names: dict[int, str], pk: int | None) -> str:
    if pk is None:
        return ""
    return names.get(pk, f"#{pk} (deleted)")


def audit_page(actor: Any, *, by: str = "", subject: str = "", page: Any = 1) -> AuditPage:
    """One page of the log, newest first; `by` and `subject` are usernames (exact, any case)."""
    admin = require_role(actor, "admin")
    by, subject = by.strip(), subject.strip()
    qs = AuditEvent.objects.order_by("-id")
    if by:
        qs = qs.filter(actor_id=_user_id("by", by))
    if subject:
        qs = qs.filter(subject_id=_user_id("subject", subject))
    p = Paginator(qs, PAGE_SIZE).get_page(page)
    events = list(p.object_list)
    audit_record(int(admin.pk), "audit.view", f"page {p.number}")
    ids = {i for e in events for i in (e.actor_id, e.subject_id) if i is not None}
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    rows = [
        AuditRow(
            id=e.id,
            at=e.at,
            actor=_name(names, e.actor_id),
            action=e.action,
            target=e.target,
            subject=_name(names, e.subject_id),
            others_data=e.subject_id is not None
            and e.subject_id != e.actor_id
            and e.action not in ACCOUNT_ACTIONS,
        )
        for e in events
    ]
    return AuditPage(rows, p.number, p.paginator.num_pages, p.paginator.count)


def audit_chain_check(actor: Any) -> int | None:
    """The id of the first row whose chain breaks, or None when it holds; audited either way."""
    admin = require_role(actor, "admin")
    broken = audit_verify()
    audit_record(
        int(admin.pk), "audit.verify", "holds" if broken is None else f"breaks at {broken}"
    )
    return broken
