"""Posture lines from 2-D body landmarks: angles, refusals and their uncertainty.

Pure math on keypoints (no model, no image): the vision adapter runs MediaPipe BlazePose and hands
over its 33 landmarks; this module turns one frame into numbers or a refusal (`measure_frame`) and
many frames into one honest result (`aggregate`). Definitions and figures: VISION.md sections 3 and 6.

Conventions (VISION.md 3). Landmarks arrive normalised (0-1) with y pointing DOWN, as MediaPipe gives
them. Every angle is computed in pixels (x * width, y * height) with y flipped to point UP, so that
angles mean the same on every picture shape and counter-clockwise is positive:
- hip line: angle of the vector from the subject's right hip (24) to their left hip (23); 0 = level,
  positive = the subject's LEFT hip is higher.
- shoulder line: the same for right shoulder (12) -> left shoulder (11).
- trunk lean: angle of the line mid-hip -> mid-shoulder from vertical, counter-clockwise positive,
  so positive = shoulders displaced toward the image's left = the subject's RIGHT (facing the
  camera).
- lateral shift: (mid-shoulder x - mid-hip x) / trunk length x 100 (%), positive = shoulders toward
  the image's right = the subject's LEFT. By these definitions shift = -100 x sin(trunk lean): the
  two are one measurement in two units (degrees, % of trunk length), so they share one uncertainty.
- FPPA: 180 - the interior hip-knee-ankle angle, unsigned; meaningful only in single-leg tasks
  (VISION.md 6.6), so it is a separate function and never part of the posture metrics.

What the +/- bands mean: how much a number moved when the same picture was rotated, re-framed or
re-saved (precision, VISION.md 3.3-3.7). They are not accuracy: how far BlazePose's learned hip
"joint centres" sit from the bony pelvis a clinician palpates is unknown and at least several
degrees (VISION.md 3 "Reading"; models disagreed by up to 8.7 degrees, 3.8). Results are for
comparison with the same person's own baseline taken the same way (VISION.md 6.2 and 6.5).
"""

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hipalign.core.vocab import Side

# ---------------------------------------------------------------------------------------------
# Landmark indices (MediaPipe BlazePose, 33 landmarks)
# ---------------------------------------------------------------------------------------------
NOSE = 0
LEFT_SHOULDER = 11
RIGHT_SHOULDER = 12
LEFT_HIP = 23
RIGHT_HIP = 24
LEFT_KNEE = 25
RIGHT_KNEE = 26
LEFT_ANKLE = 27
RIGHT_ANKLE = 28
NUM_LANDMARKS = 33

# The landmarks every posture measurement needs, with their names in plain words.
KEY_LANDMARKS: dict[int, str] = {
    LEFT_SHOULDER: "left shoulder",
    RIGHT_SHOULDER: "right shoulder",
    LEFT_HIP: "left hip",
    RIGHT_HIP: "right hip",
    LEFT_KNEE: "left knee",
    RIGHT_KNEE: "right knee",
    LEFT_ANKLE: "left ankle",
    RIGHT_ANKLE: "right ankle",
}

# ---------------------------------------------------------------------------------------------
# Refusal thresholds. Each is our [rule]: a sensible default, not a validated cut-off.
# ---------------------------------------------------------------------------------------------
# [rule] MediaPipe's visibility is the model's estimate that a point is in view and not hidden;
# below 0.5 it thinks the point more likely hidden than seen. A point outside the picture is not
# visible whatever its score.
MIN_VISIBILITY = 0.5
# [rule] Shortest picture side. Below 256 px the person's crop is smaller than the landmark
# model's own 256 x 256 input, so the model works from an enlarged, blurry crop.
MIN_IMAGE_SIDE_PX = 256
# [rule] The trunk (mid-hip to mid-shoulder) must be at least 8 % of the picture height: smaller,
# and the person is a speck in the frame (a whole body under roughly a quarter of the height).
MIN_TRUNK_FRACTION_OF_HEIGHT = 0.08
# [rule] ...and at least 60 px long (a whole body of roughly 200 px): below that the hip centres
# are under about 25 px apart and one pixel of landmark error is already 2 degrees on the hip line.
MIN_TRUNK_PX = 60.0
# [rule] Facing the camera, shoulder joints are about 0.7-0.8 and BlazePose hip centres about
# 0.4-0.5 trunk lengths apart. Below these fractions the body is turned well past 45 degrees and
# the left-right lines stop meaning "tilt".
MIN_SHOULDER_WIDTH_OF_TRUNK = 0.35
MIN_HIP_WIDTH_OF_TRUNK = 0.2
# [rule] Camera-tilt heuristic (see `camera_tilt_reason`): the ankle, hip and shoulder lines all
# tilted the same way by more than 5 degrees, with the trunk leaning that way by more than 2.
CAMERA_TILT_LINE_DEG = 5.0
CAMERA_TILT_TRUNK_DEG = 2.0

# ---------------------------------------------------------------------------------------------
# Uncertainty: the +/- band is a 95 % precision band (see the module docstring), never accuracy.
# ---------------------------------------------------------------------------------------------
# One frame (a photo). VISION.md 3.3: p95 of |error| when the photo was rotated, hip 2.33,
# shoulder 2.65, trunk 0.85 degrees; VISION.md 3.6: SD across re-framed, re-scaled, re-saved
# copies hip 0.78, shoulder 0.97, trunk 0.36 (x 1.96 = 1.5, 1.9, 0.7). The larger, rounded up.
FRAME_UNCERTAINTY_HIP_DEG = 2.4
FRAME_UNCERTAINTY_SHOULDER_DEG = 2.7
FRAME_UNCERTAINTY_TRUNK_DEG = 0.9


def shift_band_pct(trunk_band_deg: float) -> float:
    """The shift's band implied by the trunk's: shift = -100 sin(trunk), so |d shift| <= 100 |d trunk|.

    Rounded up to 0.1 %. The per-landmark error of VISION.md 3.3 (3.4 % of trunk length, p95) would
    suggest about 3.4 % for a difference of two mid-points, but the trunk angle, built from the same
    four points, measured 0.85 degrees (1.5 %): neighbouring points err together. The measured
    figure is used so that the two views of one measurement never disagree.
    """
    return math.ceil(100 * math.sin(math.radians(trunk_band_deg)) * 10 - 1e-9) / 10


FRAME_UNCERTAINTY_SHIFT_PCT = shift_band_pct(FRAME_UNCERTAINTY_TRUNK_DEG)  # 1.6 %

# A clip's median. Floor = the clip-median precision of VISION.md 3.7 (1.96 x the largest SD of
# the median: hip 0.18 -> 0.35, shoulder 0.22 -> 0.43 degrees) PLUS the framing effect that every
# frame of one clip shares, so that no median removes it (VISION.md 3.4, padding alone: hip up to
# 0.60, shoulder up to 1.91 degrees), summed and rounded up: hip 0.95 -> 1.0, shoulder 2.34 -> 2.4.
# Trunk was not measured in 3.4 or 3.7; its per-frame error is about half the hip's (3.3, 3.6), so
# its floor is half the hip's.
CLIP_FLOOR_HIP_DEG = 1.0
CLIP_FLOOR_SHOULDER_DEG = 2.4
CLIP_FLOOR_TRUNK_DEG = 0.5
CLIP_FLOOR_SHIFT_PCT = shift_band_pct(CLIP_FLOOR_TRUNK_DEG)  # 0.9 %

MetricKey = Literal["hip_tilt_deg", "shoulder_tilt_deg", "trunk_lean_deg", "lateral_shift_pct"]
METRIC_KEYS: tuple[MetricKey, ...] = (
    "hip_tilt_deg",
    "shoulder_tilt_deg",
    "trunk_lean_deg",
    "lateral_shift_pct",
)
FRAME_UNCERTAINTY: dict[MetricKey, float] = {
    "hip_tilt_deg": FRAME_UNCERTAINTY_HIP_DEG,
    "shoulder_tilt_deg": FRAME_UNCERTAINTY_SHOULDER_DEG,
    "trunk_lean_deg": FRAME_UNCERTAINTY_TRUNK_DEG,
    "lateral_shift_pct": FRAME_UNCERTAINTY_SHIFT_PCT,
}
CLIP_FLOOR: dict[MetricKey, float] = {
    "hip_tilt_deg": CLIP_FLOOR_HIP_DEG,
    "shoulder_tilt_deg": CLIP_FLOOR_SHOULDER_DEG,
    "trunk_lean_deg": CLIP_FLOOR_TRUNK_DEG,
    "lateral_shift_pct": CLIP_FLOOR_SHIFT_PCT,
}
# MAD x 1.4826 estimates the SD of normally distributed values while ignoring outlier frames.
MAD_TO_SD = 1.4826
Z95 = 1.96

# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------
WORDING_OK = (
    "This is a screening measurement from a picture, not a diagnosis: any difference it shows is "
    "something to confirm with a physiotherapist or doctor who can examine you."
)
WORDING_NOT_MEASURED = (
    "Nothing was measured from this picture; even when it works, this is only a screen to confirm "
    "with a physiotherapist or doctor, never a diagnosis."
)
ACCURACY_CAVEAT = (
    "The +/- figures show how much each number moved when the same picture was shifted, turned or "
    "saved again; they are not accuracy. How far these lines sit from your actual bones is unknown "
    "and may be several degrees, so compare only with your own earlier results taken the same way "
    "(same camera set-up, same app version)."
)
LEVEL_CAMERA_CAVEAT = (
    "A tilted camera tilts every line by the same amount: keep the camera level, for example with "
    "the phone's level or by lining it up with the floor."
)
CAMERA_TILT_REASON = (
    "The camera looks tilted: the lines through the ankles, hips and shoulders all slope the same "
    "way. Level the camera and take the picture again before trusting these numbers."
)

RefusalCode = Literal[
    "no_person",
    "several_people",
    "image_too_small",
    "not_visible",
    "person_too_small",
    "turned",
    "facing_away",
    "no_frames",
]
REFUSAL_REASONS: dict[RefusalCode, str] = {
    "no_person": "no person was found",
    "several_people": "more than one person is in the picture: crop to one person",
    "image_too_small": (
        f"the picture is too small: it needs at least {MIN_IMAGE_SIDE_PX} pixels on its short side"
    ),
    "not_visible": "not visible: the whole body must be in the picture",
    "person_too_small": (
        "the person is too small in the picture: stand closer to the camera or use a larger picture"
    ),
    "turned": "the body is turned; stand facing the camera",
    "facing_away": (
        "the person seems to face away from the camera, or left and right were mixed up; "
        "stand facing the camera"
    ),
    "no_frames": "there was no picture to measure",
}


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------
class Landmark(BaseModel):
    """One BlazePose landmark as MediaPipe gives it: normalised 0-1 (may stray outside), y DOWN."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    x: float = Field(allow_inf_nan=False)
    y: float = Field(allow_inf_nan=False)
    visibility: float = Field(ge=0.0, le=1.0)

    @field_validator("visibility", mode="before")
    @classmethod
    def _clamp_visibility(cls, v: object) -> object:
        """A score a rounding step outside 0-1 is clamped; a missing (NaN) score means hidden, so a
        model quirk becomes a "not visible" refusal rather than a crash."""
        if isinstance(v, int | float) and not isinstance(v, bool):
            return 0.0 if math.isnan(v) else min(1.0, max(0.0, float(v)))
        return v


class Value(BaseModel):
    """A measured number with its +/- band (degrees or %).

    `uncertainty` is the half-width of a 95 % precision band: the measurement would most likely
    stay within value +/- uncertainty if the same scene were captured again the same way. It says
    nothing about accuracy, which is unknown (see the module docstring).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float = Field(allow_inf_nan=False)
    uncertainty: float = Field(ge=0.0, allow_inf_nan=False)
    # Issue 17 (compatible additions; results stored before them read as reliable, one view):
    # False when the picture and its mirror image disagree by more than the effect reported
    # ("could not measure reliably", core.posture.views), and the value each view gave.
    reliable: bool = True
    views: dict[str, float] = Field(default_factory=dict)


class FrameMetrics(BaseModel):
    """One measurable frame: the posture lines plus the sizes the checks used (pixels)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hip_tilt_deg: float
    shoulder_tilt_deg: float
    trunk_lean_deg: float
    lateral_shift_pct: float
    ankle_tilt_deg: float  # right ankle -> left ankle, same convention; used for the camera check
    trunk_length_px: float
    hip_width_px: float
    shoulder_width_px: float

    def metric(self, key: MetricKey) -> float:
        value: float = getattr(self, key)
        return value


class Refusal(BaseModel):
    """Why a frame could not be measured, in plain words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: RefusalCode
    reason: str


class PostureResult(BaseModel):
    """A photo or clip, measured or refused. `frames` counts every frame examined (1 for a photo);
    `frames_used` those that could be measured; `spread` is the robust SD across them (0 for one)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Literal["ok", "could_not_measure"]
    reasons: list[str]
    metrics: dict[str, Value]
    high_side: Literal["left", "right", "level"] | None
    frames: int = Field(ge=0)
    frames_used: int = Field(default=0, ge=0)
    spread: dict[str, float] = Field(default_factory=dict)
    model: str = ""
    wording: str


# ---------------------------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------------------------
Point = tuple[float, float]


def to_pixels(lm: Landmark, width: int, height: int) -> Point:
    """Normalised, y-down landmark -> pixels with y UP (origin at the bottom-left corner)."""
    return (lm.x * width, (1.0 - lm.y) * height)


def is_visible(lm: Landmark) -> bool:
    """Visible enough to measure with ([rule] MIN_VISIBILITY) and inside the picture."""
    return lm.visibility >= MIN_VISIBILITY and 0.0 <= lm.x <= 1.0 and 0.0 <= lm.y <= 1.0


def line_angle_deg(start: Point, end: Point) -> float:
    """Angle of the vector start -> end from the +x axis, counter-clockwise positive (y up)."""
    return math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))


def angle_from_vertical_deg(start: Point, end: Point) -> float:
    """Angle of start -> end from straight up, counter-clockwise positive (y up)."""
    return math.degrees(math.atan2(-(end[0] - start[0]), end[1] - start[1]))


def interior_angle_deg(a: Point, vertex: Point, b: Point) -> float | None:
    """The angle a-vertex-b in degrees (0-180); None when a point coincides with the vertex."""
    ax, ay = a[0] - vertex[0], a[1] - vertex[1]
    bx, by = b[0] - vertex[0], b[1] - vertex[1]
    na, nb = math.hypot(ax, ay), math.hypot(bx, by)
    if na == 0.0 or nb == 0.0:
        return None
    cos = max(-1.0, min(1.0, (ax * bx + ay * by) / (na * nb)))
    return math.degrees(math.acos(cos))


def midpoint(a: Point, b: Point) -> Point:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def distance(a: Point, b: Point) -> float:
    return math.hypot(b[0] - a[0], b[1] - a[1])


def _check_landmarks(landmarks: list[Landmark]) -> None:
    if len(landmarks) != NUM_LANDMARKS:
        raise ValueError(f"expected {NUM_LANDMARKS} landmarks, got {len(landmarks)}")


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _refuse(code: RefusalCode, reason: str | None = None) -> Refusal:
    return Refusal(code=code, reason=reason or REFUSAL_REASONS[code])


# ---------------------------------------------------------------------------------------------
# One frame
# ---------------------------------------------------------------------------------------------
def _one_person_seen(
    landmarks: list[Landmark] | None, width: int, height: int, people: int
) -> list[Landmark] | Refusal:
    """The landmarks when the picture is large enough and shows one person with the key
    landmarks visible; else the refusal, in the order measure_frame documents."""
    if width <= 0 or height <= 0:
        raise ValueError("width and height must be positive")
    if people < 0:
        raise ValueError("people cannot be negative")
    if min(width, height) < MIN_IMAGE_SIDE_PX:
        return _refuse("image_too_small")
    if landmarks is None or people == 0:
        return _refuse("no_person")
    if people > 1:
        return _refuse("several_people")
    _check_landmarks(landmarks)

    hidden = [name for i, name in KEY_LANDMARKS.items() if not is_visible(landmarks[i])]
    if hidden:
        return _refuse(
            "not_visible",
            f"the {_join(hidden)} {'is' if len(hidden) == 1 else 'are'} "
            f"{REFUSAL_REASONS['not_visible']}",
        )
    return landmarks


def _facing_away(mid_sh: Point, mid_hip: Point, pairs: tuple[tuple[Point, Point], ...]) -> bool:
    # Facing the camera, the subject's left side lies clockwise of the trunk's upward direction
    # (image right when upright): the cross product trunk x (right -> left) is negative. This holds
    # under any rotation of the picture, and under mirroring with the labels swapped.
    tx, ty = mid_sh[0] - mid_hip[0], mid_sh[1] - mid_hip[1]
    return any(tx * (left[1] - right[1]) - ty * (left[0] - right[0]) >= 0 for right, left in pairs)


def measure_frame(
    landmarks: list[Landmark] | None, width: int, height: int, *, people: int = 1
) -> FrameMetrics | Refusal:
    """Posture lines of one frame (VISION.md 3 definitions), or a refusal saying why not.

    `people` is how many persons the adapter (or the user) saw; BlazePose itself returns one person,
    not necessarily the intended one, and no count (VISION.md 3.10).
    Checks, in order: picture size, a person found, one person, key landmarks visible, person large
    enough, facing the camera (widths), not facing away (left/right order).
    """
    seen = _one_person_seen(landmarks, width, height, people)
    if isinstance(seen, Refusal):
        return seen

    def px(i: int) -> Point:
        return to_pixels(seen[i], width, height)

    l_sh, r_sh = px(LEFT_SHOULDER), px(RIGHT_SHOULDER)
    l_hip, r_hip = px(LEFT_HIP), px(RIGHT_HIP)
    l_ank, r_ank = px(LEFT_ANKLE), px(RIGHT_ANKLE)
    mid_sh, mid_hip = midpoint(l_sh, r_sh), midpoint(l_hip, r_hip)

    trunk = distance(mid_hip, mid_sh)
    if trunk < MIN_TRUNK_FRACTION_OF_HEIGHT * height or trunk < MIN_TRUNK_PX:
        return _refuse("person_too_small")
    shoulder_width, hip_width = distance(r_sh, l_sh), distance(r_hip, l_hip)
    if (
        shoulder_width < MIN_SHOULDER_WIDTH_OF_TRUNK * trunk
        or hip_width < MIN_HIP_WIDTH_OF_TRUNK * trunk
    ):
        return _refuse("turned")
    if _facing_away(mid_sh, mid_hip, ((r_hip, l_hip), (r_sh, l_sh))):
        return _refuse("facing_away")

    return FrameMetrics(
        hip_tilt_deg=line_angle_deg(r_hip, l_hip),
        shoulder_tilt_deg=line_angle_deg(r_sh, l_sh),
        trunk_lean_deg=angle_from_vertical_deg(mid_hip, mid_sh),
        lateral_shift_pct=(mid_sh[0] - mid_hip[0]) / trunk * 100,
        ankle_tilt_deg=line_angle_deg(r_ank, l_ank),
        trunk_length_px=trunk,
        hip_width_px=hip_width,
        shoulder_width_px=shoulder_width,
    )


def knee_angle_deg(landmarks: list[Landmark], width: int, height: int, side: Side) -> float | None:
    """Interior hip-knee-ankle angle of one leg (180 = straight); None if a point is not visible."""
    _check_landmarks(landmarks)
    hip, knee, ankle = (
        (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE)
        if side == "left"
        else (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE)
    )
    if not all(is_visible(landmarks[i]) for i in (hip, knee, ankle)):
        return None
    return interior_angle_deg(
        to_pixels(landmarks[hip], width, height),
        to_pixels(landmarks[knee], width, height),
        to_pixels(landmarks[ankle], width, height),
    )


def fppa_deg(landmarks: list[Landmark], width: int, height: int, side: Side) -> float | None:
    """Frontal-plane projection angle: 180 - interior hip-knee-ankle angle, unsigned (VISION.md 3).

    Only for single-leg tasks (single-leg squat, step-down, landing) and with low confidence
    (VISION.md 6.6; 2-D FPPA agrees poorly with 3-D in single-leg squats, r = 0.13-0.31, 5). In a
    two-leg squat it is mostly projected knee bend, not valgus (VISION.md 4), so it is never part
    of the posture metrics. Per-frame precision: up to 3.7-7.0 degrees p95 (VISION.md 3.3).
    """
    angle = knee_angle_deg(landmarks, width, height, side)
    return None if angle is None else 180.0 - angle


def camera_tilt_reason(frame: FrameMetrics) -> str | None:
    """A heuristic [rule]: a plain-words caveat when the camera itself looks tilted, else None.

    A camera turned by t degrees adds t to every line and to the trunk, while a person who really
    stands with a tilted pelvis usually tilts the shoulders the other way and keeps the feet level.
    So: ankle, hip and shoulder lines all tilted the same way by more than CAMERA_TILT_LINE_DEG and
    the trunk leaning that way by more than CAMERA_TILT_TRUNK_DEG. Unvalidated; it only catches
    obvious tilts (a tilt under 5 degrees passes unnoticed, and a staggered stance tilts the ankle
    line on its own), so it never replaces levelling the camera (VISION.md 6.4).
    """
    lines = (frame.ankle_tilt_deg, frame.hip_tilt_deg, frame.shoulder_tilt_deg)
    for sign in (1.0, -1.0):
        if (
            all(sign * a > CAMERA_TILT_LINE_DEG for a in lines)
            and sign * frame.trunk_lean_deg > CAMERA_TILT_TRUNK_DEG
        ):
            return CAMERA_TILT_REASON
    return None


# ---------------------------------------------------------------------------------------------
# Many frames
# ---------------------------------------------------------------------------------------------
def robust_sd(values: list[float]) -> float:
    """1.4826 x the median absolute deviation: an SD that a few wild frames do not inflate."""
    if len(values) < 2:
        return 0.0
    centre = statistics.median(values)
    return MAD_TO_SD * statistics.median(abs(v - centre) for v in values)


def clip_uncertainty(key: MetricKey, values: list[float]) -> float:
    """The +/- band of the median of `values` (one metric over the measurable frames).

    One frame: the per-frame band. More: max(clip floor, 1.96 x robust SD / sqrt(n), per-frame band
    / sqrt(n)). The last term keeps a handful of near-identical frames from claiming the precision
    measured on 60-frame clips; the floor keeps any clip from claiming more than VISION.md 3.4 and
    3.7 support.
    """
    n = len(values)
    if n == 0:
        raise ValueError("no values")
    if n == 1:
        return FRAME_UNCERTAINTY[key]
    root_n = math.sqrt(n)
    return max(CLIP_FLOOR[key], Z95 * robust_sd(values) / root_n, FRAME_UNCERTAINTY[key] / root_n)


def high_side_of(hip: Value) -> Literal["left", "right", "level"] | None:
    """The higher hip, "level" within the band, None when the hip line is not reliable."""
    if not hip.reliable:
        return None
    if abs(hip.value) < hip.uncertainty:
        return "level"
    return "left" if hip.value > 0 else "right"


def _most_common_reason(refused: list[Refusal]) -> str | None:
    """The reason of the most common refusal code (ties: the first seen), in its most common
    wording: "not visible" frames name different landmarks but are one reason."""
    if not refused:
        return None
    code = Counter(r.code for r in refused).most_common(1)[0][0]
    return Counter(r.reason for r in refused if r.code == code).most_common(1)[0][0]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def aggregate(
    frames: Sequence[FrameMetrics | Refusal], min_ok_fraction: float = 0.6, *, model: str = ""
) -> PostureResult:
    """A photo (one frame) or a clip: the median of each metric over the measurable frames.

    Refused frames are left out; when fewer than `min_ok_fraction` of the frames could be measured
    the result is "could_not_measure" with the most common refusal reason (ties: the first seen).
    `model` is stored as given (the adapter's model, version and mode: VISION.md 6.1).
    """
    if not 0.0 < min_ok_fraction <= 1.0:
        raise ValueError("min_ok_fraction must be in (0, 1]")
    total = len(frames)
    measured = [f for f in frames if isinstance(f, FrameMetrics)]
    refused = [f for f in frames if isinstance(f, Refusal)]
    common = _most_common_reason(refused)

    # The tolerance keeps 7 of 10 frames enough for 0.7 (0.7 * 10 is 7.000000000000001).
    if not measured or len(measured) < min_ok_fraction * total - 1e-9:
        why = [common or REFUSAL_REASONS["no_frames"]]
        if total > 1:
            why.append(
                f"only {len(measured)} of {total} frames could be measured; at least "
                f"{math.ceil(min_ok_fraction * 100)} % are needed"
            )
        return PostureResult(
            status="could_not_measure",
            reasons=why,
            metrics={},
            high_side=None,
            frames=total,
            frames_used=len(measured),
            model=model,
            wording=WORDING_NOT_MEASURED,
        )

    metrics: dict[str, Value] = {}
    spread: dict[str, float] = {}
    for key in METRIC_KEYS:
        values = [f.metric(key) for f in measured]
        metrics[key] = Value(
            value=statistics.median(values), uncertainty=clip_uncertainty(key, values)
        )
        spread[key] = robust_sd(values)

    reasons: list[str] = []
    median_frame = FrameMetrics(
        hip_tilt_deg=metrics["hip_tilt_deg"].value,
        shoulder_tilt_deg=metrics["shoulder_tilt_deg"].value,
        trunk_lean_deg=metrics["trunk_lean_deg"].value,
        lateral_shift_pct=metrics["lateral_shift_pct"].value,
        ankle_tilt_deg=statistics.median(f.ankle_tilt_deg for f in measured),
        trunk_length_px=statistics.median(f.trunk_length_px for f in measured),
        hip_width_px=statistics.median(f.hip_width_px for f in measured),
        shoulder_width_px=statistics.median(f.shoulder_width_px for f in measured),
    )
    tilt = camera_tilt_reason(median_frame)
    if tilt:
        reasons.append(tilt)
    if refused:
        reasons.append(
            f"{_plural(len(refused), 'frame')} of {total} could not be measured and "
            f"{'was' if len(refused) == 1 else 'were'} left out (most often: {common})"
        )
    reasons += [ACCURACY_CAVEAT, LEVEL_CAMERA_CAVEAT]

    return PostureResult(
        status="ok",
        reasons=reasons,
        metrics=metrics,
        high_side=high_side_of(metrics["hip_tilt_deg"]),
        frames=total,
        frames_used=len(measured),
        spread=spread,
        model=model,
        wording=WORDING_OK,
    )
