"""Size and time of `hipalign backup`, `backup --verify` and `restore` for a seeded install.

Run: uv run python bench/backup_speed.py [--photos 200] [--photo-kb 300] [--runs 3]

The install: bench/web_speed.py's seed (one person, one year of sessions, logs and decisions,
on the app's SQLite file database), plus --photos files of --photo-kb random bytes in the
uploads folder (kept posture photos are re-encoded JPEGs of about that size; random bytes do
not compress, like JPEG). Each command runs as the operator runs it (a new process), --runs
times; the median is printed. Nothing here is a test: figures go into DEPLOY.md.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).parent / "hipalign")


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--photo-kb", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))}
    env |= {"HIPALIGN_ENV": "local", "DJANGO_SETTINGS_MODULE": "hipalign.web.settings"}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        data = base / "data"
        seeded = subprocess.run(
            [sys.executable, str(ROOT / "bench/web_speed.py"), "_seed", str(data)],
            env=env | {"HIPALIGN_DATA": str(data)},
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        uploads = data / "uploads"
        uploads.mkdir(exist_ok=True)
        for i in range(args.photos):
            (uploads / f"photo-{i:04d}.jpg").write_bytes(secrets.token_bytes(args.photo_kb * 1024))
        db_bytes = (data / "hipalign.sqlite3").stat().st_size
        made, verified, restored = [], [], []
        size = 0
        for run in range(args.runs):
            out = base / f"b{run}.tar"
            made.append(_timed([CLI, "backup", "--data", str(data), "--out", str(out)], env))
            size = out.stat().st_size
            verified.append(_timed([CLI, "backup", "--verify", str(out)], env))
            target = base / f"r{run}"
            restored.append(_timed([CLI, "restore", "--data", str(target), str(out)], env))
            out.unlink()
        kept = {k: seed[k] for k in ("sessions", "logs", "decisions") if k in seed}
        print(f"seeded: {json.dumps(kept)}; load average {os.getloadavg()[0]:.1f}")
        print(
            f"database {db_bytes / 1e6:.1f} MB, uploads {args.photos} x {args.photo_kb} kB "
            f"= {args.photos * args.photo_kb / 1024:.1f} MB"
        )
        print(f"backup file {size / 1e6:.1f} MB")
        for name, xs in (("backup", made), ("verify", verified), ("restore", restored)):
            print(f"{name:8s} median {statistics.median(xs):.2f} s over {len(xs)} runs")


if __name__ == "__main__":
    main()
