"""Speed of checking the audit chain: rows rehashed per second over a long log.

Run: uv run python bench/audit_speed.py [--rows 100000] [--runs 3] [--database-url postgresql://...]

What it does:
1. A fresh database: a temporary SQLite file in local mode (WAL, synchronous=FULL), or the
   PostgreSQL database named by --database-url (it must be throwaway: it is migrated and
   filled). Migrations run first.
2. --rows audit rows in the keyed scheme (HMAC-SHA256, services.audit), made with bulk_create
   and chained exactly as audit_record chains them, with actors, targets and some subjects.
3. The whole chain is verified --runs times (services.audit.chain_state: read in keyset pages,
   rehashed, compared); the best and median times and rows/s are printed, then the same for a
   comparison against a signed anchor (what `hipalign audit verify --against` adds).

A benchmark prints figures; it never fails on them.
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def setup(url: str | None) -> None:
    data = Path(tempfile.mkdtemp(prefix="hipalign-audit-bench-"))
    os.environ["HIPALIGN_DATA"] = str(data)
    os.environ["HIPALIGN_ENV"] = "local"
    if url:
        os.environ["HIPALIGN_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "hipalign.web.settings"
    from hipalign.web.server import prepare

    prepare(data)


def seed(n: int) -> None:
    from django.conf import settings

    from hipalign.adapters.db.models import AuditEvent
    from hipalign.services.kernel import audit

    start = datetime(2026, 1, 1, tzinfo=UTC)
    # The rows carry their own times (a log written over months), not the seeding's clock.
    AuditEvent._meta.get_field("at").auto_now_add = False  # type: ignore[attr-defined]
    prev = audit.GENESIS
    batch: list[AuditEvent] = []
    first_id = 1 + (AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0)
    for i in range(n):
        row_id = first_id + i
        at = start + timedelta(seconds=i * 7, microseconds=i % 1_000_000)
        actor = 1 + i % 50
        action = ("auth.login", "read:timeline", "plan.create", "mfa.fail")[i % 4]
        target = f"{i:08x}-target"
        subject = 100 + i % 30 if action == "read:timeline" else None
        digest = audit._keyed_digest(
            settings.AUDIT_KEY, row_id, prev, at.isoformat(), actor, action, target, subject
        )
        batch.append(
            AuditEvent(
                id=row_id,
                at=at,
                actor_id=actor,
                action=action,
                target=target,
                subject_id=subject,
                prev_hash=prev,
                hash=digest,
                scheme=2,
            )
        )
        prev = digest
        if len(batch) == 5_000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    assert AuditEvent.objects.count() == n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("HIPALIGN_DATABASE_URL"))
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import connection

    from hipalign.services.kernel import audit

    t0 = time.perf_counter()
    seed(args.rows)
    took = time.perf_counter() - t0
    print(f"database: {connection.vendor}; seeded {args.rows:,} rows in {took:.1f} s")

    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        state = audit.chain_state()
        times.append(time.perf_counter() - t)
        assert state.holds and state.length == args.rows, state
    best, median = min(times), statistics.median(times)
    print(
        f"verify: best {best:.2f} s, median {median:.2f} s "
        f"= {args.rows / best:,.0f} rows/s (best), {args.rows / median:,.0f} rows/s (median)"
    )
    anchor = audit.audit_anchor(now=datetime.now(UTC))
    t = time.perf_counter()
    cmp = audit.audit_compare(anchor=anchor)
    took = time.perf_counter() - t
    assert cmp.holds
    print(f"verify against an anchor: {took:.2f} s = {args.rows / took:,.0f} rows/s")


if __name__ == "__main__":
    main()
