"""The drawn demonstrations in a browser (issue 16): on the plan, the exercise page and in the
player, at phone and laptop width; the player's figure holds with a hold and stops when paused;
reduced motion shows the key frames; axe finds nothing serious on the exercise page."""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, expect

from tests.e2e.helpers import (
    Clinic,
    Player,
    new_person_with_plan,
    player_data,
    shot,
    shot_mid_flow,
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_the_figure_shows_on_the_plan_the_exercise_page_and_in_the_player(
    new_context: Callable[..., BrowserContext], size: str
) -> None:
    page = new_context(size).new_page()
    new_person_with_plan(page, "demo")
    name = "test_demos"

    page.goto("/plan")
    card = page.get_by_test_id("card-figure").first
    expect(card.locator("svg")).to_be_visible()
    shot_mid_flow(page, name, f"plan-{size}")
    assert page.locator("animate").count() == 0  # the page carries the stills only
    play = card.get_by_role("button", name="Play the movement")
    with page.expect_response(lambda r: "/figure/" in r.url) as fetched:
        play.focus()
        page.keyboard.press("Enter")  # a keyboard reaches it as a tap does
    assert fetched.value.status == 200 and fetched.value.url.startswith(page.url.split("/plan")[0])
    expect(card.locator(".demo-still svg animate").first).to_be_attached()
    expect(card.get_by_role("button", name="Stop the movement")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card.locator(".demo-still svg")).to_have_attribute("aria-labelledby", re.compile(r"^m-"))
    card.scroll_into_view_if_needed()
    shot(page, name, f"plan-playing-{size}", full_page=False)
    card.get_by_role("button", name="Stop the movement").click()
    expect(card.locator(".demo-still svg animate")).to_have_count(0)
    expect(play).to_have_attribute("aria-pressed", "false")
    page.evaluate("() => window.scrollTo(0, 0)")

    page.goto("/exercises/side_hip_abduction")
    expect(page.locator(".demo-moving svg")).to_be_visible()
    expect(page.locator(".demo-strip")).to_be_hidden()
    # One step highlighted at a time, never every step that shows the start position.
    expect(page.locator(".demo-steps li.demo-now")).to_have_count(1)
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    shot(page, name, f"exercise-{size}")

    player = Player(page)
    player.open()
    figure = page.get_by_test_id("player-figure")
    expect(figure.locator("svg")).to_be_visible()
    player.begin_paused()
    player.skip_until_kind("hold")
    expect(figure).to_have_attribute("data-phase", "hold")
    expect(figure).to_have_attribute("data-state", "paused")
    paused = page.evaluate(
        "() => document.querySelector('[data-testid=player-figure] svg').animationsPaused()"
    )
    assert paused is True
    shot(page, name, f"player-hold-{size}", full_page=False)


def test_reduced_motion_shows_the_key_frames_side_by_side(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context("phone", reduced_motion="reduce").new_page()
    new_person_with_plan(page, "still")
    page.goto("/exercises/clamshell")
    expect(page.locator(".demo-moving")).to_be_hidden()
    expect(page.locator(".demo-strip svg")).to_have_count(4)
    expect(page.locator(".demo-strip svg").first).to_be_visible()
    shot(page, "test_demos", "exercise-reduced-motion")
    page.goto("/plan")
    expect(page.get_by_role("button", name="Play the movement")).to_have_count(0)


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_the_hip_lesson_diagram_is_labelled_and_readable(
    new_context: Callable[..., BrowserContext], size: str
) -> None:
    page = new_context(size).new_page()
    new_person_with_plan(page, "hipdia")
    page.goto("/learn/how_the_hip_works")
    figure = page.get_by_test_id("hip-diagram")
    expect(figure.locator("svg")).to_be_visible()
    expect(figure).to_contain_text("your plan works")
    # Labels stay readable on a phone: every label at least 11 CSS pixels high as drawn.
    heights = page.evaluate(
        "() => [...document.querySelectorAll('.hip-diagram text')]"
        ".map(t => t.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 11, heights
    box = figure.locator("svg").bounding_box()
    assert box is not None and box["x"] + box["width"] <= page.viewport_size["width"]  # type: ignore[index]
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    shot(page, "test_demos", f"hip-diagram-{size}")


def _webm(path: Path) -> Path:
    cmd = [
        "ffmpeg", "-v", "error", "-y", "-f", "lavfi",
        "-i", "testsrc=size=160x120:rate=10:duration=2", "-c:v", "libvpx", "-f", "webm", str(path),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    return path


def test_the_player_shows_the_clinics_own_video_in_place_of_the_drawing_and_only_to_its_patient(
    new_context: Callable[..., BrowserContext], clinic: Clinic, tmp_path: Path
) -> None:
    person = new_context("phone", storage_state=clinic.person_state).new_page()
    player = Player(person)
    player.open()
    first = player_data(person)["exercises"][0]["id"]
    # Before the clinic adds anything: the drawing, no clinic media, no switch.
    expect(person.get_by_test_id("player-figure").locator("svg")).to_be_visible()
    expect(person.get_by_test_id("player-media-toggle")).to_be_hidden()

    clinician = new_context("laptop", storage_state=clinic.clinician_state).new_page()
    clinician.goto(f"/exercises/{first}")
    clinician.get_by_label("Photo or video").set_input_files(_webm(tmp_path / "demo.webm"))
    clinician.get_by_role("button", name="Add", exact=True).click()
    expect(clinician.get_by_test_id("clinic-media-item")).to_have_count(1)
    media_url = clinician.get_by_test_id("clinic-media-item").locator("video").get_attribute("src")
    assert media_url and media_url.startswith(f"/exercises/{first}/media/")
    try:
        player.open()
        video = person.get_by_test_id("player-clinic-media").locator("video")
        figure = person.get_by_test_id("player-figure")
        toggle = person.get_by_test_id("player-media-toggle")
        expect(video).to_be_visible()
        expect(figure).to_be_hidden()
        expect(toggle).to_have_text("Show the drawing")
        state = video.evaluate(
            "v => ({muted: v.muted, controls: v.controls, autoplay: v.autoplay, paused: v.paused,"
            " src: v.getAttribute('src')})"
        )
        assert state == {
            "muted": True,
            "controls": True,
            "autoplay": False,
            "paused": True,
            "src": media_url,
        }, state
        # The browser fetched and read the file from our own server (its length is known).
        person.wait_for_function(
            "() => document.querySelector('[data-testid=player-clinic-media] video')"
            ".readyState >= 1",
            timeout=10_000,
        )
        assert video.evaluate("v => v.duration") == pytest.approx(2, abs=0.3)
        shot(person, "test_demos", "player-clinic-video-phone", full_page=False)

        # Back to the drawing (moving with the countdown as before), and to the video again.
        toggle.click()
        expect(figure.locator("svg")).to_be_visible()
        expect(video).to_be_hidden()
        expect(toggle).to_have_text("Show your clinic's video")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        player.begin_paused()
        expect(figure).to_have_attribute("data-state", "paused")
        toggle.click()
        expect(video).to_be_visible()
        expect(figure).to_be_hidden()

        # Someone with no linked clinic, same exercise today: only the drawing; the file is 404.
        stranger = new_context("phone").new_page()
        new_person_with_plan(stranger, "nolink")
        Player(stranger).open()
        assert first in [e["id"] for e in player_data(stranger)["exercises"]]
        expect(stranger.get_by_test_id("player-figure").locator("svg")).to_be_visible()
        box = stranger.get_by_test_id("player-clinic-media")
        expect(box).to_be_hidden()
        expect(box.locator("video, img")).to_have_count(0)
        expect(stranger.get_by_test_id("player-media-toggle")).to_be_hidden()
        expect(stranger.locator("template[data-media-exercise]")).to_have_count(0)
        assert stranger.request.get(media_url).status == 404
    finally:
        # The clinic fixture is shared by the whole session: leave its library as it was.
        clinician.goto(f"/exercises/{first}")
        clinician.get_by_test_id("clinic-media-remove").click()
        expect(clinician.get_by_test_id("clinic-media-item")).to_have_count(0)
