"""Demonstration figures: render time for all figures of a plan, and the size of one figure.

Targets (issue 16): every demonstration of a plan (a still for each card plus the moving
figure) renders in under 50 ms in-process; one figure's SVG is under 30 KB.
Run: uv run python bench/demo_speed.py [--rounds 20]
Cold: each round starts from an empty cache of posed figures (nothing is cached today, so every
round is cold). Figures are medians over the rounds: these machines are shared and noisy.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from hipalign.core.figure import figure_svg  # noqa: E402
from hipalign.core.library import default_library  # noqa: E402
from hipalign.core.library.catalog import default_demos  # noqa: E402
from hipalign.services.program import planning  # noqa: E402


def plan_items(example: str) -> list[tuple[str, str]]:
    """(exercise id, working side) for every distinct item of an example's plan."""
    intake = planning.intake_parse((ROOT / "examples" / example).read_text())
    doc = planning.plan_generate(intake)
    assert doc.plan is not None, f"{example} gives no plan"
    seen: dict[str, str] = {}
    for day in doc.plan.days:
        for item in day.items:
            seen.setdefault(item.exercise, item.lead_side or "right")
    return list(seen.items())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    library, demos = default_library(), default_demos()
    for example in ("weak_left_abductors_band.json", "older_poor_balance_no_floor.json"):
        items = plan_items(example)
        times = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            for n, (ex_id, side) in enumerate(items):
                ex, demo = library[ex_id], demos[ex_id]
                figure_svg(demo, ex, side=side, uid=f"c{n}")  # type: ignore[arg-type]
                figure_svg(demo, ex, side=side, animate=True, uid=f"a{n}")  # type: ignore[arg-type]
            times.append(time.perf_counter() - t)
        print(
            f"{example}: {len(items)} exercises, still + moving figure each: "
            f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
            "(target < 50 ms)"
        )
    sizes = sorted(
        (len(figure_svg(demos[i], library[i], animate=True).encode()), i) for i in library
    )
    still = max(len(figure_svg(demos[i], library[i]).encode()) for i in library)
    print(
        f"moving figure SVG: median {statistics.median(s for s, _ in sizes) / 1000:.1f} KB, "
        f"largest {sizes[-1][0] / 1000:.1f} KB ({sizes[-1][1]}); largest still "
        f"{still / 1000:.1f} KB (target < 30 KB)"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
