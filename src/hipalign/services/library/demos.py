"""Exercise demonstrations: the drawn figure of a library entry, for a side and a dose."""

import hashlib
import re
from functools import lru_cache
from typing import Any, Literal

from hipalign.adapters.raster import svg_to_png
from hipalign.core.errors import InputError
from hipalign.core.figure import Side, dose_spans, figure_svg
from hipalign.core.figure.demo import Demonstration, steps_lit
from hipalign.core.i18n.languages import LANGUAGE_NAMES, SOURCE_LANGUAGE
from hipalign.core.library import Exercise, LadderStep, default_library
from hipalign.core.library.catalog import default_demos

ImageFormat = Literal["svg", "png"]


def _language(language: str) -> str:
    return language if language in LANGUAGE_NAMES else SOURCE_LANGUAGE


def _entry(exercise_id: str, language: str = SOURCE_LANGUAGE) -> tuple[Exercise, Demonstration]:
    # The exercise's name and the frames' labels are in the page's language (issue 20).
    language = _language(language)
    library = default_library(language)
    if exercise_id not in library:
        raise InputError(
            "exercise id", [f"{exercise_id!r} is not in the library; see `hipalign library list`"]
        )
    return library[exercise_id], default_demos(language)[exercise_id]


def demo_frame_names(*, exercise_id: str, language: str = SOURCE_LANGUAGE) -> list[str]:
    """The labels of the key frames, in order (frame 1 first)."""
    return [f.label for f in _entry(exercise_id, language)[1].frames]


def demo_image(
    *,
    exercise_id: str,
    side: Side = "right",
    frame: int | None = None,
    image_format: ImageFormat = "svg",
    uid: str = "f",
    language: str = SOURCE_LANGUAGE,
) -> bytes:
    """One figure: key frame `frame` (counted from 1) as a still, or without a frame the
    animation (SVG) or the end position (PNG, which cannot move)."""
    exercise, demo = _entry(exercise_id, language)
    if frame is not None and not 1 <= frame <= len(demo.frames):
        raise InputError(
            "frame", [f"{frame} is not a key frame of {exercise.name}: use 1 to {len(demo.frames)}"]
        )
    index = None if frame is None else frame - 1
    animate = frame is None and image_format == "svg"
    svg = figure_svg(
        demo,
        exercise,
        side=side,
        frame=index,
        animate=animate,
        uid=uid,
        language=_language(language),
    )
    return svg_to_png(svg) if image_format == "png" else svg.encode("utf-8")


def demo_all_frames(
    *,
    exercise_id: str,
    side: Side = "right",
    image_format: ImageFormat = "svg",
    language: str = SOURCE_LANGUAGE,
) -> list[tuple[str, bytes]]:
    """Every key frame as a still: (file name, image), the files numbered in order (the file
    names keep the frames' ids, whatever the language)."""
    exercise, demo = _entry(exercise_id)
    out = []
    for n, f in enumerate(demo.frames, 1):
        image = demo_image(
            exercise_id=exercise_id,
            side=side,
            frame=n,
            image_format=image_format,
            uid=f"f{n}",
            language=language,
        )
        out.append((f"{exercise.id}-{side}-{n:02d}-{f.name}.{image_format}", image))
    return out


def demo_timing(*, exercise_id: str) -> dict[str, object]:
    """What a page needs to follow the figure: each key frame's time within one cycle at the
    start dose, and the key frame each step of the text shows."""
    exercise, demo = _entry(exercise_id)
    spans = dose_spans(demo, exercise)
    lit = steps_lit(demo, spans)
    return {
        "cycle_s": sum(s.duration_s for s in spans),
        "frames": [
            {
                "name": demo.frames[s.frame].name,
                "phase": demo.frames[s.frame].phase,
                "start_s": s.start_s,
                "duration_s": s.duration_s,
                # The one step of "How to do it" highlighted while this frame runs.
                "step": lit[n],
            }
            for n, s in enumerate(spans)
        ],
        "steps": [demo.index_of(name) for name in demo.steps],
    }


@lru_cache(maxsize=512)
def demo_markup(
    *,
    exercise_id: str,
    side: Side = "right",
    frame: int | None = None,
    animate: bool = False,
    uid: str = "f",
    hold_s: int | None = None,
    language: str = SOURCE_LANGUAGE,
) -> str:
    """The figure as SVG markup for a page (cached: a figure never changes while the program
    runs). `frame` counts from 0 here; `hold_s` times the animation to a prescribed hold or
    pause instead of the start rung's."""
    exercise, demo = _entry(exercise_id, language)
    rung = None
    if hold_s is not None:
        rung = LadderStep(sets=1, reps=1, hold_s=hold_s)
    return figure_svg(
        demo,
        exercise,
        side=side,
        frame=frame,
        animate=animate,
        uid=uid,
        rung=rung,
        language=_language(language),
    )


def demo_card_still(
    *, exercise_id: str, side: Side = "right", language: str = SOURCE_LANGUAGE
) -> str:
    """A plan card's figure: the end position, a still. Its ids are the exercise's own, so the
    one cached drawing serves every plan that has the exercise on that side."""
    return demo_markup(
        exercise_id=exercise_id, side=side, uid=f"c-{exercise_id}", language=language
    )


@lru_cache(maxsize=256)
def demo_card_animation(
    *, exercise_id: str, side: Side = "right", language: str = SOURCE_LANGUAGE
) -> tuple[bytes, str]:
    """The moving figure a plan card plays on a tap, as a standalone SVG document, and its
    entity tag (a digest of the bytes: it changes exactly when the drawing does). Served by its
    own route so the plan page carries only the stills."""
    svg = demo_markup(
        exercise_id=exercise_id, side=side, animate=True, uid=f"m-{exercise_id}", language=language
    ).encode("utf-8")
    return svg, hashlib.sha256(svg).hexdigest()[:20]


def demo_page(
    *, exercise_id: str, side: Side = "right", uid: str = "ex", language: str = SOURCE_LANGUAGE
) -> dict[str, Any]:
    """What an exercise page shows: the moving figure, each key frame as a still (shown side by
    side when a person asks for reduced motion), and the timing that ties steps to frames."""
    _, demo = _entry(exercise_id, language)
    return {
        "moving": demo_markup(
            exercise_id=exercise_id, side=side, animate=True, uid=uid, language=language
        ),
        "stills": [
            {
                "svg": demo_markup(
                    exercise_id=exercise_id,
                    side=side,
                    frame=i,
                    uid=f"{uid}k{i}",
                    language=language,
                ),
                "label": f.label,
            }
            for i, f in enumerate(demo.frames)
        ],
        "timing": demo_timing(exercise_id=exercise_id),
        "side": side,
    }


def demo_player_figures(
    *, doses: list[tuple[str, Side, int]], language: str = SOURCE_LANGUAGE
) -> list[dict[str, Any]]:
    """The session player's figures: one moving figure per (exercise, side, hold or pause),
    timed to that dose, with the timing the player follows."""
    out: list[dict[str, Any]] = []
    for n, (exercise_id, side, hold_s) in enumerate(dict.fromkeys(doses)):
        exercise, demo = _entry(exercise_id)
        rung = LadderStep(sets=1, reps=1, hold_s=hold_s)
        spans = dose_spans(demo, exercise, rung)
        out.append(
            {
                "key": f"{exercise_id}:{side}",
                "svg": demo_markup(
                    exercise_id=exercise_id,
                    side=side,
                    animate=True,
                    uid=f"pl{n}",
                    hold_s=hold_s,
                    language=language,
                ),
                "still": demo_markup(
                    exercise_id=exercise_id,
                    side=side,
                    frame=demo.peak_index,
                    uid=f"pls{n}",
                    language=language,
                ),
                "timing": {
                    "cycle_s": sum(s.duration_s for s in spans),
                    "reps_per_cycle": demo.reps_per_cycle,
                    "kind": exercise.dose.kind,
                    "frames": [
                        {
                            "phase": demo.frames[s.frame].phase,
                            "start_s": s.start_s,
                            "duration_s": s.duration_s,
                        }
                        for s in spans
                    ],
                },
            }
        )
    return out


_SVG_TEXT = re.compile(r"<text\b[^>]*>.*?</text>", re.S)


def demo_handout_frames(
    *, exercise_id: str, side: Side = "right", language: str = SOURCE_LANGUAGE
) -> list[tuple[str, str]]:
    """Two or three key frames for the printed handout, as (label, SVG still): the start, the
    peak and, when there is one between them, the frame before the peak. Stills, not
    animation: paper cannot move (issue 16). The drawn side label is left out: the PDF names
    the side once in its own embedded font (an SVG <text> would fall back to a core font)."""
    _, demo = _entry(exercise_id, language)
    peak = demo.peak_index
    picks = sorted({0, max(0, peak - 1), peak})
    return [
        (
            demo.frames[i].label,
            _SVG_TEXT.sub(
                "",
                demo_markup(
                    exercise_id=exercise_id, side=side, frame=i, uid=f"h{i}", language=language
                ),
            ),
        )
        for i in picks[:3]
    ]
