"""What the end-to-end tests do over and over: sign up, answer the wizard, drive the player,
look into the database, save screenshots."""

import json
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
from playwright.sync_api import Locator, Page, StorageState, expect

from hipalign.core.screening.catalog import QUESTIONS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
SPEEDUP = 25  # HIPALIGN_PLAYER_SPEEDUP: a 30 s hold lasts 1.2 s
PASSWORD = "quiet river lamp 1987"
STEP_KINDS = {"warm_up", "get_ready", "reps", "hold", "rest", "switch_side", "done"}


TOTP_STEP_S = 30  # pyotp's default period, as the server uses it (services/identity/mfa.py)


@dataclass
class Totp:
    """An authenticator app holding the key shown as text on the setup page.

    The server takes each time step once only and accepts one step either side of its own, so
    each code here is for a step later than the last one given out."""

    secret: str
    last_step: int = -1

    def code(self) -> str:
        totp = pyotp.TOTP(self.secret)
        while True:
            now_step = int(time.time() // TOTP_STEP_S)
            step = max(now_step, self.last_step + 1)
            if step <= now_step + 1:
                self.last_step = step
                return str(totp.generate_otp(step))
            # Two codes already used in this step: waiting for the next one, not an assertion.
            time.sleep(TOTP_STEP_S - time.time() % TOTP_STEP_S + 0.05)


@dataclass
class Site:
    base_url: str
    port: int
    data_dir: Path
    log: Path
    admin: str = ""
    admin_totp: Totp | None = None  # set once the admin has set up two-step sign-in

    @property
    def db(self) -> Path:
        return self.data_dir / "hipalign.sqlite3"

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Read the server's SQLite file directly (WAL: a reader never blocks the server)."""
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def logs_of(self, username: str) -> list[tuple[str, str | None, str]]:
        """(exercise, side, client_id) of every stored exercise log of one person."""
        rows = self.query(
            "SELECT l.exercise_id, l.side, l.client_id FROM hipalign_exerciselogrecord l "
            "JOIN auth_user u ON u.id = l.user_id WHERE u.username = ? "
            "ORDER BY l.exercise_id, l.side",
            username,
        )
        return [(str(e), None if s is None else str(s), str(c)) for e, s, c in rows]


def unique_username(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def shot(page: Page, test: str, step: str, *, full_page: bool = True) -> Path:
    """artifacts/e2e/<test>-<step>.png"""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{test}-{step}.png"
    page.screenshot(path=path, full_page=full_page)
    return path


def shot_mid_flow(page: Page, test: str, step: str) -> Path:
    """A full-page shot on a page the test goes on using. Debian's headless Chromium keeps a stale
    scroll offset after a full-page capture and jumps to it at the next mouse-down, so a click
    lands on another element (seen on the long assessment form); scrolling once re-syncs it."""
    path = shot(page, test, step)
    page.evaluate("() => window.scrollTo(0, 0)")
    return path


# --- accounts ----------------------------------------------------------------------------------


def _fill_account_form(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)


def create_first_account(page: Page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    _fill_account_form(page, username)
    page.get_by_role("button", name="Create the first account").click()
    # The first account is an admin: two-step sign-in is set up before anything else.
    expect(page).to_have_url(re.compile(r"/account/security/setup\?next=%2Fonboarding$"))


def sign_up(page: Page, prefix: str = "user") -> str:
    username = unique_username(prefix)
    page.goto("/signup")
    _fill_account_form(page, username)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/onboarding$"))
    return username


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


# --- two-step sign-in, roles and care links ---------------------------------------------------


def mfa_set_up(page: Page) -> Totp:
    """On /account/security/setup: read the key (shown as text), confirm a code from it, and stop
    on the page that shows the ten recovery codes."""
    expect(page).to_have_url(re.compile(r"/account/security/setup"))
    totp = Totp("".join(text_of(page.get_by_test_id("mfa-secret")).split()))
    page.get_by_label("Code from the app").fill(totp.code())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    return totp


def mfa_pass(page: Page, totp: Totp) -> None:
    """On /account/security/verify: give the next code; ends wherever `next` points."""
    expect(page).to_have_url(re.compile(r"/account/security/verify"))
    page.get_by_label("Code from your authenticator app").fill(totp.code())
    page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/account/security/"))


def log_in_admin(page: Page, site: Site) -> None:
    """The session's first account, past its second step (set up at the first call)."""
    log_in(page, site.admin)
    if site.admin_totp is None:
        site.admin_totp = mfa_set_up(page)
        page.get_by_role("link", name="I have saved them, continue").click()
        expect(page).not_to_have_url(re.compile(r"/account/security/"))
    else:
        mfa_pass(page, site.admin_totp)


def role_set(admin: Page, username: str, role: str) -> None:
    """As an admin, on /admin-area/people: give `username` another role."""
    admin.goto("/admin-area/people")
    row = admin.locator(f'tr[data-username="{username}"]')
    while row.count() == 0:  # accounts are listed by username, 50 a page
        admin.get_by_role("link", name="Next").click()
    row.get_by_label(f"Role of {username}").select_option(role)
    row.get_by_role("button", name="Change").click()
    expect(admin.get_by_role("status")).to_contain_text("Role changed")
    expect(admin.locator(f'tr[data-username="{username}"] td').first).to_have_text(role)


def invite_code_make(clinician: Page) -> str:
    """As a clinician, on /clinic/links: make an invite code; the code (shown once)."""
    clinician.goto("/clinic/links")
    clinician.get_by_role("button", name="Make an invite code").click()
    code = text_of(clinician.get_by_test_id("new-code").locator("code.link-code"))
    assert re.fullmatch(r"[A-Za-z0-9-]{6,20}", code), code
    return code


def invite_code_redeem(person: Page, code: str) -> None:
    """As a person, on /care: link with the clinician who made `code`."""
    person.goto("/care")
    person.get_by_label("Code (10 letters and digits)").fill(code)
    person.get_by_role("button", name="Link", exact=True).click()
    expect(person.get_by_role("status")).to_contain_text("Linked with")


@dataclass
class Clinic:
    """A clinician (two-step sign-in done) linked with a person who has a plan, and the browser
    state (cookies) of each signed-in side, to open pages as them in a fresh context:
    `new_context("phone", storage_state=clinic.clinician_state)`."""

    clinician: str
    clinician_totp: Totp
    person: str
    public_id: str  # the person's, as in /clinic/patients/<public_id>
    pending_clinician: str  # made a clinician, has not set up two-step sign-in yet
    admin_state: StorageState
    clinician_state: StorageState
    person_state: StorageState


def patient_id_of(clinician: Page, username: str) -> str:
    """The public id in the link of `username` on /clinic/patients."""
    clinician.goto("/clinic/patients")
    link = clinician.get_by_test_id("patients").get_by_role("link", name=username, exact=True)
    href = link.get_attribute("href") or ""
    m = re.fullmatch(r"/clinic/patients/([^/]+)", href)
    assert m, href
    return m.group(1)


# --- the onboarding wizard ---------------------------------------------------------------------

WIZARD_STEPS = ("safety", "about", "symptoms", "setup", "tests")


def onboard(
    page: Page,
    *,
    yes: Iterable[str] = (),
    age: int = 40,
    equipment: Iterable[str] = ("mat", "resistance_band"),
    sessions_per_week: int = 7,
    minutes_per_session: int = 20,
    weaker_side: str = "left",
    trendelenburg_left: str = "positive",
    side_plank_s: tuple[int, int] = (15, 40),
    on_step: Callable[[str], None] | None = None,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Answer the wizard step by step, as a person would; ends on the plan page.

    `labels` gives the fields' labels in the page's language, by their English (a walk in
    another language); a label not in it is the English one.

    Every safety question is answered: "yes" for the ids in `yes`, "no" for the rest. By default
    sessions_per_week is 7, so every day of the week (today too) has a session. `on_step(step)`
    runs once on each step, after it is filled in and before moving on."""
    yes = set(yes)
    words = labels or {}

    def field(english: str) -> Locator:
        return page.get_by_label(words.get(english, english))

    expect(page).to_have_url(re.compile(r"/onboarding$"))
    nxt = page.get_by_test_id("wizard-next")

    def leave(step: str) -> None:
        if on_step:
            on_step(step)
        if step != WIZARD_STEPS[-1]:
            nxt.click()
            following = WIZARD_STEPS[WIZARD_STEPS.index(step) + 1]
            expect(page.locator(f"#step-{following}")).to_be_visible()
            expect(page.locator(f"#step-{step}")).to_be_hidden()

    expect(page.locator("#step-safety")).to_be_visible()
    expect(page.locator("#step-about")).to_be_hidden()  # the wizard shows one step at a time
    for q in QUESTIONS:
        page.locator(f'input[name="q_{q.id}"][value="{"yes" if q.id in yes else "no"}"]').check()
    leave("safety")

    field("Age (years)").fill(str(age))
    pregnant_no = page.locator('input[name="pregnant"][value="no"]')
    expect(pregnant_no).not_to_be_checked()  # no preset answer (issue 14.12)
    pregnant_no.check()
    leave("about")

    leave("symptoms")  # no symptoms, pain 0 (the defaults)

    for item in equipment:
        page.locator(f'input[name="equipment"][value="{item}"]').check()
    field("Sessions per week").fill(str(sessions_per_week))
    field("Minutes per session").fill(str(minutes_per_session))
    leave("setup")

    field("Which leg feels weaker?").select_option(weaker_side)
    page.locator("#id_trendelenburg_left").select_option(trendelenburg_left)
    field("Side plank on the left side (seconds)").fill(str(side_plank_s[0]))
    field("Side plank on the right side (seconds)").fill(str(side_plank_s[1]))
    leave("tests")
    page.get_by_test_id("onboarding-submit").click()
    expect(page).to_have_url(re.compile(r"/plan$"))


def new_person_with_plan(page: Page, prefix: str = "user") -> str:
    """A fresh account with a plan that has a session every day; returns the username."""
    username = sign_up(page, prefix)
    onboard(page)
    return username


def checkin_nothing_changed(page: Page, *, pain_now: int, pain_worst_week: int) -> None:
    """On /checkin after an intake that said no to everything: no to each question, nothing
    changed, the two pain numbers; saved."""
    page.goto("/checkin")
    for q in QUESTIONS:
        if not q.lifetime:  # the intake said no to those: one "anything changed" question
            page.locator(f'input[name="q_{q.id}"][value="no"]').check()
    page.locator('input[name="changed"][value="no"]').check()
    page.get_by_label("Pain right now (0-10)").fill(str(pain_now))
    page.get_by_label("Worst pain this past week (0-10)").fill(str(pain_worst_week))
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_test_id("checkin-ok")).to_be_visible()


# --- the session player ------------------------------------------------------------------------


class Player:
    """The player on /today, by its agreed data-testids."""

    def __init__(self, page: Page) -> None:
        self.page = page
        t = page.get_by_test_id
        self.root = page.locator("#player")
        self.start = t("player-start")
        self.pause = t("player-pause")
        self.skip = t("player-skip")
        self.skip_exercise = t("player-skip-exercise")
        self.skip_warm_up = t("player-skip-warm-up")
        self.back = t("player-back")
        self.countdown = t("player-countdown")
        self.cue = t("player-cue")
        self.kind = t("player-kind")
        self.log_form = t("log-form")
        self.log_pain = t("log-pain")
        self.log_save = t("log-save")
        self.log_skip = t("log-skip")
        self.decision = t("log-decision")
        self.sync = t("sync-status")
        self.progress_text = page.locator("#player-progress-text")

    def open(self, warm_up: bool = False) -> None:
        """Open Today's player. Unless `warm_up`, a session still at its warm-up is moved on to
        its first exercise first ("Skip warm-up" before Start), so tests of the exercises start
        where they always did; the warm-up has its own test (test_journey.py)."""
        self.page.goto("/today")
        expect(self.root).to_be_visible()
        expect(self.start).to_be_enabled()
        expect(self.kind).not_to_have_text("")  # the script has rendered the first step
        if not warm_up and self.kind.text_content() == "warm_up":
            self.skip_warm_up.click()
            expect(self.kind).to_have_text("get_ready")
            expect(self.skip_warm_up).to_be_hidden()

    def begin_paused(self) -> None:
        """Start, then pause at once: from here on nothing moves unless the test moves it."""
        self.start.click()
        expect(self.pause).to_have_text("Pause")
        self.pause.click()
        expect(self.pause).to_have_text("Resume")
        expect(self.root).to_have_attribute("data-state", "paused")

    def skip_to_log_form(self, limit: int = 20) -> None:
        """Skip step by step (paused) until the exercise ends and its log form shows."""
        for _ in range(limit):
            if self.log_form.is_visible():
                break
            self.skip.click()
        expect(self.log_form).to_be_visible()

    def skip_until_kind(self, kind: str, limit: int = 80) -> None:
        """Skip step by step (paused) to the first step of `kind`, not logging what is passed."""
        for _ in range(limit):
            if self.log_form.is_visible():
                self.log_skip.click()
                expect(self.log_form).to_be_hidden()
            elif self.kind.text_content() == kind:
                break
            else:
                self.skip.click()
        expect(self.kind).to_have_text(kind)

    def fill_log_and_save(self, pain: int) -> None:
        expect(self.log_form).to_be_visible()
        self.log_pain.fill(str(pain))
        self.log_save.click()
        expect(self.log_form).to_be_hidden()

    def sides_in_log_form(self) -> int:
        return self.log_form.locator("fieldset.log-side").count()


def player_data(page: Page) -> dict[str, Any]:
    """The session the server gave the player (the page's json_script)."""
    data: dict[str, Any] = json.loads(page.locator("#player-data").text_content() or "null")
    return data


def api_post_json(page: Page, body: dict[str, object] | str) -> dict[str, Any]:
    """POST to /api/logs from inside the page, as the player does (cookie auth + CSRF header).
    Returns {"status": ..., "data": ...}."""
    raw = body if isinstance(body, str) else None
    answer: dict[str, Any] = page.evaluate(
        """async ([raw, obj]) => {
            const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='));
            const res = await fetch('/api/logs', {
                method: 'POST',
                credentials: 'same-origin',
                headers: {'Content-Type': 'application/json',
                          'X-CSRFToken': token ? token.slice('csrftoken='.length) : ''},
                body: raw !== null ? raw : JSON.stringify(obj),
            });
            let data = null;
            try { data = await res.json(); } catch (e) { data = null; }
            return {status: res.status, data};
        }""",
        [raw, None if raw is not None else body],
    )
    return answer


def text_of(locator: Locator) -> str:
    return (locator.text_content() or "").strip()
