"""Server time of GET /plan and GET /today, and log writes per second, for one person with a year of logs.

Run: uv run python bench/web_speed.py [--users 1,10,50] [--think 2.0] [--duration 20]
     [--warmup 3] [--requests 200] [--logins 10] [--writers 1,10] [--writes 200]
     [--json FILE] [--profile] [--keep]

What it does:
1. A fresh data folder (tempfile) is prepared (migrations, library) in a child process, which
   seeds ONE person with ONE YEAR of logs: the intake examples/weak_left_abductors_band.json
   submitted 365 days ago, then for every planned session day since, a session, one log per
   exercise and side of that day's plan and one decision per log (made by the core from the
   seeded logs, so rungs progress as they would), and a next-morning pain on each session.
2. `hipalign serve --threads 8` runs on a free loopback port, in local mode (HIPALIGN_ENV=local:
   Argon2, SQLite WAL + synchronous=FULL, as on a laptop). With `taskset` and two CPUs the
   server is pinned to CPU 0 and this load generator to CPU 1 (RELIABILITY.md section 7).
3. Logins: an Argon2 login costs the server real CPU time, so at most --logins (10) simulated
   users log in over HTTP; the others share those sessions' cookies (round robin: at 50 users
   each session is used by 5 users, each on its own keep-alive connection).
4. Concurrent users (think time), the figure the target is judged on: each simulated user
   requests the page, then reads it for a think time drawn from an exponential distribution
   with mean --think seconds (a seeded random.Random per user, so runs repeat), and again, for
   --duration seconds per page and level after a --warmup. Median, p95, p99 and requests/s of
   the requests started in the measured window. This is what a person waits for a page while
   the others are also using the app.
5. Saturation (closed loop, no think time): each user requests the page back to back, --requests
   per page and level after a warm-up. This measures how many requests/s the server manages;
   its latency is queueing (Little's law: latency ~ users / throughput), so it gets no target.
6. POST /api/logs at 1 and 10 concurrent writers (closed loop), each log with a new client_id;
   afterwards the rows added must equal the 201 answers. Then a replay: 200 logs already sent
   are sent again and must all answer 200 and add no row.
7. With --profile, or when the one-user p95 (think time) misses the target, one /today and one
   /plan request are profiled in a child process with the Django test client (top 15 by
   cumulative time).

"Server time" is the latency measured by the client on loopback: connection reuse, parsing
and queueing included, network excluded. Target: p95 under 50 ms for /plan and /today with
people's think time; a miss is printed, never turned into a failing exit code (a benchmark
prints figures, it is no test). The defaults take about 3 to 4 minutes. The server and the
data folder are removed at the end, also on Ctrl-C, unless --keep.
"""

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "weak_left_abductors_band.json"
USERNAME = "bench"
PAGES = ("/plan", "/today")
TARGET_P95_MS = 50.0
SERVER_THREADS = 8
REPLAYS = 200
SEED_DAYS = 365


# --- child processes: seeding and profiling (Django runs there, never in the load generator) ---


@contextlib.contextmanager
def _explicit_created_at(*models: Any) -> Iterator[None]:
    """Let bulk_create store the seeded timestamps instead of auto_now_add's "now"."""
    fields = [m._meta.get_field("created_at") for m in models]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def seed(data_dir: Path) -> dict[str, Any]:
    """Prepare data_dir and store one person with a year of sessions, logs and decisions."""
    from hipalign.web.server import prepare

    prepare(data_dir)
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from hipalign.adapters.db.models import DecisionRecord, ExerciseLogRecord, SessionRecord
    from hipalign.core.library import default_library
    from hipalign.core.progression import Action, ExerciseLog, decide
    from hipalign.services.program import doses, plans, recording

    started = time.perf_counter()
    rng = random.Random(20260101)
    today = timezone.localdate()
    first = today - timedelta(days=SEED_DAYS)
    password = secrets.token_urlsafe(18)
    user = get_user_model()(username=USERNAME)
    user.set_password(password)
    user.save()
    plan = plans.intake_submit(user, json.loads(EXAMPLE.read_text()), first)
    doc = plans.plan_document(plan)
    assert doc.plan is not None, "the example intake must get a plan"
    lib = default_library()
    intake = plans.intake_current(user)
    equipment = frozenset(intake.equipment) if intake else frozenset()
    rungs: dict[tuple[str, str | None], int] = {
        (ex_id, s.side): s.rung
        for ex_id, now in doses.plan_items_now(user, doc).items()
        for s in now.sides
    }
    history: dict[tuple[str, str | None], list[ExerciseLog]] = defaultdict(list)
    actions: dict[tuple[str, str | None], list[Action]] = defaultdict(list)
    sessions: list[Any] = []
    logs: list[Any] = []
    decisions: list[Any] = []
    for offset in range(SEED_DAYS, 0, -1):
        day_date = today - timedelta(days=offset)
        weekday = plans.weekday_of(day_date)
        # Pain eases over the year (3 -> 1 on average), with the odd bad day.
        base = 3 - 2 * (SEED_DAYS - offset) / SEED_DAYS
        flare = rng.random() < 0.04
        for day in (d for d in doc.plan.days if d.day == weekday):
            at = datetime(day_date.year, day_date.month, day_date.day, 17, tzinfo=UTC)
            at += timedelta(hours=2 * (day.session - 1), minutes=rng.randrange(60))
            next_morning = at.replace(hour=7) + timedelta(days=1)
            pain_morning = min(10, max(0, round(base + rng.gauss(0, 0.8) + 3 * flare)))
            session = SessionRecord(
                id=uuid.uuid4(),
                user=user,
                plan=plan,
                day=weekday,
                session=day.session,
                performed_on=day_date,
                pain_next_morning=pain_morning,
                created_at=at,
            )
            sessions.append(session)
            k = 0
            for item in day.items:
                ex = lib[item.exercise]
                sides: list[str | None] = list(item.dose_by_side or [None])
                for side in sides:
                    key = (ex.id, side)
                    rung = rungs[key]
                    step = ex.ladder[rung]
                    short = rng.random() < 0.1
                    fields = {
                        "client_id": f"seed-{day_date:%Y%m%d}-{day.session}-{k:02d}",
                        "session_id": str(session.id),
                        "plan_id": str(plan.id),
                        "day": weekday,
                        "session": day.session,
                        "performed_on": day_date,
                        "exercise": ex.id,
                        "side": side,
                        "rung": rung,
                        "sets_done": step.sets,
                        "reps_done": max(0, step.reps - 2) if short else step.reps,
                        "hold_s_done": max(0, step.hold_s - 5) if short else step.hold_s,
                        "pain_during": min(10, max(0, round(base + rng.gauss(0, 1) + 2 * flare))),
                        "effort": rng.randint(4, 8),
                        "sharp_pain": flare and rng.random() < 0.05,
                        "new_numbness": False,
                    }
                    payload = recording.LogIn(**fields)
                    log = ExerciseLogRecord(
                        id=uuid.uuid4(),
                        user=user,
                        payload_hash=recording._payload_hash(payload),
                        session=session,
                        exercise_id=ex.id,
                        created_at=at + timedelta(minutes=2 * k),
                        **{
                            f: v
                            for f, v in fields.items()
                            if f not in {"session_id", "plan_id", "day", "session", "exercise"}
                        },
                    )
                    history[key].append(
                        ExerciseLog(
                            id=log.client_id,
                            side=side,  # type: ignore[arg-type]
                            rung=rung,
                            sets_done=log.sets_done,
                            reps_done=log.reps_done,
                            hold_s_done=log.hold_s_done,
                            pain_during=log.pain_during,
                            pain_next_morning=pain_morning,
                            effort=log.effort,
                            sharp_pain=log.sharp_pain,
                            new_numbness=log.new_numbness,
                        )
                    )
                    decision = decide(
                        ex,
                        history[key][-recording.DECIDE_WINDOW :],
                        equipment=equipment,
                        previous_actions=tuple(actions[key][-2:]),
                    )
                    rungs[key] = decision.rung
                    actions[key].append(decision.action)
                    decisions.append(
                        DecisionRecord(
                            id=uuid.uuid4(),
                            user=user,
                            log=log,
                            exercise_id=ex.id,
                            side=side,
                            action=decision.action,
                            rung=decision.rung,
                            reasons=decision.reasons,
                            review_suggested=decision.review_suggested,
                            created_at=next_morning + timedelta(seconds=k),
                        )
                    )
                    logs.append(log)
                    k += 1
    with (
        transaction.atomic(),
        _explicit_created_at(SessionRecord, ExerciseLogRecord, DecisionRecord),
    ):
        SessionRecord.objects.bulk_create(sessions, batch_size=500)
        ExerciseLogRecord.objects.bulk_create(logs, batch_size=500)
        DecisionRecord.objects.bulk_create(decisions, batch_size=500)
    # bulk_create skips the service that keeps CurrentDose; rebuild it as an import would.
    doses.current_dose_rebuild(user)

    # What the writers send: today's plan items (or the first planned day's) at today's rungs.
    today_day = next((d for d in doc.plan.days if d.day == plans.weekday_of(today)), None)
    items = (today_day or doc.plan.days[0]).items
    now = doses.plan_items_now(user, doc)
    templates = []
    for item in items:
        for s in now[item.exercise].sides:
            step = lib[item.exercise].ladder[s.rung]
            templates.append(
                {
                    "plan_id": str(plan.id),
                    "day": plans.weekday_of(today),
                    "session": 1,
                    "performed_on": today.isoformat(),
                    "exercise": item.exercise,
                    "side": s.side,
                    "rung": s.rung,
                    "sets_done": step.sets,
                    "reps_done": step.reps,
                    "hold_s_done": step.hold_s,
                    "pain_during": 1,
                    "effort": 5,
                }
            )
    return {
        "password": password,
        "plan_id": str(plan.id),
        "today": today.isoformat(),
        "weekday": plans.weekday_of(today),
        "today_items": len(today_day.items) if today_day else 0,
        "first_day": first.isoformat(),
        "sessions": len(sessions),
        "logs": len(logs),
        "decisions": len(decisions),
        "actions": dict(Counter(d.action for d in decisions)),
        "seconds": time.perf_counter() - started,
        "log_table": ExerciseLogRecord._meta.db_table,
        "write_templates": templates,
    }


def _where(path: str) -> str:
    """A source path from its package on: hipalign/..., django/..."""
    for marker in ("/site-packages/", "/src/", "/lib/python"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def print_profile(prof: Any, top: int = 15) -> None:
    """Top functions of the app by cumulative time, then any function by own time."""
    import pstats

    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    rows = [
        (ct, tt, nc, f"{_where(f)}:{line}({fn})")
        for (f, line, fn), (_, nc, tt, ct, _) in stats.items()
    ]
    total = max(r[0] for r in rows)
    print(f"    app functions by cumulative time (request: {total * 1000:.1f} ms under cProfile):")
    app = sorted((r for r in rows if r[3].startswith("hipalign/")), reverse=True)
    for ct, _, nc, name in app[:top]:
        print(f"    {ct * 1000:8.1f} ms {ct / total:4.0%} {nc:>7}x  {name}")
    print("    any function by own time:")
    for _, tt, nc, name in sorted(rows, key=lambda r: -r[1])[:10]:
        print(f"    {tt * 1000:8.1f} ms {tt / total:4.0%} {nc:>7}x  {name}")


def profile(data_dir: Path) -> None:
    """Profile one request per page in-process (Django test client), after a warm-up."""
    import cProfile
    import statistics

    from hipalign.web.server import prepare

    prepare(data_dir)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username=USERNAME))
    for page in PAGES:
        for _ in range(5):
            assert client.get(page).status_code == 200, page
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            client.get(page)
            times.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(page)
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(
            f"\nGET {page} in-process (Django test client, no HTTP): median of 20 "
            f"{statistics.median(times):.1f} ms; {len(queries)} SQL queries, {sql_ms:.1f} ms "
            "executing them (fetching rows and making objects of them is not included)"
        )
        prof = cProfile.Profile()
        prof.enable()
        client.get(page)
        prof.disable()
        print_profile(prof)


def child(argv: list[str]) -> None:
    what, data_dir = argv[0], Path(argv[1])
    if what == "_seed":
        print(json.dumps(seed(data_dir)))
    else:
        profile(data_dir)


# --- load generator -------------------------------------------------------------------------


class Browser:
    """One simulated user: a keep-alive connection and its own cookie jar."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.session_id = ""  # the player's session the next logs belong to
        self.session_logs = 0

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=h)
            resp = self.conn.getresponse()
            data = resp.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # http.client reconnects on the next request
            raise
        for raw in resp.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return resp.status, data

    def login(self, username: str, password: str) -> None:
        self.request("GET", "/login")
        form = {"username": username, "password": password}
        form["csrfmiddlewaretoken"] = self.cookies["csrftoken"]
        status, _ = self.request(
            "POST",
            "/login",
            urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{self.base}/login"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login failed: HTTP {status}")

    def post_json(self, path: str, doc: dict[str, Any]) -> tuple[int, bytes]:
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": self.cookies["csrftoken"],
            "Referer": f"{self.base}/today",
        }
        return self.request("POST", path, json.dumps(doc).encode(), headers)


@dataclass
class Run:
    """One measured load level: latencies of the answers with the expected status."""

    workers: int
    wall_s: float
    ok_ms: list[float]
    statuses: Counter[int | str]
    first_error: str = ""

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def pct(self, p: float) -> float:
        if not self.ok_ms:
            return math.nan
        s = sorted(self.ok_ms)
        return s[max(0, math.ceil(p / 100 * len(s)) - 1)]

    def summary(self) -> dict[str, Any]:
        return {
            "concurrency": self.workers,
            "requests": self.total,
            "ok": len(self.ok_ms),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=str)},
            "median_ms": round(self.pct(50), 2),
            "p95_ms": round(self.pct(95), 2),
            "p99_ms": round(self.pct(99), 2),
            "per_s": round(len(self.ok_ms) / self.wall_s, 1) if self.wall_s else 0.0,
            "first_error": self.first_error,
        }


def drive(
    browsers: list[Browser], total: int, one: Callable[[Browser, int], tuple[int, bytes]], ok: int
) -> Run:
    """`total` calls of `one`, shared by one thread per browser, all started together."""
    lock = threading.Lock()
    issued = 0
    ok_ms: list[float] = []
    statuses: Counter[int | str] = Counter()
    errors: list[str] = []
    barrier = threading.Barrier(len(browsers) + 1)

    def work(b: Browser) -> None:
        nonlocal issued
        barrier.wait()
        while True:
            with lock:
                if issued >= total:
                    return
                i = issued
                issued += 1
            t0 = time.perf_counter()
            status: int | str
            try:
                status, body = one(b, i)
            except (http.client.HTTPException, OSError) as exc:
                status, body = type(exc).__name__, str(exc).encode()
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                statuses[status] += 1
                if status == ok:
                    ok_ms.append(ms)
                elif not errors:
                    errors.append(f"{status}: {body[:300].decode(errors='replace')}")

    threads = [threading.Thread(target=work, args=(b,), daemon=True) for b in browsers]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return Run(
        len(browsers), time.perf_counter() - t0, ok_ms, statuses, errors[0] if errors else ""
    )


def get(page: str) -> Callable[[Browser, int], tuple[int, bytes]]:
    return lambda b, _i: b.request("GET", page)


def warm_up(browser: Browser) -> None:
    """Imports, template loading, SQLite page cache."""
    for page in PAGES:
        drive([browser], 20, get(page), 200)


def think_drive(
    browsers: list[Browser], page: str, think_s: float, warmup_s: float, duration_s: float
) -> Run:
    """Each user: GET page, then think (exponential, mean think_s), again; all started together.

    Requests started in [warm-up end, warm-up end + duration) are measured; a user starts no
    request after that window. Each user begins after a first think time of its own, as if it
    had been reading already, so users do not arrive in one synchronised burst.
    """
    lock = threading.Lock()
    ok_ms: list[float] = []
    statuses: Counter[int | str] = Counter()
    errors: list[str] = []
    barrier = threading.Barrier(len(browsers) + 1)
    start = 0.0  # set by the main thread before the barrier opens

    def pause(rng: random.Random) -> float:
        return rng.expovariate(1 / think_s) if think_s > 0 else 0.0

    def work(i: int, b: Browser) -> None:
        rng = random.Random(f"{page}:{len(browsers)}:{i}")
        barrier.wait()
        measure_from = start + warmup_s
        end = measure_from + duration_s
        wake = start + pause(rng)
        while wake < end:
            time.sleep(max(0.0, wake - time.perf_counter()))
            t0 = time.perf_counter()
            status: int | str
            try:
                status, body = b.request("GET", page)
            except (http.client.HTTPException, OSError) as exc:
                status, body = type(exc).__name__, str(exc).encode()
            t1 = time.perf_counter()
            if t0 >= measure_from:
                with lock:
                    statuses[status] += 1
                    if status == 200:
                        ok_ms.append((t1 - t0) * 1000)
                    elif not errors:
                        errors.append(f"{status}: {body[:300].decode(errors='replace')}")
            wake = t1 + pause(rng)

    threads = [
        threading.Thread(target=work, args=(i, b), daemon=True) for i, b in enumerate(browsers)
    ]
    for t in threads:
        t.start()
    start = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join()
    return Run(len(browsers), duration_s, ok_ms, statuses, errors[0] if errors else "")


def measure_think(
    browsers: list[Browser], levels: list[int], think_s: float, warmup_s: float, duration_s: float
) -> list[dict[str, Any]]:
    out = []
    for users in levels:
        for page in PAGES:
            # Every user's connection open and warm (waitress closes idle ones after 120 s).
            drive(browsers[:users], users, get(page), 200)
            run = think_drive(browsers[:users], page, think_s, warmup_s, duration_s)
            r = {"page": page, **run.summary()}
            r["target"] = "PASS" if r["p95_ms"] < TARGET_P95_MS else "MISS"
            out.append(r)
    return out


def measure_saturation(
    browsers: list[Browser], levels: list[int], requests: int
) -> list[dict[str, Any]]:
    out = []
    for users in levels:
        group = browsers[:users]
        for page in PAGES:
            drive(group, users, get(page), 200)  # each user's connection is open and warm
            run = drive(group, max(requests, 4 * users), get(page), 200)
            r = {"page": page, **run.summary()}
            # Little's law: with `users` requests always in flight, latency = users / throughput.
            r["users_over_throughput_ms"] = (
                round(users / r["per_s"] * 1000, 1) if r["per_s"] else math.nan
            )
            out.append(r)
    return out


@dataclass
class Writes:
    templates: list[dict[str, Any]]
    sent: list[dict[str, Any]] = field(default_factory=list)  # bodies answered 201

    def one(self, b: Browser, _i: int) -> tuple[int, bytes]:
        if not b.session_id or b.session_logs == len(self.templates):
            b.session_id, b.session_logs = str(uuid.uuid4()), 0
        doc = {
            **self.templates[b.session_logs],
            "client_id": f"bench-{uuid.uuid4().hex}",
            "session_id": b.session_id,
        }
        b.session_logs += 1
        status, body = b.post_json("/api/logs", doc)
        if status == 201:
            self.sent.append(doc)
        return status, body


def count_rows(db: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as con:
        return int(con.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])


def measure_writes(
    browsers: list[Browser], levels: list[int], writes: int, seeded: dict[str, Any], db: Path
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    w = Writes(seeded["write_templates"])
    table = seeded["log_table"]
    drive(browsers[:1], 5, w.one, 201)  # warm-up
    out = []
    for n in levels:
        before, sent_before = count_rows(db, table), len(w.sent)
        run = drive(browsers[:n], max(writes, 4 * n), w.one, 201)
        added = count_rows(db, table) - before
        answered = len(w.sent) - sent_before
        out.append({**run.summary(), "rows_added": added, "lost": answered - added})
    replays = w.sent[:REPLAYS]
    before = count_rows(db, table)
    replay = drive(
        browsers[: max(levels)],
        len(replays),
        lambda b, i: b.post_json("/api/logs", replays[i]),
        200,
    )
    return out, {**replay.summary(), "new_rows": count_rows(db, table) - before}


# --- server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pinning() -> bool:
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    return shutil.which("taskset") is not None and {0, 1} <= cpus


@contextlib.contextmanager
def server(data_dir: Path, env: dict[str, str], pin: bool) -> Iterator[int]:
    port = free_port()
    exe = Path(sys.executable).parent / "hipalign"
    cmd = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--data", str(data_dir), "--threads", str(SERVER_THREADS)]
    if pin:
        cmd = ["taskset", "-c", "0", *cmd]
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"server exited ({proc.returncode}):\n{tail(data_dir / 'server.log')}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"no /healthz after 60 s:\n{tail(data_dir / 'server.log')}")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def tail(path: Path, lines: int = 20) -> str:
    return (
        "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
    )


# --- report -----------------------------------------------------------------------------------


def _pct_note(n: int) -> str:
    """Mark percentiles that few samples cannot tell apart from the slowest answer."""
    return "" if n >= 100 else ("  (p99 = slowest)" if n >= 20 else "  (p95, p99 = slowest)")


def print_report(result: dict[str, Any]) -> None:
    s = result["seed"]
    tt, sat, lg = result["think_time"], result["saturation"], result["logins"]
    print(
        "\nserver time = client-measured latency on loopback (127.0.0.1, keep-alive); "
        f"{SERVER_THREADS} server threads; {result['pinning']}"
    )
    load = result["loadavg_1m"]
    print(
        f"machine: {result['cpus']} CPUs, 1-minute load average {load['before']:.1f} before, "
        f"{load['after']:.1f} after (well above 0 means other work shared the CPUs: noisy tails)"
    )
    print(
        f"sessions: {lg['logins']} HTTP logins (Argon2) in {lg['seconds']:.1f} s; "
        f"{lg['users']} simulated users share them round robin "
        f"(up to {lg['users_per_session']} users per session, each on its own connection)"
    )
    print(
        f"/today on {s['today']} ({s['weekday']}): {s['today_items']} plan items in today's session"
    )

    print(
        f"\n1. Concurrent users (think time): each user GETs the page, then reads it for an "
        f"exponential think time (mean {tt['think_s']:g} s, seeded per user), {tt['duration_s']:g} s "
        f"measured per page and level after {tt['warmup_s']:g} s warm-up."
    )
    print(f"   Target p95 < {TARGET_P95_MS:.0f} ms is judged on this table.")
    head = f"   {'GET':<8}{'users':>6}{'reqs':>6}{'err':>5}{'median':>9}{'p95':>9}{'p99':>9}{'req/s':>8}"
    print(f"{head}  target")
    for r in tt["runs"]:
        print(
            f"   {r['page']:<8}{r['concurrency']:>6}{r['requests']:>6}{r['requests'] - r['ok']:>5}"
            f"{r['median_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['per_s']:>8.1f}"
            f"  {r['target']}{_pct_note(r['ok'])}"
        )
    for r in tt["runs"]:
        if r["first_error"]:
            print(f"   {r['page']} x{r['concurrency']} first error: {r['first_error']}")
    print("   (ms; req/s = answers per second of the measured window)")

    print(
        f"\n2. Saturation (closed loop, no think time): each user requests the page back to back, "
        f"{sat['requests']} requests per page and level (more at high levels: 4 per user)."
    )
    print(
        "   Throughput is the figure here. The latency is queueing, not page cost: with every "
        "user always waiting, latency ~ users / throughput (Little's law); no target applies."
    )
    print(
        f"   {'GET':<8}{'users':>6}{'reqs':>6}{'err':>5}{'req/s':>8}{'median':>9}{'p95':>9}"
        f"{'users/(req/s)':>15}"
    )
    for r in sat["runs"]:
        print(
            f"   {r['page']:<8}{r['concurrency']:>6}{r['requests']:>6}{r['requests'] - r['ok']:>5}"
            f"{r['per_s']:>8.1f}{r['median_ms']:>9.1f}{r['p95_ms']:>9.1f}"
            f"{r['users_over_throughput_ms']:>15.1f}"
        )
    for r in sat["runs"]:
        if r["first_error"]:
            print(f"   {r['page']} x{r['concurrency']} first error: {r['first_error']}")
    print("   (ms; at 1 user nothing queues: that row is the unloaded time of one request)")

    print(
        f"\n3. Log writes (closed loop)\n   {'POST /api/logs':<16}{'writes':>7}{'201':>6}{'other':>7}{'median':>9}{'p95':>9}{'writes/s':>10}  rows"
    )
    for r in result["writes"]:
        lost = "0 lost" if r["lost"] == 0 else f"{r['lost']} LOST (201 answers minus rows added)"
        print(
            f"   {str(r['concurrency']) + ' writer(s)':<16}{r['requests']:>7}{r['ok']:>6}{r['requests'] - r['ok']:>7}"
            f"{r['median_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['per_s']:>10.1f}  +{r['rows_added']}, {lost}"
        )
        if r["first_error"]:
            print(f"   first non-201: {r['first_error']}")
    rp = result["replay"]
    verdict = "OK" if rp["ok"] == rp["requests"] and rp["new_rows"] == 0 else "WRONG"
    print(
        f"   replay of {rp['requests']} sent client_ids ({rp['concurrency']} writers): "
        f"answers {rp['statuses']}, {rp['new_rows']} new rows, median {rp['median_ms']:.1f} ms, "
        f"p95 {rp['p95_ms']:.1f} ms: {verdict}"
    )
    if rp["requests"] == 0:
        print("   (nothing to replay: no log was accepted)")


def parse_levels(text: str) -> list[int]:
    levels = [int(x) for x in text.split(",") if x.strip()]
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("give positive whole numbers, comma separated")
    return levels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users", type=parse_levels, default=[1, 10, 50], help="concurrent readers"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean think time in seconds between a user's requests (exponential)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=20.0,
        help="measured seconds per page and level with think time",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=3.0,
        help="unmeasured seconds before each think-time measurement",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=200,
        help="saturation: requests per page and level (at least 4 per user)",
    )
    parser.add_argument(
        "--logins",
        type=int,
        default=10,
        help="at most this many HTTP logins; the other users share their sessions",
    )
    parser.add_argument("--writers", type=parse_levels, default=[1, 10], help="concurrent writers")
    parser.add_argument(
        "--writes", type=int, default=200, help="log writes per level (at least 4 per writer)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--profile", action="store_true", help="always profile one request per page"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data folder and server log")
    args = parser.parse_args()
    if args.think < 0 or args.duration <= 0 or args.warmup < 0 or args.logins < 1:
        parser.error("--think and --warmup must be >= 0, --duration > 0, --logins >= 1")
    began = time.perf_counter()
    # Clean up on Ctrl-C and kill, also when started in the background (SIGINT ignored there).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    load_before = os.getloadavg()
    data_dir = Path(tempfile.mkdtemp(prefix="hipalign-web-speed-"))
    env = {**os.environ, "HIPALIGN_ENV": "local", "HIPALIGN_DATA": str(data_dir)}
    # The load is one person writing ~110 logs/s from one address: above the API rate limits,
    # which are not what this measures.
    env.setdefault("HIPALIGN_RATE_LIMITS", "api=1000000/m,api_ip=1000000/m,login_ip=100000/10m")
    env.pop("HIPALIGN_DATABASE", None)
    try:
        me = [sys.executable, str(Path(__file__).resolve())]
        print(f"seeding {data_dir} ...", flush=True)
        done = subprocess.run(
            [*me, "_seed", str(data_dir)], env=env, check=True, capture_output=True, text=True
        )
        seeded = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"seeded 1 person, {seeded['first_day']} .. {seeded['today']} (excl.): {seeded['sessions']} "
            f"sessions, {seeded['logs']} exercise logs, {seeded['decisions']} decisions "
            f"{seeded['actions']} in {seeded['seconds']:.1f} s"
        )
        pin = pinning()
        how = (
            "server on CPU 0, load generator on CPU 1"
            if pin
            else "not pinned (no taskset or < 2 CPUs)"
        )
        with server(data_dir, env, pin) as port:
            if pin:
                os.sched_setaffinity(0, {1})  # the threads started below inherit it
            browsers = [Browser(port) for _ in range(max(max(args.users), max(args.writers)))]
            logged_in = browsers[: args.logins]
            t0 = time.perf_counter()
            for b in logged_in:
                b.login(USERNAME, seeded["password"])
            logins = {
                "logins": len(logged_in),
                "seconds": round(time.perf_counter() - t0, 2),
                "users": len(browsers),
                "users_per_session": math.ceil(len(browsers) / len(logged_in)),
            }
            for i, b in enumerate(browsers[len(logged_in) :]):
                b.cookies = dict(logged_in[i % len(logged_in)].cookies)
            print(
                f"{len(logged_in)} logins over HTTP in {logins['seconds']:.1f} s, shared by "
                f"{len(browsers)} simulated users",
                flush=True,
            )
            warm_up(browsers[0])
            print(
                f"1. think time: {len(args.users)} levels x {len(PAGES)} pages x "
                f"({args.warmup:g} s warm-up + {args.duration:g} s) ...",
                flush=True,
            )
            think = measure_think(browsers, args.users, args.think, args.warmup, args.duration)
            print("2. saturation ...", flush=True)
            saturation = measure_saturation(browsers, args.users, args.requests)
            print("3. writes ...", flush=True)
            db = data_dir / "hipalign.sqlite3"
            writes, replay = measure_writes(browsers, args.writers, args.writes, seeded, db)
        if pin:
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
        result = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "pinning": how,
            "cpus": os.cpu_count(),
            "loadavg_1m": {"before": load_before[0], "after": os.getloadavg()[0]},
            "target_p95_ms": TARGET_P95_MS,
            "seed": {k: v for k, v in seeded.items() if k not in {"password", "write_templates"}},
            "logins": logins,
            "think_time": {
                "think_s": args.think,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "target_judged_here": True,
                "runs": think,
            },
            "saturation": {
                "requests": args.requests,
                "note": "closed loop, no think time: latency ~ users / throughput; no target",
                "runs": saturation,
            },
            "writes": writes,
            "replay": replay,
        }
        result["seconds"] = round(time.perf_counter() - began, 1)
        print_report(result)
        print(f"\nwhole run: {result['seconds']:.0f} s")
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n")
            print(f"\nfigures written to {args.json}")
        single_miss = any(r["target"] == "MISS" and r["concurrency"] == 1 for r in think)
        if args.profile or single_miss:
            print("\nwhere the time goes (one user missed the target, or --profile):", flush=True)
            subprocess.run([*me, "_profile", str(data_dir)], env=env, check=True)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except subprocess.CalledProcessError as exc:
        print(f"child process failed ({exc.returncode}):\n{exc.stderr or ''}", file=sys.stderr)
        raise SystemExit(2) from None
    finally:
        if args.keep:
            print(f"\nkept {data_dir} (server log: {data_dir / 'server.log'})")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in {"_seed", "_profile"}:
        child(sys.argv[1:])
    else:
        main()
