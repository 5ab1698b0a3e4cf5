"""Session lifetime (RELIABILITY.md C1): 30 idle minutes, 12 hours however active."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from hipalign.adapters.db.models import PlanRecord
from hipalign.web import middleware
from tests.services.factories import log_payload
from tests.web.conftest import post_log

pytestmark = pytest.mark.django_db

T0 = 1_800_000_000.0
TWELVE_HOURS = 12 * 60 * 60


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The middleware's clock only; Django's own session expiry keeps the real time."""
    now = [T0]
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: now[0]))
    return now


def test_session_cookie_lasts_30_minutes_and_is_renewed_by_each_request(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    response = owner_client.get("/plan")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_AGE == 1800
    assert int(cookie["max-age"]) == 1800
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_a_session_idle_past_its_expiry_is_logged_out(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    assert owner_client.get("/plan").status_code == 200
    key = owner_client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = owner_client.get("/plan")

    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_an_active_session_lives_until_twelve_hours(
    clock: list[float], owner_client: Client, owner_plan: PlanRecord
) -> None:
    assert owner_client.get("/plan").status_code == 200  # logged in at T0
    for hours in (1, 6, 11):
        clock[0] = T0 + hours * 3600
        assert owner_client.get("/plan").status_code == 200, hours

    clock[0] = T0 + TWELVE_HOURS
    assert owner_client.get("/plan").status_code == 200


def test_a_session_older_than_twelve_hours_is_logged_out_however_active(
    clock: list[float], owner_client: Client, owner_plan: PlanRecord
) -> None:
    owner_client.get("/plan")
    key = owner_client.cookies[settings.SESSION_COOKIE_NAME].value

    clock[0] = T0 + TWELVE_HOURS + 1
    response = owner_client.get("/plan")

    assert response.status_code == 302
    assert response["Location"].startswith("/login")
    assert not Session.objects.filter(session_key=key).exists()
    clock[0] = T0  # turning the clock back does not revive it
    assert owner_client.get("/plan").status_code == 302


def test_the_api_refuses_a_session_older_than_twelve_hours(
    clock: list[float], owner_client: Client, owner_plan: PlanRecord
) -> None:
    owner_client.get("/plan")
    clock[0] = T0 + TWELVE_HOURS + 1

    response = post_log(owner_client, log_payload(owner_plan))

    assert response.status_code == 401


def test_logging_in_again_starts_a_new_twelve_hours(
    clock: list[float], owner_client: Client, owner_plan: PlanRecord
) -> None:
    owner_client.get("/plan")
    clock[0] = T0 + TWELVE_HOURS + 1
    owner_client.get("/plan")  # logged out here

    owner_client.force_login(owner_plan.user)
    fresh = owner_client.get("/plan")
    clock[0] = T0 + 2 * TWELVE_HOURS
    later = owner_client.get("/plan")

    assert fresh.status_code == later.status_code == 200


def test_an_active_session_is_renewed_at_most_once_a_minute(
    clock: list[float], owner_client: Client, owner_plan: PlanRecord
) -> None:
    owner_client.get("/plan")
    key = owner_client.cookies[settings.SESSION_COOKIE_NAME].value
    first = Session.objects.get(session_key=key).expire_date

    clock[0] = T0 + middleware.TOUCH_EVERY_S - 1
    owner_client.get("/plan")
    unchanged = Session.objects.get(session_key=key).expire_date
    clock[0] = T0 + middleware.TOUCH_EVERY_S
    owner_client.get("/plan")
    renewed = Session.objects.get(session_key=key).expire_date

    assert unchanged == first  # no write within the minute
    assert renewed > first  # the idle expiry moved with the activity
