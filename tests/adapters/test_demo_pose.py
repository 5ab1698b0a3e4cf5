"""The pose model agrees with the drawings (issue 16): every key frame of the standing and
seated demonstrations, drawn at 320 px for the right and the left side, goes through our own
BlazePose pipeline. bench/demo_pose.py prints the same check per exercise and frame."""

import pytest

from hipalign.adapters.vision.figure_check import (
    CHECKED_STARTS,
    MAX_ANGLE_ERROR,
    MIN_FOUND,
    DemoCheck,
    angle_at,
    check_demo,
    joint_of,
)
from hipalign.adapters.vision.pose import PoseModel
from hipalign.core.figure import Side
from hipalign.core.library import default_library
from hipalign.core.library.catalog import default_demos

SIDES: tuple[Side, ...] = ("right", "left")


@pytest.fixture(scope="module")
def checks() -> dict[Side, dict[str, DemoCheck]]:
    library, demos = default_library(), default_demos()
    with PoseModel() as model:
        return {
            side: {
                ex_id: check_demo(model, demo, library[ex_id], side=side)
                for ex_id, demo in sorted(demos.items())
                if demo.start in CHECKED_STARTS
            }
            for side in SIDES
        }


@pytest.mark.parametrize("side", SIDES)
def test_the_model_finds_a_person_in_most_key_frames(
    checks: dict[Side, dict[str, DemoCheck]], side: Side
) -> None:
    frames = [f for c in checks[side].values() for f in c.frames]
    assert len(checks[side]) >= 15 and len(frames) >= 60  # every standing and seated entry
    assert sum(f.found for f in frames) / len(frames) >= MIN_FOUND


# The left pictures are the right ones mirrored (tests/core/figure/test_svg.py), yet BlazePose
# is not mirror-invariant: fed the right picture flipped in pixels it misses the same left
# frames (README, "The pose model agrees with the drawings"). Not yet met on the left; strict,
# so this fails as soon as the left side holds, and the mark must then go.
LEFT_NOT_MET = pytest.mark.xfail(
    strict=True,
    reason="issue 16 open on the left: BlazePose misreads 14 mirrored key frames "
    "(band_hip_flexion, hip_flexor_stretch, leg_swings, seated_hamstring_stretch, "
    "seated_straddle_stretch, single_leg_balance)",
)


@pytest.mark.parametrize("side", ["right", pytest.param("left", marks=LEFT_NOT_MET)])
def test_the_angle_seen_agrees_with_the_drawing(
    checks: dict[Side, dict[str, DemoCheck]], side: Side
) -> None:
    # Every standing and seated exercise, none excused (issue 16). The five once excused here
    # (the model put the knee where a hanging hand was) now hold the near hand clear of the leg.
    misses = [
        (ex_id, f.frame, f.label, round(f.drawn, 1), round(f.seen or 0.0, 1))
        for ex_id, check in checks[side].items()
        for f in check.frames
        if f.error is not None and f.error > MAX_ANGLE_ERROR
    ]
    assert not misses, misses


def test_the_angle_checked_is_the_one_that_moves() -> None:
    demos = default_demos()
    assert joint_of(demos["standing_hip_abduction"]) == "hip"
    assert joint_of(demos["seated_hamstring_stretch"]) == "knee"
    # Seen from the front a seated thigh points at the viewer: the shank's lean shows rotation.
    assert joint_of(demos["seated_hip_rotation"]) == "shank"
    assert angle_at((0, 0), (1, 0), (1, 1)) == pytest.approx(90)
