"""Run by test_jobs.py in a subprocess: real `hipalign worker` processes on one database.

The pytest database is in-memory SQLite (or a PostgreSQL database inside pytest's transaction),
which other processes cannot see; this script uses the production settings on a throwaway data
folder (SQLite file) or a fresh PostgreSQL database, queues jobs, starts workers as the operator
would, and prints one JSON object with what happened.

    python -m tests.services.jobs_race many N WORKERS   N jobs, WORKERS workers with --once
    python -m tests.services.jobs_race kill             a worker SIGKILLed mid-job, another on
The job bodies below append one line per run to a file (O_APPEND: whole lines from any number
of processes), so "each exactly once" is read from the file, not from the queue's own records."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parents[2]
SLOW_S = 60.0  # the first try of the slow job: long enough to be killed in the middle


def record(*, n: int, path: str) -> None:
    with open(path, "a") as fh:
        fh.write(f"{n} {os.getpid()}\n")


def slow(*, path: str) -> None:
    """Sleeps through its first try (the one killed); later tries finish at once."""
    runs = Path(path).read_text().count("start") if Path(path).exists() else 0
    with open(path, "a") as fh:
        fh.write(f"start {os.getpid()}\n")
    if runs == 0:
        time.sleep(SLOW_S)
    with open(path, "a") as fh:
        fh.write(f"done {os.getpid()}\n")


def _worker(data: Path, *extra: str) -> subprocess.Popen[bytes]:
    hipalign = Path(sys.executable).parent / "hipalign"
    return subprocess.Popen(
        [str(hipalign), "worker", "--data", str(data), *extra],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(path: Path, text: str, timeout_s: float = 60.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if path.exists() and text in path.read_text():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{text!r} never appeared in {path}")


def _states() -> dict[str, Any]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from hipalign.adapters.db.models import JobRecord

    jobs = JobRecord.objects.exclude(key__startswith="every:")  # not the workers' periodic ones
    results = DBTaskResult.objects.exclude(args_kwargs__kwargs__key__startswith="every:")
    return {
        "jobs": dict(jobs.values_list("state").annotate(n=Count("key"))),
        "tries": sorted(jobs.values_list("tries", flat=True).distinct()),
        "results": dict(results.values_list("status").annotate(n=Count("id"))),
    }


def many(data: Path, n: int, workers: int) -> dict[str, Any]:
    from hipalign.services.kernel.jobs import job_enqueue

    out = data / "runs.txt"
    for i in range(n):
        job_enqueue(key=f"race:{i}", body="tests.services.jobs_race.record", n=i, path=str(out))
    again = job_enqueue(key="race:0", body="tests.services.jobs_race.record", n=0, path=str(out))
    procs = [_worker(data, "--once") for _ in range(workers)]
    errors = [p.communicate(timeout=300)[1].decode()[-2000:] for p in procs]
    lines = out.read_text().split()
    runs = [int(x) for x in lines[0::2]]
    return {
        "again": again,
        "exit": [p.returncode for p in procs],
        "errors": [e for e in errors if "Traceback" in e],
        "runs": len(runs),
        "distinct": len(set(runs)),
        "pids": len(set(lines[1::2])),
        **_states(),
    }


def kill(data: Path) -> dict[str, Any]:
    from hipalign.services.kernel.jobs import job_enqueue

    out = data / "slow.txt"
    job_enqueue(key="slow", body="tests.services.jobs_race.slow", path=str(out))
    first = _worker(data)
    _wait_for(out, "start")
    first.send_signal(signal.SIGKILL)  # mid-job: no handler runs, the try stays "running"
    first.wait(timeout=30)
    second = _worker(data)
    _wait_for(out, "done")
    time.sleep(0.5)  # let it record the try
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=30)
    text = out.read_text().split("\n")
    return {
        "killed": first.returncode,
        "starts": [line.split()[1] for line in text if line.startswith("start")],
        "dones": [line.split()[1] for line in text if line.startswith("done")],
        "first": str(first.pid),
        "second": str(second.pid),
        **_states(),
    }


def main() -> None:
    data = Path(os.environ["HIPALIGN_DATA"])
    from hipalign.web.server import prepare

    prepare(data)  # migrations, as `hipalign serve` would
    django.setup()
    what = sys.argv[1]
    result = many(data, int(sys.argv[2]), int(sys.argv[3])) if what == "many" else kill(data)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
