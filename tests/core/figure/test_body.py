"""The figure: proportions, joint limits, forward kinematics, mirroring and projection."""

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipalign.core.figure.body import (
    ANKLE_HEIGHT,
    FOREARM,
    LIMB_JOINTS,
    LIMITS,
    POSE_NAMES,
    SHANK,
    THIGH,
    TRUNK,
    UPPER_ARM,
    forward_kinematics,
    limit_of,
    mirrored,
    project,
)
from hipalign.core.figure.demo import frame_poses, posed_frames
from hipalign.core.library.catalog import default_demos
from hipalign.core.references import bibliography

BONES = {
    "thigh": ("hip", "knee", THIGH),
    "shank": ("knee", "ankle", SHANK),
    "upper_arm": ("shoulder", "elbow", UPPER_ARM),
    "forearm": ("elbow", "wrist", FOREARM),
}


def test_standing_heights_are_winters_fractions_of_height() -> None:
    pts = forward_kinematics({}, "standing")
    floor = pts["right_heel"][1] - 0.018  # the heel's lowest point
    assert pts["right_hip"][1] - floor == pytest.approx(0.530, abs=1e-9)
    assert pts["right_knee"][1] - floor == pytest.approx(0.285, abs=1e-9)
    assert pts["right_ankle"][1] - floor == pytest.approx(ANKLE_HEIGHT, abs=1e-9)
    assert pts["neck"][1] - floor == pytest.approx(0.530 + TRUNK, abs=1e-9)
    assert pts["neck"][1] - floor == pytest.approx(0.818, abs=1e-9)


def test_every_key_frame_of_every_demonstration_keeps_the_same_bone_lengths() -> None:
    for demo in default_demos().values():
        for side in ("right", "left"):
            for points in posed_frames(demo, side):
                for who in ("left", "right"):
                    for a, b, length in BONES.values():
                        got = math.dist(points[f"{who}_{a}"], points[f"{who}_{b}"])
                        assert got == pytest.approx(length, abs=1e-9), (demo.exercise, a, b)
                assert math.dist(points["pelvis"], points["neck"]) == pytest.approx(TRUNK)


def test_limits_cover_every_joint_and_cite_a_range_of_motion_source() -> None:
    assert set(LIMB_JOINTS) <= set(LIMITS)
    for name in POSE_NAMES:
        lim = limit_of(name)
        assert lim is None or lim[0] < lim[1]
    # Norkin and White (AAOS): hip flexion 120, abduction 45, knee flexion 135.
    assert LIMITS["hip_flexion"][1] == 120
    assert LIMITS["hip_abduction"][1] == 45
    assert LIMITS["knee_flexion"] == (0, 135)
    refs = bibliography()
    assert {"winter2009", "norkin_white2016"} <= set(refs)


angles = st.fixed_dictionaries(
    {
        name: st.floats(*(limit_of(name) or (-40, 40)), allow_nan=False)
        for name in (
            "work_hip_flexion",
            "work_hip_abduction",
            "work_hip_rotation",
            "other_knee_flexion",
            "work_shoulder_abduction",
            "work_shoulder_rotation",
            "other_elbow_flexion",
            "trunk_lateral_flexion",
            "trunk_rotation",
            "pelvis_roll",
            "pelvis_turn",
            "pelvis_tilt",
        )
    }
)


@settings(max_examples=40, deadline=None)
@given(angles, st.sampled_from(["standing", "supine", "side_lying", "prone"]))
def test_the_left_figure_is_the_mirror_image_of_the_right_one(pose: Any, position: Any) -> None:
    right = forward_kinematics(pose, position, "right")
    left = forward_kinematics(pose, position, "left")
    expected = mirrored(right)
    for name, point in left.items():
        assert point == pytest.approx(expected[name], abs=1e-9), name


def test_working_side_is_the_named_side() -> None:
    pts = forward_kinematics({"work_hip_flexion": 90}, "standing", "left")
    assert pts["left_knee"][0] == pytest.approx(THIGH)  # the left knee comes forward
    assert pts["right_knee"][0] == pytest.approx(0.0)


def test_abduction_moves_the_leg_out_to_its_own_side() -> None:
    right = forward_kinematics({"work_hip_abduction": 30}, "standing", "right")
    left = forward_kinematics({"work_hip_abduction": 30}, "standing", "left")
    assert right["right_ankle"][2] > right["right_hip"][2]  # +z is the person's right
    assert left["left_ankle"][2] < left["left_hip"][2]


def test_left_picture_is_the_right_picture_flipped() -> None:
    pose = {"work_hip_flexion": 40, "work_knee_flexion": 30, "trunk_rotation": 10}
    for view in ("side", "front", "top"):
        right = forward_kinematics(pose, "standing", "right")
        left = forward_kinematics(pose, "standing", "left")
        for name in ("right_knee", "left_ankle", "head"):
            twin = {"right_knee": "left_knee", "left_ankle": "right_ankle"}.get(name, name)
            rx, ry, rd = project(right[name], view, "right")
            lx, ly, ld = project(left[twin], view, "left")
            assert (lx, ly, ld) == pytest.approx((-rx, ry, rd), abs=1e-9)


def test_side_view_shows_the_working_leg_nearest() -> None:
    for side in ("right", "left"):
        pts = forward_kinematics({}, "standing", side)
        work = project(pts[f"{side}_knee"], "side", side)
        other = project(pts[f"{'left' if side == 'right' else 'right'}_knee"], "side", side)
        assert work[2] > other[2]


def test_every_demonstration_moves_to_its_peak_but_the_wall_press_held_from_the_start() -> None:
    for ex_id, demo in default_demos().items():
        poses = frame_poses(demo)
        moved = poses[demo.peak_index] != poses[0]
        assert moved == (ex_id != "standing_isometric_abduction"), ex_id
