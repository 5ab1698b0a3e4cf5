"""Server time of the clinician's patient list: 1,000 patients, each with up to a year of logs.

Run: uv run python bench/clinic_speed.py [--patients 1000] [--weeks 4,13,52] [--runs 15]
     [--database-url postgresql://...] [--json FILE]
On a throwaway PostgreSQL: bash scripts/pg-throwaway run uv run python bench/clinic_speed.py
The clinic-scale variant (issue 19) is --patients 10000 --weeks 13,52: not the default, its
seeding takes ten times the 1,000-patient one (not measured yet).

What it does:
1. A fresh database: a temporary SQLite file in local mode (WAL, synchronous=FULL, as on a
   laptop), or the PostgreSQL database named by --database-url (HIPALIGN_DATABASE_URL; it must
   be empty or throwaway: every table is migrated and filled). Migrations run first.
2. One clinician linked to --patients people. Each person has a plan from the same intake and,
   for every planned session day, a session, one log per exercise and side of that day's plan
   (about 9 a session), one decision per log, and a weekly check-in with pain. Rows are made with
   bulk_create in the shapes the services make them; a few patients get red flags, high pain or
   low adherence so the list has something to order; each link's conversation has 20 messages,
   one unread for every third patient (issue 18).
3. The history grows in steps (--weeks 4,13,52): after each step the list is requested --runs
   times through Django's test client as the signed-in clinician (URL resolution, middleware,
   session, the query, the attention rules and the template: the whole server side, no network)
   and the median and p95 are printed, with the rows in the database at that step. It is
   requested four ways (the "changed" column): with every patient marked changed before each
   request (a list built from nothing kept: a process's first, or a new day's without the
   build ahead), with 5 % marked (50 of 1,000 patients logged since the last look), with none,
   and "ahead+5%": everyone marked, the day's list built ahead as `hipalign serve` does at each
   clinician's midnight (web/list_warmup.py), then 5 % marked. Marking is what a stored log
   does to the person's program version (services/kernel/versions.py); neither it nor the
   build ahead is timed.
4. The target (issue 5): under 200 ms server time with 1,000 patients and a year of logs, and
   growing sub-linearly with the number of logs: the last column is the time ratio against the
   first step divided by the log ratio (well under 1 = sub-linear).

A benchmark prints figures; a missed target is printed, never an exit code.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.core.conftest.intake_doc: the bench's person

TARGET_MS = 200.0


def setup(url: str | None) -> None:
    data = Path(tempfile.mkdtemp(prefix="hipalign-clinic-bench-"))
    os.environ["HIPALIGN_DATA"] = str(data)
    os.environ["HIPALIGN_ENV"] = "local"
    if url:
        os.environ["HIPALIGN_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "hipalign.web.settings"
    from hipalign.web.server import prepare

    prepare(data)


def seed_people(n: int, start: date) -> tuple[Any, list[Any], Any]:
    from django.contrib.auth.models import User
    from tests.core.conftest import intake_doc

    from hipalign.adapters.db.models import CareLink, IntakeRecord, PlanRecord, Profile
    from hipalign.services.program import plans

    clinician = User.objects.create_user("bench_clinician", password="x" * 12)
    Profile.objects.create(user=clinician, role="clinician")
    first = User.objects.create_user("bench_p0000", password="x" * 12)
    plan0 = plans.intake_submit(
        first, intake_doc(pain={"now": 4, "worst_week": 6, "side": "left"}), start
    )
    User.objects.bulk_create([User(username=f"bench_p{i:04d}", password="!") for i in range(1, n)])
    users = list(User.objects.filter(username__startswith="bench_p").order_by("username"))
    Profile.objects.bulk_create([Profile(user=u, role="person") for u in users])
    intakes = IntakeRecord.objects.bulk_create(
        [IntakeRecord(user=u, document=plan0.intake.document) for u in users[1:]]
    )
    PlanRecord.objects.bulk_create(
        [
            PlanRecord(
                user=u,
                intake=rec,
                starts_on=start,
                referral_level=plan0.referral_level,
                withheld=False,
                document=plan0.document,
                week=plan0.week,
                version=1,
                author=u,
                sessions_per_week=plan0.sessions_per_week,
            )
            for u, rec in zip(users[1:], intakes, strict=True)
        ]
    )
    now = datetime.now(UTC)
    CareLink.objects.bulk_create(
        [
            CareLink(
                clinician=clinician,
                patient=u,
                created_by="clinician",
                status="active",
                expires_at=now,
                accepted_at=now,
            )
            for u in users
        ]
    )
    seed_messages(clinician)
    return clinician, users, plan0


def seed_messages(clinician: Any) -> None:
    """Issue 18: each conversation holds 20 messages, the person's last one unread by the
    clinician for every third patient, so the list's message query reads real rows."""
    from hipalign.adapters.db.models import CareLink, Message

    at = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    rows = []
    for n, link in enumerate(CareLink.objects.filter(clinician=clinician, status="active")):
        for k in range(20):
            rows.append(
                Message(
                    link=link,
                    from_person=k % 2 == 0,
                    client_id=f"bench-{k:04d}",
                    body_hash="0" * 64,
                    body="How many on the left side today?",
                    created_at=at + timedelta(minutes=k),
                    read_at=None if (k == 18 and n % 3 == 0) else at,
                )
            )
    Message.objects.bulk_create(rows, batch_size=2000)


def seed_weeks(users: list[Any], plan0: Any, start: date, weeks: range) -> None:
    """Sessions, logs, decisions and check-ins for the given plan weeks, for every person."""
    from hipalign.adapters.db.models import (
        CheckInRecord,
        DecisionRecord,
        ExerciseLogRecord,
        PlanRecord,
        SessionRecord,
    )
    from hipalign.core.planning.document import PlanDocument
    from hipalign.core.vocab import WEEKDAYS

    doc = PlanDocument.model_validate(plan0.document)
    assert doc.plan is not None
    plan_ids = dict(PlanRecord.objects.filter(user__in=users).values_list("user_id", "id"))
    for idx, u in enumerate(users):
        skip = idx % 10 == 3  # low adherence: these people stop after week 2
        sessions, logs, decisions, checkins = [], [], [], []
        for w in weeks:
            if skip and w >= 2:
                break
            for day in doc.plan.days:
                on = start + timedelta(days=7 * w + WEEKDAYS.index(day.day))
                s = SessionRecord(
                    id=uuid.uuid4(),
                    user_id=u.pk,
                    plan_id=plan_ids[u.pk],
                    day=day.day,
                    performed_on=on,
                    pain_next_morning=2,
                )
                sessions.append(s)
                for it in day.items:
                    for side in list(it.dose_by_side or [None]):
                        pain = 7 if (idx % 25 == 5 and w == weeks[-1]) else 2
                        log = ExerciseLogRecord(
                            id=uuid.uuid4(),
                            user_id=u.pk,
                            client_id=uuid.uuid4().hex,
                            payload_hash="0" * 64,
                            session_id=s.id,
                            exercise_id=it.exercise,
                            side=side,
                            rung=1,
                            sets_done=it.sets,
                            reps_done=it.reps,
                            hold_s_done=it.hold_s,
                            pain_during=pain,
                            performed_on=on,
                        )
                        logs.append(log)
                        decisions.append(
                            DecisionRecord(
                                user_id=u.pk,
                                log_id=log.id,
                                exercise_id=it.exercise,
                                side=side,
                                action="hold",
                                rung=1,
                                reasons=["bench"],
                            )
                        )
            level = "urgent" if (idx % 50 == 7 and w == weeks[-1]) else "none"
            checkins.append(
                CheckInRecord(
                    user_id=u.pk,
                    performed_on=start + timedelta(days=7 * w + 6),
                    answers={},
                    pain_now=3,
                    pain_worst_week=4,
                    referral_level=level,
                    referral={"level": level, "reasons": []},
                )
            )
        SessionRecord.objects.bulk_create(sessions, batch_size=2000)
        ExerciseLogRecord.objects.bulk_create(logs, batch_size=2000)
        DecisionRecord.objects.bulk_create(decisions, batch_size=2000)
        CheckInRecord.objects.bulk_create(checkins, batch_size=2000)


def seed_weeks_sql(users: list[Any], plan0: Any, start: date, weeks: range) -> None:
    """The same rows as seed_weeks, made by PostgreSQL itself (INSERT ... SELECT over
    generate_series): 10,000 patients x 52 weeks is 15 million logs, which Python objects and
    bulk_create take hours to send; the server makes them in minutes."""
    from django.db import connection

    from hipalign.core.planning.document import PlanDocument
    from hipalign.core.vocab import WEEKDAYS

    if not weeks:
        return
    doc = PlanDocument.model_validate(plan0.document)
    assert doc.plan is not None
    days = [d.day for d in doc.plan.days]
    assert len(set(days)) == len(days), "one session a day: logs are matched to sessions by day"
    items = [
        (d.day, it.exercise, side, it.sets, it.reps, it.hold_s or 0)
        for d in doc.plan.days
        for it in d.items
        for side in list(it.dose_by_side or [None])
    ]
    first, last = start + timedelta(days=7 * weeks[0]), start + timedelta(days=7 * weeks[-1])
    # Each person with their position in `users` (the seed's idx) and their one plan.
    people = """(SELECT u.user_id, (u.n - 1)::int AS idx, p.id AS plan_id
        FROM unnest(%(users)s::bigint[]) WITH ORDINALITY AS u(user_id, n)
        JOIN hipalign_planrecord p ON p.user_id = u.user_id) AS u"""
    params = {
        "users": [int(u.pk) for u in users],
        "days": days,
        "offs": [WEEKDAYS.index(d) for d in days],
        "start": start,
        "w0": weeks[0],
        "w1": weeks[-1],
        "first": first,
        "last": last + timedelta(days=6),
        "last_week": last,
        "i_day": [i[0] for i in items],
        "i_ex": [i[1] for i in items],
        "i_side": [i[2] for i in items],
        "i_sets": [i[3] for i in items],
        "i_reps": [i[4] for i in items],
        "i_hold": [i[5] for i in items],
    }
    with connection.cursor() as cur:
        # Low adherence: every tenth person (idx % 10 == 3) stops after week 2.
        cur.execute(
            f"""INSERT INTO hipalign_sessionrecord
                (id, user_id, plan_id, day, session, performed_on, pain_next_morning, created_at)
            SELECT gen_random_uuid(), u.user_id, u.plan_id, d.day, 1,
                   %(start)s::date + 7 * w + d.off, 2, now()
            FROM {people}
            CROSS JOIN generate_series(%(w0)s, %(w1)s) AS w
            CROSS JOIN unnest(%(days)s::text[], %(offs)s::int[]) AS d(day, off)
            WHERE NOT (mod(u.idx, 10) = 3 AND w >= 2)""",
            params,
        )
        cur.execute(
            f"""INSERT INTO hipalign_exerciselogrecord
                (id, user_id, client_id, payload_hash, session_id, exercise_id, side, rung,
                 sets_done, reps_done, hold_s_done, pain_during, effort, sharp_pain,
                 new_numbness, skipped, counted_by, performed_on, created_at)
            SELECT gen_random_uuid(), s.user_id, replace(gen_random_uuid()::text, '-', ''),
                   repeat('0', 64), s.id, it.ex, it.side, 1, it.sets, it.reps, it.hold,
                   CASE WHEN mod(u.idx, 25) = 5 AND s.performed_on >= %(last_week)s
                        THEN 7 ELSE 2 END,
                   NULL, false, false, false, 'person', s.performed_on, now()
            FROM hipalign_sessionrecord s
            JOIN {people} ON u.user_id = s.user_id
            JOIN unnest(%(i_day)s::text[], %(i_ex)s::text[], %(i_side)s::text[],
                        %(i_sets)s::int[], %(i_reps)s::int[], %(i_hold)s::int[])
                 AS it(day, ex, side, sets, reps, hold) ON it.day = s.day
            WHERE s.performed_on BETWEEN %(first)s AND %(last)s""",
            params,
        )
        cur.execute(
            """INSERT INTO hipalign_decisionrecord
                (id, user_id, log_id, exercise_id, side, action, rung, reasons,
                 review_suggested, created_at)
            SELECT gen_random_uuid(), l.user_id, l.id, l.exercise_id, l.side, 'hold', 1,
                   '["bench"]'::jsonb, false, now()
            FROM hipalign_exerciselogrecord l
            WHERE l.performed_on BETWEEN %(first)s AND %(last)s""",
            params,
        )
        cur.execute(
            f"""INSERT INTO hipalign_checkinrecord
                (id, user_id, performed_on, answers, pain_now, pain_worst_week,
                 referral_level, referral, created_at)
            SELECT gen_random_uuid(), u.user_id, %(start)s::date + 7 * w + 6, '{{}}'::jsonb,
                   3, 4, lv.level, jsonb_build_object('level', lv.level, 'reasons', '[]'::jsonb),
                   now()
            FROM {people}
            CROSS JOIN generate_series(%(w0)s, %(w1)s) AS w
            CROSS JOIN LATERAL (SELECT CASE WHEN mod(u.idx, 50) = 7 AND w = %(w1)s
                                THEN 'urgent' ELSE 'none' END AS level) AS lv
            WHERE NOT (mod(u.idx, 10) = 3 AND w >= 2)""",
            params,
        )


# Before each timed request, this share of the patients is marked changed, as a log of theirs
# would (services/kernel/versions.py): the list recomputes their weeks and keeps the others'
# (issue 19). 1.0 is the list's first build in a process, or its first of a new day; 0.05 is
# 50 of 1,000 patients logging between two looks; 0.0 nobody since the last look.
# (share, built ahead): the last is a new day's first list once `hipalign serve` built it ahead
# at the clinician's midnight (web/list_warmup.py): everyone changed since the day before, the
# day's build run (not timed), then 5 % logging before the clinician looks.
CHANGED = ((1.0, False), (0.05, False), (0.0, False), (0.05, True))


def changed_label(share: float, ahead: bool) -> str:
    return f"ahead+{share:.0%}" if ahead else f"{share:.0%}"


def mark_changed(users: list[Any], share: float, rng: random.Random) -> None:
    """What services.kernel.versions.program_changed does for each, in one statement."""
    from django.db.models import F

    from hipalign.adapters.db.models import Profile

    picked = [int(u.pk) for u in rng.sample(users, round(share * len(users)))]
    Profile.objects.filter(user_id__in=picked).update(program_version=F("program_version") + 1)


def measure(
    clinician: Any, today: date, runs: int, users: list[Any], share: float, ahead: bool = False
) -> tuple[list[float], int]:
    from django.test import Client

    from hipalign.web import clock

    clock.today = lambda: today  # type: ignore[assignment]  # the list is judged "as of" today
    c = Client()
    c.force_login(clinician)
    s = c.session
    s["hipalign_mfa"] = True
    s.save()
    times = []
    rows = 0
    rng = random.Random(19)
    from hipalign.services.care import clinic

    for i in range(runs + 2):
        if ahead:  # not timed: a new day (everyone changed since), built ahead by the server
            mark_changed(users, 1.0, rng)
            clinic.patients_warm(today=today)
        mark_changed(users, share, rng)  # not timed: the writes of other requests
        t0 = time.perf_counter()
        r = c.get("/clinic/patients")
        dt = (time.perf_counter() - t0) * 1000
        assert r.status_code == 200, r.status_code
        if i >= 2:  # two warm-up requests: connection, template and plan caches
            times.append(dt)
        rows = r.content.count(b"<tr class=")
    return times, rows


def explain(clinician: Any, today: date, users: list[Any]) -> None:
    import cProfile
    import pstats

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from hipalign.services.care import clinic

    # Twice: every patient changed (nothing kept), then nobody changed since (all kept).
    for label, share in (
        ("every patient changed", 1.0),
        ("5 % changed", 0.05),
        ("nobody changed", 0.0),
    ):
        mark_changed(users, share, random.Random(3))
        with CaptureQueriesContext(connection) as q:
            prof = cProfile.Profile()
            prof.enable()
            clinic.patients_attention(clinician, today)
            prof.disable()
        print(f"--- {label}")
        for query in q.captured_queries:
            print(f"{query['time']}s {query['sql'][:200]}")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(12)
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)  # where the Python time goes
        reset_queries()
    # The whole page (view, middleware, template) with nobody changed: what is not the service.
    from django.test import Client

    c = Client()
    c.force_login(clinician)
    session = c.session
    session["hipalign_mfa"] = True
    session.save()
    c.get("/clinic/patients")
    prof = cProfile.Profile()
    prof.enable()
    c.get("/clinic/patients")
    prof.disable()
    print("--- the page, nobody changed")
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def service_times(clinician: Any, today: date, runs: int, users: list[Any]) -> list[float]:
    """The list service alone (queries and attention rules), without the page around it, with
    every patient changed (nothing kept from the request before)."""
    from hipalign.services.care import clinic

    out = []
    rng = random.Random(5)
    for _ in range(runs):
        mark_changed(users, 1.0, rng)
        t0 = time.perf_counter()
        clinic.patients_attention(clinician, today)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--patients", type=int, default=1000)
    ap.add_argument("--weeks", default="4,13,52")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--database-url", default=os.environ.get("HIPALIGN_DATABASE_URL"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--explain", action="store_true", help="profile one list build")
    a = ap.parse_args()
    setup(a.database_url)
    from django.db import connection

    from hipalign.adapters.db.models import ExerciseLogRecord

    steps = [int(w) for w in a.weeks.split(",")]
    start = date(2025, 1, 6)  # a Monday
    t0 = time.perf_counter()
    clinician, users, plan0 = seed_people(a.patients, start)
    from hipalign.web.server import settle_heap

    settle_heap()  # as `hipalign serve` does before its first request
    print(
        f"database: {connection.vendor}; {a.patients} patients seeded in {time.perf_counter() - t0:.1f} s"
    )
    print(
        f"{'weeks':>5} {'logs':>10} {'changed':>9} {'median ms':>10} {'p95 ms':>8} {'svc ms':>10} {'rows':>5} {'time/log growth':>16}"
    )
    done = 0
    results = []
    for w in steps:
        t0 = time.perf_counter()
        seed = seed_weeks_sql if connection.vendor == "postgresql" else seed_weeks
        seed(users, plan0, start, range(done, w))
        done = w
        # Rows written behind the services' back: mark them as the services would have.
        mark_changed(users, 1.0, random.Random(0))
        seed_s = time.perf_counter() - t0
        with connection.cursor() as cur:
            # As autovacuum leaves a live database: statistics, and the visibility map that lets
            # PostgreSQL answer from the covering log index alone (plain ANALYZE on SQLite).
            cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        logs = ExerciseLogRecord.objects.count()
        today = start + timedelta(days=7 * w)
        svc = service_times(clinician, today, a.runs, users)
        if a.explain:
            explain(clinician, today, users)
        svc_med = statistics.median(svc)
        for share, ahead in CHANGED:
            times, rows = measure(clinician, today, a.runs, users, share, ahead)
            med = statistics.median(times)
            p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
            results.append(
                {
                    "weeks": w,
                    "logs": logs,
                    "changed": share,
                    "built_ahead": ahead,
                    "median_ms": med,
                    "p95_ms": p95,
                    "service_median_ms": svc_med,
                    "rows": rows,
                    "seed_s": seed_s,
                }
            )
            growth = ""
            firsts = [r for r in results if (r["changed"], r["built_ahead"]) == (share, ahead)]
            if len(firsts) > 1:
                r0 = firsts[0]
                growth = f"{(med / r0['median_ms']) / (logs / r0['logs']):.2f}"
            print(
                f"{w:>5} {logs:>10,} {changed_label(share, ahead):>9} {med:>10.1f} {p95:>8.1f} {svc_med:>10.1f} {rows:>5} {growth:>16}"
            )
    for share, ahead in CHANGED:
        last = [r for r in results if (r["changed"], r["built_ahead"]) == (share, ahead)][-1]
        verdict = "meets" if last["p95_ms"] < TARGET_MS else "MISSES"
        how = "after the day's list was built ahead, " if ahead else ""
        print(
            f"target: p95 under {TARGET_MS:.0f} ms at {last['weeks']} weeks, {how}{share:.0%} of "
            f"patients changed before each request: {verdict} ({last['p95_ms']:.1f} ms)"
        )
    if a.json:
        a.json.write_text(
            json.dumps(
                {"database": connection.vendor, "patients": a.patients, "steps": results}, indent=2
            )
        )


if __name__ == "__main__":
    main()
