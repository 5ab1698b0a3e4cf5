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
    assert photo is not None and mirror is not None, name  # the shared photos show a person
    return [lm.model_dump() for lm in photo], [lm.model_dump() for lm in mirror], result


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


# The page's model against the server's on the same pixels and the same model files: the
# runtimes (npm @mediapipe/pose 0.5.1675469404 in wasm, MediaPipe 0.10.21 in Python) place the key
# landmarks up to 9.2 px apart on identical input, so a view's line differs by up to 2.0 degrees
# (2026-12-03, pose.jpg's mirrored hip line; README). 0.5 degrees is not reachable by the page:
# this bound only catches a regression, such as the pixels or the model settings drifting apart.
MODEL_GAP_DEG = 2.5
KEY_LANDMARKS = (11, 12, 23, 24, 27, 28)  # shoulders, hips, ankles
PAGE_MODEL_JS = """async ([b64, w, h]) => {
  const m = window.__m || (window.__m = await window.HipalignPose.load({model: 'full', smooth: false}));
  async function run(src) {
    for (let i = 0; i < 3; i++) { m.reset(); const r = await m.estimate(src); if (r.landmarks) return r.landmarks; }
    return null;
  }
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const bmp = await window.HipalignPosture.decodePhoto(new Blob([bytes]));
  const views = [];
  let px = '';
  for (const mirror of [false, true]) {
    const c = document.createElement('canvas'); c.width = w; c.height = h;
    const g = c.getContext('2d', { willReadFrequently: true });
    if (mirror) { g.translate(w, 0); g.scale(-1, 1); }
    g.drawImage(bmp, 0, 0, w, h);
    const d = g.getImageData(0, 0, w, h);
    if (!mirror) for (let i = 0; i < d.data.length; i += 4) px += String.fromCharCode(d.data[i], d.data[i + 1], d.data[i + 2]);
    views.push(await run(await createImageBitmap(d)));
  }
  m.reset();
  return { size: [bmp.width, bmp.height], photo: views[0], mirror: views[1], px: btoa(px) };
}"""


def test_the_page_feeds_its_model_the_servers_pixels_and_its_lines_stay_near_the_servers(
    person: tuple[Page, list[Request]],
) -> None:
    """Each shared photo decoded in the page (HipalignPosture.decodePhoto, as a picked file is)
    gives exactly the server's pixels (load_image); the page's model on them, as it is and
    mirrored, is printed against the server's per line (run with -s to read the figures)."""
    import base64

    import numpy as np

    from hipalign.adapters.vision.media import load_image
    from hipalign.core.posture.geometry import FrameMetrics, Landmark, measure_frame
    from hipalign.core.posture.views import mirrored_back

    page, _ = person
    worst = 0.0
    for name in ("image1.png", "image2.jpeg", "pose.jpg"):
        rgb = load_image(MEDIA / name)
        h, w = rgb.shape[:2]
        b64 = base64.b64encode((MEDIA / name).read_bytes()).decode()
        got = page.evaluate(PAGE_MODEL_JS, [b64, w, h])
        assert got["size"] == [w, h], name
        pixels = np.frombuffer(base64.b64decode(got["px"]), np.uint8).reshape(h, w, 3)
        assert np.array_equal(pixels, rgb), (name, int(np.abs(pixels - rgb.astype(int)).max()))
        photo, mirror, _ = _server_views(name)
        for view, mine, theirs in (
            ("photo", got["photo"], photo),
            ("mirrored", got["mirror"], mirror),
        ):
            a = [Landmark(**{k: p[k] for k in ("x", "y", "visibility")}) for p in mine]
            b = [Landmark(**{k: p[k] for k in ("x", "y", "visibility")}) for p in theirs]
            if view == "mirrored":
                a, b = mirrored_back(a), mirrored_back(b)
            fa, fb = measure_frame(a, w, h), measure_frame(b, w, h)
            assert isinstance(fa, FrameMetrics) and isinstance(fb, FrameMetrics), (name, view)
            px = max(max(abs(a[i].x - b[i].x) * w, abs(a[i].y - b[i].y) * h) for i in KEY_LANDMARKS)
            line = f"{name} {view:8s} key landmarks up to {px:5.2f} px apart;"
            for key in ("hip_tilt_deg", "shoulder_tilt_deg", "trunk_lean_deg"):
                d = getattr(fa, key) - getattr(fb, key)
                worst = max(worst, abs(d))
                line += (
                    f" {key} page {getattr(fa, key):+.2f} server {getattr(fb, key):+.2f} ({d:+.2f})"
                )
            print(line)
    print(f"largest difference of a line: {worst:.2f} degrees")
    assert worst <= MODEL_GAP_DEG


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
    # The page's model (the npm build, in wasm) is not the server's runtime: on the same pixels
    # the lines differ by up to 2.0 degrees (MODEL_GAP_DEG above, README), so a result names its
    # model and the two are never mixed in a baseline.
    for key in ("hip_tilt_deg", "shoulder_tilt_deg", "trunk_lean_deg"):
        assert abs(got[key]["photo"] - server.metrics[key].views["photo"]) <= MODEL_GAP_DEG, key
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
