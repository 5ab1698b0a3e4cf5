"""Demonstrations as data: one file per exercise under library/demos, checked against the body.

A demonstration names the start position, the view that shows the movement best, the props,
and the key frames. Each key frame sets only the joint angles that change from the frame before
(or from a named earlier frame with `like`), has a timing phase and a label in words. Step n of
the exercise's "How to do it" names the key frame it shows (`steps`).

Timing follows the dose, so the figure moves in step with the session player:
- a reps dose: one repetition lasts `rep_s` plus the rung's pause (`hold_s`), as in the session
  script. Hold frames last the pause; move, return and rest frames share `rep_s` by their beats.
- a hold dose: each hold frame lasts the hold; the other frames share the rest between holds.
`reps_per_cycle` is how many of the script's repetitions one cycle shows (2 when a cycle goes
to both sides, or does the two holds of a pair).

Placement on the floor: a frame's contacts (the parts that carry the weight; each position has
defaults) are set down on their surface, the lowest first. Then every contact must touch its
surface and no part of the body may be below the floor. A standing frame always keeps the
support foot (heel and toe) as a contact; a lying frame keeps the trunk unless it names the
parts that carry it instead (a bridge, a plank).
"""

import math
import tomllib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from hipalign.core.vocab import Position

if TYPE_CHECKING:  # the library imports this module to check its entries
    from hipalign.core.library.model import Exercise

from hipalign.core.figure.body import (
    LYING,
    POSE_NAMES,
    SEGMENTS,
    Side,
    Vec,
    View,
    forward_kinematics,
    landmark_radius,
    limit_of,
    side_names,
)

Phase = Literal["move", "hold", "return", "rest"]
FrameName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,30}$")]
Text = Annotated[str, StringConstraints(min_length=3, strip_whitespace=True)]
PropKind = Literal[
    "mat", "wall", "chair", "counter", "band", "pillow", "books", "ankle_weight", "bench"
]

# A contact may be off its surface by this much and a body part may dip this far below the
# floor (fraction of height: 2 % is about 3.5 cm in a 1.70 m adult), for the drawing's
# rounded limbs.
TOLERANCE = 0.02
SEAT_HEIGHT = 0.235  # chair seat, fraction of height: thighs level with the feet flat
SUPPORT_FOOT = ("other_heel", "other_toe")
TRUNK_CONTACTS = frozenset({"pelvis", "chest", "other_hip", "other_shoulder"})

DEFAULT_CONTACTS: dict[str, tuple[str, ...]] = {
    "standing": ("other_heel", "other_toe", "work_heel", "work_toe"),
    "supine": ("pelvis", "chest"),
    "prone": ("pelvis", "chest"),
    "side_lying": ("other_hip", "other_shoulder"),
    "quadruped": ("work_knee", "other_knee", "work_hand", "other_hand"),
    "seated_chair": ("pelvis", "work_heel", "work_toe", "other_heel", "other_toe"),
    "seated_floor": ("pelvis", "work_heel", "other_heel"),
    "kneeling": ("work_knee", "other_knee", "work_toe", "other_toe"),
}
# Start positions a person holds at rest before the first frame (neutral elsewhere).
POSITION_POSE: dict[str, dict[str, float]] = {
    "standing": {"work_elbow_flexion": 10, "other_elbow_flexion": 10},
    "supine": {},
    "prone": {},
    # The shoulders are wider than the hips: lying on the side the waist bends a little.
    "side_lying": {
        "other_shoulder_flexion": 170,
        "other_elbow_flexion": 30,
        "trunk_lateral_flexion": 7,
    },
    "quadruped": {
        "work_hip_flexion": 90,
        "other_hip_flexion": 90,
        "work_knee_flexion": 90,
        "other_knee_flexion": 90,
        "work_ankle_dorsiflexion": -45,
        "other_ankle_dorsiflexion": -45,
        "work_shoulder_flexion": 90,
        "other_shoulder_flexion": 90,
        "work_wrist_extension": 70,
        "other_wrist_extension": 70,
    },
    "seated_chair": {
        "work_hip_flexion": 90,
        "other_hip_flexion": 90,
        "work_knee_flexion": 90,
        "other_knee_flexion": 90,
        "work_elbow_flexion": 30,
        "other_elbow_flexion": 30,
    },
    # The legs slope a little down from the hip joints to the heels on the floor.
    "seated_floor": {
        "work_hip_flexion": 85,
        "other_hip_flexion": 85,
        "work_ankle_dorsiflexion": 5,
        "other_ankle_dorsiflexion": 5,
    },
    "kneeling": {
        "work_knee_flexion": 90,
        "other_knee_flexion": 90,
        "work_ankle_dorsiflexion": -45,
        "other_ankle_dorsiflexion": -45,
    },
}
CONTACT_NAMES = frozenset(
    {
        "pelvis",
        "chest",
        "head",
        *(
            f"{who}_{part}"
            for who in ("work", "other")
            for part in ("hip", "knee", "heel", "toe", "elbow", "hand", "shoulder")
        ),
    }
)
# Equipment an exercise needs, and the prop that shows it.
EQUIPMENT_PROP = {"wall": "wall", "resistance_band": "band", "pillow": "pillow", "bench": "bench"}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Prop(_Strict):
    kind: PropKind
    # Where it goes: a side-relative landmark (`work_ankle`, `knees`) or a side of the body
    # (`front`, `back`, `work_side`, `other_side`); each kind has a sensible default.
    at: str | None = None


class Frame(_Strict):
    name: FrameName
    phase: Phase
    label: Text  # what the frame shows, in words: the text alternative reads these
    like: FrameName | None = None  # start from this earlier frame's pose instead of the last
    pose: dict[str, float] = Field(default_factory=dict, strict=False)
    beats: int = Field(default=1, ge=1, le=8)  # share of the moving time (move/return/rest)
    contacts: list[str] | None = None  # the parts carrying the weight; default by position
    peak: bool = False  # the end position: the still on the plan card shows it


class Demonstration(_Strict):
    exercise: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,40}$")]
    start: Position
    view: View
    props: list[Prop] = []
    moving: str  # the side-relative landmark whose path the still's arrow draws
    contacts: list[str] | None = None  # the frames' default contacts, instead of the position's
    reps_per_cycle: int = Field(default=1, ge=1, le=2)
    frames: list[Frame] = Field(min_length=2)
    steps: list[FrameName] = Field(min_length=1)  # the key frame each step of the text shows

    @property
    def peak_index(self) -> int:
        return next((i for i, f in enumerate(self.frames) if f.peak), len(self.frames) // 2)

    def index_of(self, name: str) -> int:
        return next(i for i, f in enumerate(self.frames) if f.name == name)


def frame_poses(demo: Demonstration) -> list[dict[str, float]]:
    """The full side-relative pose of every key frame (position defaults, then each change)."""
    poses: list[dict[str, float]] = []
    by_name: dict[str, dict[str, float]] = {}
    for i, frame in enumerate(demo.frames):
        if i == 0:
            base = dict(POSITION_POSE[demo.start])
        elif frame.like is not None and frame.like in by_name:
            base = dict(by_name[frame.like])
        else:
            base = dict(poses[-1])
        base.update(frame.pose)
        poses.append(base)
        by_name[frame.name] = base
    return poses


def contacts_of(demo: Demonstration, frame: Frame) -> tuple[str, ...]:
    if frame.contacts is not None:
        return tuple(frame.contacts)
    if demo.contacts is not None:
        return tuple(demo.contacts)
    return DEFAULT_CONTACTS[demo.start]


def _surface(demo: Demonstration, contact: str) -> float:
    return SEAT_HEIGHT if demo.start == "seated_chair" and contact == "pelvis" else 0.0


def _landmark(contact: str, work: Side) -> str:
    who, _, part = contact.partition("_")
    names = side_names(work)
    return f"{names[who]}_{part}" if who in names else contact


def contact_heights(
    demo: Demonstration, frame: Frame, points: Mapping[str, Vec], work: Side
) -> dict[str, float]:
    """How far each contact's lowest point is above its surface (before placing)."""
    return {
        c: points[_landmark(c, work)][1] - landmark_radius(_landmark(c, work)) - _surface(demo, c)
        for c in contacts_of(demo, frame)
    }


def place(
    demo: Demonstration,
    frame: Frame,
    pose: Mapping[str, float],
    work: Side,
    first: Mapping[str, Vec] | None = None,
) -> dict[str, Vec]:
    """World landmarks with the frame's lowest contact set down on its surface.

    Across the floor, the frame's first contact stays where it was in the first frame
    (`first`), so a figure does not skate from frame to frame.
    """
    points = forward_kinematics(pose, demo.start, work)
    heights = contact_heights(demo, frame, points, work)
    drop = min(heights.values()) if heights else 0.0
    dx = dz = 0.0
    contacts = contacts_of(demo, frame)
    if first is not None and contacts:
        anchor = _landmark(contacts[0], work)
        dx = first[anchor][0] - points[anchor][0]
        dz = first[anchor][2] - points[anchor][2]
    return {k: (x + dx, y - drop, z + dz) for k, (x, y, z) in points.items()}


def posed_frames(demo: Demonstration, work: Side) -> list[dict[str, Vec]]:
    out: list[dict[str, Vec]] = []
    for f, p in zip(demo.frames, frame_poses(demo), strict=True):
        out.append(place(demo, f, p, work, out[0] if out else None))
    return out


def same_pose(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Equal poses, an angle left out being 0."""
    return all(math.isclose(a.get(k, 0.0), b.get(k, 0.0)) for k in set(a) | set(b))


def _words(name: str) -> str:
    return name.replace("_", " ")


def _structure_problems(demo: Demonstration, exercise: "ExerciseFacts", where: str) -> list[str]:
    """The frame names, start, steps and peak against the exercise entry."""
    problems: list[str] = []
    names = [f.name for f in demo.frames]
    if len(set(names)) != len(names):
        problems.append(f"{where}: frame names must be unique")
    if demo.start != exercise.position:
        problems.append(
            f"{where}: start {demo.start!r} is not the exercise's position {exercise.position!r}"
        )
    if len(demo.steps) != exercise.step_count:
        problems.append(
            f"{where}: steps names {len(demo.steps)} key frames but the exercise has "
            f"{exercise.step_count} steps (one frame per step)"
        )
    for n, step in enumerate(demo.steps, 1):
        if step not in names:
            problems.append(f"{where}: step {n} names unknown frame {step!r}")
    if sum(f.peak for f in demo.frames) != 1:
        problems.append(f"{where}: exactly one frame must be the peak (peak = true)")
    return problems


def _dose_problems(demo: Demonstration, exercise: "ExerciseFacts", where: str) -> list[str]:
    """The props, hold frames and moving landmark against the exercise and its dose."""
    problems: list[str] = []
    for need in exercise.equipment:
        prop = EQUIPMENT_PROP.get(need)
        if prop and prop not in {p.kind for p in demo.props}:
            problems.append(f"{where}: the exercise needs {_words(need)}; draw it (props)")
    holds = sum(f.phase == "hold" for f in demo.frames)
    if exercise.kind == "hold" and holds != demo.reps_per_cycle:
        problems.append(
            f"{where}: a hold dose needs {demo.reps_per_cycle} hold frame(s) per cycle, "
            f"found {holds}"
        )
    if exercise.kind == "reps" and holds > demo.reps_per_cycle:
        problems.append(f"{where}: a reps dose has at most one hold (pause) frame per repetition")
    if demo.moving not in CONTACT_NAMES | {"work_ankle", "work_wrist", "head", "neck"}:
        problems.append(f"{where}: moving names unknown landmark {demo.moving!r}")
    return problems


def _pose_problems(
    at: str, frame: Frame, pose: Mapping[str, float], before: Mapping[str, float] | None
) -> list[str]:
    """One frame's joint angles: known names, within range, still in a hold or rest."""
    problems: list[str] = []
    bad = sorted(set(frame.pose) - set(POSE_NAMES))
    if bad:
        problems.append(f"{at}: unknown joint angle(s) {bad}")
    for name, value in sorted(pose.items()):
        lim = limit_of(name)
        if lim and not lim[0] <= value <= lim[1]:
            problems.append(
                f"{at}: {_words(name)} {value:g} degrees is outside the joint's range "
                f"{lim[0]:g} to {lim[1]:g} (Norkin and White)"
            )
    if before is not None and frame.phase in ("hold", "rest") and not same_pose(pose, before):
        problems.append(f"{at}: a {frame.phase} frame keeps the pose of the frame before it")
    return problems


def _contact_name_problems(demo: Demonstration, frame: Frame, at: str) -> list[str]:
    problems: list[str] = []
    contacts = contacts_of(demo, frame)
    unknown = sorted(set(contacts) - CONTACT_NAMES)
    if unknown or not contacts:
        problems.append(f"{at}: unknown or no contact(s) {unknown}")
    if demo.start == "standing" and any(c not in contacts for c in SUPPORT_FOOT):
        problems.append(f"{at}: a standing frame keeps the support foot on the floor")
    return problems


def _frame_problems(demo: Demonstration, poses: list[dict[str, float]], where: str) -> list[str]:
    """Each frame's names, angles and contacts, before the body is placed."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, (frame, pose) in enumerate(zip(demo.frames, poses, strict=True)):
        at = f"{where}: frame {frame.name!r}"
        if frame.like is not None and frame.like not in seen:
            problems.append(f"{at}: like names {frame.like!r}, which is not an earlier frame")
        seen.add(frame.name)
        problems += _pose_problems(at, frame, pose, poses[i - 1] if i > 0 else None)
        problems += _contact_name_problems(demo, frame, at)
    return problems


def _height_problems(
    demo: Demonstration, frame: Frame, points: dict[str, Vec], at: str
) -> list[str]:
    """Contacts off their surface and segments below the floor, in one placed frame."""
    problems: list[str] = []
    for contact, h in contact_heights(demo, frame, points, "right").items():
        if h <= TOLERANCE:
            continue
        cm = round(h * 170)
        if demo.start == "standing" and contact in SUPPORT_FOOT:
            what = "the support foot leaves the floor"
        elif demo.start in LYING and contact in TRUNK_CONTACTS:
            what = "the trunk leaves the floor"
        else:
            what = f"the {_words(contact)} is not on its surface"
        problems.append(f"{at}: {what} ({_words(contact)} {cm} cm up)")
    for seg, a, b, _ in SEGMENTS:
        low = min(points[a][1] - landmark_radius(a), points[b][1] - landmark_radius(b))
        if low < -TOLERANCE:
            problems.append(f"{at}: the {_words(seg)} is below the floor ({round(-low * 170)} cm)")
    return problems


def _slide_problems(
    demo: Demonstration, i: int, placed: list[dict[str, Vec]], at: str
) -> list[str]:
    """Contacts held from the frame before that move along their surface."""
    problems: list[str] = []
    frame, points = demo.frames[i], placed[i]
    before = set(contacts_of(demo, demo.frames[i - 1]))
    for contact in sorted(before & set(contacts_of(demo, frame))):
        lm = _landmark(contact, "right")
        (x0, _, z0), (x1, _, z1) = placed[i - 1][lm], points[lm]
        if math.hypot(x1 - x0, z1 - z0) > 2 * TOLERANCE:
            problems.append(f"{at}: the {_words(contact)} slides along its surface")
    return problems


def _placement_problems(demo: Demonstration, where: str) -> list[str]:
    problems: list[str] = []
    # The left figure is the mirror image of the right one: the same heights, checked once.
    placed = posed_frames(demo, "right")
    for i, (frame, points) in enumerate(zip(demo.frames, placed, strict=True)):
        at = f"{where}: frame {frame.name!r}"
        problems += _height_problems(demo, frame, points, at)
        # Standing, a foot may step (lifted, then set down); elsewhere contacts stay put.
        if i > 0 and demo.start != "standing":
            problems += _slide_problems(demo, i, placed, at)
    return problems


def demo_problems(demo: Demonstration, exercise: "ExerciseFacts", where: str) -> list[str]:
    """Every problem of one demonstration, each naming the frame and what is allowed."""
    problems = _structure_problems(demo, exercise, where) + _dose_problems(demo, exercise, where)
    poses = frame_poses(demo)
    problems += _frame_problems(demo, poses, where)
    if problems:
        return problems  # the body cannot be placed until the names are right
    problems = _placement_problems(demo, where)
    if poses and not same_pose(poses[0], poses[-1]):
        problems.append(f"{where}: the last frame must return to the first frame's pose")
    return problems


class ExerciseFacts(_Strict):
    """What a demonstration is checked against, from the exercise entry and its seed dose."""

    id: str
    position: str
    equipment: list[str]
    step_count: int
    kind: Literal["reps", "hold"]


def parse_demo(text: str, where: str) -> tuple[Demonstration | None, list[str]]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{where}: not valid TOML: {exc}"]
    try:
        return Demonstration.model_validate(raw), []
    except ValidationError as exc:
        return None, [
            f"{where}: {'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}"
            for e in exc.errors()
        ]


class Span(_Strict):
    frame: int  # index of the key frame
    start_s: float
    duration_s: float


def timeline(
    demo: Demonstration, *, kind: str, rep_s: int, hold_s: int, rep_rest_s: int
) -> list[Span]:
    """When each key frame runs within one cycle, from the dose (see the module docstring)."""
    if kind == "reps":
        moving_total = float(rep_s * demo.reps_per_cycle)
        hold_each = float(hold_s)
    else:
        moving_total = float(rep_rest_s * demo.reps_per_cycle)
        hold_each = float(hold_s)
    beats = sum(f.beats for f in demo.frames if f.phase != "hold") or 1
    spans: list[Span] = []
    t = 0.0
    for i, f in enumerate(demo.frames):
        d = hold_each if f.phase == "hold" else moving_total * f.beats / beats
        spans.append(Span(frame=i, start_s=round(t, 6), duration_s=round(d, 6)))
        t += d
    return spans


def steps_lit(demo: Demonstration, spans: list[Span]) -> list[int]:
    """The one step of "How to do it" to highlight while each span runs (0-based).

    Several steps may name the same key frame (two set-up steps and the last one all show the
    start position), and lighting all of them at once reads as three things to do at the same
    moment. So a span lights the first step that names its frame, and a span whose frame no
    step names keeps the step before it lit: a return with no step of its own goes on showing
    "pause, then lower slowly", including after a pause of 0 s that no page would catch.
    Before the first frame a step names (a plank starts on the knees, which no step shows),
    the first step: it says how to get into the position.
    """
    first: dict[int, int] = {}
    for n, name in enumerate(demo.steps):
        first.setdefault(demo.index_of(name), n)
    lit: list[int] = []
    for span in spans:
        lit.append(first.get(span.frame, lit[-1] if lit else 0))
    return lit


def cycle_s(spans: list[Span]) -> float:
    return math.fsum(s.duration_s for s in spans)


def facts_of(exercise: "Exercise") -> ExerciseFacts:
    return ExerciseFacts(
        id=exercise.id,
        position=exercise.position,
        equipment=list(exercise.equipment),
        step_count=len(exercise.steps),
        kind=exercise.dose.kind,
    )


def parse_demos(
    files: Mapping[str, str], exercises: Mapping[str, "Exercise"]
) -> tuple[dict[str, Demonstration], list[str]]:
    """Demonstrations by exercise id from `{file name: TOML}`, with every problem found.

    Every exercise needs one; a demonstration of no exercise, or under another file name, is
    a problem too.
    """
    demos: dict[str, Demonstration] = {}
    problems: list[str] = []
    for name, text in sorted(files.items()):
        where = f"demos/{name}"
        demo, errs = parse_demo(text, where)
        problems += errs
        if demo is None:
            continue
        if name.removesuffix(".toml") != demo.exercise:
            problems.append(f"{where}: file name must be the exercise id ({demo.exercise}.toml)")
        ex = exercises.get(demo.exercise)
        if ex is None:
            problems.append(f"{where}: demonstrates unknown exercise {demo.exercise!r}")
            continue
        problems += demo_problems(demo, facts_of(ex), where)
        demos[demo.exercise] = demo
    for ex_id in sorted(exercises):
        if ex_id not in demos and f"{ex_id}.toml" not in files:
            problems.append(f"{ex_id}.toml: has no demonstration (add demos/{ex_id}.toml)")
    return demos, problems
