"""Posture lines on synthetic landmark sets: definitions, sign conventions, refusals, aggregation.

No model: every figure is built in pixels (y up), converted to MediaPipe's normalised y-down
landmarks, and measured back (VISION.md 3).
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipalign.core.posture import geometry as g
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
    Refusal,
    aggregate,
    camera_tilt_reason,
    fppa_deg,
    knee_angle_deg,
    measure_frame,
)

W = H = 1000
Point = tuple[float, float]

# BlazePose left/right pairs (the rest are the nose and unpaired points).
PAIRS = [(1, 4), (2, 5), (3, 6), (7, 8), (9, 10)] + [(i, i + 1) for i in range(11, 33, 2)]


def figure(
    *,
    cx: float = 500.0,
    hip_y: float = 450.0,
    hip_w: float = 120.0,
    sh_w: float = 240.0,
    trunk: float = 300.0,
    left_hip_up: float = 0.0,
    left_sh_up: float = 0.0,
    shoulder_dx: float = 0.0,
    knee_dx: float = 0.0,
) -> dict[int, Point]:
    """A person facing the camera, in pixels with y UP. The subject's right is the image's left."""
    sh_y = hip_y + trunk
    pts: dict[int, Point] = {
        RIGHT_HIP: (cx - hip_w / 2, hip_y),
        LEFT_HIP: (cx + hip_w / 2, hip_y + left_hip_up),
        RIGHT_SHOULDER: (cx + shoulder_dx - sh_w / 2, sh_y),
        LEFT_SHOULDER: (cx + shoulder_dx + sh_w / 2, sh_y + left_sh_up),
        RIGHT_KNEE: (cx - hip_w / 2 + knee_dx, hip_y - 200),
        LEFT_KNEE: (cx + hip_w / 2 - knee_dx, hip_y + left_hip_up - 200),
        RIGHT_ANKLE: (cx - hip_w / 2, hip_y - 400),
        LEFT_ANKLE: (cx + hip_w / 2, hip_y + left_hip_up - 400),
        NOSE: (cx + shoulder_dx, sh_y + 80),
    }
    return pts


def to_landmarks(
    pts: dict[int, Point],
    width: int = W,
    height: int = H,
    visibility: dict[int, float] | None = None,
) -> list[Landmark]:
    """Pixels (y up) -> 33 normalised y-down landmarks; points not given sit at the nose."""
    visibility = visibility or {}
    nose = pts[NOSE]
    out = []
    for i in range(33):
        x, y = pts.get(i, nose)
        out.append(Landmark(x=x / width, y=1 - y / height, visibility=visibility.get(i, 0.99)))
    return out


def rotate(
    pts: dict[int, Point], theta_deg: float, width: int = W, height: int = H
) -> dict[int, Point]:
    """Turn every point counter-clockwise by theta about the picture's centre (y up)."""
    c, s = math.cos(math.radians(theta_deg)), math.sin(math.radians(theta_deg))
    ox, oy = width / 2, height / 2
    return {
        i: (ox + (x - ox) * c - (y - oy) * s, oy + (x - ox) * s + (y - oy) * c)
        for i, (x, y) in pts.items()
    }


def mirror(lms: list[Landmark]) -> list[Landmark]:
    """The horizontally flipped picture as a model would label it: x -> 1 - x, left/right swapped."""
    flipped = [lm.model_copy(update={"x": 1 - lm.x}) for lm in lms]
    for a, b in PAIRS:
        flipped[a], flipped[b] = flipped[b], flipped[a]
    return flipped


def measured(pts: dict[int, Point], width: int = W, height: int = H) -> FrameMetrics:
    frame = measure_frame(to_landmarks(pts, width, height), width, height)
    assert isinstance(frame, FrameMetrics), frame
    return frame


def refusal(result: FrameMetrics | Refusal) -> Refusal:
    assert isinstance(result, Refusal), result
    return result


def angle_diff(a: float, b: float) -> float:
    return (a - b + 180) % 360 - 180


def frame_with(**values: float) -> FrameMetrics:
    base = {
        "hip_tilt_deg": 0.0,
        "shoulder_tilt_deg": 0.0,
        "trunk_lean_deg": 0.0,
        "lateral_shift_pct": 0.0,
        "ankle_tilt_deg": 0.0,
        "trunk_length_px": 300.0,
        "hip_width_px": 120.0,
        "shoulder_width_px": 240.0,
    }
    return FrameMetrics(**(base | values))


tilts = st.floats(-40, 40)
widths = st.floats(100, 200)


# --- definitions and sign conventions ---------------------------------------------------------
def test_a_level_standing_figure_measures_zero_everywhere() -> None:
    frame = measured(figure())
    assert frame.hip_tilt_deg == pytest.approx(0, abs=1e-9)
    assert frame.shoulder_tilt_deg == pytest.approx(0, abs=1e-9)
    assert frame.trunk_lean_deg == pytest.approx(0, abs=1e-9)
    assert frame.lateral_shift_pct == pytest.approx(0, abs=1e-9)
    assert frame.trunk_length_px == pytest.approx(300)
    result = aggregate([frame])
    assert result.status == "ok"
    assert result.high_side == "level"
    assert result.frames == result.frames_used == 1
    assert set(result.metrics) == set(g.METRIC_KEYS)


@settings(deadline=None)
@given(h=tilts, w=widths)
def test_raising_the_left_hip_gives_atan_h_over_w_and_left_high(h: float, w: float) -> None:
    frame = measured(figure(hip_w=w, left_hip_up=h))
    assert frame.hip_tilt_deg == pytest.approx(math.degrees(math.atan2(h, w)), abs=1e-6)
    side = aggregate([frame]).high_side
    if frame.hip_tilt_deg > g.FRAME_UNCERTAINTY_HIP_DEG:
        assert side == "left"
    elif frame.hip_tilt_deg < -g.FRAME_UNCERTAINTY_HIP_DEG:
        assert side == "right"
    else:
        assert side == "level"


def test_left_shoulder_up_is_positive_and_one_cm_over_twenty_is_2_9_degrees() -> None:
    assert measured(figure(left_sh_up=20)).shoulder_tilt_deg > 0
    assert measured(figure(left_sh_up=-20)).shoulder_tilt_deg < 0
    # VISION.md 3 "Reading": 1 cm over 20 cm between the hips is 2.9 degrees.
    assert measured(figure(hip_w=200, left_hip_up=10)).hip_tilt_deg == pytest.approx(2.86, abs=0.01)


def test_angles_are_computed_in_pixels_not_normalised_units() -> None:
    # A 2:1 picture: 0.1 of the width is 200 px, 0.1 of the height 100 px.
    width, height = 2000, 1000
    frame = measured(
        {
            RIGHT_HIP: (900, 500),
            LEFT_HIP: (1100, 600),
            RIGHT_SHOULDER: (800, 800),
            LEFT_SHOULDER: (1200, 800),
            RIGHT_KNEE: (900, 300),
            LEFT_KNEE: (1100, 300),
            RIGHT_ANKLE: (900, 100),
            LEFT_ANKLE: (1100, 100),
            NOSE: (1000, 900),
        },
        width,
        height,
    )
    assert frame.hip_tilt_deg == pytest.approx(math.degrees(math.atan2(100, 200)))


def test_shift_toward_the_image_right_is_positive_and_leans_the_trunk_clockwise() -> None:
    right = measured(figure(shoulder_dx=30))
    assert right.lateral_shift_pct > 0
    assert right.trunk_lean_deg < 0  # counter-clockwise positive
    left = measured(figure(shoulder_dx=-30))
    assert left.lateral_shift_pct < 0 < left.trunk_lean_deg
    # Shoulders 30 px toward the image's left over a 300 px rise: atan(30/300) counter-clockwise.
    assert left.trunk_lean_deg == pytest.approx(math.degrees(math.atan2(30, 300)))


@settings(deadline=None)
@given(dx=st.floats(-120, 120), h=tilts)
def test_shift_is_minus_100_sin_trunk(dx: float, h: float) -> None:
    frame = measured(figure(shoulder_dx=dx, left_hip_up=h))
    assert frame.lateral_shift_pct == pytest.approx(
        -100 * math.sin(math.radians(frame.trunk_lean_deg)), abs=1e-6
    )


@settings(deadline=None)
@given(theta=st.floats(-30, 30), h=st.floats(-30, 30), s=st.floats(-30, 30), dx=st.floats(-50, 50))
def test_rotating_the_picture_by_theta_adds_theta_to_every_line(
    theta: float, h: float, s: float, dx: float
) -> None:
    pts = figure(left_hip_up=h, left_sh_up=s, shoulder_dx=dx)
    before, after = measured(pts), measured(rotate(pts, theta))
    assert angle_diff(after.hip_tilt_deg, before.hip_tilt_deg) == pytest.approx(theta, abs=1e-6)
    assert angle_diff(after.shoulder_tilt_deg, before.shoulder_tilt_deg) == pytest.approx(
        theta, abs=1e-6
    )
    assert angle_diff(after.trunk_lean_deg, before.trunk_lean_deg) == pytest.approx(theta, abs=1e-6)
    assert after.trunk_length_px == pytest.approx(before.trunk_length_px)
    assert after.lateral_shift_pct == pytest.approx(
        -100 * math.sin(math.radians(before.trunk_lean_deg + theta)), abs=1e-6
    )


@settings(deadline=None)
@given(h=tilts, s=tilts, dx=st.floats(-100, 100), cx=st.floats(350, 650), w=widths)
def test_a_mirrored_picture_with_swapped_labels_flips_every_sign(
    h: float, s: float, dx: float, cx: float, w: float
) -> None:
    lms = to_landmarks(figure(cx=cx, hip_w=w, left_hip_up=h, left_sh_up=s, shoulder_dx=dx))
    a, b = measure_frame(lms, W, H), measure_frame(mirror(lms), W, H)
    assert isinstance(a, FrameMetrics)
    assert isinstance(b, FrameMetrics)
    for key in g.METRIC_KEYS:
        assert b.metric(key) == pytest.approx(-a.metric(key), abs=1e-6)
    swapped = {"left": "right", "right": "left", "level": "level"}
    assert aggregate([b]).high_side == swapped[str(aggregate([a]).high_side)]


def test_mirroring_without_swapping_labels_is_refused_as_facing_away() -> None:
    lms = to_landmarks(figure())
    unswapped = [lm.model_copy(update={"x": 1 - lm.x}) for lm in lms]
    assert refusal(measure_frame(unswapped, W, H)).code == "facing_away"


# --- refusals ----------------------------------------------------------------------------------
def test_no_landmarks_means_no_person() -> None:
    r = refusal(measure_frame(None, W, H))
    assert (r.code, r.reason) == ("no_person", "no person was found")


def test_more_than_one_person_is_refused_with_crop_advice() -> None:
    r = refusal(measure_frame(to_landmarks(figure()), W, H, people=2))
    assert r.code == "several_people"
    assert r.reason == "more than one person is in the picture: crop to one person"


@pytest.mark.parametrize(
    ("hidden", "text"),
    [
        ({LEFT_KNEE: 0.3}, "the left knee is not visible: the whole body must be in the picture"),
        (
            {RIGHT_ANKLE: 0.1, LEFT_ANKLE: 0.49},
            "the left ankle and right ankle are not visible: the whole body must be in the picture",
        ),
    ],
)
def test_hidden_key_landmarks_are_named(hidden: dict[int, float], text: str) -> None:
    r = refusal(measure_frame(to_landmarks(figure(), visibility=hidden), W, H))
    assert (r.code, r.reason) == ("not_visible", text)


def test_a_landmark_outside_the_picture_is_not_visible() -> None:
    pts = figure()
    pts[RIGHT_ANKLE] = (440, -20)
    r = refusal(measure_frame(to_landmarks(pts), W, H))
    assert r.code == "not_visible"
    assert "right ankle" in r.reason


def test_visibility_exactly_at_the_threshold_is_enough() -> None:
    lms = to_landmarks(figure(), visibility=dict.fromkeys(g.KEY_LANDMARKS, g.MIN_VISIBILITY))
    assert isinstance(measure_frame(lms, W, H), FrameMetrics)


def test_odd_visibility_scores_are_clamped_and_nan_means_hidden() -> None:
    assert Landmark(x=0.5, y=0.5, visibility=1.0000001).visibility == 1.0
    assert Landmark(x=0.5, y=0.5, visibility=-1e-9).visibility == 0.0
    assert Landmark(x=0.5, y=0.5, visibility=math.nan).visibility == 0.0
    with pytest.raises(ValueError, match="finite"):
        Landmark(x=math.nan, y=0.5, visibility=1.0)


def test_hidden_face_or_hands_do_not_matter() -> None:
    lms = to_landmarks(figure(), visibility={NOSE: 0.0, 15: 0.0, 16: 0.0})
    assert isinstance(measure_frame(lms, W, H), FrameMetrics)


@pytest.mark.parametrize("kwargs", [{"sh_w": 0.3 * 300}, {"hip_w": 0.15 * 300}])
def test_a_turned_body_is_refused(kwargs: dict[str, float]) -> None:
    r = refusal(measure_frame(to_landmarks(figure(**kwargs)), W, H))
    assert (r.code, r.reason) == ("turned", "the body is turned; stand facing the camera")


def test_a_small_picture_is_refused_before_anything_else() -> None:
    small = {i: (x / 5, y / 5) for i, (x, y) in figure().items()}
    r = refusal(measure_frame(to_landmarks(small, 200, 200), 200, 200))
    assert r.code == "image_too_small"
    assert refusal(measure_frame(None, 255, 1000)).code == "image_too_small"
    at_limit = measure_frame(to_landmarks(small, 256, 256), 256, 256)
    assert not (isinstance(at_limit, Refusal) and at_limit.code == "image_too_small")


def test_a_person_small_in_a_large_picture_is_refused() -> None:
    # Trunk 300 px in a 4000 px tall picture: 7.5 % of the height.
    r = refusal(measure_frame(to_landmarks(figure(), 4000, 4000), 4000, 4000))
    assert r.code == "person_too_small"
    assert "too small" in r.reason


def test_a_trunk_under_the_pixel_minimum_is_refused_even_if_it_fills_the_frame() -> None:
    # 300 x 300 picture, trunk 50 px = 17 % of the height but under MIN_TRUNK_PX.
    pts = figure(cx=150, hip_y=120, hip_w=25, sh_w=45, trunk=50)
    pts = {i: (x, max(y, 10.0)) for i, (x, y) in pts.items()}
    assert refusal(measure_frame(to_landmarks(pts, 300, 300), 300, 300)).code == "person_too_small"


def test_bad_arguments_are_errors_not_refusals() -> None:
    with pytest.raises(ValueError, match="33 landmarks"):
        measure_frame(to_landmarks(figure())[:29], W, H)
    with pytest.raises(ValueError, match="positive"):
        measure_frame(None, 0, H)
    with pytest.raises(ValueError, match="negative"):
        measure_frame(None, W, H, people=-1)


def test_no_refusal_or_wording_says_misaligned() -> None:
    texts = [
        *g.REFUSAL_REASONS.values(),
        g.WORDING_OK,
        g.WORDING_NOT_MEASURED,
        g.ACCURACY_CAVEAT,
        g.LEVEL_CAMERA_CAVEAT,
        g.CAMERA_TILT_REASON,
    ]
    assert not [t for t in texts if "misalign" in t.lower()]
    assert "not a diagnosis" in g.WORDING_OK
    assert "never a diagnosis" in g.WORDING_NOT_MEASURED


# --- FPPA and knee angle -----------------------------------------------------------------------
def test_fppa_is_zero_for_a_straight_leg_and_grows_with_the_knee_off_the_line() -> None:
    lms = to_landmarks(figure())
    assert fppa_deg(lms, W, H, "left") == pytest.approx(0, abs=1e-6)
    assert knee_angle_deg(lms, W, H, "right") == pytest.approx(180, abs=1e-6)
    bent = to_landmarks(figure(knee_dx=40))  # knees 40 px inward over 200 px of thigh and shank
    expected = 2 * math.degrees(math.atan2(40, 200))
    assert fppa_deg(bent, W, H, "left") == pytest.approx(expected)
    assert fppa_deg(bent, W, H, "right") == pytest.approx(expected)


def test_fppa_is_none_when_the_leg_is_hidden() -> None:
    lms = to_landmarks(figure(), visibility={LEFT_ANKLE: 0.1})
    assert fppa_deg(lms, W, H, "left") is None
    assert fppa_deg(lms, W, H, "right") is not None


# --- camera tilt heuristic ---------------------------------------------------------------------
def test_a_visibly_tilted_camera_is_flagged_but_a_real_pelvic_tilt_is_not() -> None:
    tilted = aggregate([measured(rotate(figure(), 8))])
    assert tilted.status == "ok"
    assert g.CAMERA_TILT_REASON in tilted.reasons
    assert camera_tilt_reason(measured(rotate(figure(), -8))) == g.CAMERA_TILT_REASON
    # Hips up on the left, shoulders compensating the other way, feet level: a body, not a camera.
    body = measured(figure(left_hip_up=20, left_sh_up=-20))
    assert camera_tilt_reason(body) is None
    assert camera_tilt_reason(measured(rotate(figure(), 4))) is None  # below the rule's 5 degrees


# --- aggregation -------------------------------------------------------------------------------
def test_a_photo_carries_the_per_frame_uncertainty() -> None:
    result = aggregate([frame_with(hip_tilt_deg=3.0)], model="mediapipe 0.10.21 full static")
    assert result.model == "mediapipe 0.10.21 full static"
    assert result.metrics["hip_tilt_deg"].uncertainty == g.FRAME_UNCERTAINTY_HIP_DEG == 2.4
    assert result.metrics["shoulder_tilt_deg"].uncertainty == 2.7
    assert result.metrics["trunk_lean_deg"].uncertainty == 0.9
    assert result.metrics["lateral_shift_pct"].uncertainty == 1.6
    assert result.spread == dict.fromkeys(g.METRIC_KEYS, 0.0)
    assert result.high_side == "left"
    assert g.ACCURACY_CAVEAT in result.reasons
    assert result.wording == g.WORDING_OK


@pytest.mark.parametrize(("hip", "side"), [(2.0, "level"), (-2.3, "level"), (-2.5, "right")])
def test_high_side_is_level_inside_the_uncertainty(hip: float, side: str) -> None:
    assert aggregate([frame_with(hip_tilt_deg=hip)]).high_side == side


def test_a_clip_takes_the_median_and_a_robust_spread() -> None:
    hips = [1.0, 2.0, 3.0, 4.0, 100.0]  # one wild frame
    result = aggregate([frame_with(hip_tilt_deg=h) for h in hips])
    hip = result.metrics["hip_tilt_deg"]
    assert hip.value == 3.0
    assert result.spread["hip_tilt_deg"] == pytest.approx(1.4826)  # MAD = 1
    assert hip.uncertainty == pytest.approx(1.96 * 1.4826 / math.sqrt(5))
    assert result.frames == result.frames_used == 5


def test_a_steady_long_clip_reaches_the_clip_floor() -> None:
    frames = [frame_with(hip_tilt_deg=3 + 0.01 * (i % 3)) for i in range(60)]
    result = aggregate(frames)
    assert result.metrics["hip_tilt_deg"].uncertainty == g.CLIP_FLOOR_HIP_DEG
    assert result.metrics["shoulder_tilt_deg"].uncertainty == g.CLIP_FLOOR_SHOULDER_DEG
    assert result.metrics["trunk_lean_deg"].uncertainty == g.CLIP_FLOOR_TRUNK_DEG
    assert result.metrics["lateral_shift_pct"].uncertainty == g.CLIP_FLOOR_SHIFT_PCT == 0.9


def test_a_few_identical_frames_do_not_claim_clip_precision() -> None:
    result = aggregate([frame_with()] * 2)
    assert result.metrics["hip_tilt_deg"].uncertainty == pytest.approx(2.4 / math.sqrt(2))


metric_values = st.floats(-30, 30, allow_nan=False)
frames_strategy = st.lists(
    st.builds(
        lambda h, s, t: frame_with(
            hip_tilt_deg=h,
            shoulder_tilt_deg=s,
            trunk_lean_deg=t,
            lateral_shift_pct=-100 * math.sin(math.radians(t)),
        ),
        metric_values,
        metric_values,
        metric_values,
    ),
    min_size=1,
    max_size=40,
)


@settings(deadline=None)
@given(frames=frames_strategy)
def test_uncertainty_never_drops_below_the_floors(frames: list[FrameMetrics]) -> None:
    result = aggregate(list(frames))
    floors = g.FRAME_UNCERTAINTY if len(frames) == 1 else g.CLIP_FLOOR
    for key in g.METRIC_KEYS:
        assert result.metrics[key].uncertainty >= floors[key]
        values = sorted(f.metric(key) for f in frames)
        assert values[0] <= result.metrics[key].value <= values[-1]


def test_too_few_measurable_frames_give_the_most_common_reason() -> None:
    turned = Refusal(code="turned", reason=g.REFUSAL_REASONS["turned"])
    nobody = Refusal(code="no_person", reason=g.REFUSAL_REASONS["no_person"])
    result = aggregate([frame_with(), turned, nobody, turned, frame_with()])
    assert result.status == "could_not_measure"
    assert result.reasons[0] == g.REFUSAL_REASONS["turned"]
    assert "only 2 of 5 frames" in result.reasons[1]
    assert result.metrics == {}
    assert result.high_side is None
    assert (result.frames, result.frames_used) == (5, 2)
    assert result.wording == g.WORDING_NOT_MEASURED


def test_not_visible_frames_count_as_one_reason_whatever_landmarks_they_name() -> None:
    knee = Refusal(code="not_visible", reason="the left knee is not visible: ...")
    ankle = Refusal(code="not_visible", reason="the left ankle is not visible: ...")
    nobody = Refusal(code="no_person", reason=g.REFUSAL_REASONS["no_person"])
    result = aggregate([nobody, knee, ankle, knee])
    assert result.reasons[0] == knee.reason


def test_enough_measurable_frames_pass_and_say_how_many_were_left_out() -> None:
    turned = Refusal(code="turned", reason=g.REFUSAL_REASONS["turned"])
    result = aggregate([frame_with(), frame_with(), frame_with(), turned, turned])
    assert result.status == "ok"
    assert result.frames_used == 3
    assert any("2 frames of 5 could not be measured" in r for r in result.reasons)
    # 7 of 10 is enough for 0.7 despite 0.7 * 10 being 7.000000000000001 in floating point.
    seven = aggregate([frame_with()] * 7 + [turned] * 3, min_ok_fraction=0.7)
    assert seven.status == "ok"


def test_a_refused_photo_and_an_empty_clip_cannot_be_measured() -> None:
    photo = aggregate([Refusal(code="no_person", reason="no person was found")])
    assert (photo.status, photo.reasons) == ("could_not_measure", ["no person was found"])
    empty = aggregate([])
    assert empty.status == "could_not_measure"
    assert empty.reasons == [g.REFUSAL_REASONS["no_frames"]]
    with pytest.raises(ValueError, match="min_ok_fraction"):
        aggregate([], min_ok_fraction=0)


def test_measured_frames_aggregate_end_to_end() -> None:
    pts = figure(hip_w=200, left_hip_up=-20)  # right hip higher by atan(20/200) = 5.7 degrees
    frames: list[FrameMetrics | Refusal] = [
        measure_frame(to_landmarks(rotate(pts, d)), W, H) for d in (-0.5, 0.0, 0.5, 0.2, -0.2)
    ]
    frames.append(measure_frame(None, W, H))
    result = aggregate(frames, model="test")
    assert result.status == "ok"
    assert result.high_side == "right"
    assert result.metrics["hip_tilt_deg"].value == pytest.approx(-5.71, abs=0.01)
    assert result.model_dump()["metrics"]["hip_tilt_deg"]["uncertainty"] >= 1.0
