"""The demonstration figure: fixed adult proportions, joints, forward kinematics, projection.

Lengths are fractions of body height H (the figure is drawn at H = 1). Segment lengths come
from the anthropometric table of Winter 2009 (bibliography `winter2009`, figure 4.1, after
Drillis and Contini): hip (greater trochanter) at 0.530 H, knee 0.285 H, ankle 0.039 H, shoulder
0.818 H, chin 0.870 H; upper arm 0.186 H, forearm 0.146 H, hand 0.108 H, foot 0.152 H long,
shoulder width 0.259 H, hip width 0.191 H, head 0.130 H. Limb thickness is not in that table:
the radii below are drawing choices, chosen so the figure reads as an adult of average build.

Joint limits are the adult normative active ranges of the American Academy of Orthopaedic
Surgeons as tabled by Norkin and White (bibliography `norkin_white2016`, appendix A). A pose
outside them is a validation error: a drawing must never show a movement a person cannot make.

Coordinates (right-handed, metres of H): the body frame has x anterior, y superior, z towards
the person's right. World coordinates are the same axes for a person standing and facing +x;
lying positions rotate the pelvis (the root) into the world. Angles are degrees.
"""

import math
from collections.abc import Mapping
from typing import Literal

Side = Literal["left", "right"]
View = Literal["side", "front", "top"]
Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # rows

# Winter 2009, figure 4.1 (fractions of height).
THIGH = 0.530 - 0.285  # hip to knee
SHANK = 0.285 - 0.039  # knee to ankle
ANKLE_HEIGHT = 0.039
TRUNK = 0.818 - 0.530  # hip-joint level to shoulder level
HEAD_CENTRE = (0.870 + 1.0) / 2 - 0.818  # shoulder level to the middle of the head
HEAD_RADIUS = 0.130 / 2
UPPER_ARM = 0.186
FOREARM = 0.146
HAND = 0.108
FOOT = 0.152
SHOULDER_WIDTH = 0.259
HIP_WIDTH = 0.191
HEEL_BACK = 0.23 * FOOT  # the ankle sits about a quarter of the foot from the heel

# Drawing radii (our choice, see above).
RADIUS: dict[str, float] = {
    "thigh": 0.035,
    "shank": 0.027,
    "foot": 0.018,
    "upper_arm": 0.024,
    "forearm": 0.019,
    "hand": 0.014,
    "trunk": 0.06,  # half the chest depth: what touches the floor lying face up or down
    "head": HEAD_RADIUS,
}
TRUNK_HALF_WIDTH = 0.09  # half the trunk width seen from the front
HIP_HALF = HIP_WIDTH / 2 - RADIUS["thigh"]  # hip joint centres either side of the pelvis
SHOULDER_HALF = SHOULDER_WIDTH / 2 - RADIUS["upper_arm"]

# Adult active range of motion (AAOS via Norkin and White 2016), degrees: (low, high).
# Signs: flexion, abduction, internal rotation, dorsiflexion, bending or turning towards the
# working side are positive; extension, adduction, external rotation, plantarflexion negative.
LIMITS: dict[str, tuple[float, float]] = {
    "hip_flexion": (-30, 120),
    "hip_abduction": (-30, 45),
    "hip_rotation": (-45, 45),
    "knee_flexion": (0, 135),
    "ankle_dorsiflexion": (-50, 20),
    "shoulder_flexion": (-60, 180),
    "shoulder_abduction": (-30, 180),
    "shoulder_rotation": (-90, 70),
    "elbow_flexion": (0, 150),
    # The figure's wrist turns the hand in the forearm's plane of bending (a drawing
    # simplification): positive brings the fingers forward, as when the palm is set on the floor.
    "wrist_extension": (-80, 70),
    "trunk_flexion": (-25, 80),
    "trunk_lateral_flexion": (-35, 35),
    "trunk_rotation": (-45, 45),
    "neck_flexion": (-45, 45),
    "neck_rotation": (-60, 60),
}
LIMB_JOINTS = (
    "hip_flexion",
    "hip_abduction",
    "hip_rotation",
    "knee_flexion",
    "ankle_dorsiflexion",
    "shoulder_flexion",
    "shoulder_abduction",
    "shoulder_rotation",
    "elbow_flexion",
    "wrist_extension",
)
AXIAL_JOINTS = (
    "trunk_flexion",
    "trunk_lateral_flexion",
    "trunk_rotation",
    "neck_flexion",
    "neck_rotation",
)
# The pelvis's orientation in the world, on top of the start position's: not a joint, no limit.
ROOT_ANGLES = ("pelvis_tilt", "pelvis_roll", "pelvis_turn")
# The names a demonstration may set: limb joints of the working and the other side, axial joints.
POSE_NAMES: tuple[str, ...] = (
    *(f"{who}_{j}" for who in ("work", "other") for j in LIMB_JOINTS),
    *AXIAL_JOINTS,
    *ROOT_ANGLES,
)

LYING: frozenset[str] = frozenset({"supine", "prone", "side_lying"})


def limit_of(name: str) -> tuple[float, float] | None:
    """The range of a pose name (`work_hip_flexion` -> hip flexion), None for root angles."""
    for prefix in ("work_", "other_"):
        if name.startswith(prefix):
            return LIMITS[name.removeprefix(prefix)]
    return LIMITS.get(name)


_I: Mat = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def _cs(deg: float) -> tuple[float, float]:
    r = math.radians(deg)
    return math.cos(r), math.sin(r)


def _rx(deg: float) -> Mat:
    if deg == 0:
        return _I
    c, s = _cs(deg)
    return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))


def _ry(deg: float) -> Mat:
    if deg == 0:
        return _I
    c, s = _cs(deg)
    return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))


def _rz(deg: float) -> Mat:
    if deg == 0:
        return _I
    c, s = _cs(deg)
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def _mul(a: Mat, b: Mat) -> Mat:
    # Unrolled 3x3 product: the figure is posed thousands of times a second when a plan renders.
    if b is _I:
        return a
    if a is _I:
        return b
    (a0, a1, a2), (a3, a4, a5), (a6, a7, a8) = a
    (b0, b1, b2), (b3, b4, b5), (b6, b7, b8) = b
    return (
        (a0 * b0 + a1 * b3 + a2 * b6, a0 * b1 + a1 * b4 + a2 * b7, a0 * b2 + a1 * b5 + a2 * b8),
        (a3 * b0 + a4 * b3 + a5 * b6, a3 * b1 + a4 * b4 + a5 * b7, a3 * b2 + a4 * b5 + a5 * b8),
        (a6 * b0 + a7 * b3 + a8 * b6, a6 * b1 + a7 * b4 + a8 * b7, a6 * b2 + a7 * b5 + a8 * b8),
    )


def _app(m: Mat, v: Vec) -> Vec:
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


MIRROR: Mat = ((1, 0, 0), (0, 1, 0), (0, 0, -1))  # the world's sagittal mirror, z -> -z

# Start positions as the pelvis's orientation in the world when the right side works.
# Lying face up the head is towards -x, face down and on the side towards +x; on the side the
# working (right) side is up and the person faces +z, the side view's camera.
BASE: dict[str, Mat] = {
    "standing": _I,
    "seated_chair": _I,
    "seated_floor": _I,
    "kneeling": _I,
    "supine": _rz(90),
    "prone": _rz(-90),
    "quadruped": _rz(-90),
    "side_lying": ((0, 1, 0), (0, 0, 1), (1, 0, 0)),
}

# Segments: (name, from landmark, to landmark, radius key); `work`/`other` are resolved per side.
SEGMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("trunk", "pelvis", "neck", "trunk"),
    ("head", "head", "head", "head"),
    *(
        (f"{s}_{seg}", f"{s}_{a}", f"{s}_{b}", seg)
        for s in ("left", "right")
        for seg, a, b in (
            ("thigh", "hip", "knee"),
            ("shank", "knee", "ankle"),
            ("foot", "heel", "toe"),
            ("upper_arm", "shoulder", "elbow"),
            ("forearm", "elbow", "wrist"),
            ("hand", "wrist", "hand"),
        )
    ),
)


def landmark_radius(name: str) -> float:
    """The radius of the body round a landmark: its lowest point is `y - radius`."""
    base = name.split("_", 1)[-1] if name.startswith(("left_", "right_")) else name
    return {
        "pelvis": RADIUS["trunk"],
        "neck": RADIUS["trunk"],
        "chest": RADIUS["trunk"],
        "head": HEAD_RADIUS,
        "hip": RADIUS["thigh"],
        "knee": RADIUS["thigh"],
        "ankle": RADIUS["shank"],
        "heel": RADIUS["foot"],
        "toe": RADIUS["foot"],
        "shoulder": RADIUS["upper_arm"],
        "elbow": RADIUS["upper_arm"],
        "wrist": RADIUS["forearm"],
        "hand": RADIUS["hand"],
    }[base]


def _ball(parent: Mat, flexion: float, about_front: float, about_long: float) -> Mat:
    """A ball joint (hip, shoulder): flexion about the right axis, then ab/adduction about the
    front axis, then rotation about the limb's long axis."""
    return _mul(parent, _mul(_rz(flexion), _mul(_rx(about_front), _ry(about_long))))


def side_names(work: Side) -> dict[str, str]:
    """`work`/`other` -> `right`/`left` for a working side."""
    other = "left" if work == "right" else "right"
    return {"work": work, "other": other}


def resolve(pose: Mapping[str, float], work: Side) -> dict[str, float]:
    """Side-relative pose names (`work_hip_flexion`) as anatomical ones (`right_hip_flexion`)."""
    names = side_names(work)
    out: dict[str, float] = {}
    for key, value in pose.items():
        who, _, rest = key.partition("_")
        out[f"{names[who]}_{rest}" if who in names else key] = value
    return out


def _limbs(
    pose: Mapping[str, float], s: Side, *, root: Mat, trunk: Mat, pelvis: Vec, neck: Vec
) -> dict[str, Vec]:
    """One side's leg and arm landmarks, from the pelvis and trunk frames."""
    lat = 1.0 if s == "right" else -1.0  # +z is the right side; the left mirrors signs

    def a(j: str) -> float:
        return pose.get(f"{s}_{j}", 0.0)

    hip = _add(pelvis, _app(root, (0.0, 0.0, lat * HIP_HALF)))
    r_hip = _ball(root, a("hip_flexion"), -lat * a("hip_abduction"), lat * a("hip_rotation"))
    knee = _add(hip, _app(r_hip, (0.0, -THIGH, 0.0)))
    r_knee = _mul(r_hip, _rz(-a("knee_flexion")))
    ankle = _add(knee, _app(r_knee, (0.0, -SHANK, 0.0)))
    r_ankle = _mul(r_knee, _rz(a("ankle_dorsiflexion")))
    drop = -(ANKLE_HEIGHT - RADIUS["foot"])
    heel = _add(ankle, _app(r_ankle, (-HEEL_BACK + RADIUS["foot"], drop, 0.0)))
    toe = _add(ankle, _app(r_ankle, (FOOT - HEEL_BACK - RADIUS["foot"], drop, 0.0)))
    shoulder = _add(neck, _app(trunk, (0.0, -0.02, lat * SHOULDER_HALF)))
    r_sh = _ball(
        trunk,
        a("shoulder_flexion"),
        -lat * a("shoulder_abduction"),
        lat * a("shoulder_rotation"),
    )
    elbow = _add(shoulder, _app(r_sh, (0.0, -UPPER_ARM, 0.0)))
    r_el = _mul(r_sh, _rz(a("elbow_flexion")))
    wrist = _add(elbow, _app(r_el, (0.0, -FOREARM, 0.0)))
    r_wr = _mul(r_el, _rz(a("wrist_extension")))
    hand = _add(wrist, _app(r_wr, (0.0, -(HAND - RADIUS["hand"]), 0.0)))
    return {
        f"{s}_{name}": v
        for name, v in (
            ("hip", hip),
            ("knee", knee),
            ("ankle", ankle),
            ("heel", heel),
            ("toe", toe),
            ("shoulder", shoulder),
            ("elbow", elbow),
            ("wrist", wrist),
            ("hand", hand),
        )
    }


def forward_kinematics(
    pose: Mapping[str, float], position: str, work: Side = "right"
) -> dict[str, Vec]:
    """World positions of every landmark, the pelvis at the origin.

    `pose` uses side-relative names (see POSE_NAMES; missing ones are 0). The left-working
    figure is computed with the left side's own sign conventions, so that mirroring it is a
    property to test, not a construction.
    """
    p = resolve(pose, work)
    g = p.get
    base = BASE[position]
    # Bending and turning "towards the working side" and root roll/turn change sign on the left.
    toward = 1.0 if work == "right" else -1.0
    if work == "left":
        base = _mul(_mul(MIRROR, base), MIRROR)
    # Anterior pelvic tilt moves the top of the pelvis forward: about the body's right axis.
    root = _mul(
        base,
        _mul(
            _ry(-toward * g("pelvis_turn", 0.0)),
            _mul(_rz(-g("pelvis_tilt", 0.0)), _rx(toward * g("pelvis_roll", 0.0))),
        ),
    )
    pts: dict[str, Vec] = {"pelvis": (0.0, 0.0, 0.0)}
    trunk = _mul(
        root,
        _mul(
            _rz(-g("trunk_flexion", 0.0)),
            _mul(
                _rx(toward * g("trunk_lateral_flexion", 0.0)),
                _ry(-toward * g("trunk_rotation", 0.0)),
            ),
        ),
    )
    pts["neck"] = _app(trunk, (0.0, TRUNK, 0.0))
    pts["chest"] = _app(trunk, (0.0, 0.8 * TRUNK, 0.0))
    neck = _mul(trunk, _mul(_rz(-g("neck_flexion", 0.0)), _ry(-toward * g("neck_rotation", 0.0))))
    pts["head"] = _add(pts["neck"], _app(neck, (0.0, HEAD_CENTRE, 0.0)))
    pts["face"] = _add(pts["head"], _app(neck, (HEAD_RADIUS, 0.0, 0.0)))
    # The pelvis's front and back rims (as from the hip bone's front point to the sacrum):
    # drawn as a band, so a pelvic tilt shows even when the trunk stays upright.
    pts["pelvis_front"] = _app(root, (0.075, 0.045, 0.0))
    pts["pelvis_back"] = _app(root, (-0.07, 0.075, 0.0))
    both: tuple[Side, Side] = ("right", "left")
    for side in both:
        pts |= _limbs(p, side, root=root, trunk=trunk, pelvis=pts["pelvis"], neck=pts["neck"])
    return pts


def mirrored(points: Mapping[str, Vec]) -> dict[str, Vec]:
    """The sagittal mirror image: z -> -z, and left and right landmarks swap names."""
    swap = {"left": "right", "right": "left"}
    out: dict[str, Vec] = {}
    for name, (x, y, z) in points.items():
        who, _, rest = name.partition("_")
        out[f"{swap[who]}_{rest}" if who in swap else name] = (x, y, -z)
    return out


def project(point: Vec, view: View, work: Side = "right") -> tuple[float, float, float]:
    """Orthographic projection: (screen x to the right, screen y downwards, depth towards us).

    The side view looks from the right (camera on +z), the front view from in front of a
    standing person (+x), the top view from above. The left-working figure is the mirror image
    of the right one, so its picture is the right one's picture flipped left to right: the
    working limb stays nearest and the two pictures are true mirrors.
    """
    x, y, z = point
    flip = 1.0
    if work == "left":
        z, flip = -z, -1.0
    if view == "side":
        return (flip * x, -y, z)
    if view == "front":
        return (flip * -z, -y, x)
    return (flip * x, z, y)
