"""The frame around every page, as a person meets it in the browser: the app can be installed
(its manifest and icons load from this install), the "More" menu opens on a phone without the
page scrolling sideways, and an unknown address gives a styled page with the menu."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.adapters.media import media_dir
from tests.e2e.helpers import (
    Clinic,
    Player,
    Site,
    checkin_nothing_changed,
    invite_code_make,
    invite_code_redeem,
    new_person_with_plan,
    patient_id_of,
    shot,
)
from tests.web.permission_matrix import ADMIN, LINKED, MATRIX, OWNER, Entry

pytestmark = pytest.mark.e2e

# On a touch screen Chromium widens window.innerWidth to a page that overflows (549 px on a
# 390 px phone), so a page is measured against the layout viewport, the root's clientWidth.
WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def _widths(page: Page) -> tuple[int, int]:
    """(the page's scroll width, the window's layout width) in CSS px."""
    scroll, width = page.evaluate(WIDTHS)
    return int(scroll), int(width)


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


NAV_LABELS = ("Today", "Plan", "Progress", "Learn", "Check-in", "Messages")


def test_the_more_menu_opens_on_a_phone_without_sideways_scrolling(
    new_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = new_context("phone").new_page()
    new_person_with_plan(page, "moremenu")
    page.goto("/today")

    # Every entry of the bar is on screen at 390 px, none behind an edge of a scrolled strip.
    width = page.viewport_size["width"] if page.viewport_size else 0
    nav = page.locator("nav")
    entries = {label: nav.get_by_role("link", name=label, exact=True) for label in NAV_LABELS}
    entries["More"] = nav.locator("summary")
    for label, entry in entries.items():
        box = entry.bounding_box()
        assert box is not None and box["x"] >= 0, label
        assert box["x"] + box["width"] <= width, label

    more = page.locator("nav details.more")
    more.locator("summary").click()
    menu = more.locator(".more-menu")
    for label in ("Scores", "Care team", "Posture", "Timeline", "Progress report"):
        expect(menu.get_by_role("link", name=label)).to_be_visible()
    box = menu.bounding_box()
    scroll, width = _widths(page)
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert scroll <= width, (scroll, width)
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
    scroll, width = _widths(page)
    assert scroll <= width, (scroll, width)
    shot(page, "test_app_shell", "phone-404")


# --- no page scrolls sideways on a phone (issue 14 item 10) -------------------------------------

ROLES = ((OWNER, "person"), (LINKED, "clinician"), (ADMIN, "admin"))
# A clinician pastes a link into a note: one unbreakable word much wider than a phone.
LONG_LINK = "https://example.org/guides/hip?session=" + "5f3a9c2e" * 10


# The first elements (deepest first) whose right edge passes the window's, to name in a failure.
WIDE_ELEMENTS = """() => {
    const w = document.documentElement.clientWidth, out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > w + 0.5 && !el.querySelector('*:not(br)')) {
            const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
            out.push(`${el.tagName.toLowerCase()}${cls} (right edge ${Math.round(r.right)})`);
        }
        if (out.length >= 3) break;
    }
    return out;
}"""


def _filled(e: Entry, params: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: params[e.use.get(m[1], m[1])], e.path)


def _matrix_pages(actor: str, params: dict[str, str]) -> list[str]:
    """Every page (not a download) the permission matrix opens to `actor` with a 200, its path
    parameters filled with the seeded person's objects."""
    paths: list[str] = []
    for e in MATRIX:
        # .pdf, .json, .png, .ics, and a clinic's photo or video (a file served under its id)
        download = re.search(r"\.[a-z]+$|/media/\{media_id\}$", e.path) is not None
        if e.method != "GET" or e.api or download or e.expect[actor] != 200:
            continue
        path = _filled(e, params)
        if path not in paths:
            paths.append(path)
    return paths


def _hrefs(page: Page, pattern: str) -> list[str]:
    links = page.locator("a[href]").evaluate_all("(els) => els.map((a) => a.getAttribute('href'))")
    return [h for h in links if re.fullmatch(pattern, h)]


def _seed_a_person_with_real_data(person: Page, clinician: Page) -> dict[str, str]:
    """A person linked with the clinic's clinician, with a logged exercise, a check-in, both
    scores, a measured photo and a plan the clinician changed with a long link in its note.
    Returns the path parameters of the matrix, filled with the person's objects."""
    name = new_person_with_plan(person, "wide")
    invite_code_redeem(person, invite_code_make(clinician))
    pid = patient_id_of(clinician, name)

    player = Player(person)
    player.open()
    player.begin_paused()
    player.skip_to_log_form()
    player.fill_log_and_save(pain=2)
    expect(player.sync).to_have_text("All logs sent.")

    checkin_nothing_changed(person, pain_now=1, pain_worst_week=2)

    person.goto("/outcomes")
    activities = ["getting in and out of the car after work", "climbing stairs", "walking 30 min"]
    for i, activity in enumerate(activities):
        person.locator(f"#activity_{i}").fill(activity)
        person.locator(f"#rating_{i}").fill(str(4 + i))
    person.get_by_test_id("psfs-save").click()
    expect(person.get_by_text("Saved.")).to_be_visible()
    person.get_by_test_id("nprs-input").fill("3")
    person.get_by_test_id("nprs-save").click()
    expect(person.get_by_text("Saved.")).to_be_visible()

    person.goto("/posture")
    person.get_by_test_id("posture-file").set_input_files(media_dir() / "pose.jpg")
    # Measured inline before the answer comes: the model's first load takes a while on CI.
    with person.expect_navigation(timeout=90_000):
        person.get_by_test_id("posture-upload").click(no_wait_after=True)
    expect(person.get_by_test_id("posture-result").locator("dl.facts")).to_be_visible()

    clinician.goto(f"/clinic/patients/{pid}/plan")
    clinician.get_by_label("Note to the person (what this change is for)").fill(
        f"Same exercises for now; the guide is at {LONG_LINK}"
    )
    clinician.get_by_role("button", name=re.compile(r"^Save as version")).click()
    expect(clinician.get_by_role("status")).to_be_visible()

    person.goto("/plans")
    plans = _hrefs(person, r"/plans/[^/]+")
    person.goto("/timeline")
    logs = _hrefs(person, r"/logs/[^/]+/delete")
    person.goto("/plan")
    exercises = _hrefs(person, r"#ex-\w+")  # the week's links to the plan's exercises
    person.goto("/learn")
    lessons = _hrefs(person, r"/learn/[^/]+")
    person.goto("/messages")
    conversations = _hrefs(person, r"/messages/[^/]+")  # one per care link (issue 18)
    assert len(plans) >= 2 and logs and exercises and lessons, (plans, logs, exercises, lessons)
    assert conversations, "the care link has no conversation on /messages"
    return {
        "plan_id": plans[0].rsplit("/", 1)[1],
        "old_plan_id": plans[-1].rsplit("/", 1)[1],
        "log_id": logs[0].split("/")[2],
        "exercise_id": exercises[0].removeprefix("#ex-"),
        "lesson_id": lessons[0].rsplit("/", 1)[1],
        "link_id": conversations[0].rsplit("/", 1)[1],
        "measure": "psfs",
        "public_id": pid,
    }


def test_no_page_of_the_permission_matrix_scrolls_sideways_on_a_phone(
    new_context: Callable[..., BrowserContext], clinic: Clinic
) -> None:
    """Every page the matrix opens to a person (with real data), their clinician and the admin,
    at 390 x 844: the page is never wider than the window (wide tables scroll in their own
    region, long words wrap)."""
    pages = {
        OWNER: new_context("phone").new_page(),
        LINKED: new_context("phone", storage_state=clinic.clinician_state).new_page(),
        ADMIN: new_context("phone", storage_state=clinic.admin_state).new_page(),
    }
    params = _seed_a_person_with_real_data(pages[OWNER], pages[LINKED])

    wide: list[str] = []
    visited = 0
    for actor, role in ROLES:
        page = pages[actor]
        for path in _matrix_pages(actor, params):
            res = page.goto(path)
            assert res is not None and res.status == 200, (role, path, res and res.status)
            visited += 1
            scroll, inner = _widths(page)
            if scroll > inner:
                slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                shot(page, "test_no_sideways_scrolling", f"{role}-{slug}")
                wide.append(
                    f"{role} {path}: {scroll} px > {inner} px, {page.evaluate(WIDE_ELEMENTS)}"
                )
    assert visited >= 40, visited  # the matrix's pages, not a few of them
    assert not wide, "pages wider than a 390 px phone:\n" + "\n".join(wide)
