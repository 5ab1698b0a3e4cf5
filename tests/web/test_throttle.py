"""Rate limits (issue 12 item 11): the request past each limit is answered 429 with Retry-After
and a readable page or JSON, and changes nothing; counters live in the shared database."""

import json
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.utils import timezone

from hipalign.adapters.db.models import CareLink, ExerciseLogRecord, PlanRecord
from hipalign.services.care import links as care
from hipalign.services.identity import tokens
from hipalign.web.ratecache import AtomicDatabaseCache
from tests.services.factories import PASSWORD, all_counts, log_payload, make_role
from tests.web.conftest import close_download, logged_in, streamed

pytestmark = pytest.mark.django_db
HERE, ELSEWHERE = "203.0.113.10", "198.51.100.20"


def _limit(name: str) -> int:
    return int(settings.RATE_LIMITS[name].split("/")[0])


def _refused(response: object, words: str) -> None:
    assert response.status_code == 429  # type: ignore[attr-defined]
    seconds = int(response["Retry-After"])  # type: ignore[index]
    assert 1 <= seconds <= 24 * 3600
    body = response.content.decode()  # type: ignore[attr-defined]
    assert words in body
    assert "Try again in" in body


def test_the_sign_up_past_the_limit_per_address_is_refused_and_creates_nothing() -> None:
    User._default_manager.create_user("first", password=PASSWORD)
    for i in range(_limit("signup")):
        ok = Client(REMOTE_ADDR=HERE).post("/signup", {"username": f"p{i}", "password": PASSWORD})
        assert ok.status_code == 302
    before = all_counts()

    refused = Client(REMOTE_ADDR=HERE).post("/signup", {"username": "late", "password": PASSWORD})
    elsewhere = Client(REMOTE_ADDR=ELSEWHERE).post(
        "/signup", {"username": "other-place", "password": PASSWORD}
    )

    _refused(refused, "Too many new accounts from this address: at most 10 per hour.")
    assert "<h1>Too many requests</h1>" in refused.content.decode()
    assert not User._default_manager.filter(username="late").exists()
    assert elsewhere.status_code == 302
    assert all_counts()["Profile"] == before["Profile"] + 1


def test_log_ins_past_the_limit_per_address_are_refused_even_with_the_right_password(
    owner: User,
) -> None:
    for i in range(_limit("login_ip")):
        Client(REMOTE_ADDR=HERE).post("/login", {"username": f"guess{i}", "password": "x"})
    attempts = AccessAttempt.objects.count()

    client = Client(REMOTE_ADDR=HERE)
    refused = client.post("/login", {"username": owner.get_username(), "password": PASSWORD})
    other = Client(REMOTE_ADDR=ELSEWHERE)
    allowed = other.post("/login", {"username": owner.get_username(), "password": PASSWORD})

    _refused(refused, "Too many log-in attempts from this address")
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.count() == attempts  # the refused request reached no backend
    assert allowed.status_code == 302


def test_log_ins_past_the_limit_per_account_are_refused_from_any_address(
    owner: User,
) -> None:
    name = owner.get_username()
    for i in range(_limit("login_account")):
        Client(REMOTE_ADDR=f"10.1.{i // 250}.{i % 250 + 1}").post(
            "/login", {"username": name.upper() if i % 2 else name, "password": f"x{i}"}
        )

    refused = Client(REMOTE_ADDR=ELSEWHERE).post("/login", {"username": name, "password": "y"})

    _refused(refused, "Too many log-in attempts for this account")


def test_care_codes_past_the_limit_are_refused_and_a_right_code_stays_unused(
    owner: User,
) -> None:
    clinician = make_role("cara", "clinician")
    invite = care.link_code_create(clinician, timezone.now())
    client = logged_in(owner, REMOTE_ADDR=HERE)
    for i in range(_limit("care_code")):
        client.post("/care", {"action": "redeem", "code": f"WRONG-{i:05d}"})

    refused = client.post("/care", {"action": "redeem", "code": invite.code})

    _refused(refused, "Too many care codes entered")
    link = CareLink.objects.get(pk=invite.link.pk)
    assert link.patient_id is None
    assert link.status != "active"


def test_imports_past_the_limit_are_refused_and_import_nothing(owner: User) -> None:
    client = logged_in(owner)
    for _ in range(_limit("import")):
        client.post("/account/import", {"file": ""})
    before = all_counts()

    refused = client.post("/account/import", {"file": ""})

    _refused(refused, "Too many imports")
    assert all_counts() == before


def test_exports_past_the_limit_are_refused(owner: User, owner_plan: PlanRecord) -> None:
    client = logged_in(owner)
    for i in range(_limit("export")):
        path = ["/account/export.json", "/plan/calendar.ics", "/account/fhir.json"][i % 3]
        response = client.get(path)
        assert response.status_code == 200
        # A browser reads a download to its end; closing releases the one-export-at-a-time
        # slot of a streamed FHIR bundle, so only the rate limit is tested here.
        if response.streaming:
            streamed(response)  # read to the end: the client closes it
        else:
            close_download(response)

    refused = client.get("/account/export.json")

    _refused(refused, "Too many downloads of your data")


def test_api_calls_past_the_limit_per_token_get_json_429_and_store_nothing(
    owner: User, owner_plan: PlanRecord, settings: Any
) -> None:
    # The shipped 300 a minute is a fixed window: on a busy machine 300 calls can outlast it and
    # the counter starts again, so the test uses the same rule with an hour's window.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "20/h"}
    secret = tokens.api_token_create(owner, "script").secret
    spare = tokens.api_token_create(owner, "spare").secret
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for _ in range(_limit("api")):
        assert api.get("/api/v1/me").status_code == 200

    refused = api.post(
        "/api/v1/logs", json.dumps(log_payload(owner_plan)), content_type="application/json"
    )
    other_token = Client(HTTP_AUTHORIZATION=f"Bearer {spare}").get("/api/v1/me")

    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    body = refused.json()
    assert body["error"].startswith("Too many API requests: at most 20 per hour.")
    assert body["retry_after"] == int(refused["Retry-After"])
    assert not ExerciseLogRecord.objects.exists()
    assert other_token.status_code == 200


def test_the_counters_are_in_the_database_every_process_shares() -> None:
    Client(REMOTE_ADDR=HERE).post("/login", {"username": "nobody", "password": "x"})
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM hipalign_ratelimit")
        counters = cur.fetchone()[0]
    another_process = AtomicDatabaseCache("hipalign_ratelimit", {})  # no shared memory

    cache = caches[settings.RATELIMIT_USE_CACHE]
    cache.set("probe", 1, 60)

    assert counters == 2  # the log-in's per-address and per-account counters
    assert isinstance(cache, AtomicDatabaseCache)
    assert another_process.get("probe") == 1
    assert another_process.incr("probe") == 2
    assert cache.get("probe") == 2
