"""Demonstrations as data: every entry has one, and `library validate` refuses a bad one."""

from importlib import resources

import pytest

from hipalign.core.figure import cycle_s, dose_spans
from hipalign.core.figure.demo import frame_poses, parse_demos, steps_lit
from hipalign.core.library import default_library, validate_default_library
from hipalign.core.library.catalog import default_demos

ENTRY = "side_hip_abduction.toml"


def shipped() -> dict[str, str]:
    folder = resources.files("hipalign.core.library") / "demos"
    return {f.name: f.read_text("utf-8") for f in folder.iterdir() if f.name.endswith(".toml")}


SHIPPED = shipped()


def problems_with(name: str, old: str, new: str) -> list[str]:
    files = dict(SHIPPED)
    assert old in files[name], f"{old!r} is not in {name}; the test's edit no longer applies"
    files[name] = files[name].replace(old, new, 1)
    return parse_demos(files, default_library())[1]


def test_the_shipped_library_and_demonstrations_are_valid() -> None:
    assert validate_default_library() == []
    assert set(default_demos()) == set(default_library())


def test_an_entry_without_a_demonstration_fails() -> None:
    files = dict(SHIPPED)
    del files[ENTRY]
    problems = parse_demos(files, default_library())[1]
    assert problems == [
        "side_hip_abduction.toml: has no demonstration (add demos/side_hip_abduction.toml)"
    ]


def test_a_key_frame_outside_the_joint_limits_fails() -> None:
    problems = problems_with(ENTRY, "work_hip_abduction = 45", "work_hip_abduction = 60")
    assert any(
        "frame 'lift': work hip abduction 60 degrees is outside the joint's range -30 to 45" in p
        for p in problems
    ), problems


def test_a_standing_frame_whose_support_foot_leaves_the_floor_fails() -> None:
    # Bending the support hip tips the support foot onto its heel.
    name = "standing_hip_abduction.toml"
    problems = problems_with(
        name,
        "pose = { work_hip_abduction = 30 }",
        "pose = { work_hip_abduction = 30, other_hip_flexion = 25 }",
    )
    assert any("frame 'lift': the support foot leaves the floor" in p for p in problems), problems


def test_a_standing_frame_must_keep_the_support_foot_as_a_contact() -> None:
    problems = problems_with(
        "standing_hip_abduction.toml",
        'contacts = ["other_heel", "other_toe"]',
        'contacts = ["work_heel"]',
    )
    assert any("a standing frame keeps the support foot on the floor" in p for p in problems)


def test_a_lying_frame_whose_trunk_leaves_the_floor_fails() -> None:
    # Curling the trunk up in side-lying lifts the lower shoulder off the floor.
    problems = problems_with(
        ENTRY,
        "pose = { work_hip_abduction = 45 }",
        "pose = { work_hip_abduction = 45, pelvis_roll = 25 }",
    )
    assert any("frame 'lift': the trunk leaves the floor" in p for p in problems), problems


def test_a_body_part_below_the_floor_fails() -> None:
    # Pushed backwards past the floor, the top leg of the side-lying lift goes through it.
    problems = problems_with(ENTRY, "work_hip_abduction = 45", "work_hip_abduction = -30")
    assert any("frame 'lift': the right shank is below the floor" in p for p in problems), problems


def test_each_step_names_a_key_frame_of_its_demonstration() -> None:
    lib = default_library()
    for ex_id, demo in default_demos().items():
        names = {f.name for f in demo.frames}
        assert len(demo.steps) == len(lib[ex_id].steps)
        assert set(demo.steps) <= names
    problems = problems_with(ENTRY, 'steps = ["start", "start"', 'steps = ["start", "nowhere"')
    assert any("step 2 names unknown frame 'nowhere'" in p for p in problems)


def test_the_clamshell_lights_one_step_at_a_time_not_every_step_showing_the_start() -> None:
    # Steps 1, 2 and 5 all show the start position; steps 3 and 4 the opening and the pause.
    demo = default_demos()["clamshell"]
    assert demo.steps == ["start", "start", "open", "top", "start"]
    spans = dose_spans(demo, default_library()["clamshell"])
    assert [demo.frames[s.frame].name for s in spans] == ["start", "open", "top", "close"]
    # The pause lasts 0 s at the start dose, so "pause, then lower slowly" stays lit while
    # the knee comes down; the last step (roll over after the set) is not lit with the start.
    assert steps_lit(demo, spans) == [0, 2, 3, 3]


def test_every_frame_lights_exactly_one_step_and_a_step_naming_that_frame_when_there_is_one() -> (
    None
):
    lib = default_library()
    for ex_id, demo in default_demos().items():
        spans = dose_spans(demo, lib[ex_id])
        lit = steps_lit(demo, spans)
        assert len(lit) == len(spans), ex_id
        for span, step in zip(spans, lit, strict=True):
            assert 0 <= step < len(demo.steps), ex_id
            named = [n for n, name in enumerate(demo.steps) if demo.index_of(name) == span.frame]
            if named:
                assert step in named, (ex_id, span, step)


def test_a_frame_no_step_names_keeps_the_step_before_it_lit() -> None:
    # The bridge's frames: start, up, top, down; step 5 shows "down". Named nowhere, "down"
    # would keep the pause at the top lit.
    demo = default_demos()["glute_bridge"]
    spans = dose_spans(demo, default_library()["glute_bridge"])
    assert steps_lit(demo, spans) == [0, 2, 3, 4]
    unnamed = demo.model_copy(update={"steps": ["start", "start", "up", "top", "start"]})
    assert steps_lit(unnamed, spans) == [0, 2, 3, 3]


def test_one_cycle_lasts_the_dose_rep_time_and_a_hold_frame_lasts_the_hold() -> None:
    lib = default_library()
    for ex_id, demo in default_demos().items():
        ex = lib[ex_id]
        for rung in ex.ladder:
            spans = dose_spans(demo, ex, rung)
            holds = [s for s in spans if demo.frames[s.frame].phase == "hold"]
            assert all(s.duration_s == rung.hold_s for s in holds), ex_id
            if ex.dose.kind == "reps":
                # The session script gives each repetition rep_s plus the rung's pause.
                per_rep = ex.dose.rep_s + rung.hold_s * len(holds) / demo.reps_per_cycle
                assert cycle_s(spans) == pytest.approx(per_rep * demo.reps_per_cycle), ex_id
            else:
                per_hold = rung.hold_s + ex.dose.rep_rest_s
                assert cycle_s(spans) == pytest.approx(per_hold * demo.reps_per_cycle), ex_id


def test_a_hold_frame_keeps_the_pose_before_it() -> None:
    problems = problems_with(
        ENTRY,
        'name = "top"\nphase = "hold"\nlabel = "Brief pause at the top"',
        'name = "top"\nphase = "hold"\nlabel = "Brief pause at the top"\npose = { work_hip_abduction = 20 }',
    )
    assert any(
        "frame 'top': a hold frame keeps the pose of the frame before it" in p for p in problems
    )


def peak(ex_id: str) -> dict[str, float]:
    demo = default_demos()[ex_id]
    return frame_poses(demo)[demo.peak_index]


def test_peak_frames_match_what_the_steps_and_seed_dose_say() -> None:
    # "lift the top leg slowly to about 45 degrees" (seed: side hip abductions)
    assert peak("side_hip_abduction")["work_hip_abduction"] == pytest.approx(45, abs=5)
    # "lift it slowly out to the side, about 30 degrees"
    assert peak("standing_hip_abduction")["work_hip_abduction"] == pytest.approx(30, abs=5)
    # 90-degree hip rotations: "knees bent to a right angle"
    for pose in frame_poses(default_demos()["hip_rotation_90"]):
        assert pose["work_knee_flexion"] == pose["other_knee_flexion"] == 90
    # knees to chest: the knee drawn in to the chest, the other foot on the floor
    ktc = peak("knee_to_chest")
    assert ktc["work_hip_flexion"] >= 110 and ktc["work_knee_flexion"] >= 110
    demo = default_demos()["knee_to_chest"]
    from hipalign.core.figure.demo import posed_frames

    points = posed_frames(demo, "right")[demo.peak_index]
    knee, chest = points["right_knee"], points["chest"]
    hip = points["right_hip"]
    assert abs(knee[0] - chest[0]) < abs(hip[0] - chest[0])  # the knee is over the trunk
    # prone hip extension: "bend one knee to a right angle", thigh "a few centimetres" up
    prone = peak("prone_hip_extension")
    assert prone["work_knee_flexion"] == 90 and -20 <= prone["work_hip_flexion"] < 0
    # clamshell: "hips and knees bent to about a right angle" ... knee opened
    clam = peak("clamshell")
    assert clam["work_knee_flexion"] == 90 and clam["work_hip_abduction"] > 0
