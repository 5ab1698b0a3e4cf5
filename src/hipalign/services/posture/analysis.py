"""Posture from a photo or a still clip: read safely, find the landmarks, measure in the core.

The model runs here (adapters.vision); every number comes from core.posture, so the geometry is
tested without the model. Needs the optional `vision` extra."""

import contextlib
import importlib.util
import json
import logging
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from hipalign.core.errors import InputError
from hipalign.core.posture.geometry import (
    FrameMetrics,
    PostureResult,
    Refusal,
    measure_frame,
)
from hipalign.core.posture.reps import REP_RULES, RepCount, hold_time
from hipalign.core.posture.views import MIRRORED, PHOTO, combine_views, mirrored_back
from hipalign.core.vocab import Side

log = logging.getLogger("hipalign.posture")

# Issue 12.1: the model runs in a child process, given this long before it is killed. A live
# job is never taken for a dead one however long it runs: its worker's heartbeat says it is
# alive (services/ops/worker.py).
PHOTO_TIMEOUT_S = 120.0  # a photo takes 1-3 s here, model start included
CLIP_TIMEOUT_S = 480.0  # a minute-long clip (the frame cap) takes about 1.5 min
NOT_MEASURED = "could not be measured"
# Issue 17: each photo is measured again as its mirror image (one more inference, about 30 ms
# warm against the child's 3-4 s start); a clip's mirror images are taken from at most this
# many evenly spaced frames, so a minute-long clip costs a few seconds more, not double.
MAX_MIRRORED_FRAMES = 60
CHILD_COMMAND = [sys.executable, "-m", "hipalign.services.posture.child"]  # + the request


def _vision() -> None:
    """Refuse without the vision extra; found, not imported (the server never loads it)."""
    if any(importlib.util.find_spec(name) is None for name in ("cv2", "mediapipe")):
        from hipalign.adapters.vision import MISSING

        raise InputError("vision", [MISSING])


def posture_analyze(
    path: Path,
    overlay: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    model: Any = None,
    people_check: bool = True,
    mirror: bool = True,
) -> PostureResult:
    """A photo (one frame) or a 2-3 s still clip (median over frames, VISION.md 6.3).

    `model` reuses a loaded PoseModel (a worker or a benchmark); `people_check` looks for a second
    person on photos, at the cost of one more inference; `mirror=False` measures the picture
    alone, without its mirror image (for bench/posture_mirror.py's before-and-after only)."""
    _vision()
    from hipalign.adapters.vision.media import is_video, load_image, video_frames
    from hipalign.adapters.vision.overlay import draw_overlay
    from hipalign.adapters.vision.pose import MODEL_ID, PoseModel

    frames: list[FrameMetrics | Refusal] = []
    mirrored: list[FrameMetrics | Refusal] = []
    shown = None

    def mirror_view(rgb: Any) -> FrameMetrics | Refusal:
        """The mirror image, measured back in the picture's frame (core.posture.views)."""
        lms = model.landmarks(rgb[:, ::-1].copy())
        h, w = rgb.shape[:2]
        return measure_frame(None if lms is None else mirrored_back(lms), w, h)

    with contextlib.nullcontext(model) if model is not None else PoseModel() as model:
        if is_video(path):
            _, count, rgb_frames = video_frames(path)
            every = max(1, math.ceil(count / MAX_MIRRORED_FRAMES))
            for i, rgb in enumerate(rgb_frames):
                lms = model.landmarks(rgb)
                h, w = rgb.shape[:2]
                frames.append(measure_frame(lms, w, h))
                if mirror and i % every == 0:
                    mirrored.append(mirror_view(rgb))
                if shown is None or i == count // 2:
                    shown = (rgb, lms)
                if progress:
                    progress(i + 1, count)
        else:
            rgb = load_image(path)
            lms = model.landmarks(rgb)
            h, w = rgb.shape[:2]
            people = model.people(rgb, lms) if lms and people_check else 1
            frames.append(measure_frame(lms, w, h, people=people))
            if mirror and isinstance(frames[0], FrameMetrics):  # a refusal needs no check
                mirrored.append(mirror_view(rgb))
            shown = (rgb, lms)
    if not frames:
        raise InputError("video", [f"{path}: no frames could be read"])
    views = {PHOTO: frames, MIRRORED: mirrored} if mirrored else {PHOTO: frames}
    result = combine_views(views, model=MODEL_ID)
    if overlay is not None and shown is not None:
        draw_overlay(shown[0], shown[1], result, overlay)
    return result


def _without_paths(text: str, paths: list[Path]) -> str:
    """A person never sees a server path or an internal file name (issue 12.15)."""
    for p in sorted(paths, key=lambda p: len(str(p)), reverse=True):
        text = text.replace(str(p), "this file").replace(p.name, "this file")
    return text


def posture_analyze_isolated(
    *, source: Path, overlay: Path, clean: Path | None, timeout_s: float
) -> PostureResult:
    """posture_analyze in a child process (services/posture/child.py), whose crash or hang is
    this file's failure, never the caller's: InputError with NOT_MEASURED, and no server path
    in any message. With `clean`, a photo is first re-encoded there and only that is analysed."""
    _vision()
    paths = [source, overlay] + ([clean] if clean else [])
    request = {
        "source": str(source),
        "overlay": str(overlay),
        "clean": str(clean) if clean else None,
    }
    try:
        done = subprocess.run(
            [*CHILD_COMMAND, json.dumps(request)],
            capture_output=True,
            timeout=timeout_s,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        log.warning("posture analysis of %s killed after %.0f s", source.name, timeout_s)
        raise InputError(
            "file", [f"file: {NOT_MEASURED}: the analysis took longer than {timeout_s:.0f} s"]
        ) from None
    answer: dict[str, Any] = {}
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 0 and lines:
        with contextlib.suppress(ValueError):
            answer = json.loads(lines[-1])
    if "result" in answer:
        return PostureResult.model_validate(answer["result"])
    if "refused" in answer:
        refused = answer["refused"]
        raise InputError(
            str(refused["what"]), [_without_paths(str(p), paths) for p in refused["problems"]]
        )
    # A signal (negative status), a crash or garbage: logged for the operator, told plainly.
    tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
    log.warning(
        "posture analysis of %s ended with status %s: %s", source.name, done.returncode, tail
    )
    raise InputError(
        "file", [f"file: {NOT_MEASURED}: the analysis stopped on this file (it may be damaged)"]
    )


class Movement(BaseModel):
    """What a clip of one exercise shows: reps per side, or the longest hold, or why not."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise: str
    kind: str  # "reps", "hold" or "not_counted"
    measures: str
    reps: dict[str, RepCount] = {}  # per side ("both" when the signal is not one-sided)
    hold_s: float | None = None
    frames: int
    frames_with_person: int
    fps: float
    notes: list[str]
    model: str


def movement_analyze(
    path: Path, exercise: str, progress: Callable[[int, int], None] | None = None
) -> Movement:
    """Count reps or time a hold in an exercise video, per side where that is meaningful."""
    rule = REP_RULES.get(exercise)
    if rule is None:
        raise InputError(
            "exercise",
            [f"{exercise!r} has no counting rule; known: {', '.join(sorted(REP_RULES))}"],
        )
    notes = [rule.note] if rule.note else []
    if rule.kind == "not_counted":
        return Movement(
            exercise=exercise,
            kind=rule.kind,
            measures=rule.measures,
            frames=0,
            frames_with_person=0,
            fps=0.0,
            notes=notes,
            model="",
        )
    _vision()
    from hipalign.adapters.vision.media import is_video, video_frames
    from hipalign.adapters.vision.pose import MODEL_ID, PoseModel

    if not is_video(path):
        raise InputError("video", [f"{path}: give a video (.mp4, .mov, .webm, ...)"])
    fps, count, rgb_frames = video_frames(path)
    sides: list[Side | None] = ["left", "right"] if rule.signal != "knee_angle" else [None]
    values: dict[Side | None, list[float | None]] = {s: [] for s in sides}
    positions: dict[Side | None, list[bool | None]] = {s: [] for s in sides}
    seen = frames = 0
    with PoseModel() as model:
        for i, rgb in enumerate(rgb_frames):
            frames += 1
            lms = model.landmarks(rgb)
            h, w = rgb.shape[:2]
            if lms is not None:
                seen += 1
            for s in sides:
                if rule.kind == "reps":
                    values[s].append(None if lms is None else rule.measure(lms, w, h, s))
                else:
                    positions[s].append(None if lms is None else rule.in_position(lms, w, h, s))
            if progress:
                progress(i + 1, count)
    if seen == 0:
        notes.append("No person was found in the video, so nothing could be counted.")
    reps: dict[str, RepCount] = {}
    hold: float | None = None
    if rule.kind == "reps" and seen:
        reps = {s or "both": rule.count(values[s], fps) for s in sides}
    elif rule.kind == "hold" and seen:
        hold = max(hold_time(positions[s], fps) for s in sides)
    return Movement(
        exercise=exercise,
        kind=rule.kind,
        measures=rule.measures,
        reps=reps,
        hold_s=hold,
        frames=frames,
        frames_with_person=seen,
        fps=fps,
        notes=notes,
        model=MODEL_ID,
    )
