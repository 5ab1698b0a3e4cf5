"""Plans per second over 1,000 random valid intakes in-process, and cold `hipalign plan` runs.

Targets (issue 2): under 20 ms per plan in-process; under 1 s for a cold CLI run.
Run: uv run python bench/plan_speed.py [--intakes 1000] [--cold-runs 7]
Figures are medians: these machines are shared and noisy.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.core.planning.strategies import intakes  # noqa: E402

from hipalign.core.intake import Intake  # noqa: E402
from hipalign.core.library import default_library  # noqa: E402
from hipalign.core.planning.planner import generate_plan  # noqa: E402


def sample_intakes(n: int) -> list[Intake]:
    """n random valid intakes, drawn reproducibly with the test suite's strategy."""
    out: list[Intake] = []

    @settings(
        max_examples=n,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(intakes())
    def collect(doc: dict[str, object]) -> None:
        out.append(Intake.model_validate(doc))

    collect()
    return out[:n]


def in_process(items: list[Intake]) -> dict[str, float]:
    lib = default_library()
    generate_plan(items[0], lib)  # warm caches and imports
    times, with_plan = [], 0
    for intake in items:
        t0 = time.perf_counter()
        doc = generate_plan(intake, lib)
        times.append((time.perf_counter() - t0) * 1000)
        with_plan += doc.plan is not None
    times.sort()
    return {
        "plans": len(times),
        "with_plan": with_plan,
        "median_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "max_ms": times[-1],
        "plans_per_s": len(times) / (sum(times) / 1000),
    }


def cold(runs: int) -> dict[str, float]:
    exe = Path(sys.executable).parent / "hipalign"
    example = ROOT / "examples" / "weak_left_abductors_band.json"
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [exe, "plan", "--intake", example, "--format", "json"], check=True, capture_output=True
        )
        times.append(time.perf_counter() - t0)
    return {"runs": runs, "median_s": statistics.median(times), "max_s": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--intakes", type=int, default=1000)
    parser.add_argument("--cold-runs", type=int, default=7)
    args = parser.parse_args()
    items = sample_intakes(args.intakes)
    ip = in_process(items)
    print(
        f"in-process: {ip['plans']} intakes ({ip['with_plan']:.0f} got a plan), median {ip['median_ms']:.2f} ms, "
        f"p95 {ip['p95_ms']:.2f} ms, max {ip['max_ms']:.2f} ms, {ip['plans_per_s']:.0f} plans/s "
        f"(target: < 20 ms per plan)"
    )
    c = cold(args.cold_runs)
    print(
        f"cold CLI `hipalign plan --format json`: median {c['median_s'] * 1000:.0f} ms over "
        f"{c['runs']} runs, max {c['max_s'] * 1000:.0f} ms (target: < 1 s)"
    )


if __name__ == "__main__":
    main()
