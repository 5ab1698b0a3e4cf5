"""Rep counting with hysteresis, hold timing and the per-exercise rules, on synthetic signals."""

import math
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipalign.core.library import Library
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
)
from hipalign.core.posture.reps import (
    REFERENCE_MOVEMENTS,
    REP_RULES,
    SQUAT_DOWN_BELOW_DEG,
    SQUAT_UP_ABOVE_DEG,
    RepCount,
    RepRule,
    count_reps,
    hold_time,
    squat_knee_angle_deg,
)
from tests.core.posture.test_geometry import H, W, figure, to_landmarks

Point = tuple[float, float]


def squat_angle(i: int, start: int, end: int | None) -> float:
    """Knee angle of frame i in a squat spanning frames start..end (end None: still going)."""
    d = i - start if end is None else min(i - start, end - i)
    return max(96.0, 172.0 - 28.0 * (d + 1))  # 144 at the edges, 116 next, 96 at the bottom


def vision_squat_clip() -> list[float | None]:
    """VISION.md 4 by eye: 65 frames at 5 fps, squats at 5-16 and 29-40, one from 53 still low."""
    out: list[float | None] = []
    for i in range(65):
        if 5 <= i <= 16:
            out.append(squat_angle(i, 5, 16))
        elif 29 <= i <= 40:
            out.append(squat_angle(i, 29, 40))
        elif i >= 53:
            out.append(squat_angle(i, 53, None))
        else:
            out.append(172.0)
    return out


def squat(angles: Sequence[float | None], fps: float) -> RepCount:
    return count_reps(angles, fps, down_below=SQUAT_DOWN_BELOW_DEG, up_above=SQUAT_UP_ABOVE_DEG)


# --- count_reps --------------------------------------------------------------------------------
def test_the_vision_squat_clip_counts_two_completed_and_one_in_progress() -> None:
    result = squat(vision_squat_clip(), 5)
    assert (result.completed, result.in_progress) == (2, True)
    assert result.frames_used == 65
    # Down below 120 from frame 6 (and 30), up above 155 at frame 17 (and 41): 11 frames = 2.2 s.
    assert result.holds_s == pytest.approx([2.2, 2.2])


def test_a_missing_frame_anywhere_changes_nothing() -> None:
    for gap in (6, 10, 16, 17, 30, 41, 64):
        angles = vision_squat_clip()
        angles[gap] = None
        result = squat(angles, 5)
        assert (result.completed, result.in_progress) == (2, True), gap
        assert result.frames_used == 64


def test_non_finite_values_are_skipped_like_missing_ones() -> None:
    angles = vision_squat_clip()
    angles[10] = math.nan
    assert squat(angles, 5).completed == 2


@pytest.mark.parametrize("fps", [2.5, 15.0])
def test_the_count_holds_at_2_5_and_15_fps(fps: float) -> None:
    clip = vision_squat_clip()
    angles = clip[::2] if fps == 2.5 else [a for a in clip for _ in range(3)]
    result = squat(angles, fps)
    assert (result.completed, result.in_progress) == (2, True)
    assert result.holds_s == pytest.approx([2.2, 2.2], abs=0.41)


@settings(deadline=None)
@given(noise=st.lists(st.floats(-6, 6), min_size=65, max_size=65))
def test_jitter_below_the_margins_never_changes_the_count(noise: list[float]) -> None:
    angles = [None if a is None else a + e for a, e in zip(vision_squat_clip(), noise, strict=True)]
    result = squat(angles, 5)
    assert (result.completed, result.in_progress) == (2, True)


def test_hovering_around_each_threshold_counts_one_rep() -> None:
    angles: list[float | None] = [170, 150, 121, 119, 121, 119, 121, 100, 100, 100, 100]
    angles += [119, 121, 119, 150, 154, 156, 154, 156, 154, 170, 170, 170]
    result = count_reps(angles, 5, down_below=120, up_above=155, min_phase_s=0)
    assert (result.completed, result.in_progress) == (1, False)


def test_half_squats_that_never_pass_the_down_threshold_count_nothing() -> None:
    angles: list[float | None] = [170, 150, 130, 125, 130, 150, 170] * 4
    result = squat(angles, 5)
    assert (result.completed, result.in_progress, result.holds_s) == (0, False, [])


@settings(deadline=None)
@given(
    reps=st.lists(st.tuples(st.integers(3, 20), st.integers(3, 20)), min_size=0, max_size=6),
    noise=st.floats(0, 8),
    fps=st.sampled_from([5.0, 10.0, 30.0]),
)
def test_k_clean_reps_count_k(reps: list[tuple[int, int]], noise: float, fps: float) -> None:
    angles: list[float | None] = []
    for down, up in reps:  # frames at the bottom, frames standing before it
        angles += [172.0] * up + [140.0] + [96.0] * down + [140.0]
    angles += [172.0] * 3
    wiggled = [a + (noise if i % 2 else -noise) for i, a in enumerate(a for a in angles if a)]
    expected = sum(1 for down, up in reps if (down + 1) / fps >= 0.3 and up / fps >= 0.3)
    if all(up / fps >= 0.3 for _, up in reps):  # flickers of standing would merge reps instead
        assert squat(list(wiggled), fps).completed == expected


def test_a_flicker_down_is_not_a_rep() -> None:
    angles: list[float] = [170.0] * 30 + [100.0, 100.0] + [170.0] * 30
    assert squat(angles, 30).completed == 0  # 2 frames = 0.07 s < 0.3 s


def test_a_flicker_up_inside_a_long_bottom_does_not_split_the_rep() -> None:
    angles: list[float] = [170.0] * 30 + [100.0] * 30 + [170.0] * 2 + [100.0] * 30
    angles += [170.0] * 30
    result = squat(angles, 30)
    assert result.completed == 1
    assert result.holds_s == pytest.approx([62 / 30])


def test_a_clip_that_starts_at_the_bottom_does_not_count_the_unseen_start() -> None:
    angles: list[float] = [100.0] * 10 + [170.0] * 10 + [100.0] * 10 + [170.0] * 10
    assert squat(angles, 5).completed == 1


def test_an_empty_or_all_missing_signal_counts_nothing() -> None:
    assert squat([], 5) == RepCount(completed=0, in_progress=False, holds_s=[], frames_used=0)
    assert squat([None] * 10, 5).frames_used == 0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="fps"):
        count_reps([], 0, down_below=1, up_above=2)
    with pytest.raises(ValueError, match="hysteresis"):
        count_reps([], 5, down_below=155, up_above=120)
    with pytest.raises(ValueError, match="min_phase_s"):
        count_reps([], 5, down_below=1, up_above=2, min_phase_s=-1)


# --- hold_time ---------------------------------------------------------------------------------
T, F = True, False


def test_hold_time_bridges_short_gaps_only() -> None:
    assert hold_time([T] * 10 + [F] * 2 + [T] * 10, 10) == pytest.approx(2.2)  # 0.2 s gap
    assert hold_time([T] * 10 + [F] * 3 + [T] * 12, 10) == pytest.approx(1.2)  # 0.3 s: a break
    assert hold_time([T] * 10 + [None] * 2 + [T] * 10, 10) == pytest.approx(2.2)
    assert hold_time([T] * 10 + [None] * 5 + [T] * 5, 10) == pytest.approx(1.0)


def test_hold_time_ignores_leading_and_trailing_gaps_and_takes_the_longest() -> None:
    signal: list[bool | None] = [F] * 5 + [T] * 4 + [F] * 10 + [T] * 6 + [None] * 7
    assert hold_time(signal, 2) == pytest.approx(3.0)
    assert hold_time([F, None, F], 30) == 0.0
    assert hold_time([], 30) == 0.0


@settings(deadline=None)
@given(signal=st.lists(st.sampled_from([True, False, None]), max_size=200))
def test_hold_time_is_at_least_the_longest_run_and_at_most_the_span(
    signal: list[bool | None],
) -> None:
    longest = run = 0
    for s in signal:
        run = run + 1 if s is True else 0
        longest = max(longest, run)
    held = [i for i, s in enumerate(signal) if s is True]
    span = held[-1] - held[0] + 1 if held else 0
    assert longest / 30 <= hold_time(signal, 30) + 1e-9
    assert hold_time(signal, 30) <= span / 30 + 1e-9
    assert hold_time(signal, 30, min_gap_s=0) == pytest.approx(longest / 30)


# --- per-exercise rules ------------------------------------------------------------------------
def test_rules_name_library_exercises_and_match_their_dose_kind(library: Library) -> None:
    assert set(REP_RULES) - REFERENCE_MOVEMENTS <= set(library)
    assert REFERENCE_MOVEMENTS.isdisjoint(library)  # a reference never shadows an exercise
    for exercise_id, rule in REP_RULES.items():
        assert rule.exercise == exercise_id
        assert not rule.validated  # every threshold is a [rule] until labelled clips exist
        if exercise_id in REFERENCE_MOVEMENTS:
            assert rule.kind == "reps"
        elif rule.kind != "not_counted":
            assert rule.kind == library[exercise_id].dose.kind, exercise_id
        else:
            assert rule.note


def test_the_named_exercises_are_covered() -> None:
    assert REP_RULES["side_hip_abduction"].kind == "reps"
    assert REP_RULES["leg_swings"].kind == "reps"
    assert REP_RULES["pelvic_tilt_standing"].kind == "not_counted"
    assert REP_RULES["plank"].kind == REP_RULES["side_plank"].kind == "hold"


def test_a_rule_without_hysteresis_or_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="hysteresis"):
        RepRule(
            exercise="x",
            kind="reps",
            signal="thigh_separation",
            measures="m",
            active="high",
            enter_beyond=10,
            leave_beyond=20,
        )
    with pytest.raises(ValueError, match="say why"):
        RepRule(exercise="x", kind="not_counted", signal="none", measures="nothing")


def test_a_lifting_exercise_counts_on_the_high_side() -> None:
    rule = REP_RULES["side_hip_abduction"]
    lift: list[float] = [5.0] * 5 + [20.0, 40.0, 45.0, 45.0, 45.0, 40.0, 20.0]
    result = rule.count(lift * 2 + [5.0] * 3 + [20.0, 40.0, 45.0], 5)
    assert (result.completed, result.in_progress) == (2, True)
    assert result.holds_s == pytest.approx([6 / 5, 6 / 5])  # from 40 up to back at 5 (< 15)


def side_lying(lift_deg: float) -> dict[int, Point]:
    """Lying on the left side across the picture, legs to the right, top (right) leg lifted."""
    a = math.radians(lift_deg)
    return {
        LEFT_HIP: (500, 480),
        RIGHT_HIP: (500, 520),
        LEFT_KNEE: (700, 480),
        RIGHT_KNEE: (500 + 200 * math.cos(a), 520 + 200 * math.sin(a)),
        LEFT_SHOULDER: (250, 480),
        RIGHT_SHOULDER: (250, 520),
        LEFT_ANKLE: (900, 480),
        RIGHT_ANKLE: (500 + 400 * math.cos(a), 520 + 400 * math.sin(a)),
        NOSE: (150, 500),
    }


@pytest.mark.parametrize("lift", [0.0, 20.0, 45.0])
def test_thigh_separation_reads_the_lift(lift: float) -> None:
    rule = REP_RULES["side_hip_abduction"]
    assert rule.measure(to_landmarks(side_lying(lift)), W, H) == pytest.approx(lift, abs=1e-6)


def side_view(flexion_deg: float, facing: int = 1) -> dict[int, Point]:
    """Standing side-on, facing +x (facing=1) or -x, the right thigh at `flexion_deg` forward."""
    a = math.radians(flexion_deg)
    x = 500.0
    pts = {
        NOSE: (x + 60 * facing, 800),
        LEFT_SHOULDER: (x + 5, 700),
        RIGHT_SHOULDER: (x - 5, 700),
        LEFT_HIP: (x + 3, 450),
        RIGHT_HIP: (x - 3, 450),
        LEFT_KNEE: (x, 250),
        RIGHT_KNEE: (x - 3 + 200 * math.sin(a) * facing, 450 - 200 * math.cos(a)),
        LEFT_ANKLE: (x, 50),
        RIGHT_ANKLE: (x - 3 + 400 * math.sin(a) * facing, 450 - 400 * math.cos(a)),
    }
    return pts


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("flexion", [40.0, -15.0])
def test_hip_flexion_is_forward_positive_whichever_way_the_person_faces(
    flexion: float, facing: int
) -> None:
    lms = to_landmarks(side_view(flexion, facing))
    assert REP_RULES["leg_swings"].measure(lms, W, H, "right") == pytest.approx(flexion)
    assert REP_RULES["leg_swings"].measure(lms, W, H) == pytest.approx(flexion)  # the farther leg


def test_hip_flexion_needs_a_side_view() -> None:
    lms = to_landmarks(figure())  # facing the camera: the nose is not ahead of the shoulders
    assert REP_RULES["leg_swings"].measure(lms, W, H) is None


def plank(hip_drop: float = 0.0) -> dict[int, Point]:
    return {
        NOSE: (230, 320),
        LEFT_SHOULDER: (300, 300),
        RIGHT_SHOULDER: (300, 300),
        LEFT_HIP: (550, 290 - hip_drop),
        RIGHT_HIP: (550, 290 - hip_drop),
        LEFT_KNEE: (700, 284),
        RIGHT_KNEE: (700, 284),
        LEFT_ANKLE: (850, 278),
        RIGHT_ANKLE: (850, 278),
    }


def test_plank_is_in_position_only_when_straight_and_near_horizontal() -> None:
    rule = REP_RULES["plank"]
    assert rule.in_position(to_landmarks(plank()), W, H) is True
    assert rule.in_position(to_landmarks(plank(hip_drop=80)), W, H) is False  # sagging hips
    assert rule.in_position(to_landmarks(figure()), W, H) is False  # standing up straight
    hidden = to_landmarks(plank(), visibility={LEFT_ANKLE: 0.0, RIGHT_ANKLE: 0.0})
    assert rule.in_position(hidden, W, H) is None


def test_a_plank_clip_times_its_hold() -> None:
    rule = REP_RULES["plank"]
    frames = [plank()] * 20 + [plank(hip_drop=80)] * 2 + [plank()] * 20 + [figure()] * 10
    signal = [rule.in_position(to_landmarks(p), W, H) for p in frames]
    assert hold_time(signal, 10) == pytest.approx(4.2)


def test_single_leg_balance_sees_a_lifted_foot() -> None:
    rule = REP_RULES["single_leg_balance"]
    pts = figure()
    assert rule.in_position(to_landmarks(pts), W, H) is False
    pts[LEFT_ANKLE] = (pts[LEFT_ANKLE][0], pts[LEFT_ANKLE][1] + 30)  # 10 % of the trunk
    assert rule.in_position(to_landmarks(pts), W, H) is True


def test_rules_refuse_the_wrong_use() -> None:
    with pytest.raises(ValueError, match="not timed as a hold"):
        REP_RULES["leg_swings"].in_position(to_landmarks(figure()), W, H)
    with pytest.raises(ValueError, match="not counted in reps"):
        REP_RULES["plank"].count([], 5)
    assert REP_RULES["pelvic_tilt_standing"].measure(to_landmarks(figure()), W, H) is None


def test_squat_knee_angle_is_the_mean_of_the_visible_knees() -> None:
    lms = to_landmarks(figure(knee_dx=40))
    expected = 180 - 2 * math.degrees(math.atan2(40, 200))
    assert squat_knee_angle_deg(lms, W, H) == pytest.approx(expected)
    one = to_landmarks(figure(knee_dx=40), visibility={LEFT_KNEE: 0.0})
    assert squat_knee_angle_deg(one, W, H) == pytest.approx(expected)
    none = to_landmarks(figure(), visibility={LEFT_KNEE: 0.0, RIGHT_KNEE: 0.0})
    assert squat_knee_angle_deg(none, W, H) is None
