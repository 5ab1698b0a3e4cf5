"""One picture measured twice, as it is and as its mirror image, with a +/- that holds both.

Why (issue 17, "Honest uncertainty"): a mirror image of a photo shows the same body with left and
right swapped, so every line must come out with the same size and the opposite sign. BlazePose
does not manage that within the +/- one photo claims (image2's hip line +5.0 against -0.7 from
its mirror image; image1's shoulder line -1.3 against +5.0 mirrored). The model has a handedness
of its own; measuring both and taking the middle cancels it, and the distance between the two is
a direct look at how far this picture's numbers can be trusted.

Each view's landmarks are mapped back into the original picture (x -> 1 - x and left/right labels
swapped for the mirror image) and measured there by `geometry.measure_frame`, so every view
answers the same question in the same frame. `combine_views` then gives, per line:
- value: the median of the views (the mean of two);
- uncertainty: the per-photo (or per-clip) band, widened until every view lies inside
  value +/- uncertainty ("a +/- that contains their disagreement");
- reliable: False when the views disagree by more than the size being reported, unless every
  view lies within the band of level (`unreliable`): "could not measure reliably".

The same rules run in the page (static/hipalign/js/posture_measure.js): `rules_document` hands
them over as data, so the thresholds and words have one source.
"""

import math
import statistics
from collections.abc import Mapping, Sequence

from hipalign.core.posture import geometry as g
from hipalign.core.posture.geometry import (
    FrameMetrics,
    Landmark,
    MetricKey,
    PostureResult,
    Refusal,
    Value,
)

PHOTO = "photo"
MIRRORED = "mirrored"
VIEW_WORDS = {PHOTO: "the picture as it is", MIRRORED: "its mirror image"}
# How each view's value is named in a sentence (the mirror image's, turned back to this side).
VIEW_GIVES = {PHOTO: "the picture gives {v}", MIRRORED: "its mirror image {v} (sign turned back)"}
# BlazePose left/right landmark pairs (eyes, ears, mouth, then 11-32 in left, right order).
MIRROR_PAIRS: tuple[tuple[int, int], ...] = (
    (1, 4),
    (2, 5),
    (3, 6),
    (7, 8),
    (9, 10),
    *((i, i + 1) for i in range(11, 33, 2)),
)
# Lines whose sign flips in a mirror image; the ankle line too (it feeds the camera check).
SIGNED = ("hip_tilt_deg", "shoulder_tilt_deg", "trunk_lean_deg", "lateral_shift_pct")

UNRELIABLE_TEXT = (
    "The {label} could not be measured reliably in this picture: {views}, further apart than "
    "the size being reported. Take another picture (camera level, whole body in view, fitted "
    "clothes) before using it."
)
MIRROR_NOTE = (
    "Each number was measured on the picture and on its mirror image, which must give the same "
    "size with the opposite sign; the value is their middle and the +/- covers both."
)
LABELS: dict[MetricKey, tuple[str, str]] = {
    "hip_tilt_deg": ("hip line", "°"),
    "shoulder_tilt_deg": ("shoulder line", "°"),
    "trunk_lean_deg": ("trunk lean", "°"),
    "lateral_shift_pct": ("sideways shift", " % of trunk length"),
}


def mirrored_back(landmarks: list[Landmark]) -> list[Landmark]:
    """Landmarks found in the mirror image, put back into the original picture.

    The model labels the mirror image's body as it sees it, so its "left hip" is the person's
    right hip, at x -> 1 - x. Swapping the pairs and flipping x gives the original's points.
    """
    if len(landmarks) != g.NUM_LANDMARKS:
        raise ValueError(f"expected {g.NUM_LANDMARKS} landmarks, got {len(landmarks)}")
    back = [lm.model_copy(update={"x": 1.0 - lm.x}) for lm in landmarks]
    for a, b in MIRROR_PAIRS:
        back[a], back[b] = back[b], back[a]
    return back


def _fmt(key: MetricKey, v: float) -> str:
    return f"{v:+.1f}{LABELS[key][1]}"


def unreliable(value: float, views: Sequence[float], band: float) -> bool:
    """The views disagree (their range) by more than the size reported, |value|.

    Except when every view lies within the band of level: then each of them, taken alone, would
    have said "level", which is what is reported, so their disagreement changes nothing."""
    if len(views) < 2 or all(abs(v) < band for v in views):
        return False
    return max(views) - min(views) > abs(value)


def _combine_metric(key: MetricKey, per_view: dict[str, list[float]]) -> Value:
    """One line over the views' frame values."""
    view_values = {name: statistics.median(vals) for name, vals in per_view.items()}
    centre = statistics.median(view_values.values())
    band = max(g.clip_uncertainty(key, vals) for vals in per_view.values())
    # Widened so that every view lies inside value +/- uncertainty; rounded up to 0.01 so that
    # a view on the edge stays inside after the value is rounded for display.
    widest = max(abs(v - centre) for v in view_values.values())
    uncertainty = max(band, math.ceil(widest * 100 - 1e-9) / 100)
    return Value(
        value=centre,
        uncertainty=uncertainty,
        reliable=not unreliable(centre, list(view_values.values()), band),
        views=view_values,
    )


def combine_views(
    views: Mapping[str, Sequence[FrameMetrics | Refusal]],
    min_ok_fraction: float = 0.6,
    *,
    model: str = "",
) -> PostureResult:
    """The picture (`PHOTO`, required) and its other views, each a sequence of frames measured in
    the original picture's frame (a photo: one frame each).

    The picture alone decides whether anything can be measured (its refusal reasons, frame counts
    and camera check, as `geometry.aggregate`). Every other view must be measurable too: a mirror
    image that cannot be measured leaves nothing to check the picture against, and an unchecked
    number is what this module exists to avoid.
    """
    if PHOTO not in views:
        raise ValueError("the picture itself (PHOTO) must be one of the views")
    base = g.aggregate(views[PHOTO], min_ok_fraction, model=model)
    if base.status != "ok" or len(views) == 1:
        return base
    measured: dict[str, list[FrameMetrics]] = {}
    for name, frames in views.items():
        ok = [f for f in frames if isinstance(f, FrameMetrics)]
        if not ok or len(ok) < min_ok_fraction * len(frames) - 1e-9:
            why = g.aggregate(frames, min_ok_fraction).reasons[:1] or ["it could not be measured"]
            words = VIEW_WORDS.get(name, name)
            return PostureResult(
                status="could_not_measure",
                reasons=[
                    f"{words[0].upper()}{words[1:]} could not be measured ({why[0]}), so the "
                    "measurement could not be checked against it"
                ],
                metrics={},
                high_side=None,
                frames=base.frames,
                frames_used=base.frames_used,
                model=model,
                wording=g.WORDING_NOT_MEASURED,
            )
        measured[name] = ok

    metrics: dict[str, Value] = {}
    notes: list[str] = []
    for key in g.METRIC_KEYS:
        value = _combine_metric(key, {n: [f.metric(key) for f in fs] for n, fs in measured.items()})
        metrics[key] = value
        if not value.reliable:
            label = LABELS[key][0]
            shown = ", ".join(
                VIEW_GIVES.get(n, n + " {v}").format(v=_fmt(key, v)) for n, v in value.views.items()
            )
            notes.append(UNRELIABLE_TEXT.format(label=label, views=shown))
    hip = metrics["hip_tilt_deg"]
    return base.model_copy(
        update={
            "metrics": metrics,
            "high_side": g.high_side_of(hip),
            "reasons": [*notes, MIRROR_NOTE, *base.reasons],
        }
    )


def rules_document() -> dict[str, object]:
    """Everything the page's port (static/hipalign/js/posture_measure.js) needs, from here: the
    thresholds, bands and words of `geometry` and this module, so none is written twice."""
    return {
        "num_landmarks": g.NUM_LANDMARKS,
        "key_landmarks": {str(i): name for i, name in g.KEY_LANDMARKS.items()},
        "landmarks": {
            "left_shoulder": g.LEFT_SHOULDER,
            "right_shoulder": g.RIGHT_SHOULDER,
            "left_hip": g.LEFT_HIP,
            "right_hip": g.RIGHT_HIP,
            "left_ankle": g.LEFT_ANKLE,
            "right_ankle": g.RIGHT_ANKLE,
        },
        "mirror_pairs": [list(p) for p in MIRROR_PAIRS],
        "min_visibility": g.MIN_VISIBILITY,
        "min_image_side_px": g.MIN_IMAGE_SIDE_PX,
        "min_trunk_fraction_of_height": g.MIN_TRUNK_FRACTION_OF_HEIGHT,
        "min_trunk_px": g.MIN_TRUNK_PX,
        "min_shoulder_width_of_trunk": g.MIN_SHOULDER_WIDTH_OF_TRUNK,
        "min_hip_width_of_trunk": g.MIN_HIP_WIDTH_OF_TRUNK,
        "camera_tilt_line_deg": g.CAMERA_TILT_LINE_DEG,
        "camera_tilt_trunk_deg": g.CAMERA_TILT_TRUNK_DEG,
        "metric_keys": list(g.METRIC_KEYS),
        "frame_uncertainty": dict(g.FRAME_UNCERTAINTY),
        "labels": {k: list(v) for k, v in LABELS.items()},
        "refusal_reasons": dict(g.REFUSAL_REASONS),
        "view_gives": VIEW_GIVES,
        "view_words": VIEW_WORDS,
        "words": {
            "unreliable": UNRELIABLE_TEXT,
            "mirror_note": MIRROR_NOTE,
            "camera_tilt": g.CAMERA_TILT_REASON,
            "accuracy": g.ACCURACY_CAVEAT,
            "level_camera": g.LEVEL_CAMERA_CAVEAT,
            "ok": g.WORDING_OK,
            "not_measured": g.WORDING_NOT_MEASURED,
        },
    }
