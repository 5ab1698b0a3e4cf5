"""Nothing the browser asks for goes anywhere but this install."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Request, StorageState, expect

from hipalign.core.education.catalog import default_lessons
from tests.e2e.helpers import (
    Clinic,
    Player,
    Site,
    checkin_nothing_changed,
    log_in,
    new_person_with_plan,
)

pytestmark = pytest.mark.e2e


def test_no_request_leaves_the_machine(
    new_context: Callable[..., BrowserContext], site: Site
) -> None:
    ctx = new_context("phone")
    seen: list[str] = []

    def on_request(req: Request) -> None:
        seen.append(req.url)

    ctx.on("request", on_request)  # pages and the service worker alike
    page = ctx.new_page()

    username = new_person_with_plan(page, "privacy")
    page.locator("article.exercise details summary").first.click()
    first_exercise = page.locator("article.exercise").first.get_attribute("id") or ""
    page.goto("/exercises/" + first_exercise.removeprefix("ex-"))
    expect(page.locator("h1")).not_to_be_empty()
    player = Player(page)
    player.open()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    player.begin_paused()
    player.skip_to_log_form()
    player.fill_log_and_save(pain=1)
    expect(player.sync).to_have_text("All logs sent.")
    page.reload()  # through the service worker
    expect(player.root).to_be_visible()
    page.goto("/progress")
    checkin_nothing_changed(page, pain_now=0, pain_worst_week=1)
    page.goto("/plans")
    page.goto("/learn")
    for lesson_id in default_lessons():  # every lesson page, and their sources shown as text
        page.goto(f"/learn/{lesson_id}")
        expect(page.locator("h1")).not_to_be_empty()
    page.goto("/account")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename == "hipalign-export.json"
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{site.base_url}/login")
    log_in(page, username)

    assert len(seen) > 30, seen  # the listener did see the flow
    assert any(u.endswith("/api/logs") for u in seen)
    assert any(u.endswith("/sw.js") for u in seen)
    here = ("http", "127.0.0.1", site.port)
    away = [u for u in seen if _where(u) != here]
    assert away == [], away


def _where(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


def test_no_request_leaves_the_machine_in_the_clinician_workspace(
    new_context: Callable[..., BrowserContext], site: Site, clinic: Clinic
) -> None:
    seen: list[str] = []

    def watched(state: StorageState | None) -> Page:
        ctx = new_context("phone", storage_state=state, accept_downloads=True)
        ctx.on("request", lambda req: seen.append(req.url))
        return ctx.new_page()

    def visit(page: Page, path: str) -> None:
        res = page.goto(path)
        assert res is not None and res.status == 200, (path, res and res.status)

    pid = clinic.public_id
    clinician = watched(clinic.clinician_state)
    for path in (
        "/clinic/patients",
        f"/clinic/patients/{pid}",
        f"/clinic/patients/{pid}/plan",
        f"/clinic/patients/{pid}/assessment",
        f"/clinic/patients/{pid}/timeline",
        "/clinic/links",
        "/account/security",
        "/account/tokens",
    ):
        visit(clinician, path)

    person = watched(clinic.person_state)
    for path in ("/care", "/timeline", "/account/tokens", "/plan"):
        visit(person, path)
    for testid in ("handout", "calendar"):
        with person.expect_download() as download:
            person.get_by_test_id(testid).click()
        seen.append(download.value.url)  # a download is not reported as a request

    admin = watched(clinic.admin_state)
    for path in ("/admin-area/people", "/admin-area/audit"):
        visit(admin, path)

    signing_in = watched(None)
    log_in(signing_in, clinic.clinician)
    expect(signing_in).to_have_url(re.compile(r"/account/security/verify"))
    setting_up = watched(None)
    log_in(setting_up, clinic.pending_clinician)
    expect(setting_up).to_have_url(re.compile(r"/account/security/setup"))
    expect(setting_up.get_by_test_id("mfa-qr")).to_have_attribute("src", re.compile(r"^data:"))

    assert len(seen) > 20, seen
    assert any(u.endswith("/plan/handout.pdf") for u in seen)
    assert any("/clinic/patients/" in u for u in seen)
    here = ("http", "127.0.0.1", site.port)
    away = [u for u in seen if _where(u) != here and not u.startswith("data:")]
    assert away == [], away
