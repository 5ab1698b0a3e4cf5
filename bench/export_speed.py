"""Time and peak memory of a 20,000-log FHIR export, built whole (before) and streamed (after).

Run: uv run python bench/export_speed.py [--logs 20000] [--runs 3]

A fresh data folder (tempfile, SQLite) is migrated and seeded with one person: a plan, then
--logs exercise logs, five per session, each session with next-morning pain (so about 24,000
pain observations). Then, --runs times each:
- before: `fhir_build` then `model_dump_json`, the whole bundle as one model, read back and
  validated, then written out (what the download did before issue 12, item 5);
- after: `fhir_stream`, the bundle written one resource at a time, consumed chunk by chunk as
  the server sends it (nothing kept).
- handout: the PDF handout of the same plan (`handout_build`), which a test once timed (timed
  assertions belong here, not in tests);
Printed: median seconds of the runs, peak traced Python memory of one more run (tracemalloc,
MB; traced separately, as tracing slows a run several times over), and the document's size. Figures only; no target is asserted. The data folder is removed at the end.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(data: str) -> None:
    os.environ["HIPALIGN_DATA"] = data
    os.environ.setdefault("HIPALIGN_ENV", "local")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hipalign.web.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(n_logs: int) -> object:
    from django.contrib.auth.models import User
    from tests.core.conftest import intake_doc

    from hipalign.adapters.db.models import ExerciseLogRecord, SessionRecord
    from hipalign.core.vocab import WEEKDAYS
    from hipalign.services.program import plans

    today = date.today()
    user = User.objects.create_user("bench_export", password="x" * 20)
    plan = plans.intake_submit(user, intake_doc(), today - timedelta(days=3000))
    sessions, logs = [], []
    per_session = 5
    for i in range(n_logs // per_session):
        day = today - timedelta(days=i // 2 + 1)
        s = SessionRecord(
            id=uuid.uuid4(),
            user=user,
            plan=plan,
            day=WEEKDAYS[day.weekday()],
            session=1 + i % 2,
            performed_on=day,
            pain_next_morning=i % 4,
        )
        sessions.append(s)
        for k in range(per_session):
            logs.append(
                ExerciseLogRecord(
                    user=user,
                    client_id=f"bench-{i}-{k}",
                    payload_hash="0" * 64,
                    session=s,
                    exercise_id="glute_bridge",
                    side=None,
                    rung=1,
                    sets_done=1,
                    reps_done=8,
                    hold_s_done=2,
                    pain_during=(i + k) % 4,
                    performed_on=day,
                )
            )
    SessionRecord.objects.bulk_create(sessions, batch_size=1000)
    ExerciseLogRecord.objects.bulk_create(logs, batch_size=1000)
    return user


def _measure(run: Callable[[], int], runs: int) -> tuple[float, float, int]:
    """Median time of `runs` plain runs, then one more run under tracemalloc for the peak (the
    tracing slows a run several times over, so it is kept out of the timing)."""
    times, size = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        size = run()
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--logs", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    data = tempfile.mkdtemp(prefix="hipalign-bench-export-")
    try:
        _setup(data)
        user = _seed(args.logs)
        from hipalign.services.portability import fhir, handout
        from hipalign.services.portability.exports import plan_view

        def before() -> int:
            return len(fhir.fhir_build(user).model_dump_json(indent=1))  # type: ignore[arg-type]

        def after() -> int:
            return sum(len(c) for c in fhir.fhir_stream(user, user))  # type: ignore[arg-type]

        def pdf() -> int:
            view = plan_view(user)  # type: ignore[arg-type]
            return len(handout.handout_build(view, "bench", date.today()))

        print(f"FHIR export of {args.logs} logs, {args.runs} runs each (median s, peak MB):")
        runs = (
            ("before (whole bundle)", before),
            ("after (streamed)", after),
            ("PDF handout", pdf),
        )
        for name, run in runs:
            median, peak, size = _measure(run, args.runs)
            print(f"  {name:22s} {median:6.2f} s   peak {peak:7.1f} MB   {size / 2**20:.1f} MB")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
