"""The frame around every page, as a person meets it in the browser: the app can be installed
(its manifest and icons load from this install), the "More" menu opens on a phone without the
page scrolling sideways, and an unknown address gives a styled page with the menu."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.helpers import Site, new_person_with_plan, shot

pytestmark = pytest.mark.e2e


def test_the_browser_finds_the_manifest_and_its_icons(
    new_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = new_context("laptop").new_page()
    new_person_with_plan(page, "manifest")

    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href == "/manifest.webmanifest"
    # The browser's own fetch, as an install prompt would make it.
    result = page.evaluate(
        """async (href) => {
            const r = await fetch(href);
            const doc = await r.json();
            const icons = [];
            for (const icon of doc.icons) {
                const i = await fetch(new URL(icon.src, location.href));
                icons.push([icon.sizes, i.status, i.headers.get('content-type')]);
            }
            return {status: r.status, type: r.headers.get('content-type'), doc, icons};
        }""",
        href,
    )
    assert result["status"] == 200
    assert result["type"].startswith("application/manifest+json")
    assert result["doc"]["start_url"] == "/today"
    assert all(status == 200 for _, status, _ in result["icons"]), result["icons"]
    assert {"192x192", "512x512"} <= {sizes for sizes, _, _ in result["icons"]}
    page.goto("/today")
    # The service worker that keeps the player offline covers the manifest's start URL.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == site.base_url + "/"


def test_the_more_menu_opens_on_a_phone_without_sideways_scrolling(
    new_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = new_context("phone").new_page()
    new_person_with_plan(page, "moremenu")
    page.goto("/today")

    more = page.locator("nav details.more")
    more.locator("summary").click()
    menu = more.locator(".more-menu")
    for label in ("Scores", "Care team", "Posture", "Timeline", "Progress report"):
        expect(menu.get_by_role("link", name=label)).to_be_visible()
    box = menu.bounding_box()
    width = page.evaluate("() => window.innerWidth")
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "test_app_shell", "phone-more-menu", full_page=False)

    menu.get_by_role("link", name="Timeline").click()
    expect(page).to_have_url(site.base_url + "/timeline")
    expect(page.locator("h1")).to_be_visible()


def test_an_unknown_address_shows_a_styled_page_with_the_menu(
    new_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = new_context("phone").new_page()
    new_person_with_plan(page, "notfound")

    response = page.goto("/plans/not-a-plan-of-mine")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="This page is not here")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Today")
    ).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "test_app_shell", "phone-404")
