"""Exercise demonstrations: a drawn figure from data, for the person's side and dose.

`body` is the figure (proportions, joints and limits, forward kinematics, projection), `demo`
the demonstrations as data and their checks and timing, `svg` the drawing.
"""

from typing import TYPE_CHECKING

from hipalign.core.figure.body import Side
from hipalign.core.figure.demo import Demonstration, Span, cycle_s, timeline
from hipalign.core.figure.svg import render, text_alternative

if TYPE_CHECKING:
    from hipalign.core.library.model import Exercise, LadderStep


def dose_spans(
    demo: Demonstration, exercise: "Exercise", rung: "LadderStep | None" = None
) -> list[Span]:
    """One cycle's timing for the exercise's dose (its start rung unless `rung` is given)."""
    step = rung or exercise.start_step
    return timeline(
        demo,
        kind=exercise.dose.kind,
        rep_s=exercise.dose.rep_s,
        hold_s=step.hold_s,
        rep_rest_s=exercise.dose.rep_rest_s,
    )


def figure_svg(
    demo: Demonstration,
    exercise: "Exercise",
    *,
    side: Side = "right",
    frame: int | None = None,
    animate: bool = False,
    uid: str = "f",
    rung: "LadderStep | None" = None,
    language: str = "en",
) -> str:
    """The exercise's figure: the still of `frame` (the end position by default) or the
    animation at the dose's tempo. Pass the exercise and the demonstration loaded in
    `language` (the library's and `default_demos`'s), so that every word is in it."""
    return render(
        demo,
        name=exercise.name,
        side=side,
        sidedness=exercise.sidedness,
        spans=dose_spans(demo, exercise, rung) if animate else None,
        frame=frame,
        uid=uid,
        language=language,
    )


__all__ = [
    "Demonstration",
    "Side",
    "Span",
    "cycle_s",
    "dose_spans",
    "figure_svg",
    "render",
    "text_alternative",
    "timeline",
]
