"""Background jobs on Django's Tasks framework (issue 19): keys, retries, crashed workers, and
real `hipalign worker` processes on one database (SQLite file, or PostgreSQL in its pass)."""

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hipalign.adapters.db.models import JobRecord, WorkerBeat
from hipalign.core.errors import InputError
from hipalign.services.kernel.jobs import job_enqueue
from hipalign.services.ops.worker import jobs_reap, jobs_run_pending, worker_run
from tests import scratch_db
from tests.services.jobs_mode import jobs_mode

ROOT = Path(__file__).resolve().parents[2]
CALLS: list[tuple[str, Any]] = []


def works(*, n: int) -> None:
    CALLS.append(("works", n))


def breaks(*, n: int) -> None:
    CALLS.append(("breaks", n))
    raise RuntimeError(f"boom {n}")


def told(*, n: int, reason: str) -> None:
    CALLS.append(("told", reason))


@pytest.fixture(autouse=True)
def _calls() -> None:
    CALLS.clear()


@pytest.mark.django_db
def test_a_key_is_queued_and_run_once() -> None:
    with jobs_mode("worker"):
        assert job_enqueue(key="k1", body=f"{__name__}.works", n=1) is True
        assert job_enqueue(key="k1", body=f"{__name__}.works", n=2) is False  # changes nothing
        assert DBTaskResult.objects.count() == 1
        assert jobs_run_pending() == 1
        assert jobs_run_pending() == 0
    assert CALLS == [("works", 1)]
    assert JobRecord.objects.get(key="k1").state == "done"


@pytest.mark.django_db
def test_a_body_that_raises_is_retried_after_its_backoff_then_given_up_with_the_reason() -> None:
    with jobs_mode("worker", JOB_MAX_TRIES=2, JOB_BACKOFF_S=[300.0]):
        job_enqueue(key="k2", body=f"{__name__}.breaks", give_up=f"{__name__}.told", n=7)
        assert jobs_run_pending() == 1
        job = JobRecord.objects.get(key="k2")
        assert job.state == "queued" and job.tries == 1 and "boom 7" in job.error
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after >= timezone.now() + timedelta(seconds=290)  # the backoff
        assert DBTaskResult.objects.filter(status="FAILED").count() == 1
        assert jobs_run_pending() == 0  # not before its time
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        assert jobs_run_pending() == 1
    job.refresh_from_db()
    assert job.state == "failed" and job.tries == 2
    assert CALLS == [("breaks", 7), ("breaks", 7), ("told", "RuntimeError: boom 7")]


@pytest.mark.django_db
def test_inline_a_body_that_raises_fails_at_once_and_is_never_queued() -> None:
    with jobs_mode("inline"):
        job_enqueue(key="k3", body=f"{__name__}.breaks", give_up=f"{__name__}.told", n=3)
    assert CALLS == [("breaks", 3), ("told", "RuntimeError: boom 3")]
    assert JobRecord.objects.get(key="k3").state == "failed"
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_the_worker_refuses_to_start_when_jobs_run_inline() -> None:
    with jobs_mode("inline"), pytest.raises(InputError) as exc:
        worker_run(once=True)
    assert "HIPALIGN_JOBS=worker" in exc.value.problems[0]


@pytest.mark.django_db
def test_a_live_workers_running_try_is_left_alone_and_a_silent_ones_is_taken_back() -> None:
    with jobs_mode("worker", JOB_BACKOFF_S=[0.0]):
        job_enqueue(key="k4", body=f"{__name__}.works", n=4)
        long_ago = timezone.now() - timedelta(hours=1)
        DBTaskResult.objects.update(status="RUNNING", started_at=long_ago, worker_ids=["w-live"])
        JobRecord.objects.update(state="running", tries=1)
        WorkerBeat.objects.create(worker_id="w-live", beat_at=timezone.now(), pid=1)
        assert jobs_reap() == 0  # a long job of a live worker is not run twice
        WorkerBeat.objects.update(beat_at=long_ago)
        assert jobs_reap() == 1
        assert JobRecord.objects.get(key="k4").state == "queued"
        assert jobs_run_pending() == 1
    assert CALLS == [("works", 4)]


def _race(tmp_path: Path, *args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))} | {
        "HIPALIGN_ENV": "local",
        "HIPALIGN_DATA": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "hipalign.web.settings",
        "HIPALIGN_JOBS": "worker",
        # fast heartbeats, so the killed worker is noticed in seconds; not faster, or a live
        # worker whose beat waits behind the other's writes on a loaded machine looks dead
        "HIPALIGN_WORKER_BEAT_S": "0.5",
        "HIPALIGN_WORKER_DEAD_S": "5",
        "HIPALIGN_JOB_BACKOFF_S": "0",
    }
    drop = None
    if connection.vendor == "postgresql":  # a fresh database of its own on the same server
        url = os.environ["HIPALIGN_DATABASE_URL"]
        name = f"hipalign_jobs_{uuid.uuid4().hex[:8]}"
        scratch_db.create(name)
        env["HIPALIGN_DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        drop = name
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.services.jobs_race", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    finally:
        if drop:
            scratch_db.drop(drop)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# transaction=True: on PostgreSQL, CREATE DATABASE cannot run inside pytest's transaction.
@pytest.mark.django_db(transaction=True)
def test_two_workers_run_200_queued_jobs_each_exactly_once(tmp_path: Path) -> None:
    out = _race(tmp_path, "many", "200", "2")
    assert out["exit"] == [0, 0] and out["errors"] == []
    assert out["again"] is False  # the same key queued nothing more
    assert (out["runs"], out["distinct"]) == (200, 200), out
    assert out["jobs"] == {"done": 200} and out["tries"] == [1]
    assert out["results"] == {"SUCCESSFUL": 200}


@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_worker_killed_mid_job_is_run_again_by_the_other(tmp_path: Path) -> None:
    out = _race(tmp_path, "kill")
    assert out["killed"] == -9
    assert out["starts"] == [out["first"], out["second"]]  # started by the first, again by the 2nd
    assert out["dones"] == [out["second"]]
    assert out["jobs"] == {"done": 1} and out["tries"] == [2]
    assert out["results"] == {"FAILED": 1, "SUCCESSFUL": 1}  # the killed try, then the good one


@pytest.mark.django_db
def test_a_periodic_slot_is_queued_once_however_many_workers_ask_and_runs() -> None:
    from hipalign.services.ops.periodic import periodic_enqueue

    t0 = timezone.now().replace(second=1, microsecond=0)
    with jobs_mode("worker"):
        assert periodic_enqueue(now=t0) == 2  # the minute's reminders and the day's pruning
        assert periodic_enqueue(now=t0 + timedelta(seconds=30)) == 0  # same minute, another worker
        assert jobs_run_pending() == 2  # the reminders of that minute (nobody opted in here)
        assert periodic_enqueue(now=t0 + timedelta(minutes=1)) == 1
        assert JobRecord.objects.filter(key__startswith="every:reminders:").count() == 2
        assert periodic_enqueue(now=t0 + timedelta(days=2)) == 2
    # the finished slot of two days before is dropped; the queued one and the new one stay
    assert JobRecord.objects.filter(key__startswith="every:reminders:").count() == 2


@pytest.mark.django_db
def test_the_daily_prune_drops_old_finished_tries_and_keeps_recent_ones_and_the_job_record() -> (
    None
):
    from hipalign.services.ops.periodic import TASK_RESULTS_KEEP_DAYS, task_results_prune

    with jobs_mode("worker"):
        job_enqueue(key="old", body=f"{__name__}.works", n=1)
        job_enqueue(key="new", body=f"{__name__}.works", n=2)
        assert jobs_run_pending() == 2
        old = JobRecord.objects.get(key="old").result_id
        DBTaskResult.objects.filter(id=old).update(
            finished_at=timezone.now() - timedelta(days=TASK_RESULTS_KEEP_DAYS + 1)
        )
        task_results_prune()
    assert not DBTaskResult.objects.filter(id=old).exists()
    assert DBTaskResult.objects.filter(id=JobRecord.objects.get(key="new").result_id).exists()
    assert set(JobRecord.objects.values_list("key", "state")) >= {("old", "done"), ("new", "done")}


class _Ticks:
    """A stop event whose wait() lets `ticks` ticks through, then says stop."""

    def __init__(self, ticks: int) -> None:
        self.left = ticks

    def wait(self, timeout: float | None = None) -> bool:
        self.left -= 1
        return self.left < 0


@pytest.mark.django_db
def test_with_jobs_inline_the_serve_clock_runs_each_minutes_reminders_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The laptop install has no worker: without this clock no reminder ever went out.
    from hipalign.services.ops.periodic import inline_clock

    # The clock's close_old_connections() is for its own thread; here it would close the test's
    # connection mid-transaction, so it is stood down.
    monkeypatch.setattr("hipalign.services.ops.periodic.close_old_connections", lambda: None)
    with jobs_mode("inline"):
        inline_clock(stop=_Ticks(3), every_s=0)  # type: ignore[arg-type]
    reminders = JobRecord.objects.filter(key__startswith="every:reminders:")
    assert 1 <= reminders.count() <= 2  # three ticks inside one minute, or across its end
    assert set(reminders.values_list("state", flat=True)) == {"done"}
