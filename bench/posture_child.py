"""What running the pose model in a child process costs a photo upload (issue 12.1).

Compares posture_analyze in this process (the model built per call, imports already warm) with
posture_analyze_isolated (a new process: imports, re-encode, model). Needs the vision extra.
Run: uv run --extra vision python bench/posture_child.py [--runs 5] [--photo PATH]
Figures are medians: these machines are shared and noisy.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.adapters.media import media_dir  # noqa: E402

from hipalign.services.posture.analysis import (  # noqa: E402
    PHOTO_TIMEOUT_S,
    posture_analyze,
    posture_analyze_isolated,
)


def timed(runs: int, step: Callable[[int], object]) -> list[float]:
    out = []
    for i in range(runs):
        start = time.perf_counter()
        step(i)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photo", type=Path, default=media_dir() / "pose.jpg")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    posture_analyze(args.photo)  # warm the imports, as a long-running process would be
    inline = timed(args.runs, lambda i: posture_analyze(args.photo, work / f"in{i}.png"))
    child = timed(
        args.runs,
        lambda i: posture_analyze_isolated(
            source=args.photo,
            overlay=work / f"out{i}.png",
            clean=work / f"clean{i}.png",
            timeout_s=PHOTO_TIMEOUT_S,
        ),
    )
    print(f"load average {os.getloadavg()[0]:.1f}, {args.runs} runs of {args.photo.name}")
    for name, xs in (("in this process, warm", inline), ("child process", child)):
        print(f"{name:24} median {statistics.median(xs):.2f} s, max {max(xs):.2f} s")


if __name__ == "__main__":
    main()
