"""The picture and its mirror image, combined (issue 17, "Honest uncertainty"): synthetic
landmarks, so every figure is known exactly."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipalign.core.posture import geometry as g
from hipalign.core.posture.geometry import FrameMetrics, PostureResult, Refusal, measure_frame
from hipalign.core.posture.views import (
    MIRRORED,
    PHOTO,
    combine_views,
    mirrored_back,
    unreliable,
)
from tests.core.posture.test_geometry import figure, frame_with, mirror, to_landmarks


def _measure(lms: list[g.Landmark]) -> FrameMetrics:
    frame = measure_frame(lms, 1000, 1000)
    assert isinstance(frame, FrameMetrics), frame
    return frame


@settings(deadline=None)
@given(hip=st.floats(-30, 30), sh=st.floats(-30, 30), dx=st.floats(-40, 40))
def test_the_mirror_image_put_back_measures_the_same_as_the_picture(
    hip: float, sh: float, dx: float
) -> None:
    lms = to_landmarks(figure(left_hip_up=hip, left_sh_up=sh, shoulder_dx=dx))
    direct, back = _measure(lms), _measure(mirrored_back(mirror(lms)))
    for key in g.METRIC_KEYS:
        assert back.metric(key) == pytest.approx(direct.metric(key), abs=1e-9)
    # ...while the mirror image measured as it is gives the opposite signs.
    flipped = _measure(mirror(lms))
    assert flipped.hip_tilt_deg == pytest.approx(-direct.hip_tilt_deg, abs=1e-9)


def test_views_that_agree_keep_the_photo_band_and_are_reliable() -> None:
    result = combine_views(
        {PHOTO: [frame_with(hip_tilt_deg=6.0)], MIRRORED: [frame_with(hip_tilt_deg=5.0)]}
    )
    hip = result.metrics["hip_tilt_deg"]
    assert (hip.value, hip.uncertainty, hip.reliable) == (5.5, g.FRAME_UNCERTAINTY_HIP_DEG, True)
    assert hip.views == {PHOTO: 6.0, MIRRORED: 5.0}
    assert result.high_side == "left"


def test_views_further_apart_than_the_tilt_could_not_be_measured_reliably() -> None:
    # image2's hip line: +5.0 as it is, +0.7 from its mirror image (turned back).
    result = combine_views(
        {PHOTO: [frame_with(hip_tilt_deg=5.0)], MIRRORED: [frame_with(hip_tilt_deg=0.7)]}
    )
    hip = result.metrics["hip_tilt_deg"]
    assert hip.value == pytest.approx(2.85)
    assert not hip.reliable
    # The band contains both views: no view lies outside value +/- uncertainty.
    assert all(abs(v - hip.value) <= hip.uncertainty for v in hip.views.values())
    assert result.high_side is None
    assert any("hip line could not be measured reliably" in r for r in result.reasons)
    assert result.metrics["shoulder_tilt_deg"].reliable  # the others are unaffected


def test_a_band_wider_than_the_photo_band_grows_to_hold_both_views() -> None:
    result = combine_views(
        {PHOTO: [frame_with(trunk_lean_deg=6.5)], MIRRORED: [frame_with(trunk_lean_deg=4.3)]}
    )
    trunk = result.metrics["trunk_lean_deg"]
    assert trunk.uncertainty == pytest.approx(1.1)  # > the photo band of 0.9
    assert trunk.reliable  # 2.2 apart, less than the 5.4 lean reported


def test_views_that_disagree_within_the_band_of_level_are_reported_level() -> None:
    # image1's hip line: -0.8 as it is, +1.7 mirrored: each alone would have said "level".
    result = combine_views(
        {PHOTO: [frame_with(hip_tilt_deg=-0.84)], MIRRORED: [frame_with(hip_tilt_deg=1.7)]}
    )
    assert result.metrics["hip_tilt_deg"].reliable
    assert result.high_side == "level"


@pytest.mark.parametrize(
    ("views", "expected"),
    [
        ([3.0, -3.0], True),  # each a tilt beyond the band, on opposite sides
        ([1.0, -1.0], False),  # both level
        ([5.0, 4.0], False),
        ([-1.26, -5.0], True),  # image1's shoulder line: 3.7 apart, middle -3.1
        ([4.0], False),  # one view: nothing to compare
    ],
)
def test_the_reliability_rule(views: list[float], expected: bool) -> None:
    value = sum(views) / len(views)
    assert unreliable(value, views, 2.4) is expected


def test_a_mirror_image_that_cannot_be_measured_leaves_nothing_measured() -> None:
    refused = Refusal(code="not_visible", reason="the left knee is not visible")
    result = combine_views({PHOTO: [frame_with()], MIRRORED: [refused]})
    assert result.status == "could_not_measure"
    assert result.metrics == {}
    assert "Its mirror image could not be measured" in result.reasons[0]


def test_the_picture_alone_decides_its_refusal() -> None:
    refused = Refusal(code="no_person", reason="no person was found")
    result = combine_views({PHOTO: [refused], MIRRORED: []})
    assert result.status == "could_not_measure"
    assert result.reasons == ["no person was found"]


def test_a_result_stored_before_the_mirror_check_reads_as_reliable() -> None:
    old = {
        "status": "ok",
        "reasons": [],
        "metrics": {"hip_tilt_deg": {"value": 1.0, "uncertainty": 2.4}},
        "high_side": "level",
        "frames": 1,
        "wording": "w",
    }
    hip = PostureResult.model_validate(old).metrics["hip_tilt_deg"]
    assert hip.reliable and hip.views == {}
