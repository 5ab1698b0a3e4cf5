"""Concurrent log writes against the app's real SQLite configuration (RELIABILITY.md H1, H3)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.services.concurrent_logs import LOGS_PER_THREAD, THREADS

ROOT = Path(__file__).resolve().parents[2]


def test_concurrent_resends_store_one_log_and_concurrent_logs_are_all_stored(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))} | {
        "HIPALIGN_ENV": "local",
        "HIPALIGN_DATA": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "hipalign.web.settings",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "tests.services.concurrent_logs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])

    assert all(isinstance(r, list) for r in out["same"]), out["same"]
    assert sorted(created for created, _ in out["same"]) == [False] * (THREADS - 1) + [True]
    assert len({log_id for _, log_id in out["same"]}) == 1
    assert out["same_rows"] == 1
    assert out["distinct"] == [LOGS_PER_THREAD] * THREADS, out["distinct"]
    assert out["logs"] == 1 + THREADS * LOGS_PER_THREAD
    assert out["sessions"] == 1 + THREADS
    assert (tmp_path / "hipalign.sqlite3").exists()  # the file database, not memory
