"""The audit log as admins read it: newest first, a page at a time, filtered by who acted and
whose data it was. Reading it is itself audited. Nothing here edits or deletes a row: the log
is append-only, and its hash chain (services.audit) shows if anyone did so behind our back.

The chain is checked on request, not on every page view: it rehashes every row (bench/
audit_speed.py prints the rate), and the page must stay fast. A check reports the chain's length
and head, and can compare them with an earlier signed anchor (an export's last line), which is
what shows rows removed from the end.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Paginator

from hipalign.adapters.db.models import AuditEvent
from hipalign.core.access import Action
from hipalign.core.errors import InputError
from hipalign.services.kernel.access import authorize
from hipalign.services.kernel.audit import (
    AnchorError,
    ChainState,
    anchor_parse,
    audit_compare,
    audit_record,
    chain_state,
    export_lines,
)

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
    admin = authorize(actor=actor, action=Action.AUDIT_READ).user
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


@dataclass(frozen=True)
class ChainCheck:
    state: ChainState
    problem: str  # empty when the chain holds (and, when compared, still reaches the anchor)
    compared: bool  # whether an anchor was given

    @property
    def holds(self) -> bool:
        return not self.problem


def _check(actor_id: int | None, anchor: str) -> ChainCheck:
    if anchor.strip():
        try:
            parsed = anchor_parse(anchor)
        except AnchorError as exc:
            raise InputError("anchor", [f"anchor: {exc}"]) from None
        cmp = audit_compare(anchor=parsed)
        check = ChainCheck(cmp.state, cmp.problem, True)
    else:
        state = chain_state()
        problem = "" if state.holds else f"the chain breaks at row {state.broken_at}"
        check = ChainCheck(state, problem, False)
    s = check.state
    said = f"holds: {s.length} rows, head {s.head_id}" if check.holds else check.problem
    audit_record(actor_id, "audit.verify", f"{'vs anchor, ' if check.compared else ''}{said}")
    return check


def audit_chain_check(actor: Any, *, anchor: str = "") -> ChainCheck:
    """Rehash the chain and, when `anchor` (an anchor's JSON or an export) is given, compare
    with it. Audited either way; a bad anchor is an InputError and checks nothing."""
    admin = authorize(actor=actor, action=Action.AUDIT_VERIFY).user
    return _check(int(admin.pk), anchor)


def audit_export(actor: Any, *, now: datetime) -> Iterator[str]:
    """The signed JSON Lines export for an outside archive; the export itself is audited first,
    so it is the export's own last row."""
    admin = authorize(actor=actor, action=Action.AUDIT_READ).user
    audit_record(int(admin.pk), "audit.export")
    return export_lines(now=now)


# The operator's `hipalign audit` commands: whoever runs them on the server already holds the
# database and the key, so there is no role to check; they are audited with no account.


def operator_chain_check(*, anchor: str = "") -> ChainCheck:
    return _check(None, anchor)


def operator_export(*, now: datetime) -> Iterator[str]:
    audit_record(None, "audit.export", "command line")
    return export_lines(now=now)
