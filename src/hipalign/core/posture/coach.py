"""The camera coach's rules as data for the page (issue 17): one source of truth.

The session player runs the pose model in the browser and evaluates the rules of
`reps.REP_RULES` there (static/hipalign/js/coach.js). `rules_document()` exports them as plain
data with the thresholds this module and `reps` define, so the page never has numbers of its
own; tests/web/test_coach_rules.py runs both evaluators on the same landmark sequences and
requires the same signals, counts, holds, view problems and cue values.

Also here, because the page needs them and the core is where rules live:
- `view_problem`: whether the camera can show the movement ("step back so your whole body is in
  view", "turn side-on", "face the camera");
- `CUES`: form cues, each with its threshold, its source and a plain sentence, and
  `cue_value`, the per-frame measure a cue compares with its threshold (None when the landmarks
  are not visible enough, so no cue is ever given on a guess).
Every threshold is our [rule] until labelled clips of our own exercises exist (VISION.md 6.7).
"""

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from hipalign.core.posture.geometry import (
    LEFT_ANKLE,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    MIN_SHOULDER_WIDTH_OF_TRUNK,
    MIN_VISIBILITY,
    NOSE,
    RIGHT_ANKLE,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
    Landmark,
    angle_from_vertical_deg,
    distance,
    interior_angle_deg,
    is_visible,
    midpoint,
    to_pixels,
)
from hipalign.core.posture.reps import MIN_GAP_S, REFERENCE_MOVEMENTS, REP_RULES, RepRule
from hipalign.core.vocab import Side

ViewProblem = Literal["whole_body", "side_on", "face_camera"]
Facing = Literal["camera", "away"]

LEFT_EYE, RIGHT_EYE = 2, 5  # BlazePose's eye centres
# [rule] Which way a person faces is read only when the shoulders spread across the trunk line
# by at least this share of the trunk length: side-on, the spread is within landmark noise
# (about 1-2 degrees, VISION.md 3.6) and its sign means nothing. 0.1 of a 300 px trunk is 30 px,
# far past that noise, and well under the 0.35 (MIN_SHOULDER_WIDTH_OF_TRUNK) of a front view.
FACING_MIN_SPREAD_OF_TRUNK = 0.1

VIEW_WORDS: dict[ViewProblem, str] = {
    "whole_body": "Step back so your whole body is in view.",
    "side_on": "Turn side-on to the camera.",
    "face_camera": "Face the camera.",
}

_SIDE = {
    "left": (LEFT_SHOULDER, LEFT_HIP, LEFT_KNEE, LEFT_ANKLE),
    "right": (RIGHT_SHOULDER, RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE),
}


def facing(lms: list[Landmark], width: int, height: int) -> Facing | None:
    """Whether the person faces the camera or has their back to it; None when it cannot be told.

    Two signs, both needed, because either alone is fooled:
    - the shoulders' order about the trunk: in the picture's own coordinates (pose.js runs with
      selfieMode off, as the Python model), a person facing the camera has their left shoulder
      on their trunk's right as the picture shows it (standing: on the picture's right). Read as
      the sign of the cross product of right -> left shoulder with mid-hip -> mid-shoulder, it
      holds for a person lying down too (a turned body keeps it), but a mirrored camera picture
      flips it, and so does a back view;
    - the face: nose and at least one eye visible (MIN_VISIBILITY). From behind the model gives
      them low visibility, though not always (it can guess a face on the back of a head).
    Facing the camera: face seen and the order of a front. Back to the camera: face not seen and
    the order reversed. Any other mix (a mirrored picture of a front view, a bowed head, a guessed
    face) and a side-on body (the spread under FACING_MIN_SPREAD_OF_TRUNK) give None [rule]."""
    pts = [
        to_pixels(lms[i], width, height) if is_visible(lms[i]) else None
        for i in (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP)
    ]
    if any(p is None for p in pts):
        return None
    l_sh, r_sh, l_hip, r_hip = (p for p in pts if p is not None)
    mid_sh, mid_hip = midpoint(l_sh, r_sh), midpoint(l_hip, r_hip)
    tx, ty = mid_sh[0] - mid_hip[0], mid_sh[1] - mid_hip[1]
    trunk = math.hypot(tx, ty)
    if trunk == 0:
        return None
    sx, sy = l_sh[0] - r_sh[0], l_sh[1] - r_sh[1]
    spread = (sx * ty - sy * tx) / trunk  # the shoulders' spread across the trunk line, signed
    if abs(spread) < FACING_MIN_SPREAD_OF_TRUNK * trunk:
        return None
    face = is_visible(lms[NOSE]) and (is_visible(lms[LEFT_EYE]) or is_visible(lms[RIGHT_EYE]))
    if face and spread > 0:
        return "camera"
    if not face and spread < 0:
        return "away"
    return None


def view_problem(rule: RepRule, lms: list[Landmark], width: int, height: int) -> ViewProblem | None:
    """Why this frame cannot show the rule's movement, or None when it can.

    Whole body: a front view needs shoulders, hips, knees and ankles of both sides visible; a
    side view those of at least one side (the far side is often hidden). Orientation: shoulders
    at least MIN_SHOULDER_WIDTH_OF_TRUNK of the trunk length apart is a front view (the posture
    check's own front-view gate); closer, or the far shoulder hidden, is side-on [rule]. A front
    rule also needs the person facing the camera: shoulders as wide as a front view's but the
    back to the camera (`facing` "away") is "face_camera" (the library's front rules are set up
    facing the camera; when `facing` cannot tell, the frame is not held against the person)."""
    if rule.kind == "not_counted" or rule.view is None:
        return None
    seen = {s: all(is_visible(lms[i]) for i in pts) for s, pts in _SIDE.items()}
    if (rule.view == "front" and not all(seen.values())) or not any(seen.values()):
        return "whole_body"
    side = "left" if seen["left"] else "right"
    sh, hip, _, _ = (to_pixels(lms[i], width, height) for i in _SIDE[side])
    trunk = distance(sh, hip)
    if trunk == 0:
        return "whole_body"
    front = False
    if is_visible(lms[LEFT_SHOULDER]) and is_visible(lms[RIGHT_SHOULDER]):
        width_px = distance(
            to_pixels(lms[LEFT_SHOULDER], width, height),
            to_pixels(lms[RIGHT_SHOULDER], width, height),
        )
        front = width_px >= MIN_SHOULDER_WIDTH_OF_TRUNK * trunk
    if rule.view == "front" and (not front or facing(lms, width, height) == "away"):
        return "face_camera"
    if rule.view == "side" and front:
        return "side_on"
    return None


# ---------------------------------------------------------------------------------------------
# Form cues
# ---------------------------------------------------------------------------------------------
CueMeasure = Literal["pelvic_drop", "trunk_lean", "knee_valgus", "rep_time"]

# [rule] A cue is given when its measure stays past the threshold this long: a single frame of
# landmark noise (about 1-2 degrees, VISION.md 3.6) must not trigger it.
CUE_MIN_S = 0.5
# [rule] The lifted foot: ankles this far apart in height, % of trunk length (as single-leg
# balance's hold rule).
FOOT_LIFTED_PCT = 6.0
# [rule] The knee cue is read only while the knee bends less than this (interior angle at least
# 180 minus it): deeper, a two-leg squat's knee bend projects as a large "FPPA" (74-98 degrees at
# the bottom of the shared squat clip, VISION.md 4), which is not valgus.
KNEE_VALGUS_MAX_BEND_DEG = 60.0


class Cue(BaseModel):
    """One form cue: shown when `measure` is at least `threshold` (in `unit`) for CUE_MIN_S."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    measure: CueMeasure
    exercises: tuple[str, ...]
    threshold: float
    unit: str
    sentence: str  # what the person reads, in plain words
    source: str  # the reference the threshold or the sign comes from
    why: str  # how the threshold follows from the source ([rule] where it is ours)
    confidence: Literal["low", "moderate"]


_BALANCE = ("single_leg_balance", "standing_hip_abduction", "band_hip_abduction")

CUES: tuple[Cue, ...] = (
    Cue(
        id="pelvic_drop",
        measure="pelvic_drop",
        exercises=_BALANCE,
        threshold=6.0,
        unit="degrees",
        sentence="Keep your hips level: the hip on the lifted side is dropping.",
        source=(
            "Hardcastle P, Nade S. The significance of the Trendelenburg test. J Bone Joint Surg "
            "Br. 1985;67(5):741-746. doi:10.1302/0301-620X.67B5.4055873"
        ),
        why=(
            "A positive Trendelenburg sign is the pelvis dropping on the lifted side; about 2 cm "
            "is the usual cut-off, and 2 cm over the about 20 cm between the hip joint centres "
            "is about 6 degrees of the hip line [rule]."
        ),
        confidence="moderate",
    ),
    Cue(
        id="trunk_lean",
        measure="trunk_lean",
        exercises=_BALANCE,
        threshold=10.0,
        unit="degrees",
        sentence="Stand tall: your upper body is leaning to one side.",
        source=(
            "Neumann DA. Kinesiology of the hip: a focus on muscular actions. J Orthop Sports "
            "Phys Ther. 2010;40(2):82-94. doi:10.2519/jospt.2010.3025"
        ),
        why=(
            "Leaning the trunk over the standing leg is the usual way to make up for weak hip "
            "abductors; 10 degrees from vertical (mid-hip to mid-shoulder) is our [rule], well "
            "past the trunk's per-frame noise of about 1 degree (VISION.md 3)."
        ),
        confidence="low",
    ),
    Cue(
        id="knee_valgus",
        measure="knee_valgus",
        exercises=tuple(sorted(REFERENCE_MOVEMENTS)),
        threshold=10.0,
        unit="degrees",
        sentence="Keep your knee in line with your toes: it is moving inwards.",
        source=(
            "Munro A, Herrington L, Carolan M. Reliability of 2-dimensional video assessment of "
            "frontal-plane dynamic knee valgus during common athletic screening tasks. J Sport "
            "Rehabil. 2012;21(1):7-11. doi:10.1123/jsr.21.1.7"
        ),
        why=(
            "The frontal-plane projection angle (180 minus the hip-knee-ankle angle, counted "
            "only when the knee is inside the hip-ankle line) is a reliable 2-D measure, but it "
            "agrees poorly with 3-D motion (JOSPT 2018 meta-analysis, PMID 29895235), hence low "
            "confidence; 10 degrees is our [rule], read only while the knee bends less than 60."
        ),
        confidence="low",
    ),
    Cue(
        id="too_fast",
        measure="rep_time",
        exercises=tuple(sorted(r.exercise for r in REP_RULES.values() if r.kind == "reps")),
        threshold=0.5,
        unit="share of the prescribed time per repetition",
        sentence="Slow down: take the time each repetition is given.",
        source=(
            "American College of Sports Medicine. Progression models in resistance training for "
            "healthy adults. Med Sci Sports Exerc. 2009;41(3):687-708. "
            "doi:10.1249/MSS.0b013e3181915670"
        ),
        why=(
            "Controlled repetitions at the prescribed tempo; a repetition (from one completed "
            "rep to the next) shorter than half the exercise's time per repetition is our "
            "[rule] for too fast."
        ),
        confidence="moderate",
    ),
)


def _px(lms: list[Landmark], width: int, height: int, i: int) -> tuple[float, float] | None:
    return to_pixels(lms[i], width, height) if is_visible(lms[i]) else None


def _trunk_cue_value(measure: str, lms: list[Landmark], width: int, height: int) -> float | None:
    """Trunk lean from vertical, or the lifted side's pelvic drop; None when not measurable."""
    pts = [
        _px(lms, width, height, i)
        for i in (
            LEFT_SHOULDER,
            RIGHT_SHOULDER,
            LEFT_HIP,
            RIGHT_HIP,
            LEFT_ANKLE,
            RIGHT_ANKLE,
        )
    ]
    seen = [p for p in pts if p is not None]
    if len(seen) != len(pts):
        return None
    l_sh, r_sh, l_hip, r_hip, l_ank, r_ank = seen
    mid_hip, mid_sh = midpoint(l_hip, r_hip), midpoint(l_sh, r_sh)
    if measure == "trunk_lean":
        return abs(angle_from_vertical_deg(mid_hip, mid_sh))
    trunk = distance(mid_hip, mid_sh)
    if trunk == 0:
        return None
    lift = (l_ank[1] - r_ank[1]) / trunk * 100  # y up: positive = left foot higher
    if abs(lift) < FOOT_LIFTED_PCT:
        return None  # both feet down: no lifted side to drop
    # The lifted side's hip below the standing side's, as an angle over the hips' width
    # across the picture: positive = dropped. Measured on the width's size, not on the
    # right-to-left vector, which points the other way when the person faces away from
    # the camera (or the picture is mirrored): that read ±180° and cued on level hips.
    lifted, standing = (l_hip, r_hip) if lift > 0 else (r_hip, l_hip)
    return math.degrees(math.atan2(standing[1] - lifted[1], abs(lifted[0] - standing[0])))


def _knee_valgus_side(lms: list[Landmark], width: int, height: int, s: Side) -> float | None:
    """One knee's bend toward the midline (positive) or away (negative), when straight enough."""
    _, hip_i, knee_i, ankle_i = _SIDE[s]
    hip, knee, ankle = (_px(lms, width, height, i) for i in (hip_i, knee_i, ankle_i))
    other_hip = _px(lms, width, height, RIGHT_HIP if s == "left" else LEFT_HIP)
    if hip is None or knee is None or ankle is None or other_hip is None:
        return None
    angle = interior_angle_deg(hip, knee, ankle)
    if angle is None or angle < 180.0 - KNEE_VALGUS_MAX_BEND_DEG or ankle[1] == hip[1]:
        return None
    mid_x = (hip[0] + other_hip[0]) / 2
    line_x = hip[0] + (ankle[0] - hip[0]) * (knee[1] - hip[1]) / (ankle[1] - hip[1])
    medial = abs(knee[0] - mid_x) < abs(line_x - mid_x)
    return (180.0 - angle) if medial else -(180.0 - angle)


def cue_value(
    cue: Cue, lms: list[Landmark], width: int, height: int, side: Side | None = None
) -> float | None:
    """The per-frame measure of a frame cue (pelvic drop, trunk lean, knee valgus), or None when
    the landmarks it needs are not visible enough. `rep_time` is not per frame: see
    `too_fast`."""
    match cue.measure:
        case "pelvic_drop" | "trunk_lean":
            return _trunk_cue_value(cue.measure, lms, width, height)
        case "knee_valgus":
            sides: tuple[Side, ...] = ("left", "right") if side is None else (side,)
            found = [
                v for s in sides if (v := _knee_valgus_side(lms, width, height, s)) is not None
            ]
            return max(found) if found else None
        case "rep_time":
            return None


def too_fast(rep_end_times_s: list[float], rep_s: float) -> bool:
    """Whether the last repetition (from the one before it) took less than the cue's share of
    the prescribed time per repetition."""
    if rep_s <= 0 or len(rep_end_times_s) < 2:
        return False
    (cue,) = (c for c in CUES if c.measure == "rep_time")
    return rep_end_times_s[-1] - rep_end_times_s[-2] < cue.threshold * rep_s


def rules_document(exercises: list[str] | None = None) -> dict[str, Any]:
    """Everything the page evaluates, as JSON-able data (only `exercises`, when given, plus the
    reference movements)."""
    wanted = None if exercises is None else set(exercises) | REFERENCE_MOVEMENTS
    return {
        "schema": "hipalign.coach_rules/1",
        "min_visibility": MIN_VISIBILITY,
        "min_gap_s": MIN_GAP_S,
        "front_min_shoulder_width_of_trunk": MIN_SHOULDER_WIDTH_OF_TRUNK,
        "facing_min_spread_of_trunk": FACING_MIN_SPREAD_OF_TRUNK,
        "cue_min_s": CUE_MIN_S,
        "foot_lifted_pct": FOOT_LIFTED_PCT,
        "knee_valgus_max_bend_deg": KNEE_VALGUS_MAX_BEND_DEG,
        "view_words": VIEW_WORDS,
        "rules": {
            k: r.model_dump(mode="json")
            for k, r in REP_RULES.items()
            if wanted is None or k in wanted
        },
        "cues": [c.model_dump(mode="json") for c in CUES],
    }
