"""Fixtures for the end-to-end tests.

One `hipalign serve` per test session (its own data folder and port, player timers sped up),
its first account made through /setup, one headless Chromium, and a fresh browser context per
test: phone-sized or laptop-sized. `clinic` adds, once per session, a clinician linked with a
person; `fresh_server` is a second server with no account, for a journey that starts at /setup. Each context watches for uncaught script errors and CSP
violations and fails the test on any; a failing test leaves a screenshot of each open page in
artifacts/e2e/.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from tests.e2e.helpers import (
    ARTIFACTS,
    SPEEDUP,
    Clinic,
    Site,
    create_first_account,
    invite_code_make,
    invite_code_redeem,
    log_in,
    log_in_admin,
    mfa_set_up,
    new_person_with_plan,
    patient_id_of,
    role_set,
    sign_up,
    unique_username,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
LAPTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 800}}
STARTUP_S = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"hipalign serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as res:
                if res.status == 200 and b'"ok"' in res.read():
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # polling for start-up, not an assertion
    raise RuntimeError(
        f"hipalign serve did not answer /healthz in {STARTUP_S:.0f} s:\n{log.read_text(errors='replace')}"
    )


@contextmanager
def running_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`hipalign serve` on a free port, a fresh data folder, timed steps divided by SPEEDUP."""
    data = tmp_path_factory.mktemp("hipalign-data")
    log = tmp_path_factory.mktemp("hipalign-log") / "server.log"
    port = _free_port()
    # The test run's own Django settings (pytest-django) must not leak into the server.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HIPALIGN_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env |= {
        "HIPALIGN_ENV": "local",
        "DJANGO_SETTINGS_MODULE": "hipalign.web.settings",
        "HIPALIGN_PLAYER_SPEEDUP": str(SPEEDUP),
        # Every browser test signs up and logs in from 127.0.0.1; tests/web/test_throttle.py
        # proves the limits themselves.
        "HIPALIGN_RATE_LIMITS": "signup=1000/h,login_ip=1000/10m,care_code_ip=1000/h",
    }
    cmd = [sys.executable, "-m", "hipalign.cli.main", "serve"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--data", str(data)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=data)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_healthy(base_url, proc, log)
        yield Site(base_url=base_url, port=port, data_dir=data, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_server(tmp_path_factory) as s:
        yield s


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A second server with no account yet, for a journey that begins at /setup. Pages reach it
    with `new_context(..., base_url=fresh_server.base_url)`."""
    with running_server(tmp_path_factory) as s:
        yield s


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def camera_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared squat clip as the fake camera's video, converted once per session: y4m at half
    size (360 x 640, 5 fps; about 33 MB, so made here and never kept in the repository) plus 4 s
    of black (long enough for a page measuring one frame in 2 s under load to see two of them),
    so that a test can see the clip's end and turn the camera off before the fake
    device loops back to frame 0 (which would "complete" the third squat)."""
    from tests.adapters.media import media_dir

    if shutil.which("ffmpeg") is None:
        pytest.fail("the fake camera needs ffmpeg (Debian's package)")
    out = tmp_path_factory.mktemp("fake-camera") / "squats.y4m"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(media_dir() / "pose_squats.mp4"), "-f", "lavfi",
         "-i", "color=c=black:s=360x640:r=5:d=4", "-filter_complex",
         "[0:v]scale=360:640,fps=5,format=yuv420p[a];[1:v]format=yuv420p[b];[a][b]concat=n=2:v=1[v]",
         "-map", "[v]", "-pix_fmt", "yuv420p", str(out)],
        check=True,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def camera_browser(camera_clip: Path, browser: Browser) -> Iterator[Browser]:
    """One Chromium with a fake camera playing `camera_clip`, for every camera test of the session
    (the fake camera is a launch flag, so it cannot be the plain `browser`). It comes from the
    session's Playwright: two sync_playwright() cannot nest. WebGL from SwiftShader: the pose
    package uploads each frame as a GPU texture even on its CPU path. Each getUserMedia opens
    the fake device afresh, so every test's camera starts at the clip's first frame."""
    args = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + [
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={camera_clip}",
    ]
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def camera_context(camera_browser: Browser, site: Site) -> Iterator[BrowserContext]:
    """A fresh laptop-sized context of `camera_browser`; fails the test on script errors or CSP
    refusals in any of its pages. Timeouts are long: the model loads in software WebGL."""
    ctx = camera_browser.new_context(base_url=site.base_url, **LAPTOP)
    ctx.set_default_timeout(60_000)
    watch = Watch()
    ctx.on("page", watch.page)
    try:
        yield ctx
    finally:
        ctx.close()
    assert not watch.problems, watch.problems


@pytest.fixture(scope="session")
def site(server: Site, browser: Browser) -> Site:
    """The server with its first account (the admin) made through /setup, as a person would."""
    ctx = browser.new_context(base_url=server.base_url, **LAPTOP)
    try:
        server.admin = unique_username("admin")
        create_first_account(ctx.new_page(), server.admin)
    finally:
        ctx.close()
    return server


@pytest.fixture(scope="session")
def clinic(browser: Browser, site: Site) -> Clinic:
    """A clinician linked with a person who has a plan, made once through the pages: an account
    signs up, the admin makes it a clinician, it sets up two-step sign-in and makes an invite
    code, and the person redeems it on /care."""
    contexts = [browser.new_context(base_url=site.base_url, **LAPTOP) for _ in range(4)]
    for ctx in contexts:
        ctx.set_default_timeout(10_000)
    admin, clinician, person, other = (ctx.new_page() for ctx in contexts)
    try:
        log_in_admin(admin, site)
        name = sign_up(clinician, "clinician")
        pending = sign_up(other, "pending")
        role_set(admin, name, "clinician")
        role_set(admin, pending, "clinician")
        log_in(clinician, name)  # the role change ended its session
        totp = mfa_set_up(clinician)
        clinician.get_by_role("link", name="I have saved them, continue").click()
        person_name = new_person_with_plan(person, "patient")
        invite_code_redeem(person, invite_code_make(clinician))
        return Clinic(
            clinician=name,
            clinician_totp=totp,
            person=person_name,
            public_id=patient_id_of(clinician, person_name),
            pending_clinician=pending,
            admin_state=contexts[0].storage_state(),
            clinician_state=contexts[1].storage_state(),
            person_state=contexts[2].storage_state(),
        )
    finally:
        for ctx in contexts:
            ctx.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class Watch:
    """Uncaught errors and CSP refusals seen in any page of a context."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def page(self, page: Page) -> None:
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: uncaught {exc}"))
        page.on("console", lambda msg: self._console(page, msg))

    def _console(self, page: Page, msg: ConsoleMessage) -> None:
        text = msg.text
        # A Permissions-Policy name the browser does not know protects nothing (issue 12.17).
        if (
            "Content Security Policy" in text
            or "Refused to" in text
            or "Permissions-Policy" in text
        ):
            self.problems.append(f"{page.url}: {text}")


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(
    browser: Browser, site: Site, request: pytest.FixtureRequest
) -> Iterator[NewContext]:
    """Makes fresh contexts (`new_context("phone")`, `new_context("laptop", bypass_csp=True)`)
    and checks them at the end of the test."""
    made: list[tuple[BrowserContext, Watch]] = []

    def make(size: str = "laptop", **kwargs: Any) -> BrowserContext:
        opts = {"phone": PHONE, "laptop": LAPTOP}[size] | {"base_url": site.base_url} | kwargs
        ctx = browser.new_context(**opts)
        ctx.set_default_timeout(10_000)
        watch = Watch()
        ctx.on("page", watch.page)
        made.append((ctx, watch))
        return ctx

    yield make

    call = getattr(request.node, "rep_call", None)
    failed = call is not None and call.failed
    problems: list[str] = []
    for n, (ctx, watch) in enumerate(made):
        if failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for k, page in enumerate(ctx.pages):
                try:
                    page.screenshot(
                        path=ARTIFACTS / f"{request.node.name}-FAILED-{n}-{k}.png", full_page=True
                    )
                except Exception as exc:  # a crashed page must not hide the real failure
                    print(f"no failure screenshot of {page.url}: {exc}")
        problems += watch.problems
        ctx.close()
    if problems and not failed:
        pytest.fail("script errors or CSP refusals in the browser:\n" + "\n".join(problems))


@pytest.fixture
def phone(new_context: NewContext) -> Page:
    """A page in a fresh 390 x 844 touch context."""
    return new_context("phone").new_page()


@pytest.fixture
def laptop(new_context: NewContext) -> Page:
    """A page in a fresh 1366 x 800 context."""
    return new_context("laptop").new_page()
