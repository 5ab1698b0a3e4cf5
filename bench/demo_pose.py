"""Pose-model agreement with the drawings (issue 16).

Every key frame of every standing and seated demonstration is drawn, rasterised (resvg) and
given to the project's own BlazePose pipeline (the `vision` extra). Prints, per exercise, how
many key frames the model finds a person in, and the angle the exercise is about (hip or knee,
working side, in the picture plane) as drawn and as seen. Targets: found in >= 80 % of the key
frames, every angle seen within 10 degrees of the drawing. `--all` adds the lying, kneeling
and all-fours exercises (no target: BlazePose is trained on upright people).
Run: uv run --extra vision python bench/demo_pose.py [--side left|right|both] [--width 320]
[--flipped: the left side seen on the right picture flipped in pixels, the model's mirror test]
"""

import argparse
import statistics
import sys

from hipalign.adapters.vision.figure_check import (
    CHECKED_STARTS,
    MAX_ANGLE_ERROR,
    MIN_FOUND,
    WIDTH,
    check_demo,
)
from hipalign.adapters.vision.pose import PoseModel
from hipalign.core.figure import Side
from hipalign.core.library import default_library
from hipalign.core.library.catalog import default_demos


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", choices=("left", "right", "both"), default="both")
    parser.add_argument("--width", type=int, default=WIDTH)
    parser.add_argument("--all", action="store_true", help="every start position")
    parser.add_argument(
        "--flipped",
        action="store_true",
        help="left side: show the model the right picture flipped in pixels (a mirror test)",
    )
    args = parser.parse_args()
    sides: tuple[Side, ...] = ("right", "left") if args.side == "both" else (args.side,)
    if args.flipped:
        sides = ("left",)
    library, demos = default_library(), default_demos()
    found = total = 0
    errors: list[float] = []
    print(f"{'exercise':32} {'side':5} {'start':13} {'joint':5} found  angle error (deg) per frame")
    with PoseModel() as model:
        for ex_id, demo in sorted(demos.items()):
            upright = demo.start in CHECKED_STARTS
            if not (upright or args.all):
                continue
            for side in sides:
                check = check_demo(
                    model, demo, library[ex_id], side=side, width=args.width, flipped=args.flipped
                )
                errs = " ".join("-" if f.error is None else f"{f.error:.1f}" for f in check.frames)
                n = sum(f.found for f in check.frames)
                print(
                    f"{ex_id:32} {side:5} {demo.start:13} {check.joint:5} "
                    f"{n}/{len(check.frames)}  {errs}" + ("" if upright else "  (no target)")
                )
                if upright:
                    found += n
                    total += len(check.frames)
                    errors += check.errors
    rate = found / total
    print(
        f"\nstanding and seated: person found in {found}/{total} key frames ({rate:.0%}, "
        f"target >= {MIN_FOUND:.0%}); angle error median {statistics.median(errors):.1f}, "
        f"p90 {statistics.quantiles(errors, n=10)[-1]:.1f}, max {max(errors):.1f} deg "
        f"(target <= {MAX_ANGLE_ERROR:g}); width {args.width} px"
    )
    ok = rate >= MIN_FOUND and max(errors) <= MAX_ANGLE_ERROR
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
