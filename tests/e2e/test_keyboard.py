"""The player without a mouse: Tab, Enter, Space, arrows; focus always visible."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Player, Site, new_person_with_plan, player_data, shot, text_of

pytestmark = pytest.mark.e2e

FOCUS_RING = """() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return {
        testid: el.dataset ? el.dataset.testid || el.id : '',
        focusVisible: el.matches(':focus-visible'),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    };
}"""


def step_number(player: Player) -> int:
    m = re.match(r"Step (\d+) of", text_of(player.progress_text))
    assert m, text_of(player.progress_text)
    return int(m.group(1))


def assert_focus_ring_on(page: Page, testid: str) -> None:
    ring = page.evaluate(FOCUS_RING)
    assert ring == {"testid": testid, "focusVisible": True, "outline": True}


def test_keyboard_only_player(laptop: Page, site: Site) -> None:
    name = "test_keyboard_only_player"
    page = laptop
    username = new_person_with_plan(page, "keys")
    page.clock.install()  # real time, but the test can jump ahead
    player = Player(page)
    player.open()

    # Tab from the top of the page until Start has the focus.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "player-start":
            break
    expect(player.start).to_be_focused()
    assert_focus_ring_on(page, "player-start")
    shot(page, name, "start-focused", full_page=False)

    page.keyboard.press("Enter")
    expect(player.root).to_have_attribute("data-state", "running")
    expect(player.pause).to_be_focused()  # Start disappears; the focus lands on Pause
    assert_focus_ring_on(page, "player-pause")

    page.keyboard.press("Space")
    expect(player.root).to_have_attribute("data-state", "paused")
    expect(player.pause).to_have_text("Resume")
    at = step_number(player)
    page.clock.run_for(10_000)
    assert step_number(player) == at  # paused by the keyboard: time does not move it

    page.keyboard.press("ArrowRight")
    expect(player.progress_text).to_contain_text(f"Step {at + 1} of")
    expect(player.root).to_have_attribute("data-state", "paused")

    # The keys work wherever the focus is, not only on a player button: back to the skip
    # link (Shift+Tab), jump to the content, then Space resumes.
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('skip')"):
            break
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # it shows itself when focused
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Space")
    expect(player.root).to_have_attribute("data-state", "running")

    # Shift+ArrowRight skips the exercise: its log form opens with the focus on its title.
    page.keyboard.press("Shift+ArrowRight")
    expect(player.log_form).to_be_visible()
    expect(player.log_form.locator("#log-title")).to_be_focused()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "log-pain":
            break
    expect(player.log_pain).to_be_focused()
    assert_focus_ring_on(page, "log-pain")
    page.keyboard.type("1")
    shot(page, name, "log-form-keyboard", full_page=False)
    page.keyboard.press("Enter")  # submits the form
    expect(player.log_form).to_be_hidden()
    expect(player.sync).to_have_text("All logs sent.")
    expect(player.pause).to_be_focused()
    first = player_data(page)["exercises"][0]
    stored = sorted((e, s) for e, s, _ in site.logs_of(username))
    assert stored == sorted((first["id"], s["side"]) for s in first["sides"])
