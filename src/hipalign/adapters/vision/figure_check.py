"""Does a real pose model see the person in our drawings, and the angle they show?

Each key frame of a demonstration is drawn (the SVG of the plan card), rasterised with resvg
and handed to the project's own BlazePose pipeline (`PoseModel`). Where the model finds a
person, the angle the exercise is about is measured on its landmarks and on the drawing's own
joints, both in the picture's plane, and the two are compared (issue 16: found in at least 80 %
of the key frames of standing and seated exercises, the angle within 10 degrees).

The angle "the exercise is about" is the working side's hip (shoulder-hip-knee) or knee
(hip-knee-ankle) angle, whichever moves more across the demonstration's key frames: the hip
for abduction, extension, swings and stretches, the knee where the knee bends.

A side view does not tell a person's left from right, and BlazePose often swaps them there
(VISION.md 3.10), so its left and right limbs are matched to the drawing's by position.
"""

import io
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hipalign.core.figure import figure_svg
from hipalign.core.figure.body import Side, Vec, project
from hipalign.core.figure.demo import Demonstration
from hipalign.core.figure.svg import SCALE, key_samples

if TYPE_CHECKING:
    from hipalign.adapters.vision.pose import PoseModel
    from hipalign.core.library.model import Exercise
    from hipalign.core.posture.geometry import Landmark

CHECKED_STARTS = ("standing", "seated_chair", "seated_floor")  # the "standing and seated"
MIN_FOUND = 0.80
MAX_ANGLE_ERROR = 10.0  # degrees
WIDTH = 320  # pixels: enough for the model (it works at 256 x 256), quick to draw
# BlazePose indices, the person's (left, right).
BLAZE = {"shoulder": (11, 12), "hip": (23, 24), "knee": (25, 26), "ankle": (27, 28)}
# An angle at a joint (three points), or a segment's lean from the picture's vertical (two).
JOINTS: dict[str, tuple[str, ...]] = {
    "hip": ("shoulder", "hip", "knee"),
    "knee": ("hip", "knee", "ankle"),
    "thigh": ("hip", "knee"),
    "shank": ("knee", "ankle"),
}
# A segment seen end-on is foreshortened: an angle measured on it in the picture means
# little (a seated thigh seen from the front), so a candidate whose segments show less than
# this share of their length in some frame is not measured.
MIN_SHOWN = 0.5

Point = tuple[float, float]


@dataclass(frozen=True)
class FrameCheck:
    frame: int
    label: str
    found: bool
    drawn: float  # degrees, the drawing's angle in the picture plane
    seen: float | None  # the model's, when it found a person

    @property
    def error(self) -> float | None:
        return None if self.seen is None else _difference(self.seen, self.drawn)


@dataclass(frozen=True)
class DemoCheck:
    exercise: str
    side: Side
    joint: str
    frames: tuple[FrameCheck, ...]

    @property
    def found_share(self) -> float:
        return sum(f.found for f in self.frames) / len(self.frames)

    @property
    def errors(self) -> list[float]:
        return [e for f in self.frames if (e := f.error) is not None]


def angle_at(a: Point, b: Point, c: Point) -> float:
    """The interior angle at `b`, degrees (0-180)."""
    v1 = (a[0] - b[0], a[1] - b[1])
    v2 = (c[0] - b[0], c[1] - b[1])
    n = math.hypot(*v1) * math.hypot(*v2)
    if n == 0:
        return 0.0
    cos = max(-1.0, min(1.0, (v1[0] * v2[0] + v1[1] * v2[1]) / n))
    return math.degrees(math.acos(cos))


def _view_box(svg: str) -> tuple[float, float, float, float]:
    found = re.search(r'viewBox="(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+)"', svg)
    assert found is not None, "a figure always has a viewBox"
    x0, y0, w, h = (float(v) for v in found.groups())
    return x0, y0, w, h


def drawn_points(
    demo: Demonstration, points: Mapping[str, Vec], side: Side, svg: str, width: int
) -> dict[str, Point]:
    """The drawing's joints in the picture's pixels, by the person's side (`right_hip`...)."""
    x0, y0, w, _ = _view_box(svg)
    k = width / w
    out: dict[str, Point] = {}
    for who in ("left", "right"):
        for part in BLAZE:
            x, y, _ = project(points[f"{who}_{part}"], demo.view, side)
            out[f"{who}_{part}"] = ((x * SCALE - x0) * k, (y * SCALE - y0) * k)
    return out


def _model_points(
    landmarks: "list[Landmark]", width: int, height: int, drawn: Mapping[str, Point]
) -> dict[str, Point]:
    """The model's joints by the drawing's sides: labelled as given, or swapped when that
    puts them nearer the drawing's (a side view does not tell left from right)."""

    def pick(swap: bool) -> dict[str, Point]:
        out = {}
        for part, (li, ri) in BLAZE.items():
            for who, idx in (("left", ri if swap else li), ("right", li if swap else ri)):
                p = landmarks[idx]
                out[f"{who}_{part}"] = (p.x * width, p.y * height)
        return out

    def cost(pts: Mapping[str, Point]) -> float:
        return sum(math.dist(pts[k], drawn[k]) for k in drawn)

    kept, swapped = pick(False), pick(True)
    return kept if cost(kept) <= cost(swapped) else swapped


def _angle(points: Mapping[str, Point], side: Side, joint: str) -> float:
    parts = [points[f"{side}_{part}"] for part in JOINTS[joint]]
    if len(parts) == 2:
        (x1, y1), (x2, y2) = parts
        return math.degrees(math.atan2(x2 - x1, y2 - y1))  # 0 = pointing straight down
    return angle_at(*parts)


def _difference(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _shown(demo: Demonstration, keys: list[dict[str, Vec]], side: Side, joint: str) -> float:
    """The least share of its length any segment of the candidate shows, over the frames."""
    names = JOINTS[joint]
    least = 1.0
    for k in keys:
        for a, b in itertools.pairwise(names):
            pa, pb = k[f"{side}_{a}"], k[f"{side}_{b}"]
            true = math.dist(pa, pb)
            qa, qb = project(pa, demo.view, side), project(pb, demo.view, side)
            least = min(least, math.dist(qa[:2], qb[:2]) / true if true else 1.0)
    return least


def joint_of(demo: Demonstration, side: Side = "right") -> str:
    """The angle the demonstration is about: the candidate that moves most across the key
    frames, among those the view shows (see MIN_SHOWN); the hip when none moves."""
    keys = key_samples(demo, side)
    drawn = [{k: project(v, demo.view, side)[:2] for k, v in pts.items()} for pts in keys]
    best, best_range = "hip", -1.0
    for joint in JOINTS:
        if _shown(demo, keys, side, joint) < MIN_SHOWN:
            continue
        values = [_angle(d, side, joint) for d in drawn]
        spread = max(_difference(v, values[0]) for v in values)
        if spread > best_range + 1.0:  # a clear lead over the one before (hip, knee, ...)
            best, best_range = joint, spread
    return best


def check_demo(
    model: "PoseModel",
    demo: Demonstration,
    exercise: "Exercise",
    *,
    side: Side = "right",
    width: int = WIDTH,
    flipped: bool = False,
) -> DemoCheck:
    """Every key frame drawn, rasterised and seen by the model; the angle compared.

    `flipped` (left side only) gives the model the right side's picture flipped left to right
    in pixels instead of the left one's: the same figure (the label aside), to tell the
    model's own mirror asymmetry from the drawing's."""
    import numpy as np
    from PIL import Image

    from hipalign.adapters.raster import svg_to_png

    keys = key_samples(demo, side)
    svgs = [figure_svg(demo, exercise, side=side, frame=i, uid="c") for i in range(len(keys))]
    drawn = [drawn_points(demo, k, side, s, width) for k, s in zip(keys, svgs, strict=True)]
    joint = joint_of(demo, side)
    frames = []
    if flipped:
        assert side == "left", "the flipped picture stands in for the left one"
        svgs_shown = [
            figure_svg(demo, exercise, side="right", frame=i, uid="c") for i in range(len(keys))
        ]
    else:
        svgs_shown = svgs
    for i, (svg, pts) in enumerate(zip(svgs_shown, drawn, strict=True)):
        png = svg_to_png(svg, width=width)
        with Image.open(io.BytesIO(png)) as im:
            rgb = np.asarray(im.convert("RGB"))
        if flipped:
            rgb = np.ascontiguousarray(rgb[:, ::-1])
        found = model.landmarks(rgb)
        seen = None
        if found is not None:
            h, w = rgb.shape[:2]
            seen = _angle(_model_points(found, w, h, pts), side, joint)
        frames.append(
            FrameCheck(
                frame=i,
                label=demo.frames[i].label,
                found=found is not None,
                drawn=_angle(pts, side, joint),
                seen=seen,
            )
        )
    return DemoCheck(exercise=exercise.id, side=side, joint=joint, frames=tuple(frames))
