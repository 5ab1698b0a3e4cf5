"""The camera coach in the session player, in headless Chromium with a fake camera (issue 17).

The fake camera (tests/e2e/conftest.py `camera_browser`, shared with the posture page's tests)
plays the shared squat clip, converted once per session, with four seconds of black frames
appended: the page turns the camera off at the clip's end, before the fake device loops back to
frame 0 (which would "complete" the third squat).
"""

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Route, expect

from hipalign.web import pose_assets
from tests.adapters.media import media_dir
from tests.conftest import need
from tests.e2e.helpers import Player, Site, new_person_with_plan

pytestmark = need(
    pose_assets.check().ok and shutil.which("ffmpeg") is not None,
    "needs the pose model files (bash scripts/assets) and ffmpeg",
)

RECORDED = json.loads(
    (Path(__file__).parents[1] / "web" / "coach_data" / "squat_landmarks.json").read_text()
)
SAMPLED = (0, 10, 22, 34, 46, 60)  # standing, down, up, down, up, down
LOWER_BODY = range(23, 29)  # hips, knees, ankles
# Turns the camera off from inside the page at the clip's end: two frames in a row without a
# person after frames with one (the black frames; one alone could be a missed detection).
# Reacting in the page, not from the test process, leaves no race with the fake device looping
# back to frame 0 however slowly the test process runs; the frames measured are kept on window.
OFF_AT_CLIP_END = """() => {
  const coach = document.querySelector('[data-testid=coach]');
  let seen = false, empty = 0;
  new MutationObserver((records, observer) => {
    for (const r of records) {
      const person = r.target.getAttribute('data-person');
      if (person === 'yes') { seen = true; empty = 0; }
      else if (seen) empty += 1;
    }
    if (empty >= 2) {
      observer.disconnect();
      document.querySelector('[data-testid=coach-toggle]').click();
      window.__clipEndFrames = Number(coach.getAttribute('data-frames'));
    }
  }).observe(coach, {attributes: true, attributeFilter: ['data-person']});
}"""


def _requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


def _person_on_today(ctx: BrowserContext) -> tuple[Page, list[str]]:
    page = ctx.new_page()
    seen = _requests(page)
    new_person_with_plan(page, "coach")
    page.goto("/today")
    page.wait_for_selector("#player")
    return page, seen


def test_with_the_camera_off_no_model_file_is_fetched(
    camera_context: BrowserContext, site: Site
) -> None:
    page, seen = _person_on_today(camera_context)
    coach = page.get_by_test_id("coach")
    expect(coach).to_be_visible()
    # The privacy words are there before the camera is ever turned on.
    expect(page.get_by_test_id("coach-privacy")).to_contain_text("never leave it")
    expect(coach).to_have_attribute("data-state", "off")
    page.get_by_test_id("player-start").click()
    expect(page.get_by_test_id("player-pause")).to_have_text("Pause")  # the session runs
    page.wait_for_load_state("networkidle")  # whatever the page would fetch lazily has been

    assert page.evaluate("typeof window.HipalignPose.load") == "function"
    fetched = [u for u in seen if "/vendor/mediapipe-pose/" in u]
    assert fetched == []
    assert all(u.startswith(site.base_url) for u in seen), seen


def test_the_page_model_agrees_with_the_python_model_and_asks_only_this_app(
    camera_context: BrowserContext, site: Site, tmp_path: Path
) -> None:
    page, seen = _person_on_today(camera_context)
    frames = tmp_path / "frames"
    frames.mkdir()
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(media_dir() / "pose_squats.mp4"),
         str(frames / "f%03d.png")],
        check=True,
    )  # fmt: skip

    def serve_frame(route: Route, request: Request) -> None:
        n = int(request.url.rsplit("/", 1)[1].removesuffix(".png"))
        route.fulfill(path=frames / f"f{n + 1:03d}.png", content_type="image/png")

    page.route("**/__coach_test__/*.png", serve_frame)  # this app's own host
    got: dict[str, Any] = page.evaluate(
        """async (sampled) => {
          const model = await window.HipalignPose.load({model: 'full', inference: 'cpu'});
          const out = [];
          for (const n of sampled) {
            const img = new Image();
            img.src = '/__coach_test__/' + n + '.png';
            await img.decode();
            model.reset();  // sampled frames are not consecutive: detect afresh, as static mode
            out.push(await model.estimate(img));
          }
          model.close();
          return {inference: model.inference, frames: out};
        }""",
        list(SAMPLED),
    )

    w, h = RECORDED["width"], RECORDED["height"]
    worst = 0.0
    for n, frame in zip(SAMPLED, got["frames"], strict=True):
        assert frame["width"] == w and frame["height"] == h
        assert frame["landmarks"] is not None, n
        for i in LOWER_BODY:
            py = RECORDED["frames"][n][i]
            js = frame["landmarks"][i]
            err = math.hypot((js["x"] - py[0]) * w, (js["y"] - py[1]) * h)
            worst = max(worst, err)
            assert err <= 15.0, (n, i, err)
    print(f"worst lower-body landmark difference: {worst:.1f} px")
    model_files = {u.rsplit("/", 1)[1] for u in seen if "/vendor/mediapipe-pose/" in u}
    assert "pose_landmark_full.tflite" in model_files
    assert "pose_landmark_lite.tflite" not in model_files  # only the model asked for
    assert all(u.startswith(site.base_url) for u in seen), [
        u for u in seen if not u.startswith(site.base_url)
    ]


def test_the_player_counts_the_clips_two_squats_and_fills_the_log_marked_as_the_cameras(
    camera_context: BrowserContext, site: Site
) -> None:
    page, seen = _person_on_today(camera_context)
    player = Player(page)
    player.open()
    player.begin_paused()
    player.skip_until_kind("reps")
    exercise = page.evaluate("JSON.parse(document.getElementById('player-data').textContent)")
    # The library has no squat-like exercise: count this reps step with the reference squat rule.
    page.evaluate("window.HipalignCoachPlayer.useRule('squat')")
    coach = page.get_by_test_id("coach")

    page.evaluate(OFF_AT_CLIP_END)
    page.get_by_test_id("coach-toggle").click()
    expect(coach).to_have_attribute("data-state", "on", timeout=60_000)  # the model loads
    assert coach.get_attribute("data-inference") == "cpu"  # SwiftShader: software WebGL
    try:
        page.wait_for_function("() => window.__clipEndFrames !== undefined", timeout=120_000)
    except Exception:
        pytest.fail(f"the page never saw the clip's end: {coach.evaluate('(e) => e.outerHTML')}")
    expect(coach).to_have_attribute("data-state", "off")
    frames = page.evaluate("() => window.__clipEndFrames")
    print(f"frames measured in the page: {frames} of the clip's 65 and 20 black")

    assert coach.get_attribute("data-count") == "2"  # 2 completed, the third in progress
    assert page.evaluate("document.getElementById('coach-video').srcObject") is None
    player.skip_to_log_form()
    side = page.locator("input[data-camera]").first
    assert side.get_attribute("data-camera") == "2" and side.input_value() == "2"
    expect(page.locator("[data-testid^='log-camera-']").first).to_contain_text(
        "Counted by the camera"
    )
    player.fill_log_and_save(pain=1)
    expect(player.decision).not_to_have_text("", timeout=10_000)  # the server answered

    rows = site.query("SELECT reps_done, counted_by FROM hipalign_exerciselogrecord "
                      "WHERE counted_by = 'camera'")  # fmt: skip
    assert (2, "camera") in rows, rows
    assert exercise is not None
    assert all(u.startswith(site.base_url) for u in seen), [
        u for u in seen if not u.startswith(site.base_url)
    ]


def test_a_refused_camera_says_so_and_the_player_goes_on(
    camera_context: BrowserContext, site: Site
) -> None:
    page, seen = _person_on_today(camera_context)
    player = Player(page)
    player.open()
    # The fake camera grants every request; refuse it as a person (or browser policy) would.
    page.evaluate(
        """() => { navigator.mediaDevices.getUserMedia = () =>
             Promise.reject(new DOMException('refused', 'NotAllowedError')); }"""
    )
    # Paused while the model loads (tens of seconds under load, while a running player at the
    # tests' speed-up would reach the end of the exercise); resumed once the camera is refused.
    player.begin_paused()

    page.get_by_test_id("coach-toggle").click()

    coach = page.get_by_test_id("coach")
    expect(coach).to_have_attribute("data-state", "denied", timeout=60_000)  # after the model
    expect(page.get_by_test_id("coach-status")).to_contain_text("camera was not allowed")
    expect(page.get_by_test_id("coach-status")).to_contain_text("session goes on")
    player.pause.click()
    expect(player.pause).to_have_text("Pause")  # running again
    expect(player.countdown).not_to_have_text(player.countdown.text_content() or "")  # it runs
    assert all(u.startswith(site.base_url) for u in seen)
