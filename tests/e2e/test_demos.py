"""The drawn demonstrations in a browser (issue 16): on the plan, the exercise page and in the
player, at phone and laptop width; the player's figure holds with a hold and stops when paused;
reduced motion shows the key frames; axe finds nothing serious on the exercise page."""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, expect

from tests.e2e.helpers import Player, new_person_with_plan, shot, shot_mid_flow

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
    card.get_by_role("button", name="Play the movement").click()
    expect(card.locator(".demo-still svg animate").first).to_be_attached()
    expect(card.get_by_role("button", name="Stop the movement")).to_be_visible()

    page.goto("/exercises/side_hip_abduction")
    expect(page.locator(".demo-moving svg")).to_be_visible()
    expect(page.locator(".demo-strip")).to_be_hidden()
    expect(page.locator(".demo-steps li.demo-now").first).to_be_attached()
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
