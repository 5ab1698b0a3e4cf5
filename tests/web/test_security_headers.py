"""Browser-side protections on every page (RELIABILITY.md 1 V3, V14; F1): a CSP that allows
this app only, no caching of person pages, nosniff, no framing; and the health check."""

import re
from typing import Any

import pytest
from django.test import Client

from hipalign.adapters.db.models import ExerciseLogRecord, PlanRecord
from hipalign.services.program import recording
from tests.services.factories import LOG_TODAY, TUESDAY, log_payload
from tests.web.conftest import SetToday, post_log

pytestmark = pytest.mark.django_db

PERSON_PAGES = [
    "/today",
    "/plan",
    "/plans",
    "/progress",
    "/checkin",
    "/onboarding",
    "/account",
    "/account/export.json",
]
PUBLIC_PAGES = ["/login", "/signup"]
# 'wasm-unsafe-eval' only on the player (checked below).
ALLOWED_SOURCES = {"'self'", "'none'", "data:", "'wasm-unsafe-eval'"}


def _csp(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        name, *sources = part.split()
        out[name] = sources
    return out


@pytest.fixture
def pages(owner_client: Client, owner_plan: PlanRecord, set_today: SetToday) -> dict[str, Any]:
    result = recording.log_record(owner_plan.user, log_payload(owner_plan), today=LOG_TODAY)
    session_id = ExerciseLogRecord.objects.get(pk=result.log_id).session_id
    set_today(TUESDAY)  # the next-morning form shows too
    out: dict[str, Any] = {path: owner_client.get(path) for path in PERSON_PAGES}
    out[f"/plans/{owner_plan.id}"] = owner_client.get(f"/plans/{owner_plan.id}")
    out["next-morning"] = owner_client.post(
        f"/sessions/{session_id}/next-morning", {"pain_next_morning": "1"}
    )
    out["api"] = post_log(owner_client, log_payload(owner_plan))
    anonymous = Client()
    out.update({path: anonymous.get(path) for path in PUBLIC_PAGES})
    for name, response in out.items():
        assert response.status_code in (200, 201), (name, response.status_code)
    return out


def test_every_page_has_a_csp_that_allows_this_app_only(pages: dict[str, Any]) -> None:
    for name, response in pages.items():
        csp = _csp(response)
        assert csp["object-src"] == ["'none'"], name
        assert csp["base-uri"] == ["'none'"], name
        assert csp["frame-ancestors"] == ["'none'"], name
        assert csp["default-src"] == ["'self'"], name
        for directive, sources in csp.items():
            for source in sources:
                assert source in ALLOWED_SOURCES or re.fullmatch(r"'nonce-[\w+/=-]+'", source), (
                    name,
                    directive,
                    source,
                )
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_only_the_player_may_compile_webassembly_and_nothing_else_is_loosened(
    pages: dict[str, Any],
) -> None:
    # The camera coach's pose model is WebAssembly (issue 17): the player's script-src adds
    # 'wasm-unsafe-eval' and nothing more; every other page keeps the plain policy.
    for name, response in pages.items():
        csp = _csp(response)
        plain = [s for s in csp["script-src"] if not s.startswith("'nonce-")]
        if name == "/today":
            assert plain == ["'self'", "'wasm-unsafe-eval'"], plain
        else:
            assert plain == ["'self'"], (name, plain)
        others = {d: v for d, v in csp.items() if d != "script-src"}
        assert others == {d: v for d, v in _csp(pages["/plan"]).items() if d != "script-src"}


def test_script_tags_carry_the_nonce_of_their_response(pages: dict[str, Any]) -> None:
    html = pages["/today"].content.decode()
    (nonce,) = [s[len("'nonce-") : -1] for s in _csp(pages["/today"])["script-src"] if "nonce" in s]

    scripts = re.findall(r"<script\b[^>]*>", html)

    assert scripts
    for tag in scripts:
        if 'type="application/json"' in tag:
            continue  # data, not code
        assert f'nonce="{nonce}"' in tag, tag


def test_pages_have_nothing_inline_that_the_csp_would_block(
    pages: dict[str, Any],
) -> None:
    for name, response in pages.items():
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), name  # onclick= and the like
            assert not re.search(r"<[^>]+\sstyle\s*=", html), name
            assert "<style" not in html, name
            assert "javascript:" not in html, name


def test_person_pages_are_not_stored_in_any_cache(pages: dict[str, Any]) -> None:
    for name, response in pages.items():
        assert "no-store" in response["Cache-Control"], name


def test_every_page_refuses_sniffing_framing_and_leaking_referrers(
    pages: dict[str, Any],
) -> None:
    for name, response in pages.items():
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


def test_no_page_allows_cross_origin_reads(pages: dict[str, Any]) -> None:
    for name, response in pages.items():
        assert not response.has_header("Access-Control-Allow-Origin"), name


def test_static_files_stay_cacheable(client: Client) -> None:
    response = client.get("/static/hipalign/css/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_healthz_answers_ok_without_login(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_without_a_traceback_when_the_database_fails(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(connection, "cursor", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_service_worker_is_served_from_the_root_and_revalidated(client: Client) -> None:
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"


POWERFUL = ("camera", "microphone", "geolocation", "payment", "usb", "display-capture")


def _policy(response: Any) -> dict[str, str]:
    out = {}
    for part in response["Permissions-Policy"].split(","):
        name, allow = part.strip().split("=", 1)
        out[name] = allow
    return out


def test_every_page_denies_camera_microphone_and_location(pages: dict[str, Any]) -> None:
    for name, response in pages.items():
        policy = _policy(response)
        for feature in POWERFUL:
            if name == "/today" and feature == "camera":
                continue  # the camera coach (checked below)
            assert policy[feature] == "()", (name, feature)
        assert set(policy.values()) <= {"()", "(self)"}, name  # never another origin, never *


def test_only_the_posture_page_may_use_the_camera_and_only_from_this_app(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    policy = _policy(owner_client.get("/posture"))
    assert policy["camera"] == "(self)"
    assert [f for f, allow in policy.items() if allow != "()"] == ["camera"]
    assert policy["microphone"] == "()" and policy["geolocation"] == "()"


def test_the_player_page_may_keep_the_screen_on_and_use_the_camera_and_nothing_more(
    pages: dict[str, Any],
) -> None:
    # The camera is for the coach (issue 17), from this app only; no microphone.
    policy = _policy(pages["/today"])
    assert {f for f, allow in policy.items() if allow != "()"} == {
        "screen-wake-lock",
        "autoplay",
        "camera",
    }
    assert policy["camera"] == "(self)" and policy["microphone"] == "()"


def test_static_files_errors_and_the_health_check_carry_the_policy_too(
    client: Client, owner_client: Client
) -> None:
    for response in (
        client.get("/static/hipalign/css/app.css"),
        client.get("/healthz"),
        client.get("/no-such-page"),
        owner_client.get("/posture/00000000-0000-0000-0000-000000000000/overlay.png"),
        client.get("/api/v1/openapi.json"),
    ):
        assert _policy(response)["camera"] == "()", response.status_code
