"""Posture measured on the device (issue 17): the posture page runs the pose model and the core's
geometry in the page, agrees with the server on the shared photos, and sends only numbers.

The Chromium with a fake camera is the session's one (tests/e2e/conftest.py `camera_browser`,
WebGL from SwiftShader, which the pose package needs): its camera plays the shared squat clip,
whose first frames show the person standing, facing the camera."""

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from hipalign.services.posture.analysis import posture_analyze
from hipalign.web import pose_assets
from tests.adapters.media import media_dir
from tests.conftest import need
from tests.e2e.helpers import Site, sign_up

pytestmark = need(
    pose_assets.check().ok and shutil.which("ffmpeg") is not None,
    "needs the pose model files (bash scripts/assets) and ffmpeg",
)
MEDIA = media_dir()
VIEW_KEYS = {
    "hip_tilt_deg",
    "shoulder_tilt_deg",
    "trunk_lean_deg",
    "lateral_shift_pct",
    "ankle_tilt_deg",
    "trunk_length_px",
    "hip_width_px",
    "shoulder_width_px",
}


@pytest.fixture
def person(camera_context: BrowserContext, site: Site) -> Iterator[tuple[Page, list[Request]]]:
    page = camera_context.new_page()
    seen: list[Request] = []
    page.on("request", lambda r: seen.append(r))
    sign_up(page, "posture")
    page.goto("/posture")
    seen.clear()  # the sign-up's own requests
    yield page, seen
    assert all(r.url.startswith(site.base_url) for r in seen), [
        r.url for r in seen if not r.url.startswith(site.base_url)
    ]


def _measured(page: Page) -> dict[str, dict[str, Any]]:
    page.get_by_test_id("device-result").wait_for(state="visible")
    cells = page.locator("[data-testid=device-metrics] dd[data-metric]")
    return {
        c.get_attribute("data-metric") or "": {
            "value": float(c.get_attribute("data-value") or "nan"),
            "photo": float(c.get_attribute("data-photo") or "nan"),
            "reliable": c.get_attribute("data-reliable") == "true",
        }
        for c in cells.all()
    }


def server_size(name: str) -> tuple[int, int]:
    from PIL import Image

    with Image.open(MEDIA / name) as im:
        return im.height, im.width


def _server_views(name: str) -> tuple[Any, Any, Any]:
    """The server model's landmarks of a shared photo and of its mirror image, and its result."""
    from hipalign.adapters.vision.media import load_image
    from hipalign.adapters.vision.pose import PoseModel

    rgb = load_image(MEDIA / name)
    with PoseModel() as model:
        photo, mirror = model.landmarks(rgb), model.landmarks(rgb[:, ::-1].copy())
        result = posture_analyze(MEDIA / name, model=model, people_check=False)
    dump = lambda lms: [lm.model_dump() for lm in lms]  # noqa: E731
    return dump(photo), dump(mirror), result


def test_the_page_port_of_the_geometry_gives_the_servers_angles_on_the_shared_photos(
    person: tuple[Page, list[Request]],
) -> None:
    """The same landmarks (the server model's) through the page's port and through the core."""
    page, _ = person
    for name in ("image1.png", "image2.jpeg", "pose.jpg"):
        photo, mirror, server = _server_views(name)
        h, w = server_size(name)
        got = page.evaluate(
            """([photo, mirror, w, h]) => {
              const P = window.HipalignPosture;
              const a = P.measureFrame(photo, w, h);
              return P.combine(a, P.measureFrame(P.mirroredBack(mirror), w, h));
            }""",
            [photo, mirror, w, h],
        )
        assert got["status"] == server.status == "ok"
        for key, want in server.metrics.items():
            mine = got["metrics"][key]
            assert mine["value"] == pytest.approx(want.value, abs=1e-6), (name, key)
            assert mine["uncertainty"] == pytest.approx(want.uncertainty, abs=1e-6), (name, key)
            assert mine["reliable"] is want.reliable, (name, key)
        assert got["high_side"] == server.high_side
        assert got["reasons"] == server.reasons, name


def test_a_picked_photo_is_measured_in_the_page_and_only_numbers_are_sent(
    person: tuple[Page, list[Request]],
) -> None:
    page, seen = person
    expect(page.get_by_test_id("device-privacy")).to_contain_text("stays on this device")
    assert not [r for r in seen if "/vendor/mediapipe-pose/" in r.url]  # nothing until asked
    page.get_by_test_id("device-file").set_input_files(str(MEDIA / "image2.jpeg"))
    expect(page.get_by_test_id("device-status")).to_contain_text(
        "Nothing has been sent", timeout=60_000
    )
    got = _measured(page)
    assert got, page.get_by_test_id("device-result").inner_text()
    server = posture_analyze(MEDIA / "image2.jpeg", people_check=False)
    # The page's model (the npm build, in WebGL/wasm) is not the server's runtime: on the shared
    # photos the lines differed by up to 2.6 degrees (README), so they are only compared loosely
    # here, and a result names its model so the two are never mixed in a baseline.
    for key in ("hip_tilt_deg", "shoulder_tilt_deg", "trunk_lean_deg"):
        assert abs(got[key]["photo"] - server.metrics[key].views["photo"]) <= 3.0, key
    assert not [r for r in seen if r.method == "POST"]  # measuring sent nothing

    page.get_by_test_id("device-save").click()
    page.wait_for_url("**/posture")
    posts = [r for r in seen if r.method == "POST"]
    assert [r.url.rsplit("/", 2)[-2:] for r in posts] == [["api", "posture"]]
    body = json.loads(posts[0].post_data or "{}")
    assert set(body) == {"client_id", "photo", "mirrored"}  # no overlay unless ticked
    assert set(body["photo"]) == VIEW_KEYS and set(body["mirrored"]) == VIEW_KEYS
    saved = page.get_by_test_id("posture-result").first
    expect(saved).to_contain_text("in the browser")
    for key in ("shoulder_tilt_deg", "trunk_lean_deg"):
        if got[key]["reliable"]:
            expect(saved).to_contain_text(f"{got[key]['value']:.1f} ±")


def test_the_camera_takes_a_picture_after_the_privacy_words_and_stops_when_turned_off(
    person: tuple[Page, list[Request]],
) -> None:
    page, _ = person
    expect(page.get_by_test_id("device-privacy")).to_be_visible()
    page.get_by_test_id("device-camera-on").click()
    expect(page.get_by_test_id("device-camera-off")).to_be_visible()
    assert (
        page.evaluate(
            "document.querySelector('[data-testid=device-video]').srcObject.getVideoTracks()[0].readyState"
        )
        == "live"
    )
    page.evaluate(
        "window.__track = document.querySelector('[data-testid=device-video]').srcObject.getVideoTracks()[0]"
    )
    page.get_by_test_id("device-shoot").click()
    expect(page.get_by_test_id("device-status")).to_contain_text(
        "Nothing has been sent", timeout=60_000
    )
    got = _measured(page)
    assert set(got) == {"hip_tilt_deg", "shoulder_tilt_deg", "trunk_lean_deg", "lateral_shift_pct"}
    # Taking the picture turned the camera off: the track has ended and the video is detached.
    assert page.evaluate("window.__track.readyState") == "ended"
    assert page.evaluate("document.querySelector('[data-testid=device-video]').srcObject") is None
    page.get_by_test_id("device-camera-on").click()
    expect(page.get_by_test_id("device-camera-off")).to_be_visible()
    page.evaluate(
        "window.__track = document.querySelector('[data-testid=device-video]').srcObject.getVideoTracks()[0]"
    )
    page.get_by_test_id("device-camera-off").click()
    assert page.evaluate("window.__track.readyState") == "ended"
