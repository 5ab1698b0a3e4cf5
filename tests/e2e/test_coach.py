"""The camera coach in the session player, in headless Chromium with a fake camera (issue 17).

One Chromium of its own for this module: the fake camera is a launch flag. It plays the shared
squat clip, converted by ffmpeg into a temporary .y4m (never into the repository), with two
seconds of black frames appended so that the test can turn the camera off at the clip's end
before the fake device loops back to frame 0 (which would "complete" the third squat).
WebGL comes from SwiftShader (the package uploads frames as GPU textures even on the CPU path).
"""

import json
import math
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect

from hipalign.web import pose_assets
from tests.adapters.media import media_dir
from tests.conftest import need
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LAPTOP, Watch
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


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The squat clip as y4m at half size (360 x 640, 5 fps) plus 2 s of black."""
    out = tmp_path_factory.mktemp("coach-camera") / "squats.y4m"
    src = media_dir() / "pose_squats.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(src), "-f", "lavfi", "-i",
         "color=c=black:s=360x640:r=5:d=2", "-filter_complex",
         "[0:v]scale=360:640,fps=5,format=yuv420p[a];[1:v]format=yuv420p[b];[a][b]concat=n=2:v=1[v]",
         "-map", "[v]", "-pix_fmt", "yuv420p", str(out)],
        check=True,
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def coach_browser(clip: Path, browser: Browser) -> Iterator[Browser]:
    """A second Chromium from the session's Playwright (two sync_playwright() cannot nest)."""
    args = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + [
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    ]
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def coach_context(coach_browser: Browser, site: Site) -> Iterator[tuple[BrowserContext, Watch]]:
    ctx = coach_browser.new_context(base_url=site.base_url, **LAPTOP)
    ctx.set_default_timeout(20_000)
    watch = Watch()
    ctx.on("page", watch.page)
    try:
        yield ctx, watch
    finally:
        ctx.close()
    assert not watch.problems, watch.problems


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
    coach_context: tuple[BrowserContext, Watch], site: Site
) -> None:
    ctx, _ = coach_context
    page, seen = _person_on_today(ctx)
    coach = page.get_by_test_id("coach")
    expect(coach).to_be_visible()
    # The privacy words are there before the camera is ever turned on.
    expect(page.get_by_test_id("coach-privacy")).to_contain_text("never leave it")
    expect(coach).to_have_attribute("data-state", "off")
    page.get_by_test_id("player-start").click()
    page.wait_for_timeout(500)  # let anything lazy start; nothing may fetch the model

    assert page.evaluate("typeof window.HipalignPose.load") == "function"
    fetched = [u for u in seen if "/vendor/mediapipe-pose/" in u]
    assert fetched == []
    assert all(u.startswith(site.base_url) for u in seen), seen


def test_the_page_model_agrees_with_the_python_model_and_asks_only_this_app(
    coach_context: tuple[BrowserContext, Watch], site: Site, tmp_path: Path
) -> None:
    ctx, _ = coach_context
    page, seen = _person_on_today(ctx)
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
    got: list[Any] = page.evaluate(
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
    coach_context: tuple[BrowserContext, Watch], site: Site
) -> None:
    ctx, _ = coach_context
    page, seen = _person_on_today(ctx)
    player = Player(page)
    player.open()
    player.begin_paused()
    player.skip_until_kind("reps")
    exercise = page.evaluate("JSON.parse(document.getElementById('player-data').textContent)")
    # The library has no squat-like exercise: count this reps step with the reference squat rule.
    page.evaluate("window.HipalignCoachPlayer.useRule('squat')")
    coach = page.get_by_test_id("coach")

    page.get_by_test_id("coach-toggle").click()
    expect(coach).to_have_attribute("data-state", "on", timeout=60_000)
    assert coach.get_attribute("data-inference") == "cpu"  # SwiftShader: software WebGL
    # The clip's end: the black frames after it (before the fake camera loops to frame 0).
    expect(coach).to_have_attribute("data-person", "no", timeout=60_000)
    page.get_by_test_id("coach-toggle").click()
    expect(coach).to_have_attribute("data-state", "off")

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
    coach_context: tuple[BrowserContext, Watch], site: Site
) -> None:
    ctx, _ = coach_context
    page, seen = _person_on_today(ctx)
    player = Player(page)
    player.open()
    # The fake camera grants every request; refuse it as a person (or browser policy) would.
    page.evaluate(
        """() => { navigator.mediaDevices.getUserMedia = () =>
             Promise.reject(new DOMException('refused', 'NotAllowedError')); }"""
    )
    player.start.click()

    page.get_by_test_id("coach-toggle").click()

    coach = page.get_by_test_id("coach")
    expect(coach).to_have_attribute("data-state", "denied", timeout=60_000)
    expect(page.get_by_test_id("coach-status")).to_contain_text("camera was not allowed")
    expect(page.get_by_test_id("coach-status")).to_contain_text("session goes on")
    expect(player.pause).to_have_text("Pause")  # still running
    expect(player.countdown).not_to_have_text(player.countdown.text_content() or "")  # it runs
    assert all(u.startswith(site.base_url) for u in seen)
