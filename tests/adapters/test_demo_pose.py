"""The pose model agrees with the drawings (issue 16): every key frame of the standing and
seated demonstrations, drawn at 320 px, goes through our own BlazePose pipeline. bench/demo_pose.py
prints the same check per exercise and frame (and for both sides)."""

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
from hipalign.core.library import default_library
from hipalign.core.library.catalog import default_demos


@pytest.fixture(scope="module")
def checks() -> dict[str, DemoCheck]:
    library, demos = default_library(), default_demos()
    with PoseModel() as model:
        return {
            ex_id: check_demo(model, demo, library[ex_id], side="right")
            for ex_id, demo in sorted(demos.items())
            if demo.start in CHECKED_STARTS
        }


def test_the_model_finds_a_person_in_most_key_frames(checks: dict[str, DemoCheck]) -> None:
    frames = [f for c in checks.values() for f in c.frames]
    assert len(checks) >= 15 and len(frames) >= 60  # every standing and seated entry
    assert sum(f.found for f in frames) / len(frames) >= MIN_FOUND


def test_the_angle_seen_agrees_with_the_drawing(checks: dict[str, DemoCheck]) -> None:
    # Every standing and seated exercise, none excused (issue 16). The five once excused here
    # (the model put the knee where a hanging hand was) now hold the near hand clear of the leg.
    for ex_id, check in checks.items():
        for f in check.frames:
            if f.error is not None:
                assert f.error <= MAX_ANGLE_ERROR, (ex_id, f.frame, f.label, f.drawn, f.seen)


def test_the_angle_checked_is_the_one_that_moves() -> None:
    demos = default_demos()
    assert joint_of(demos["standing_hip_abduction"]) == "hip"
    assert joint_of(demos["seated_hamstring_stretch"]) == "knee"
    # Seen from the front a seated thigh points at the viewer: the shank's lean shows rotation.
    assert joint_of(demos["seated_hip_rotation"]) == "shank"
    assert angle_at((0, 0), (1, 0), (1, 1)) == pytest.approx(90)
