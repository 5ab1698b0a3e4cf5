"""Exercise demonstrations: the drawn figure of a library entry, for a side and a dose."""

from typing import Literal

from hipalign.adapters.raster import svg_to_png
from hipalign.core.errors import InputError
from hipalign.core.figure import Side, dose_spans, figure_svg
from hipalign.core.figure.demo import Demonstration
from hipalign.core.library import Exercise, default_library
from hipalign.core.library.catalog import default_demos

ImageFormat = Literal["svg", "png"]


def _entry(exercise_id: str) -> tuple[Exercise, Demonstration]:
    library = default_library()
    if exercise_id not in library:
        raise InputError(
            "exercise id", [f"{exercise_id!r} is not in the library; see `hipalign library list`"]
        )
    return library[exercise_id], default_demos()[exercise_id]


def demo_frame_names(*, exercise_id: str) -> list[str]:
    """The labels of the key frames, in order (frame 1 first)."""
    return [f.label for f in _entry(exercise_id)[1].frames]


def demo_image(
    *,
    exercise_id: str,
    side: Side = "right",
    frame: int | None = None,
    image_format: ImageFormat = "svg",
    uid: str = "f",
) -> bytes:
    """One figure: key frame `frame` (counted from 1) as a still, or without a frame the
    animation (SVG) or the end position (PNG, which cannot move)."""
    exercise, demo = _entry(exercise_id)
    if frame is not None and not 1 <= frame <= len(demo.frames):
        raise InputError(
            "frame", [f"{frame} is not a key frame of {exercise.name}: use 1 to {len(demo.frames)}"]
        )
    index = None if frame is None else frame - 1
    animate = frame is None and image_format == "svg"
    svg = figure_svg(demo, exercise, side=side, frame=index, animate=animate, uid=uid)
    return svg_to_png(svg) if image_format == "png" else svg.encode("utf-8")


def demo_all_frames(
    *, exercise_id: str, side: Side = "right", image_format: ImageFormat = "svg"
) -> list[tuple[str, bytes]]:
    """Every key frame as a still: (file name, image), the files numbered in order."""
    exercise, demo = _entry(exercise_id)
    out = []
    for n, f in enumerate(demo.frames, 1):
        image = demo_image(
            exercise_id=exercise_id, side=side, frame=n, image_format=image_format, uid=f"f{n}"
        )
        out.append((f"{exercise.id}-{side}-{n:02d}-{f.name}.{image_format}", image))
    return out


def demo_timing(*, exercise_id: str) -> dict[str, object]:
    """What a page needs to follow the figure: each key frame's time within one cycle at the
    start dose, and the key frame each step of the text shows."""
    exercise, demo = _entry(exercise_id)
    spans = dose_spans(demo, exercise)
    return {
        "cycle_s": sum(s.duration_s for s in spans),
        "frames": [
            {
                "name": demo.frames[s.frame].name,
                "phase": demo.frames[s.frame].phase,
                "start_s": s.start_s,
                "duration_s": s.duration_s,
            }
            for s in spans
        ],
        "steps": [demo.index_of(name) for name in demo.steps],
    }
