"""The page's rule port (static/hipalign/js/coach.js, under node) against the core's rules on the
same landmark sequences (issue 17): same signals, counts, holds, view problems and cue values.

The sequences: the Python model's landmarks of the shared squat clip, recorded once
(coach_data/squat_landmarks.json), and variants of it (mirrored, reversed, every second frame,
landmarks hidden and frames lost at random), plus seeded synthetic sequences that lift a leg to
the side, swing a thigh and bend the body, so that every kind of rule crosses its thresholds.
"""

import json
import math
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hipalign.core.posture import coach
from hipalign.core.posture.geometry import Landmark
from hipalign.core.posture.reps import REP_RULES, hold_time
from hipalign.core.vocab import Side
from tests.conftest import need

HERE = Path(__file__).parent / "coach_data"
RECORDED = json.loads((HERE / "squat_landmarks.json").read_text())
Frame = list[list[float]] | None

pytestmark = need(
    shutil.which("node") is not None, "needs node (the page's rule port runs under it)"
)


def _seq(name: str, frames: list[Frame], fps: float, w: int = 720, h: int = 1280) -> dict[str, Any]:
    return {"name": name, "frames": frames, "fps": fps, "width": w, "height": h}


def _variants() -> list[dict[str, Any]]:
    base: list[Frame] = RECORDED["frames"]
    fps = RECORDED["fps"]
    rng = random.Random(17)
    hidden: list[Frame] = []
    for f in base:
        if f is None or rng.random() < 0.08:
            hidden.append(None)
            continue
        hidden.append([[x, y, 0.2 if rng.random() < 0.05 else v] for x, y, v in f])
    out = [
        _seq("squat", base, fps),
        _seq(
            "mirrored", [None if f is None else [[1 - x, y, v] for x, y, v in f] for f in base], fps
        ),
        # The back to the camera: mirrored, and the face (nose, eyes, ears, mouth) not seen.
        _seq(
            "from_behind",
            [
                None
                if f is None
                else [[1 - x, y, 0.1 if k <= 10 else v] for k, (x, y, v) in enumerate(f)]
                for f in base
            ],
            fps,
        ),
        _seq("reversed", base[::-1], fps),
        _seq("half_rate", base[::2], fps / 2),
        _seq("hidden", hidden, fps),
    ]
    standing = base[0]
    assert standing is not None
    for seed in range(4):
        rng = random.Random(seed)
        frames: list[Frame] = []
        for i in range(150):
            t = i / 15
            lift = max(0.0, math.sin(t * 2.1 + seed)) * (0.12 + 0.04 * seed)
            lean = math.sin(t * 0.9) * 0.05 * seed
            f = [list(p) for p in standing]
            for k in (25, 27, 29, 31):  # left knee, ankle, heel, toe: out and up to the side
                f[k][0] += lift * (1.0 if k == 25 else 2.0)
                f[k][1] -= lift * (0.5 if k == 25 else 1.0)
            for k in (0, 11, 12):  # nose and shoulders: lean and turn
                f[k][0] += lean + (0.04 * math.sin(t * 1.3) if k == 0 else 0.0)
            for p in f:
                p[0] += rng.gauss(0, 0.004)
                p[1] += rng.gauss(0, 0.004)
                p[2] = min(1.0, max(0.0, p[2] + rng.gauss(0, 0.05)))
            frames.append(f)
        out.append(_seq(f"synthetic{seed}", frames, 15.0))
    # Lying and side-on bodies: rotate the standing body by a slowly changing angle.
    frames = []
    for i in range(120):
        a = math.radians(90 * (0.5 + 0.5 * math.sin(i / 12)))
        f = []
        for x, y, v in standing:
            dx, dy = (x - 0.5) * 720, (y - 0.5) * 1280
            rx, ry = dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a)
            f.append([0.5 + rx / 720 * 0.5, 0.5 + ry / 1280 * 0.5, v])
        frames.append(f)
    out.append(_seq("tipping", frames, 10.0))
    return out


def _lms(frame: Frame) -> list[Landmark] | None:
    return None if frame is None else [Landmark(x=x, y=y, visibility=v) for x, y, v in frame]


def _close(a: float | bool | None, b: float | bool | None) -> bool:
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


@pytest.fixture(scope="module")
def both() -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    doc = coach.rules_document()
    seqs = _variants()
    run = subprocess.run(
        ["node", str(HERE / "evaluate.js")],
        input=json.dumps({"doc": doc, "sequences": seqs}),
        capture_output=True,
        text=True,
        check=True,
    )
    return seqs, doc, json.loads(run.stdout)


def test_the_page_counts_and_times_exactly_as_the_core(both: Any) -> None:
    seqs, _, js = both
    counted = set()
    facings = set()
    for seq in seqs:
        w, h, fps = seq["width"], seq["height"], seq["fps"]
        frames = [_lms(f) for f in seq["frames"]]
        faced = [None if f is None else coach.facing(f, w, h) for f in frames]
        assert js[seq["name"]]["facing"] == faced, seq["name"]
        facings |= {(seq["name"], f) for f in faced}
        for rule in REP_RULES.values():
            if rule.kind == "not_counted":
                continue
            sides: tuple[Side | None, ...] = (None, "left", "right")
            for side in sides:
                got = js[seq["name"]][f"{rule.exercise}/{side}"]
                where = (seq["name"], rule.exercise, side)
                views = [None if f is None else coach.view_problem(rule, f, w, h) for f in frames]
                assert got["view"] == views, where
                if rule.kind == "reps":
                    values = [None if f is None else rule.measure(f, w, h, side) for f in frames]
                    assert all(_close(a, b) for a, b in zip(values, got["values"], strict=True)), (
                        where
                    )
                    py = rule.count(values, fps)
                    assert got["count"]["completed"] == py.completed, where
                    assert got["count"]["in_progress"] == py.in_progress, where
                    assert got["count"]["frames_used"] == py.frames_used, where
                    assert all(
                        _close(a, b)
                        for a, b in zip(py.holds_s, got["count"]["holds_s"], strict=True)
                    ), where
                    assert got["tracker"] == {"count": py.completed, "in_progress": py.in_progress}
                    if py.completed:
                        counted.add(rule.signal)
                else:
                    pos = [None if f is None else rule.in_position(f, w, h, side) for f in frames]
                    assert pos == got["values"], where
                    held = hold_time(pos, fps)
                    assert _close(held, got["hold"]), (where, held, got["hold"])
                    if held > 1:
                        counted.add(rule.signal)
    # Facing the camera, the back to it, and cannot tell (the mirrored front view) all occur.
    assert {("squat", "camera"), ("from_behind", "away"), ("mirrored", None)} <= facings
    assert ("from_behind", "camera") not in facings and ("squat", "away") not in facings
    # The sequences exercise the rules for real: reps of three kinds of signal, and holds.
    assert {"knee_angle", "thigh_separation", "foot_lift"} <= counted, counted
    squat = js["squat"]["squat/None"]["count"]
    assert (squat["completed"], squat["in_progress"]) == (2, True)  # VISION.md 4


def test_the_page_gives_the_same_cue_values_as_the_core(both: Any) -> None:
    seqs, _, js = both
    fired = set()
    for seq in seqs:
        w, h = seq["width"], seq["height"]
        frames = [_lms(f) for f in seq["frames"]]
        for cue in coach.CUES:
            if cue.measure == "rep_time":
                continue
            for side in (None, "left", "right"):
                py = [None if f is None else coach.cue_value(cue, f, w, h, side) for f in frames]
                got = js[seq["name"]][f"cue:{cue.id}/{side}"]
                assert all(_close(a, b) for a, b in zip(py, got, strict=True)), (
                    seq["name"],
                    cue.id,
                )
                if any(v is not None and v >= cue.threshold for v in py):
                    fired.add(cue.id)
    assert {"pelvic_drop", "trunk_lean"} <= fired, fired
