"""Each person's "today" is counted in their own time zone, chosen in onboarding or on Account;
an unknown zone is refused with a message naming the field and changes nothing."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from hipalign.adapters.db.models import IntakeRecord, PlanRecord, Profile
from hipalign.services.kernel.time_zones import time_zone_set
from hipalign.web import clock
from hipalign.web.clock import today as real_today
from tests.web.test_onboarding import onboarding_form

# 12:00 UTC on Monday 2 March 2026: already 01:00 on Tuesday in Auckland (NZDT, UTC+13), still
# 04:00 on Monday in Los Angeles (PST, UTC-8).
INSTANT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock_at_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real clock.today (the web fixtures pin it) and Django's clock at INSTANT."""
    monkeypatch.setattr(clock, "today", real_today)
    monkeypatch.setattr(timezone, "now", lambda: INSTANT)


def zone_of(user: User) -> str:
    return Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first() or ""


@pytest.mark.usefixtures("clock_at_instant")
def test_two_people_at_the_same_instant_each_get_their_own_today(
    owner: User,
    other: User,
    owner_plan: PlanRecord,
    other_plan: PlanRecord,
    owner_client: Client,
    other_client: Client,
) -> None:
    time_zone_set(owner, zone="Pacific/Auckland")
    time_zone_set(other, zone="America/Los_Angeles")
    auckland = owner_client.get("/today").content.decode()
    los_angeles = other_client.get("/today").content.decode()
    assert "Today, Tue 3 Mar 2026" in auckland
    assert "Today, Mon 2 Mar 2026" in los_angeles
    # The zone is the request's only: nothing carries over to code outside a request.
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_account_page_changes_the_time_zone(owner: User, owner_client: Client) -> None:
    page = owner_client.get("/account").content.decode()
    assert 'name="time_zone"' in page and "Time zone" in page
    response = owner_client.post("/account", {"form": "time_zone", "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert zone_of(owner) == "Asia/Tokyo"


@pytest.mark.parametrize(
    "bad", ["Mars/Olympus_Mons", "", "../../etc/passwd", "localtime", "x" * 500]
)
def test_an_unknown_time_zone_on_account_is_refused_naming_the_field_and_changes_nothing(
    owner: User, owner_client: Client, bad: str
) -> None:
    time_zone_set(owner, zone="Europe/Berlin")
    response = owner_client.post("/account", {"form": "time_zone", "time_zone": bad})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Time zone" in page and "choose one from the list" in page
    assert zone_of(owner) == "Europe/Berlin"
    assert owner.is_active  # the delete form next to it was not touched


def test_onboarding_stores_the_chosen_time_zone(owner: User, owner_client: Client) -> None:
    page = owner_client.get("/onboarding").content.decode()
    assert 'data-time-zone="browser-default"' in page  # the browser's zone is proposed there
    response = owner_client.post("/onboarding", onboarding_form(time_zone="America/Los_Angeles"))
    assert response.status_code == 302
    assert zone_of(owner) == "America/Los_Angeles"


def test_an_unknown_time_zone_in_onboarding_is_refused_and_stores_nothing(
    owner: User, owner_client: Client
) -> None:
    response = owner_client.post("/onboarding", onboarding_form(time_zone="Mars/Olympus_Mons"))
    assert response.status_code == 200
    assert "Time zone: choose one from the list" in response.content.decode()
    assert zone_of(owner) == ""
    assert not IntakeRecord.objects.filter(user_id=owner.pk).exists()


@pytest.mark.usefixtures("clock_at_instant")
def test_times_on_pages_are_shown_on_the_readers_own_clock_with_its_zone(
    owner: User,
) -> None:
    from django.template import Context, Template

    template = Template("{% load hipalign %}{{ at|moment }}")
    timezone.activate("Pacific/Auckland")  # what PersonTimeZoneMiddleware does for a request
    try:
        shown = template.render(Context({"at": INSTANT}))
    finally:
        timezone.deactivate()
    assert shown == "Tue 3 Mar 2026, 01:00 NZDT"
    assert Template("{% load hipalign %}{{ at|moment }}").render(Context({"at": INSTANT})) == (
        "Mon 2 Mar 2026, 12:00 UTC"
    )


def test_the_time_zone_field_is_labelled_in_the_persons_language(
    owner: User, owner_client: Client
) -> None:
    from hipalign.services.kernel.languages import language_set

    language_set(owner, language="es")

    page = owner_client.get("/account").content.decode()

    assert '<label for="id_time_zone">Zona horaria</label>' in page
    assert '<label for="id_time_zone">Time zone</label>' not in page
