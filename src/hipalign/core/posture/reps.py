"""Counting repetitions and timing holds from per-frame signals (VISION.md 4 and 6.7).

The adapter measures one number per frame (a knee angle, the angle between the thighs, ...) or
decides per frame whether the person is "in position"; this module does the rest, with no clock:
time comes only from frame numbers and `fps`.

Repetitions use hysteresis: a rep starts when the signal goes past one threshold and counts only
when it comes back past a second one, so jitter around either threshold cannot count twice.
VISION.md 4: on the squat video, knee angle down below 120 and up again above 155 degrees counted
2 completed + 1 in progress with every model, mirrored, rotated, at 2.5 and at 15 fps. That is one
video: a smoke test, not an accuracy figure. Every threshold in REP_RULES is our [rule] until a
labelled clip set of our own exercises confirms it (VISION.md 6.7).
"""

import math
import statistics
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hipalign.core.posture.geometry import (
    LEFT_ANKLE,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    NOSE,
    RIGHT_ANKLE,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
    Landmark,
    Point,
    distance,
    interior_angle_deg,
    is_visible,
    knee_angle_deg,
    midpoint,
    to_pixels,
)
from hipalign.core.vocab import Side

# VISION.md 4 (one squat video; standing 167-177, bottom 92-100 degrees).
SQUAT_DOWN_BELOW_DEG = 120.0
SQUAT_UP_ABOVE_DEG = 155.0
# [rule] A phase shorter than this is a flicker of the landmarks, not a movement.
MIN_PHASE_S = 0.3
# [rule] A gap in a hold shorter than this is a flicker, not the person leaving the position.
MIN_GAP_S = 0.3


class RepCount(BaseModel):
    """Completed reps, whether one is under way at the end, and the time each spent in its working
    phase ("hold": from crossing the first threshold to crossing back past the second)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    completed: int = Field(ge=0)
    in_progress: bool
    holds_s: list[float]
    frames_used: int = Field(ge=0)  # frames with a signal (None frames are skipped)


def _lasts(frames: int, fps: float, seconds: float) -> bool:
    """Whether `frames` frames last at least `seconds` (with a tolerance, so that 9 frames at 30 fps
    are 0.3 s although 0.3 * 30 is not exactly 9 in floating point)."""
    return frames / fps >= seconds - 1e-9


def _median3(values: list[float]) -> list[float]:
    """Median of each value and its neighbours; the two ends use the median of the two they have."""
    if len(values) < 3:
        return list(values)
    out = [statistics.median(values[:2])]
    out += [statistics.median(values[i - 1 : i + 2]) for i in range(1, len(values) - 1)]
    out.append(statistics.median(values[-2:]))
    return out


def count_reps(
    angles: Sequence[float | None],
    fps: float,
    *,
    down_below: float,
    up_above: float,
    min_phase_s: float = MIN_PHASE_S,
) -> RepCount:
    """Count reps whose working phase is LOW (e.g. knee angle in a squat): below `down_below`, then
    back above `up_above`.

    - `None` (and non-finite) frames are skipped; time still advances over them.
    - Smoothing: median of 3 over the frames that have a signal.
    - A down phase shorter than `min_phase_s` is discarded as a flicker; an up phase shorter than
      `min_phase_s` between two down phases is bridged, so the two make one rep.
    - A clip that starts already down does not count that first rep (its start was not seen).
    - `in_progress`: the clip ends in a down phase.
    For a working phase that is HIGH (a leg lift), use `RepRule.count`, which negates the signal.
    """
    if not fps > 0 or not math.isfinite(fps):
        raise ValueError("fps must be positive")
    if not down_below < up_above:
        raise ValueError("down_below must be lower than up_above (that gap is the hysteresis)")
    if min_phase_s < 0:
        raise ValueError("min_phase_s cannot be negative")

    indexed = [(i, a) for i, a in enumerate(angles) if a is not None and math.isfinite(a)]
    smooth = _median3([a for _, a in indexed])

    state: Literal["up", "down"] = "up"
    seen_start = True  # whether the current down phase began inside the clip
    down_start = 0  # frame index where the current down phase began
    up_start: int | None = None  # frame index where the last up phase began, after a counted rep
    holds: list[int] = []  # frames per completed rep

    for n, ((i, _), v) in enumerate(zip(indexed, smooth, strict=True)):
        if state == "up" and v < down_below:
            if up_start is not None and holds and not _lasts(i - up_start, fps, min_phase_s):
                # The person was up for only a flicker: undo that rep and continue its down phase.
                down_start = up_start - holds.pop()
            else:
                down_start, seen_start = i, n > 0
            state = "down"
        elif state == "down" and v > up_above:
            state = "up"
            if seen_start and _lasts(i - down_start, fps, min_phase_s):
                holds.append(i - down_start)
                up_start = i
            else:
                up_start = None
            seen_start = True

    return RepCount(
        completed=len(holds),
        in_progress=state == "down",
        holds_s=[h / fps for h in holds],
        frames_used=len(indexed),
    )


def hold_time(signal: Sequence[bool | None], fps: float, min_gap_s: float = MIN_GAP_S) -> float:
    """The longest continuous hold in seconds: runs of True frames, bridging any gap (False or None
    frames) shorter than `min_gap_s`; bridged gaps count as held time. Each frame lasts 1 / fps."""
    if not fps > 0 or not math.isfinite(fps):
        raise ValueError("fps must be positive")
    if min_gap_s < 0:
        raise ValueError("min_gap_s cannot be negative")
    best = 0
    run_start: int | None = None  # first frame of the current hold
    last_true: int | None = None
    for i, held in enumerate(signal):
        if held is not True:
            continue
        gap = 0 if last_true is None else i - last_true - 1
        if run_start is None or (gap > 0 and _lasts(gap, fps, min_gap_s)):
            run_start = i
        last_true = i
        best = max(best, i - run_start + 1)
    return best / fps


# ---------------------------------------------------------------------------------------------
# Per-frame signals for the exercises (pixels, y up; None when a needed point is not visible)
# ---------------------------------------------------------------------------------------------
Signal = Literal[
    "knee_angle",
    "thigh_separation",
    "hip_flexion",
    "hip_angle",
    "body_line",
    "body_line_knees",
    "foot_lift",
    "none",
]

_SIDE_POINTS: dict[Side, tuple[int, int, int, int]] = {
    # shoulder, hip, knee, ankle
    "left": (LEFT_SHOULDER, LEFT_HIP, LEFT_KNEE, LEFT_ANKLE),
    "right": (RIGHT_SHOULDER, RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE),
}


def _points(
    lms: list[Landmark], width: int, height: int, idx: tuple[int, ...]
) -> list[Point] | None:
    if not all(is_visible(lms[i]) for i in idx):
        return None
    return [to_pixels(lms[i], width, height) for i in idx]


def _sides(side: Side | None) -> tuple[Side, ...]:
    return ("left", "right") if side is None else (side,)


def squat_knee_angle_deg(lms: list[Landmark], width: int, height: int) -> float | None:
    """Mean of the left and right interior knee angles (VISION.md 4); one side if only one is seen."""
    found = [
        a for s in ("left", "right") if (a := knee_angle_deg(lms, width, height, s)) is not None
    ]
    return statistics.fmean(found) if found else None


def thigh_separation_deg(lms: list[Landmark], width: int, height: int) -> float | None:
    """Angle between the two thighs (hip -> knee lines), 0-180: hip abduction seen from the front."""
    pts = _points(lms, width, height, (LEFT_HIP, LEFT_KNEE, RIGHT_HIP, RIGHT_KNEE))
    if pts is None:
        return None
    lh, lk, rh, rk = pts
    # Move the right thigh so it starts at the left hip: the angle at the shared hip.
    return interior_angle_deg(lk, lh, (rk[0] - rh[0] + lh[0], rk[1] - rh[1] + lh[1]))


def hip_flexion_deg(
    lms: list[Landmark], width: int, height: int, side: Side | None = None
) -> float | None:
    """Side view: the thigh's angle from hanging straight down, positive forward (the way the nose
    points), negative behind. `side` None: the leg farther from vertical. None when the view is not
    from the side (nose not clearly in front of the shoulders)."""
    pts = _points(lms, width, height, (NOSE, LEFT_SHOULDER, RIGHT_SHOULDER))
    if pts is None:
        return None
    nose, l_sh, r_sh = pts
    facing = nose[0] - midpoint(l_sh, r_sh)[0]
    if abs(facing) < 0.1 * max(
        distance(l_sh, r_sh), 1.0
    ):  # [rule] nose barely ahead: not a side view
        return None
    best: float | None = None
    for s in _sides(side):
        _, hip_i, knee_i, _ = _SIDE_POINTS[s]
        leg = _points(lms, width, height, (hip_i, knee_i))
        if leg is None:
            continue
        (hx, hy), (kx, ky) = leg
        angle = math.degrees(math.atan2(kx - hx, hy - ky)) * math.copysign(1.0, facing)
        if best is None or abs(angle) > abs(best):
            best = angle
    return best


def hip_angle_deg(
    lms: list[Landmark], width: int, height: int, side: Side | None = None
) -> float | None:
    """Side view: interior shoulder-hip-knee angle (180 = straight). `side` None: the larger one."""
    found = []
    for s in _sides(side):
        sh, hip, knee, _ = _SIDE_POINTS[s]
        pts = _points(lms, width, height, (sh, hip, knee))
        if pts is not None and (a := interior_angle_deg(*pts)) is not None:
            found.append(a)
    return max(found) if found else None


def body_line_deg(
    lms: list[Landmark],
    width: int,
    height: int,
    side: Side | None = None,
    *,
    to: Literal["ankle", "knee"] = "ankle",
) -> tuple[float, float] | None:
    """(straightness, incline): the interior shoulder-hip-ankle (or -knee) angle, 180 = straight,
    and the shoulder -> ankle line's angle from horizontal, 0-90; mean of the visible sides."""
    lines: list[float] = []
    inclines: list[float] = []
    for s in _sides(side):
        sh, hip, knee, ankle = _SIDE_POINTS[s]
        pts = _points(lms, width, height, (sh, hip, knee if to == "knee" else ankle))
        if pts is None or (a := interior_angle_deg(*pts)) is None:
            continue
        (sx, sy), _, (ex, ey) = pts
        lines.append(a)
        inclines.append(math.degrees(math.atan2(abs(sy - ey), abs(sx - ex))))
    if not lines:
        return None
    return statistics.fmean(lines), statistics.fmean(inclines)


def foot_lift_pct(lms: list[Landmark], width: int, height: int) -> float | None:
    """Front view: height difference of the two ankles, % of trunk length."""
    pts = _points(
        lms,
        width,
        height,
        (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP, LEFT_ANKLE, RIGHT_ANKLE),
    )
    if pts is None:
        return None
    l_sh, r_sh, l_hip, r_hip, l_ank, r_ank = pts
    trunk = distance(midpoint(l_hip, r_hip), midpoint(l_sh, r_sh))
    return None if trunk == 0 else abs(l_ank[1] - r_ank[1]) / trunk * 100


# ---------------------------------------------------------------------------------------------
# Per-exercise rules
# ---------------------------------------------------------------------------------------------
View = Literal["front", "side"]


class RepRule(BaseModel):
    """How the camera counts one exercise: reps by hysteresis, a hold, or not at all.

    reps: the working phase is `active` ("low" or "high") of the signal; it starts past
    `enter_beyond` and a rep counts when the signal comes back past `leave_beyond`.
    hold: in position while the signal is at least `at_least` (and, for planks, the body line is
    within `incline_at_most` degrees of horizontal).
    Every threshold is our [rule], unvalidated until labelled clips exist (VISION.md 6.7).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise: str
    kind: Literal["reps", "hold", "not_counted"]
    signal: Signal
    measures: str  # what the signal is, in plain words
    view: View | None = None  # where the camera must be
    active: Literal["low", "high"] | None = None
    enter_beyond: float | None = None
    leave_beyond: float | None = None
    at_least: float | None = None
    incline_at_most: float | None = None
    min_phase_s: float = MIN_PHASE_S
    note: str = ""  # caveats, or why counting is not meaningful
    validated: bool = False  # True only once labelled clips (VISION.md 6.7) confirm the thresholds

    @model_validator(mode="after")
    def _consistent(self) -> "RepRule":
        if self.kind == "reps":
            if self.active is None or self.enter_beyond is None or self.leave_beyond is None:
                raise ValueError(f"{self.exercise}: a reps rule needs active and both thresholds")
            low_ok = self.active == "low" and self.enter_beyond < self.leave_beyond
            high_ok = self.active == "high" and self.enter_beyond > self.leave_beyond
            if not (low_ok or high_ok):
                raise ValueError(f"{self.exercise}: thresholds leave no hysteresis gap")
        if self.kind == "hold" and self.at_least is None:
            raise ValueError(f"{self.exercise}: a hold rule needs at_least")
        if (self.kind == "not_counted") != (self.signal == "none") or (
            self.kind == "not_counted" and not self.note
        ):
            raise ValueError(f"{self.exercise}: not counted <=> no signal, and say why")
        return self

    def _line_end(self) -> Literal["ankle", "knee"]:
        return "knee" if self.signal == "body_line_knees" else "ankle"

    def measure(
        self, lms: list[Landmark], width: int, height: int, side: Side | None = None
    ) -> float | None:
        """This rule's signal in one frame (body lines: the straightness), or None."""
        match self.signal:
            case "knee_angle":
                return (
                    squat_knee_angle_deg(lms, width, height)
                    if side is None
                    else knee_angle_deg(lms, width, height, side)
                )
            case "thigh_separation":
                return thigh_separation_deg(lms, width, height)
            case "hip_flexion":
                return hip_flexion_deg(lms, width, height, side)
            case "hip_angle":
                return hip_angle_deg(lms, width, height, side)
            case "body_line" | "body_line_knees":
                line = body_line_deg(lms, width, height, side, to=self._line_end())
                return None if line is None else line[0]
            case "foot_lift":
                return foot_lift_pct(lms, width, height)
            case "none":
                return None

    def in_position(
        self, lms: list[Landmark], width: int, height: int, side: Side | None = None
    ) -> bool | None:
        """For hold rules: whether this frame is in position (None: cannot tell)."""
        if self.kind != "hold" or self.at_least is None:
            raise ValueError(f"{self.exercise} is not timed as a hold")
        if self.signal in ("body_line", "body_line_knees"):
            line = body_line_deg(lms, width, height, side, to=self._line_end())
            if line is None:
                return None
            straight, incline = line
            return straight >= self.at_least and (
                self.incline_at_most is None or incline <= self.incline_at_most
            )
        value = self.measure(lms, width, height, side)
        return None if value is None else value >= self.at_least

    def count(self, values: Sequence[float | None], fps: float) -> RepCount:
        """Count reps of this exercise from its per-frame signal."""
        if self.kind != "reps" or self.enter_beyond is None or self.leave_beyond is None:
            raise ValueError(f"{self.exercise} is not counted in reps")
        if self.active == "low":
            return count_reps(
                values,
                fps,
                down_below=self.enter_beyond,
                up_above=self.leave_beyond,
                min_phase_s=self.min_phase_s,
            )
        return count_reps(
            [None if v is None else -v for v in values],
            fps,
            down_below=-self.enter_beyond,
            up_above=-self.leave_beyond,
            min_phase_s=self.min_phase_s,
        )


def _reps(
    exercise: str,
    signal: Signal,
    measures: str,
    view: View,
    active: Literal["low", "high"],
    enter: float,
    leave: float,
    note: str = "",
) -> RepRule:
    return RepRule(
        exercise=exercise,
        kind="reps",
        signal=signal,
        measures=measures,
        view=view,
        active=active,
        enter_beyond=enter,
        leave_beyond=leave,
        note=note,
    )


def _hold(
    exercise: str,
    signal: Signal,
    measures: str,
    view: View,
    at_least: float,
    incline_at_most: float | None = None,
    note: str = "",
) -> RepRule:
    return RepRule(
        exercise=exercise,
        kind="hold",
        signal=signal,
        measures=measures,
        view=view,
        at_least=at_least,
        incline_at_most=incline_at_most,
        note=note,
    )


def _not_counted(exercise: str, why: str) -> RepRule:
    return RepRule(
        exercise=exercise, kind="not_counted", signal="none", measures="nothing", note=why
    )


_THIGHS = "angle between the two thighs (hip to knee), seen from the front"
_FLEXION = "thigh angle from hanging straight down, forward positive, seen from the side"
_HIP = "shoulder-hip-knee angle (180 = straight), seen from the side"
_LINE = "shoulder-hip-ankle angle (180 = straight) and the body's slope from horizontal"
_ROTATION = (
    "a rotation about the thigh's own axis barely changes any 2-D landmark line, so a camera "
    "cannot count it"
)
_PELVIC_TILT = (
    "tipping the pelvis forward and back moves it only a few degrees, and BlazePose has no "
    "landmark on the pelvis's front or back bony points (its 'hip' is a guessed joint centre), so "
    "the movement is below what the landmarks can show"
)
_STRETCH = (
    "a stretch is timed by the session timer; a camera cannot tell whether the stretch is felt, "
    "and the positions hide the landmarks"
)
_ISOMETRIC = "nothing moves in an isometric hold; a camera cannot see the effort"

# [rule] All thresholds below are ours, unvalidated: each needs labelled clips (VISION.md 6.7).
# Margins from the expected ranges are kept at >= 8 degrees so per-frame noise (about 1-2
# degrees, VISION.md 3.6) cannot cross both thresholds.
# Rules that are not library exercises: reference movements the counter is checked on.
REFERENCE_MOVEMENTS = frozenset({"squat"})

REP_RULES: dict[str, RepRule] = {
    r.exercise: r
    for r in (
        # Not a library exercise: the reference movement of VISION.md 4, whose thresholds were
        # checked on the squat video (2 completed + 1 in progress); kept to test the counter.
        _reps(
            "squat",
            "knee_angle",
            "the knee angle (hip-knee-ankle), mean of both legs",
            "front",
            "low",
            SQUAT_DOWN_BELOW_DEG,
            SQUAT_UP_ABOVE_DEG,
            "Reference movement for the counter (VISION.md 4).",
        ),
        _reps(
            "side_hip_abduction",
            "thigh_separation",
            _THIGHS,
            "front",
            "high",
            30.0,
            15.0,
            "Lying on the side, camera facing the front of the body; the top leg lifts to about "
            "45 degrees. Holds are the pause at the top.",
        ),
        _reps(
            "standing_hip_abduction",
            "thigh_separation",
            _THIGHS,
            "front",
            "high",
            20.0,
            10.0,
            "The leg lifts about 30 degrees out to the side; standing thighs are 0-8 apart.",
        ),
        _reps(
            "band_hip_abduction",
            "thigh_separation",
            _THIGHS,
            "front",
            "high",
            20.0,
            10.0,
            "As standing_hip_abduction; a strong band may shorten the lift below 20 degrees.",
        ),
        _reps(
            "band_hip_flexion",
            "hip_flexion",
            _FLEXION,
            "side",
            "high",
            30.0,
            10.0,
            "Count the lifted leg (pass its side).",
        ),
        _reps(
            "leg_swings",
            "hip_flexion",
            _FLEXION,
            "side",
            "high",
            30.0,
            5.0,
            "Counts forward-and-back swings only (one per forward swing, pass the swinging side); "
            "the swings across the body and the circles are not counted.",
        ),
        _reps(
            "standing_hip_extension",
            "hip_flexion",
            _FLEXION,
            "side",
            "low",
            -12.0,
            -4.0,
            "The movement is small (10-20 degrees behind vertical), so margins are thin and a "
            "forward tip of the body can mimic it: low confidence.",
        ),
        _reps(
            "glute_bridge",
            "hip_angle",
            _HIP,
            "side",
            "high",
            160.0,
            145.0,
            "On the back with knees bent the angle is about 130 degrees, at the top about 170-180.",
        ),
        _reps(
            "quadruped_hip_extension",
            "hip_angle",
            _HIP,
            "side",
            "high",
            150.0,
            115.0,
            "On hands and knees the angle is about 90 degrees; with the thigh level with the back "
            "about 170-180. Pass the working side.",
        ),
        _not_counted("pelvic_tilt_standing", _PELVIC_TILT),
        _not_counted("pelvic_tilt_supine", _PELVIC_TILT),
        _not_counted("pelvic_tilt_wall", _PELVIC_TILT),
        _not_counted("hip_rotation_90", _ROTATION),
        _not_counted("seated_hip_rotation", _ROTATION),
        _not_counted(
            "clamshell",
            "the bent knees point at a camera in front and the opening is a rotation, so the "
            "thigh lines are foreshortened and barely move in the picture",
        ),
        _not_counted(
            "prone_hip_extension",
            "the thigh lifts only a few centimetres, within the landmarks' noise on a lying body",
        ),
        _hold(
            "plank",
            "body_line",
            _LINE,
            "side",
            160.0,
            30.0,
            "In position: body straight (angle at least 160) and near horizontal (at most 30).",
        ),
        _hold(
            "single_leg_plank",
            "body_line",
            _LINE,
            "side",
            160.0,
            30.0,
            "As plank; pass the supporting leg's side.",
        ),
        _hold(
            "incline_plank",
            "body_line",
            _LINE,
            "side",
            160.0,
            70.0,
            "Straight body leaning on a wall or counter: at most 70 degrees from horizontal, which "
            "tells it apart from standing up.",
        ),
        _hold(
            "side_plank",
            "body_line",
            _LINE,
            "front",
            160.0,
            45.0,
            "Camera facing the front of the body; sagging hips bend the line below 160.",
        ),
        _hold(
            "side_plank_knees",
            "body_line_knees",
            "shoulder-hip-knee angle (180 = straight) and the body's slope from horizontal",
            "front",
            160.0,
            45.0,
            "As side_plank, with the line ending at the knees.",
        ),
        _hold(
            "single_leg_balance",
            "foot_lift",
            "height difference of the two ankles, % of trunk length, seen from the front",
            "front",
            6.0,
            None,
            "In position while one foot is off the floor (6 % of trunk length is about 3 cm). A "
            "foot set forward also looks lifted to a camera at hip height: face the camera.",
        ),
        _not_counted("isometric_hip_hold", _ISOMETRIC),
        _not_counted("seated_isometric_hip_hold", _ISOMETRIC),
        _not_counted("hip_flexor_stretch", _STRETCH),
        _not_counted("it_band_stretch", _STRETCH),
        _not_counted("knee_to_chest", _STRETCH),
        _not_counted("seated_knee_to_chest", _STRETCH),
        _not_counted("piriformis_stretch", _STRETCH),
        _not_counted("seated_piriformis_stretch", _STRETCH),
        _not_counted("seated_straddle_stretch", _STRETCH),
        _not_counted("side_lying_tfl_stretch", _STRETCH),
    )
}
