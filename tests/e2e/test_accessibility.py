"""axe-core on every page and state a person meets, on a phone and on a laptop."""

import json
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from hipalign.core.screening.catalog import QUESTIONS
from tests.e2e.helpers import Player, Site, onboard, sign_up

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}


def _summary(violation: dict[str, object]) -> str:
    nodes = violation["nodes"]
    assert isinstance(nodes, list)
    targets = "; ".join(", ".join(map(str, n["target"])) for n in nodes[:5])
    return f"{violation['id']} ({violation['impact']}, {len(nodes)} node(s)): {violation['help']} -> {targets}"


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_pages_have_no_serious_accessibility_violations(
    new_context: Callable[..., BrowserContext], site: Site, size: str
) -> None:
    page: Page = new_context(size).new_page()
    axe = Axe()
    found: dict[str, list[dict[str, object]]] = {}

    def check(state: str) -> None:
        # Axe goes in through the DevTools protocol (page.evaluate), which the CSP does not
        # govern, so the pages are checked with their real CSP in force.
        found[state] = axe.run(page).response["violations"]

    page.goto("/login")
    check("login")
    page.goto("/signup")
    check("signup")

    sign_up(page, "a11y")
    page.get_by_test_id("wizard-next").click()  # nothing answered: the step says so
    expect(page.locator("#step-safety .step-error")).to_be_visible()
    check("onboarding-safety-unanswered")
    onboard(page, on_step=lambda step: check(f"onboarding-{step}"))
    check("plan")

    player = Player(page)
    player.open()
    check("today-ready")
    player.begin_paused()
    check("today-paused")
    player.skip_to_log_form()
    check("today-log-form")
    player.log_save.click()  # pain left empty: the form shows its errors
    expect(player.log_form.get_by_role("alert")).to_be_visible()
    check("today-log-form-errors")
    player.fill_log_and_save(pain=2)
    expect(player.sync).to_have_text("All logs sent.")
    check("today-decision")

    page.goto("/progress")
    page.locator("details.chart-data summary").first.click()
    check("progress")

    page.goto("/checkin")
    check("checkin")
    for q in QUESTIONS:
        page.locator(f'input[name="q_{q.id}"][value="no"]').check()
    page.get_by_label("Pain right now (0-10)").fill("1")
    page.get_by_label("Worst pain this past week (0-10)").fill("2")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_test_id("checkin-ok")).to_be_visible()
    check("checkin-done")

    page.goto("/account")
    check("account")
    page.goto("/plans")
    check("plan-history")
    page.goto("/learn")
    check("learn")
    page.goto("/learn/sitting_and_movement_breaks")
    check("lesson")

    for state, violations in found.items():
        for v in violations:
            print(f"[{size}] {state}: {_summary(v)}")
    blocking = {
        state: [_summary(v) for v in violations if v["impact"] in BLOCKING]
        for state, violations in found.items()
    }
    blocking = {k: v for k, v in blocking.items() if v}
    assert not blocking, json.dumps(blocking, indent=2)
