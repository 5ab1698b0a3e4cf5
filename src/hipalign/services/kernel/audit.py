"""Audit trail of who did what, never with health data in it (RELIABILITY.md 1, V16).

Rows are hash-chained: each row's hash covers its fields and the previous row's hash. Since
issue 12 the hash is an HMAC-SHA256 under settings.AUDIT_KEY, a key kept out of the database
(the data folder's `audit_key` file or HIPALIGN_AUDIT_KEY), so someone who can write the database
cannot delete or edit a row and recompute the rows after it.

Hash schemes, one per row (`AuditEvent.scheme`):
- 1: plain SHA-256, the rows written before the key existed. They still verify, but only as a
  prefix of the chain: once a keyed row appears every later row must be keyed, and a non-empty
  chain must end in a keyed row (migration 0010 appends one), so rewriting the whole chain in
  the unkeyed scheme does not pass either.
- 2: HMAC-SHA256 over the row id, time, actor, action, target, subject and previous hash.

A chain that verifies can still have lost its newest rows (nothing after the last row says it
was the last). Anchors cover that: `audit_anchor` states the length and the head (the last row's
id and hash) signed with the key, to hand to an outside archive; `audit_verify(against=...)`
later says whether the chain still reaches that head with at least that many rows.

Writers are serialised by the database (SQLite IMMEDIATE transactions, a PostgreSQL advisory
lock), so two rows never claim the same predecessor.
"""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from hipalign.adapters.db.models import AuditEvent

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 0x68697061  # "hipa": one advisory lock for the whole chain
LEGACY, KEYED = 1, 2
CURRENT_SCHEME = KEYED
ANCHOR_SCHEMA = "hipalign.audit-anchor/1"
EXPORT_SCHEMA = "hipalign.audit-export/1"
VERIFY_CHUNK = 5_000  # rows read per query while verifying: flat memory on any chain length


def _key() -> bytes:
    key: bytes = settings.AUDIT_KEY
    return key


def _legacy_digest(
    prev: str, at: str, actor_id: int | None, action: str, target: str, subject_id: int | None
) -> str:
    parts = [prev, at, str(actor_id), action, target]
    if subject_id is not None:  # rows from before subjects existed keep their hashes
        parts.append(str(subject_id))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _keyed_digest(
    key: bytes,
    row_id: int,
    prev: str,
    at: str,
    actor_id: int | None,
    action: str,
    target: str,
    subject_id: int | None,
) -> str:
    # The scheme number and the row id are hashed too: a row cannot be moved to another place
    # in the chain, nor relabelled as another scheme, without the key.
    parts = ["2", str(row_id), prev, at, str(actor_id), action, target, str(subject_id)]
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def audit_record(
    actor_id: int | None, action: str, target: str = "", *, subject_id: int | None = None
) -> None:
    """Append one event. `subject_id` is the person whose health data someone else touched."""
    key = _key()
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
            action=action[:40],
            target=target[:80],
            subject_id=subject_id,
            prev_hash=prev,
            hash="",
            scheme=KEYED,
        )
        ev.save()  # sets `at` and `id`
        ev.hash = _keyed_digest(
            key, ev.id, prev, ev.at.isoformat(), actor_id, ev.action, ev.target, subject_id
        )
        ev.save(update_fields=["hash"])


@dataclass(frozen=True)
class ChainState:
    """What verifying found. `broken_at` is the id of the first row whose chain does not hold
    (None when it holds); `length` and the head are those of the rows that were read."""

    broken_at: int | None
    length: int
    head_id: int | None
    head_hash: str
    legacy_rows: int  # rows in the old unkeyed scheme, all at the start of the chain

    @property
    def holds(self) -> bool:
        return self.broken_at is None


Row = tuple[int, datetime, int | None, str, str, int | None, str, str, int]
FIELDS = ("id", "at", "actor_id", "action", "target", "subject_id", "prev_hash", "hash", "scheme")


def _rows() -> Iterator[Row]:
    """Every row in id order, read in keyset-paged chunks of plain tuples (no model instances:
    most of the cost of verifying 100,000 rows would be building them)."""
    after = 0
    while True:
        chunk = list(
            AuditEvent.objects.filter(id__gt=after)
            .order_by("id")
            .values_list(*FIELDS)[:VERIFY_CHUNK]
        )
        yield from chunk
        if len(chunk) < VERIFY_CHUNK:
            return
        after = chunk[-1][0]


def chain_state() -> ChainState:
    """Rehash the whole chain (no permission check: services.audit_log wraps it for admins)."""
    key = _key()
    prev, length, head_id, legacy, keyed_seen = GENESIS, 0, None, 0, False
    for row_id, at, actor_id, action, target, subject_id, prev_hash, got, scheme in _rows():
        stamp = at.isoformat()
        if scheme == KEYED:
            keyed_seen = True
            expected = _keyed_digest(key, row_id, prev, stamp, actor_id, action, target, subject_id)
        elif scheme == LEGACY and not keyed_seen:
            legacy += 1
            expected = _legacy_digest(prev, stamp, actor_id, action, target, subject_id)
        else:  # an unkeyed row after a keyed one, or an unknown scheme
            expected = ""
        if prev_hash != prev or not hmac.compare_digest(got, expected):
            return ChainState(row_id, length, head_id, prev, legacy)
        prev, length, head_id = got, length + 1, row_id
    if length and not keyed_seen:
        # Nothing keyed at all: anyone could have written these rows (see the module doc).
        assert head_id is not None
        return ChainState(head_id, length, head_id, prev, legacy)
    return ChainState(None, length, head_id, prev, legacy)


def audit_verify() -> int | None:
    """The id of the first row whose chain does not hold, or None when the whole chain holds."""
    return chain_state().broken_at


# --- anchors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """The chain's length and head at one moment, signed with the audit key."""

    length: int
    head_id: int | None
    head_hash: str
    made_at: str  # ISO 8601, UTC
    signature: str

    def as_json(self) -> dict[str, Any]:
        return {
            "schema": ANCHOR_SCHEMA,
            "length": self.length,
            "head_id": self.head_id,
            "head_hash": self.head_hash,
            "made_at": self.made_at,
            "signature": self.signature,
        }


def _anchor_signature(key: bytes, length: int, head_id: int | None, head: str, at: str) -> str:
    msg = "\x1f".join([ANCHOR_SCHEMA, str(length), str(head_id), head, at])
    return hmac.new(key, msg.encode(), hashlib.sha256).hexdigest()


class AnchorError(ValueError):
    """An anchor that cannot be read, or whose signature is not ours."""


def _anchor_of(state: ChainState, now: datetime) -> Anchor:
    at = now.astimezone(UTC).isoformat()
    sig = _anchor_signature(_key(), state.length, state.head_id, state.head_hash, at)
    return Anchor(state.length, state.head_id, state.head_hash, at, sig)


def audit_anchor(*, now: datetime) -> Anchor:
    """The current head, signed. Only a chain that holds is anchored (a broken one raises)."""
    state = chain_state()
    if not state.holds:
        raise AnchorError(f"the chain breaks at row {state.broken_at}: nothing to anchor")
    return _anchor_of(state, now)


def anchor_parse(text: str) -> Anchor:
    """An anchor from its JSON, or from an export (its last line); AnchorError when it is not
    one, or when its signature was not made with this install's key."""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    try:
        data = json.loads(lines[-1]) if lines else None
    except (json.JSONDecodeError, RecursionError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("anchor"), dict):
        data = data["anchor"]
    if not isinstance(data, dict) or data.get("schema") != ANCHOR_SCHEMA:
        raise AnchorError(f"not an audit anchor (expected a {ANCHOR_SCHEMA} JSON object)")
    try:
        length, head_id = data["length"], data["head_id"]
        head, at, sig = data["head_hash"], data["made_at"], data["signature"]
    except KeyError as exc:
        raise AnchorError(f"the anchor has no {exc.args[0]}") from None
    if (
        not isinstance(length, int)
        or isinstance(length, bool)
        or length < 0
        or not (head_id is None or (isinstance(head_id, int) and not isinstance(head_id, bool)))
        or not all(isinstance(v, str) for v in (head, at, sig))
    ):
        raise AnchorError(
            "the anchor's length, head_id, head_hash, made_at or signature is malformed"
        )
    expected = _anchor_signature(_key(), length, head_id, head, at)
    if not hmac.compare_digest(sig, expected):
        raise AnchorError(
            "the anchor's signature does not match: it was edited, or made by another install"
        )
    return Anchor(length, head_id, head, at, sig)


@dataclass(frozen=True)
class Comparison:
    """The chain now against an earlier anchor. `problem` is empty when the chain still holds
    the anchored head at the same place, with at least as many rows as then."""

    state: ChainState
    anchor: Anchor
    problem: str

    @property
    def holds(self) -> bool:
        return self.state.holds and not self.problem


def audit_compare(*, anchor: Anchor) -> Comparison:
    state = chain_state()
    if not state.holds:
        return Comparison(state, anchor, f"the chain breaks at row {state.broken_at}")
    if anchor.head_id is None:  # anchored while empty: any chain that holds continues it
        return Comparison(state, anchor, "")
    row = AuditEvent.objects.filter(id=anchor.head_id).values_list("hash", flat=True).first()
    upto = AuditEvent.objects.filter(id__lte=anchor.head_id).count()
    if row is None or state.length < anchor.length:
        return Comparison(
            state,
            anchor,
            f"truncated: the anchor had {anchor.length} rows ending at row {anchor.head_id}; "
            f"the chain now has {state.length} rows ending at row {state.head_id}",
        )
    if row != anchor.head_hash or upto != anchor.length:
        return Comparison(
            state,
            anchor,
            f"rewritten: row {anchor.head_id} is no longer the anchored head "
            f"({anchor.length} rows then, {upto} up to that row now)",
        )
    return Comparison(state, anchor, "")


# --- export -------------------------------------------------------------------------------------


def export_lines(*, now: datetime) -> Iterator[str]:
    """The whole log as JSON Lines for an outside archive: a header, one line per row, and a
    last line holding the signed anchor of exactly the rows above it (null when the chain does
    not hold: the rows are still exported, as evidence). Ids only, no usernames: the archive
    learns nothing an audit row does not already say."""
    state = chain_state()
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if state.holds:
        last = state.head_id or 0  # rows written while exporting belong to the next export
    head = {"schema": EXPORT_SCHEMA, "exported_at": now.astimezone(UTC).isoformat()}
    yield json.dumps(head) + "\n"
    for row in _rows():
        if row[0] > last:
            break
        data = dict(zip(FIELDS, row, strict=True))
        data["at"] = row[1].isoformat()
        yield json.dumps(data) + "\n"
    if state.holds:
        yield json.dumps({"anchor": _anchor_of(state, now).as_json()}) + "\n"
    else:
        yield json.dumps({"anchor": None, "broken_at": state.broken_at}) + "\n"
