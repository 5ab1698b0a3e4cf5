"""Posture from 2-D body landmarks: lines, refusals, uncertainty, reps and holds (no model here).

The vision adapter runs the pose model and passes landmarks in; see `geometry` (VISION.md 3 and 6)
and `reps` (VISION.md 4 and 6.7).
"""

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
    FrameMetrics,
    Landmark,
    PostureResult,
    Refusal,
    Value,
    aggregate,
    camera_tilt_reason,
    fppa_deg,
    knee_angle_deg,
    measure_frame,
)
from hipalign.core.posture.reps import (
    REP_RULES,
    RepCount,
    RepRule,
    count_reps,
    hold_time,
    squat_knee_angle_deg,
)

__all__ = [
    "LEFT_ANKLE",
    "LEFT_HIP",
    "LEFT_KNEE",
    "LEFT_SHOULDER",
    "NOSE",
    "REP_RULES",
    "RIGHT_ANKLE",
    "RIGHT_HIP",
    "RIGHT_KNEE",
    "RIGHT_SHOULDER",
    "FrameMetrics",
    "Landmark",
    "PostureResult",
    "Refusal",
    "RepCount",
    "RepRule",
    "Value",
    "aggregate",
    "camera_tilt_reason",
    "count_reps",
    "fppa_deg",
    "hold_time",
    "knee_angle_deg",
    "measure_frame",
    "squat_knee_angle_deg",
]
