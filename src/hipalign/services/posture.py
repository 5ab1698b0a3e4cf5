"""Posture from a photo or a still clip: read safely, find the landmarks, measure in the core.

The model runs here (adapters.vision); every number comes from core.posture, so the geometry is
tested without the model. Needs the optional `vision` extra."""

from collections.abc import Callable
from pathlib import Path

from hipalign.core.errors import InputError
from hipalign.core.posture.geometry import (
    FrameMetrics,
    PostureResult,
    Refusal,
    aggregate,
    measure_frame,
)


def _vision() -> None:
    try:
        import cv2  # noqa: F401
        import mediapipe  # noqa: F401
    except ImportError as exc:
        from hipalign.adapters.vision import MISSING

        raise InputError("vision", [MISSING]) from exc


def posture_analyze(
    path: Path,
    overlay: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PostureResult:
    """A photo (one frame) or a 2-3 s still clip (median over frames, VISION.md 6.3)."""
    _vision()
    from hipalign.adapters.vision.media import is_video, load_image, video_frames
    from hipalign.adapters.vision.overlay import draw_overlay
    from hipalign.adapters.vision.pose import MODEL_ID, PoseModel

    frames: list[FrameMetrics | Refusal] = []
    shown = None
    with PoseModel() as model:
        if is_video(path):
            _, count, rgb_frames = video_frames(path)
            for i, rgb in enumerate(rgb_frames):
                lms = model.landmarks(rgb)
                h, w = rgb.shape[:2]
                frames.append(measure_frame(lms, w, h))
                if shown is None or i == count // 2:
                    shown = (rgb, lms)
                if progress:
                    progress(i + 1, count)
        else:
            rgb = load_image(path)
            lms = model.landmarks(rgb)
            h, w = rgb.shape[:2]
            people = model.people(rgb, lms) if lms else 1
            frames.append(measure_frame(lms, w, h, people=people))
            shown = (rgb, lms)
    if not frames:
        raise InputError("video", [f"{path}: no frames could be read"])
    result = aggregate(frames, model=MODEL_ID)
    if overlay is not None and shown is not None:
        draw_overlay(shown[0], shown[1], result, overlay)
    return result
