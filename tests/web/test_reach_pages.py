"""The Reminders page, a device's push switch, and the email unsubscribe link (issue 18)."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import Delivery, PushSubscription, ReachPreference
from hipalign.services.reach import mail, push
from tests.services.push_endpoint import Device
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

ENDPOINT = "https://push.example/device-1"


def _subscribe(client: Client, body: Any) -> Any:
    return client.post("/account/reminders/push", json.dumps(body), content_type="application/json")


def test_the_page_offers_this_device_with_the_apps_public_key(owner: User) -> None:
    page = logged_in(owner).get("/account/reminders")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'data-vapid-key="{push.vapid_public_key()}"' in text
    assert "Nothing is sent anywhere until you turn a device on" in text
    assert len(push.vapid_public_key()) == 87  # 65 bytes, base64url without padding


def test_settings_are_saved_and_a_bad_time_names_its_field_and_changes_nothing(
    owner: User,
) -> None:
    client = logged_in(owner)
    ok = client.post("/account/reminders", {"reminder_time": "07:15", "alarm_minutes": "30"})
    assert ok.status_code == 302
    pref = ReachPreference.objects.get(user=owner)
    assert (pref.reminder_time, pref.alarm_minutes) == ("07:15", 30)

    bad = client.post("/account/reminders", {"reminder_time": "25:00", "alarm_minutes": "7"})
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "Daily reminder at: use a time such as 09:00" in page
    assert "Calendar alarm: choose none or 0, 5" in page
    # each field by its page label once, never by its form name
    assert page.count("Daily reminder at:") == 1 and "reminder_time:" not in page
    pref.refresh_from_db()
    assert (pref.reminder_time, pref.alarm_minutes) == ("07:15", 30)


def test_email_reminders_need_a_verified_address(owner: User) -> None:
    bad = logged_in(owner).post(
        "/account/reminders", {"reminder_time": "09:00", "email_reminders": "on"}
    )
    assert bad.status_code == 422
    assert "add and verify an email address first" in bad.content.decode()
    assert not ReachPreference.objects.filter(user=owner, email_reminders=True).exists()


def test_a_device_turns_on_once_however_often_it_is_sent(owner: User) -> None:
    client = logged_in(owner)
    body = Device().subscription(ENDPOINT)
    assert _subscribe(client, body).status_code == 201
    assert _subscribe(client, body).status_code == 201
    assert PushSubscription.objects.filter(user=owner).count() == 1


@pytest.mark.parametrize(
    "body", ["not json", [1, 2], {"endpoint": ENDPOINT}, {"endpoint": "ftp://x", "keys": {}}]
)
def test_a_bad_subscription_answers_422_and_stores_nothing(owner: User, body: Any) -> None:
    client = logged_in(owner)
    raw = body if isinstance(body, str) else json.dumps(body)
    answer = client.post("/account/reminders/push", raw, content_type="application/json")
    assert answer.status_code == 422
    assert not PushSubscription.objects.exists()


def test_another_person_cannot_turn_the_owners_device_off(owner: User, other: User) -> None:
    _subscribe(logged_in(owner), Device().subscription(ENDPOINT))
    answer = logged_in(other).post(
        "/account/reminders/push/remove",
        json.dumps({"endpoint": ENDPOINT}),
        content_type="application/json",
    )
    assert answer.json() == {"removed": False}
    assert PushSubscription.objects.filter(user=owner).count() == 1
    mine = logged_in(owner).post(
        "/account/reminders/push/remove",
        json.dumps({"endpoint": ENDPOINT}),
        content_type="application/json",
    )
    assert mine.json() == {"removed": True}
    assert not PushSubscription.objects.exists()


def test_anonymous_cannot_subscribe(client: Client) -> None:
    answer = _subscribe(client, Device().subscription(ENDPOINT))
    assert answer.status_code == 302
    assert not PushSubscription.objects.exists()


def test_the_unsubscribe_link_works_without_login_and_turns_off_only_its_list(
    owner: User,
) -> None:
    ReachPreference.objects.create(
        user=owner, email_reminders=True, weekly_summary=True, email_verified=True, alarm_minutes=15
    )
    token = mail.unsubscribe_token(owner, "reminders")
    anonymous = Client(enforce_csrf_checks=True)
    ask = anonymous.get(f"/unsubscribe/{token}")
    assert ask.status_code == 200
    assert ReachPreference.objects.get(user=owner).email_reminders is True  # a GET changes nothing
    done = anonymous.post(f"/unsubscribe/{token}")  # a mail client's one-click POST has no token
    assert done.status_code == 200
    assert "no more of reminder emails" in done.content.decode()
    pref = ReachPreference.objects.get(user=owner)
    assert (pref.email_reminders, pref.weekly_summary, pref.email_verified, pref.alarm_minutes) == (
        False,
        True,
        True,
        15,
    )


@pytest.mark.parametrize("token", ["nope", "x" * 400])
def test_a_forged_or_mangled_unsubscribe_link_changes_nothing(owner: User, token: str) -> None:
    ReachPreference.objects.create(user=owner, email_reminders=True, email_verified=True)
    forged = mail.unsubscribe_token(owner, "reminders")[:-3] + "abc"
    for t in (token, forged):
        assert Client().post(f"/unsubscribe/{t}").status_code == 404
    assert ReachPreference.objects.get(user=owner).email_reminders is True


def test_the_default_single_user_setup_reaches_no_one(owner: User, settings: Any) -> None:
    """No SMTP host: no mailer at all; no device turned on: the worker looks at nobody."""
    from datetime import UTC, datetime, timedelta

    from hipalign.services.reach.delivery import deliver_due_reminders, people_reached
    from tests.services.factories import make_plan

    assert settings.EMAIL_ENABLED is False
    from django.core import mail as outbox

    from hipalign.web import test_settings as configured  # before pytest-django's locmem swap

    assert configured.MAILERS == {"default": {"BACKEND": "hipalign.web.mail_off.EmailBackend"}}
    make_plan(owner)
    logged_in(owner).get("/today")
    logged_in(owner).get("/account/reminders")
    start = datetime(2026, 3, 2, tzinfo=UTC)
    for step in range(0, 24 * 7, 3):
        deliver_due_reminders(now=start + timedelta(hours=step))
    assert people_reached() == []
    assert not Delivery.objects.exists()
    assert not PushSubscription.objects.exists()
    assert outbox.outbox == []  # nothing was even handed to a mailer
