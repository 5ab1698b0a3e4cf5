"""The audit chain shows tampering (issue 12, item 13): rows are HMAC-chained under a key kept out
of the database, so a row cannot be edited, removed or rewritten with the rows after it, and a
signed anchor shows rows removed from the end. Rows of the old unkeyed scheme still verify."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import override_settings

from hipalign.adapters.db.models import AuditEvent
from hipalign.services.kernel import audit
from hipalign.services.kernel.audit import (
    AnchorError,
    anchor_parse,
    audit_anchor,
    audit_compare,
    audit_record,
    audit_verify,
    chain_state,
    export_lines,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)


def _events(n: int = 3) -> list[AuditEvent]:
    for i in range(n):
        audit_record(1 + i % 2, "plan.create", f"p{i}")
    return list(AuditEvent.objects.order_by("id"))


def _rehash(key: bytes, scheme: int = 2) -> None:
    """What an attacker with the database but not the key does: rewrite every hash from the
    first row, in the keyed scheme with the key they guess, or in the old unkeyed scheme."""
    prev = audit.GENESIS
    for ev in AuditEvent.objects.order_by("id"):
        at = ev.at.isoformat()
        if scheme == 2:
            digest = audit._keyed_digest(
                key, ev.id, prev, at, ev.actor_id, ev.action, ev.target, ev.subject_id
            )
        else:
            digest = audit._legacy_digest(
                prev, at, ev.actor_id, ev.action, ev.target, ev.subject_id
            )
        AuditEvent.objects.filter(pk=ev.pk).update(prev_hash=prev, hash=digest, scheme=scheme)
        prev = digest


def _legacy_rows(n: int) -> list[AuditEvent]:
    """Rows as hipalign wrote them before the key: scheme 1, plain SHA-256."""
    prev = audit.GENESIS
    for i in range(n):
        ev = AuditEvent.objects.create(
            actor_id=7, action="old.event", target=str(i), prev_hash=prev, hash="", scheme=1
        )
        ev.hash = audit._legacy_digest(prev, ev.at.isoformat(), 7, "old.event", str(i), None)
        ev.save(update_fields=["hash"])
        prev = ev.hash
    return list(AuditEvent.objects.order_by("id"))


def test_untouched_chain_verifies_and_reports_its_length_and_head() -> None:
    events = _events()
    state = chain_state()
    assert state.holds
    assert (state.length, state.head_id, state.head_hash) == (3, events[-1].id, events[-1].hash)
    assert audit_verify() is None


def test_new_rows_are_keyed_and_point_at_their_predecessor() -> None:
    events = _events()
    assert {e.scheme for e in events} == {2}
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    first = events[0]
    plain = audit._legacy_digest(audit.GENESIS, first.at.isoformat(), 1, "plan.create", "p0", None)
    assert first.hash != plain  # not the unkeyed hash any more


def test_edited_row_breaks_the_chain_at_that_row() -> None:
    events = _events()
    AuditEvent.objects.filter(pk=events[1].pk).update(action="account.delete")
    assert audit_verify() == events[1].pk


def test_deleted_row_breaks_the_chain_at_the_next_row() -> None:
    events = _events()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert audit_verify() == events[2].pk


@pytest.mark.parametrize("scheme", [2, 1], ids=["keyed-with-a-guessed-key", "unkeyed"])
def test_deleting_a_middle_row_and_recomputing_later_hashes_without_the_key_fails(
    scheme: int,
) -> None:
    events = _events(5)
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    _rehash(b"not-the-install-key-but-a-guess-of-32b", scheme)

    state = chain_state()

    assert not state.holds
    assert state.broken_at == (events[0].pk if scheme == 2 else events[-1].pk)


def test_recomputing_with_the_key_would_pass_so_the_key_is_what_protects_the_chain() -> None:
    """The test above can fail: the same rewrite made with the install's key verifies."""
    events = _events(5)
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    _rehash(settings.AUDIT_KEY)
    assert chain_state().holds


def test_the_same_rows_do_not_verify_under_another_key() -> None:
    _events()
    with override_settings(AUDIT_KEY=b"x" * 48):
        assert audit_verify() == AuditEvent.objects.order_by("id").first().pk  # type: ignore[union-attr]


def test_tail_truncation_holds_alone_but_shows_against_an_anchor() -> None:
    _events(40)
    anchor = anchor_parse(json.dumps(audit_anchor(now=NOW).as_json()))
    newest = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:25])
    AuditEvent.objects.filter(id__in=newest).delete()

    assert chain_state().holds  # nothing after the last row says it was the last
    cmp = audit_compare(anchor=anchor)

    assert not cmp.holds
    assert cmp.problem == (
        f"truncated: the anchor had 40 rows ending at row {anchor.head_id}; "
        f"the chain now has 15 rows ending at row {min(newest) - 1}"
    )


def test_a_chain_that_grew_since_the_anchor_still_holds_against_it() -> None:
    _events(3)
    anchor = audit_anchor(now=NOW)
    _events(2)
    assert audit_compare(anchor=anchor).holds


def test_removing_rows_then_adding_as_many_new_ones_still_shows() -> None:
    """Same length as the anchor, but the anchored head is gone."""
    _events(5)
    anchor = audit_anchor(now=NOW)
    AuditEvent.objects.filter(id__gte=anchor.head_id - 1).delete()  # type: ignore[operator]
    audit_record(1, "a")
    audit_record(1, "b")
    cmp = audit_compare(anchor=anchor)
    assert chain_state().length == 5 and cmp.problem.startswith("truncated:")


def test_an_anchor_with_an_edited_length_or_head_is_refused() -> None:
    _events(3)
    good = audit_anchor(now=NOW).as_json()
    for field, value in (("length", 99), ("head_hash", "a" * 64), ("head_id", 1)):
        with pytest.raises(AnchorError, match="signature does not match"):
            anchor_parse(json.dumps({**good, field: value}))
    with pytest.raises(AnchorError, match="malformed"):
        anchor_parse(json.dumps({**good, "length": True}))
    with pytest.raises(AnchorError, match="no signature"):
        anchor_parse(json.dumps({k: v for k, v in good.items() if k != "signature"}))


def test_a_broken_chain_is_not_anchored() -> None:
    events = _events()
    AuditEvent.objects.filter(pk=events[0].pk).update(target="edited")
    with pytest.raises(AnchorError, match=f"breaks at row {events[0].pk}"):
        audit_anchor(now=NOW)


def test_export_is_every_row_then_a_signed_anchor_of_exactly_those_rows() -> None:
    events = _events(4)
    lines = [json.loads(line) for line in "".join(export_lines(now=NOW)).splitlines()]

    assert lines[0]["schema"] == "hipalign.audit-export/1"
    rows = lines[1:-1]
    assert [r["id"] for r in rows] == [e.id for e in events]
    assert rows[-1]["hash"] == events[-1].hash and rows[0]["prev_hash"] == audit.GENESIS
    anchor = anchor_parse(json.dumps(lines[-1]))  # the export's last line is its anchor
    assert (anchor.length, anchor.head_id, anchor.head_hash) == (4, events[-1].id, events[-1].hash)
    assert set(rows[0]) == {
        "id", "at", "actor_id", "action", "target", "subject_id", "prev_hash", "hash", "scheme"
    }  # fmt: skip


def test_export_of_a_broken_chain_keeps_the_rows_and_signs_nothing() -> None:
    events = _events(3)
    AuditEvent.objects.filter(pk=events[1].pk).update(target="edited")
    lines = [json.loads(line) for line in "".join(export_lines(now=NOW)).splitlines()]
    assert len(lines) == 5
    assert lines[-1] == {"anchor": None, "broken_at": events[1].pk}


# --- rows from before the key -------------------------------------------------------------------


def test_old_unkeyed_rows_followed_by_keyed_rows_verify() -> None:
    old = _legacy_rows(3)
    audit_record(1, "new.event")
    state = chain_state()
    assert state.holds and (state.length, state.legacy_rows) == (4, 3)
    AuditEvent.objects.filter(pk=old[1].pk).update(target="edited")
    assert audit_verify() == old[1].pk


def test_an_unkeyed_row_after_a_keyed_one_breaks_the_chain() -> None:
    _legacy_rows(1)
    audit_record(1, "new.event")
    last = AuditEvent.objects.order_by("id").last()
    assert last is not None
    ev = AuditEvent.objects.create(actor_id=1, action="x", prev_hash=last.hash, hash="", scheme=1)
    ev.hash = audit._legacy_digest(last.hash, ev.at.isoformat(), 1, "x", "", None)
    ev.save(update_fields=["hash"])
    assert audit_verify() == ev.pk


def test_a_chain_of_only_unkeyed_rows_does_not_hold() -> None:
    """Otherwise rewriting every row in the old scheme (no key needed) would pass."""
    old = _legacy_rows(2)
    assert audit_verify() == old[-1].pk


def test_the_migration_seals_old_rows_with_a_keyed_row() -> None:
    from importlib import import_module

    migration = import_module("hipalign.adapters.db.migrations.0010_audit_keyed_chain")
    old = _legacy_rows(3)

    migration.seal_legacy_rows(apps, None)

    seal = AuditEvent.objects.order_by("id").last()
    assert seal is not None and (seal.action, seal.scheme, seal.prev_hash) == (
        "audit.rekey",
        2,
        old[-1].hash,
    )
    assert chain_state().holds
    AuditEvent.objects.filter(pk=old[0].pk).update(actor_id=8)
    assert audit_verify() == old[0].pk


def test_the_migration_adds_nothing_to_an_empty_log() -> None:
    from importlib import import_module

    migration = import_module("hipalign.adapters.db.migrations.0010_audit_keyed_chain")
    migration.seal_legacy_rows(apps, None)
    assert not AuditEvent.objects.exists()


# --- the key is not in the database -------------------------------------------------------------


def _every_value_in_the_database() -> str:
    out: list[str] = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')
            out.extend(repr(row) for row in cur.fetchall())
    return "\n".join(out)


def test_the_key_never_appears_in_the_database() -> None:
    _events(3)
    audit_anchor(now=NOW)
    list(export_lines(now=NOW))
    key: bytes = settings.AUDIT_KEY
    dump = _every_value_in_the_database()

    assert len(key) >= 32
    assert "plan.create" in dump  # the dump does hold the audit rows
    forms = [key.decode(), key.hex(), hashlib.sha256(key).hexdigest()]
    assert [f for f in forms if f in dump] == []
    # and every row's hash is an HMAC of its fields, not of anything stored beside them
    ev = AuditEvent.objects.order_by("id").first()
    assert ev is not None
    msg = "\x1f".join(
        ["2", str(ev.id), audit.GENESIS, ev.at.isoformat(), "1", ev.action, "p0", "None"]
    )
    assert ev.hash == hmac.new(key, msg.encode(), hashlib.sha256).hexdigest()
