"""Reminders by Web Push (issue 18): a real round trip on loopback, the slot rules in the person's
time zone (quiet hours, daylight-saving changes), one delivery per slot, and nothing at all for
a person who never turned a device on."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import Delivery, PushSubscription, ReachPreference
from hipalign.core.errors import InputError
from hipalign.services.kernel.access import NotFound
from hipalign.services.kernel.time_zones import time_zone_set
from hipalign.services.reach import push
from hipalign.services.reach.delivery import deliver_due_reminders, people_reached
from tests.services.factories import make_plan
from tests.services.push_endpoint import Device, PushService, decrypt, running, vapid_check

pytestmark = pytest.mark.django_db

# A Monday a week before Europe's spring-forward change (Sunday 29 March 2026, 02:00 -> 03:00).
START = date(2026, 3, 23)
BERLIN = "Europe/Berlin"


@pytest.fixture
def service(settings: Any) -> Iterator[PushService]:
    settings.PUSH_ALLOW_LOOPBACK = True
    yield from running()


def daily_plan(user: User, **lifestyle: Any) -> None:
    """A session planned every day, so each slot has something due."""
    make_plan(user, START, sessions_per_week=7, lifestyle=lifestyle)


def opted_in(user: User, service: PushService, *, at: str = "09:00", zone: str = BERLIN) -> Device:
    time_zone_set(user, zone=zone)
    ReachPreference.objects.update_or_create(user=user, defaults={"reminder_time": at})
    device = Device()
    push.push_subscribe(user, subscription=device.subscription(service.endpoint(str(user.pk))))
    return device


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the round trip --------------------------------------------------------------------------


def test_a_reminder_reaches_the_device_signed_and_readable_only_with_its_keys(
    owner: User, service: PushService
) -> None:
    daily_plan(owner)
    device = opted_in(owner, service)

    report = deliver_due_reminders(now=utc(2026, 3, 24, 8, 0))  # 09:00 in Berlin (winter time)

    assert report.sent == 1
    [got] = service.received
    claims = vapid_check(got.headers["authorization"], audience=service.origin)
    assert claims["k"] == push.vapid_public_key()
    assert got.headers["topic"] == push.TOPIC  # a newer reminder replaces an undelivered one
    assert int(got.headers["ttl"]) > 0
    note = decrypt(device, got)
    assert note["title"] == "hipalign"
    assert note["body"].startswith("Today's session is waiting for you.")
    assert note["url"] == "/today"
    assert note["tag"] == "hipalign-reminder"
    # Another device's keys cannot read it.
    with pytest.raises(Exception):  # noqa: B017, PT011 - http_ece raises the cipher's error
        decrypt(Device(), got)
    row = Delivery.objects.get(user=owner)
    assert (row.channel, row.slot, row.status, row.attempts) == (
        "push",
        "2026-03-24 09:00",
        "sent",
        1,
    )


def test_a_second_run_or_a_second_worker_sends_nothing_more(
    owner: User, service: PushService
) -> None:
    daily_plan(owner)
    opted_in(owner, service)
    deliver_due_reminders(now=utc(2026, 3, 24, 8, 0))
    again = deliver_due_reminders(now=utc(2026, 3, 24, 8, 5))
    assert again.sent == 0
    assert len(service.received) == 1
    assert Delivery.objects.filter(user=owner).count() == 1


def test_a_row_left_sending_by_a_dead_worker_is_dropped_not_sent_again(
    owner: User, service: PushService
) -> None:
    daily_plan(owner)
    opted_in(owner, service)
    Delivery.objects.create(
        user=owner,
        channel="push",
        kind="reminder",
        slot="2026-03-24 09:00",
        due_at=utc(2026, 3, 24, 8, 0),
        status="sending",
        claimed_at=utc(2026, 3, 24, 8, 0),
    )
    report = deliver_due_reminders(now=utc(2026, 3, 24, 8, 20))
    assert report.dropped == 1
    assert service.received == []
    assert Delivery.objects.get(user=owner).status == "dropped"


def test_a_gone_subscription_is_removed_and_the_others_still_get_it(
    owner: User, service: PushService
) -> None:
    daily_plan(owner)
    opted_in(owner, service)
    second = Device()
    push.push_subscribe(owner, subscription=second.subscription(service.endpoint("second")))
    service.answers = [410, 201]

    report = deliver_due_reminders(now=utc(2026, 3, 24, 8, 0))

    assert report.sent == 1
    assert list(PushSubscription.objects.filter(user=owner).values_list("endpoint", flat=True)) == [
        service.endpoint("second")
    ]
    assert decrypt(second, service.received[1])["body"].startswith("Today's session")


@pytest.mark.parametrize("status", [404, 410])
def test_the_only_device_gone_removes_it_and_stops_reaching_the_person(
    owner: User, service: PushService, status: int
) -> None:
    daily_plan(owner)
    opted_in(owner, service)
    service.answers = [status]
    deliver_due_reminders(now=utc(2026, 3, 24, 8, 0))
    assert not PushSubscription.objects.filter(user=owner).exists()
    assert Delivery.objects.get(user=owner).status == "dropped"
    assert people_reached() == []


def test_a_failed_send_is_retried_with_backoff_then_sent_once(
    owner: User, service: PushService
) -> None:
    daily_plan(owner)
    device = opted_in(owner, service)
    service.answers = [500, 503]
    t0 = utc(2026, 3, 24, 8, 0)

    assert deliver_due_reminders(now=t0).retried == 1
    row = Delivery.objects.get(user=owner)
    assert row.next_try_at == t0 + timedelta(minutes=1)
    assert deliver_due_reminders(now=t0 + timedelta(seconds=30)).retried == 0  # not yet
    assert deliver_due_reminders(now=t0 + timedelta(minutes=1)).retried == 1
    row.refresh_from_db()
    assert row.next_try_at == t0 + timedelta(minutes=3)  # then 2 minutes
    assert deliver_due_reminders(now=t0 + timedelta(minutes=3)).sent == 1

    assert len(service.received) == 3
    assert PushSubscription.objects.filter(user=owner).exists()
    assert decrypt(device, service.received[-1])["body"].startswith("Today's session")
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 3)


def test_an_unreachable_push_service_is_retried_and_given_up_when_stale(
    owner: User, settings: Any
) -> None:
    settings.PUSH_ALLOW_LOOPBACK = True
    daily_plan(owner)
    with PushService() as closed:  # made and closed at once: nothing listens on its port
        endpoint = closed.endpoint("x")
    time_zone_set(owner, zone=BERLIN)
    push.push_subscribe(owner, subscription=Device().subscription(endpoint))
    t0 = utc(2026, 3, 24, 8, 0)
    assert deliver_due_reminders(now=t0).retried == 1
    assert Delivery.objects.get(user=owner).error.startswith("push service unreachable")
    assert deliver_due_reminders(now=t0 + timedelta(minutes=90)).dropped == 1  # past fresh
    assert Delivery.objects.get(user=owner).status == "dropped"


# --- when: the person's zone, quiet hours, daylight saving --------------------------------------


def test_a_reminder_due_0730_in_quiet_hours_until_0800_goes_at_0800(
    owner: User, service: PushService
) -> None:
    daily_plan(owner, quiet_hours={"start": "22:00", "end": "08:00"})
    opted_in(owner, service, at="07:30")

    assert deliver_due_reminders(now=utc(2026, 3, 24, 6, 30)).sent == 0  # 07:30 Berlin
    assert deliver_due_reminders(now=utc(2026, 3, 24, 6, 59)).sent == 0
    assert service.received == []
    assert deliver_due_reminders(now=utc(2026, 3, 24, 7, 0)).sent == 1  # 08:00 Berlin
    assert Delivery.objects.get(user=owner).slot == "2026-03-24 08:00"


def test_a_reminder_in_quiet_hours_that_run_to_the_next_morning_is_not_sent(
    owner: User, service: PushService
) -> None:
    daily_plan(owner, quiet_hours={"start": "21:00", "end": "07:00"})
    opted_in(owner, service, at="22:00")
    for hour in (21, 22, 23):  # 22:00-00:59 Berlin
        assert deliver_due_reminders(now=utc(2026, 3, 24, hour, 0)).sent == 0
    assert service.received == []


def test_0900_is_0900_local_across_the_spring_forward_change(
    owner: User, service: PushService
) -> None:
    daily_plan(owner)
    opted_in(owner, service)
    # Saturday 28 March: 09:00 CET is 08:00 UTC.
    assert deliver_due_reminders(now=utc(2026, 3, 28, 7, 59)).sent == 0
    assert deliver_due_reminders(now=utc(2026, 3, 28, 8, 0)).sent == 1
    # Sunday 29 March, clocks went forward: 09:00 CEST is 07:00 UTC.
    assert deliver_due_reminders(now=utc(2026, 3, 29, 6, 59)).sent == 0
    assert deliver_due_reminders(now=utc(2026, 3, 29, 7, 0)).sent == 1
    assert sorted(Delivery.objects.values_list("slot", flat=True)) == [
        "2026-03-28 09:00",
        "2026-03-29 09:00",
    ]


def test_a_time_repeated_by_the_fall_back_change_is_one_reminder(
    owner: User, service: PushService
) -> None:
    make_plan(owner, date(2026, 10, 19), sessions_per_week=7)
    opted_in(owner, service, at="02:30")
    # Sunday 25 October 2026: 02:30 happens at 00:30 UTC (summer time) and at 01:30 UTC.
    assert deliver_due_reminders(now=utc(2026, 10, 25, 0, 30)).sent == 1
    assert deliver_due_reminders(now=utc(2026, 10, 25, 1, 30)).sent == 0
    assert len(service.received) == 1


def test_a_time_skipped_by_the_spring_forward_change_goes_once_just_after(
    owner: User, service: PushService
) -> None:
    daily_plan(owner)
    opted_in(owner, service, at="02:30")  # 02:00-03:00 does not exist on 29 March in Berlin
    assert deliver_due_reminders(now=utc(2026, 3, 29, 0, 59)).sent == 0
    assert deliver_due_reminders(now=utc(2026, 3, 29, 1, 30)).sent == 1  # 03:30 CEST
    assert deliver_due_reminders(now=utc(2026, 3, 29, 2, 0)).sent == 0


def test_the_same_utc_moment_is_each_persons_own_local_time(
    owner: User, other: User, service: PushService
) -> None:
    daily_plan(owner)
    daily_plan(other)
    opted_in(owner, service, zone=BERLIN)
    opted_in(other, service, zone="America/New_York")
    assert deliver_due_reminders(now=utc(2026, 3, 24, 8, 0)).sent == 1  # 09:00 Berlin, 04:00 NY
    assert deliver_due_reminders(now=utc(2026, 3, 24, 13, 0)).sent == 1  # 09:00 NY (EDT)
    assert sorted(Delivery.objects.values_list("user_id", flat=True)) == sorted(
        [owner.pk, other.pk]
    )


def test_a_worker_down_all_morning_sends_only_the_latest_fresh_slot(
    owner: User, service: PushService
) -> None:
    daily_plan(owner, sitting_hours_per_day=9)  # movement breaks from 09:45 every 45 minutes
    device = opted_in(owner, service)
    assert deliver_due_reminders(now=utc(2026, 3, 24, 10, 20)).sent == 1  # 11:20 Berlin
    assert list(Delivery.objects.values_list("slot", flat=True)) == ["2026-03-24 11:15"]
    assert "Next movement break at 11:15." in decrypt(device, service.received[-1])["body"]
    assert len(service.received) == 1


# --- nothing without an opt-in -----------------------------------------------------------------


def test_nothing_is_sent_for_a_person_who_never_turned_a_device_on(
    owner: User, service: PushService
) -> None:
    daily_plan(owner)
    time_zone_set(owner, zone=BERLIN)
    for hour in range(24):
        report = deliver_due_reminders(now=utc(2026, 3, 24, hour, 0))
        assert report.sent == report.retried == report.failed == report.dropped == 0
    assert people_reached() == []
    assert service.received == []
    assert not Delivery.objects.exists()


def test_turning_the_device_off_stops_it_and_only_the_owner_can(
    owner: User, other: User, service: PushService
) -> None:
    daily_plan(owner)
    opted_in(owner, service)
    endpoint = service.endpoint(str(owner.pk))
    assert push.push_unsubscribe(other, endpoint=endpoint) is False  # not theirs: unchanged
    assert PushSubscription.objects.filter(user=owner).count() == 1
    assert push.push_unsubscribe(owner, endpoint=endpoint) is True
    assert deliver_due_reminders(now=utc(2026, 3, 24, 8, 0)).sent == 0
    assert service.received == []


@pytest.mark.parametrize(
    ("subscription", "field"),
    [
        ({"endpoint": "http://push.example/x"}, "subscription"),
        ({"endpoint": "http://push.example/x", "keys": {"p256dh": "A", "auth": "B"}}, "endpoint"),
        ({"endpoint": "https://10.0.0.1/x", "keys": {}}, "endpoint"),
        ({"endpoint": "https://localhost/x", "keys": {}}, "endpoint"),
        (
            {"endpoint": "https://push.example/x", "keys": {"p256dh": "AAAA", "auth": "B"}},
            "keys.p256dh",
        ),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field_and_stores_nothing(
    owner: User, subscription: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError) as err:
        push.push_subscribe(owner, subscription=subscription)
    assert err.value.problems[0].startswith(f"{field}:")
    assert not PushSubscription.objects.exists()


def test_an_anonymous_caller_cannot_subscribe() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        push.push_subscribe(
            AnonymousUser(), subscription=Device().subscription("https://p.example/x")
        )


def test_an_unread_message_from_the_clinician_joins_the_bundle(
    owner: User, clinician: User, service: PushService
) -> None:
    from hipalign.adapters.db.models import CareLink
    from hipalign.services.messages.conversations import message_send

    daily_plan(owner)
    device = opted_in(owner, service)
    link = CareLink.objects.get(patient=owner, clinician=clinician, status="active")
    message_send(
        actor=clinician,
        link_id=str(link.id),
        client_id="message-0001",
        body="How did it go?",
        now=utc(2026, 3, 24, 7, 0),
    )
    deliver_due_reminders(now=utc(2026, 3, 24, 8, 0))
    body = decrypt(device, service.received[-1])["body"]
    assert body.startswith("Today's session is waiting for you.")
    assert body.endswith("You have 1 unread message.")
