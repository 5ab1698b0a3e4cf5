"""Email for accounts and reminders by email (issue 18), through a real SMTP server on loopback
(aiosmtpd): the verification link, "Forgot password", the emailed reminder and its unsubscribe
link, each read from what the server received."""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from hipalign.adapters.db.models import (
    AuditEvent,
    CareLink,
    Delivery,
    PasswordResetLink,
    ReachPreference,
)
from hipalign.services.identity import passwords
from hipalign.services.kernel.time_zones import time_zone_set
from hipalign.services.reach import accounts_email
from hipalign.services.reach.delivery import deliver_due_reminders
from hipalign.web.views_reach import FORGOT_ANSWER
from tests.services.factories import PASSWORD, make_plan
from tests.services.smtp_server import Inbox, running
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

NEW = "violet ferry copper lantern"


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    yield from running(settings)


def _link(text: str, path: str) -> str:
    found = re.search(rf"http://testserver({re.escape(path)}[^\s>]+)", text)
    assert found, text
    return found[1]


def verified(user: User, inbox: Inbox, address: str = "ann@example.org") -> None:
    client = logged_in(user)
    assert client.post("/account/email", {"email": address}).status_code == 302
    [got] = inbox.wait(len(inbox.received) + 1)[-1:]
    path = _link(got.text, "/email/verify/")
    assert Client().post(path).status_code == 200


def test_an_address_is_the_accounts_only_after_its_link_is_opened_once(
    owner: User, inbox: Inbox
) -> None:
    client = logged_in(owner)
    assert client.post("/account/email", {"email": "ann@example.org"}).status_code == 302
    [got] = inbox.wait(1)
    assert got.rcpt_tos == ["ann@example.org"]
    assert got.subject == "hipalign: confirm your email address"
    assert User.objects.get(pk=owner.pk).email == ""  # not before the link is opened
    path = _link(got.text, "/email/verify/")

    anonymous = Client()
    assert anonymous.get(path).status_code == 200  # asks; a mail scanner's GET changes nothing
    assert User.objects.get(pk=owner.pk).email == ""
    assert anonymous.post(path).status_code == 200
    assert User.objects.get(pk=owner.pk).email == "ann@example.org"
    assert ReachPreference.objects.get(user=owner).email_verified is True
    assert anonymous.post(path).status_code == 404  # once only
    # The stored secret is a hash: the link's secret is nowhere in the database.
    secret = path.rsplit("/", 1)[1]
    assert secret not in str(list(ReachPreference.objects.values()))


def test_a_bad_address_is_refused_naming_the_field_and_sends_nothing(
    owner: User, inbox: Inbox
) -> None:
    answer = logged_in(owner).post("/account/email", {"email": "not an address"})
    assert answer.status_code == 422
    assert "Email address: give an address such as name@example.org" in answer.content.decode()
    assert not ReachPreference.objects.filter(user=owner).exclude(email_pending="").exists()
    verified(owner, inbox)  # the next mail is the first one the server got
    assert len(inbox.received) == 1


def test_an_address_another_account_confirmed_gets_no_mail_and_cannot_be_taken(
    owner: User, other: User, inbox: Inbox
) -> None:
    verified(owner, inbox, "shared@example.org")
    answer = logged_in(other).post("/account/email", {"email": "Shared@example.org"})
    assert answer.status_code == 302  # the same answer: whose address it is is not told
    verified(other, inbox, "bea@example.org")
    assert [r.rcpt_tos for r in inbox.received] == [["shared@example.org"], ["bea@example.org"]]
    assert User.objects.get(pk=other.pk).email == "bea@example.org"


def test_forgot_password_mails_a_one_hour_single_use_link_and_answers_alike(
    owner: User, inbox: Inbox
) -> None:
    verified(owner, inbox)
    anonymous = Client()
    unknown = anonymous.post("/forgot-password", {"email": "nobody@example.org"})
    known = anonymous.post("/forgot-password", {"email": "ANN@example.org"})
    assert unknown.status_code == known.status_code == 200
    for page in (unknown, known):
        assert str(FORGOT_ANSWER) in page.content.decode()
    got = inbox.wait(2)[1]  # the verification mail, then one reset mail: none for "nobody"
    assert got.rcpt_tos == ["ann@example.org"]
    assert got.subject == "hipalign: reset your password"
    path = _link(got.text, "/reset/")

    link = PasswordResetLink.objects.get(user=owner)
    assert link.issued_by is None
    assert timedelta(minutes=59) < link.expires_at - timezone.now() <= timedelta(hours=1)
    assert path.rsplit("/", 1)[1] not in str(list(PasswordResetLink.objects.values()))
    assert AuditEvent.objects.filter(action="password.reset_email", subject_id=owner.pk).exists()

    assert anonymous.get(path).status_code == 200
    done = anonymous.post(path, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert User.objects.get(pk=owner.pk).check_password(NEW)
    assert (
        anonymous.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code
        == 404
    )
    assert User.objects.get(pk=owner.pk).check_password(NEW)
    assert len(inbox.wait(3, within_s=0.2)) == 2  # nothing else was mailed


def test_a_reset_link_by_email_expires_after_an_hour(owner: User, inbox: Inbox) -> None:
    verified(owner, inbox)
    now = timezone.now()
    accounts_email.password_reset_request(
        address="ann@example.org", now=now, link_for=lambda s: f"http://testserver/reset/{s}"
    )
    path = _link(inbox.wait(2)[1].text, "/reset/")
    secret = path.rsplit("/", 1)[1]
    assert passwords.reset_link_account(secret, now=now + timedelta(minutes=59)) is not None
    assert passwords.reset_link_account(secret, now=now + timedelta(minutes=61)) is None


def test_an_unconfirmed_address_gets_no_reset_link(owner: User, inbox: Inbox) -> None:
    logged_in(owner).post("/account/email", {"email": "ann@example.org"})  # link not opened
    Client().post("/forgot-password", {"email": "ann@example.org"})
    assert not PasswordResetLink.objects.exists()
    assert [r.subject for r in inbox.wait(1)] == ["hipalign: confirm your email address"]


def test_forgot_password_is_rate_limited_per_address_and_changes_nothing_then(
    owner: User, inbox: Inbox
) -> None:
    verified(owner, inbox)
    for n in range(3):  # 3 an hour per address asked for, from any client address
        answer = Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(
            "/forgot-password", {"email": "ann@example.org"}
        )
        assert answer.status_code == 200
    refused = Client(REMOTE_ADDR="10.0.0.9").post("/forgot-password", {"email": "ann@example.org"})
    assert refused.status_code == 429
    assert refused.has_header("Retry-After")
    assert PasswordResetLink.objects.filter(user=owner).count() == 3


def test_without_email_configured_forgot_password_says_so_and_sends_nothing(
    owner: User, settings: Any
) -> None:
    settings.EMAIL_ENABLED = False
    page = Client().post("/forgot-password", {"email": "ann@example.org"})
    assert "This install does not send email" in page.content.decode()
    assert not PasswordResetLink.objects.exists()
    assert logged_in(owner).post("/account/email", {"email": "a@example.org"}).status_code == 422


# --- reminders by email ------------------------------------------------------------------------


def test_the_daily_reminder_arrives_by_email_and_its_link_unsubscribes_only_it(
    owner: User, inbox: Inbox
) -> None:
    make_plan(owner, date(2026, 3, 23), sessions_per_week=7)
    time_zone_set(owner, zone="Europe/Berlin")
    verified(owner, inbox)
    client = logged_in(owner)
    saved = client.post(
        "/account/reminders",
        {"reminder_time": "09:00", "email_reminders": "on", "weekly_summary": "on"},
    )
    assert saved.status_code == 302

    report = deliver_due_reminders(now=datetime(2026, 3, 24, 8, 0, tzinfo=UTC))
    assert report.sent == 1
    got = inbox.wait(2)[1]
    assert got.rcpt_tos == ["ann@example.org"]
    assert got.subject == "hipalign: a reminder for today"
    assert got.text.startswith("Today's session is waiting for you.")
    assert "http://testserver/today" in got.text
    unsubscribe = _link(got.text, "/unsubscribe/")
    assert got.message["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"
    assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert Client().post(unsubscribe).status_code == 200
    pref = ReachPreference.objects.get(user=owner)
    assert (pref.email_reminders, pref.weekly_summary, pref.email_verified) == (False, True, True)
    assert deliver_due_reminders(now=datetime(2026, 3, 25, 8, 0, tzinfo=UTC)).sent == 0
    assert not Delivery.objects.filter(slot__startswith="2026-03-25").exists()


def test_a_mail_server_that_is_down_is_retried_with_backoff(
    owner: User, inbox: Inbox, settings: Any
) -> None:
    make_plan(owner, date(2026, 3, 23), sessions_per_week=7)
    verified(owner, inbox)
    ReachPreference.objects.filter(user=owner).update(email_reminders=True)
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "use_tls": False, "timeout": 5},
        }
    }
    t0 = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)  # 09:00 in the install's zone (UTC)
    assert deliver_due_reminders(now=t0).retried == 1
    settings.MAILERS = working
    assert deliver_due_reminders(now=t0 + timedelta(minutes=1)).sent == 1
    assert inbox.wait(2)[1].subject == "hipalign: a reminder for today"
    assert Delivery.objects.get(user=owner).attempts == 2


def test_the_weekly_summary_comes_on_monday_at_the_reminder_time_once(
    owner: User, inbox: Inbox
) -> None:
    make_plan(owner, date(2026, 3, 16), sessions_per_week=3)
    verified(owner, inbox)
    ReachPreference.objects.filter(user=owner).update(weekly_summary=True, reminder_time="08:00")
    sunday = datetime(2026, 3, 22, 8, 0, tzinfo=UTC)
    assert deliver_due_reminders(now=sunday).sent == 0  # not a Monday
    monday = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert deliver_due_reminders(now=monday).sent == 1
    assert deliver_due_reminders(now=monday + timedelta(minutes=5)).sent == 0
    got = inbox.wait(2)[1]
    assert got.subject == "hipalign: your week"
    assert got.text.startswith("Last week (16 March to 22 March) you did 0 of your 3 planned")
    assert "/unsubscribe/" in got.text
    assert list(Delivery.objects.values_list("kind", "slot")) == [("summary", "2026-03-23 08:00")]


def _new_invite(client: Client) -> str:
    page = client.post("/clinic/links", {"action": "create"}).content.decode()
    found = re.search(r'class="link-code">([A-Z0-9-]+)<', page)
    assert found, page
    return found[1]


def test_a_clinician_mails_an_invite_code_that_links_the_person_once(
    clinician: User, other: User, inbox: Inbox
) -> None:
    client = logged_in(clinician)
    code = _new_invite(client)
    answer = client.post(
        "/clinic/links", {"action": "email", "code": code, "email": "bo@example.org"}
    )
    assert answer.status_code == 302
    [got] = inbox.wait(1)
    assert got.rcpt_tos == ["bo@example.org"]
    assert got.subject == "hipalign: an invitation from your clinician"
    assert code in got.text and f"http://testserver/care?code={code}" in got.text
    assert "bo@example.org" not in str(list(AuditEvent.objects.values()))
    assert AuditEvent.objects.filter(action="link.code.invite_email").count() == 1
    # The code in the mail links the person who opens it, once.
    person = logged_in(other)
    assert person.post("/care", {"action": "redeem", "code": code}).status_code == 302
    assert person.post("/care", {"action": "redeem", "code": code}).status_code == 422
    assert CareLink.objects.filter(clinician=clinician, patient=other, status="active").count() == 1


def test_another_clinicians_code_is_not_mailed(
    clinician: User, other_clinician: User, inbox: Inbox
) -> None:
    code = _new_invite(logged_in(clinician))
    answer = logged_in(other_clinician).post(
        "/clinic/links", {"action": "email", "code": code, "email": "bo@example.org"}
    )
    assert answer.status_code == 404
    assert not AuditEvent.objects.filter(action="link.code.invite_email").exists()
    assert inbox.received == []


def test_a_bad_address_keeps_the_code_on_the_page_and_sends_nothing(
    clinician: User, inbox: Inbox
) -> None:
    client = logged_in(clinician)
    code = _new_invite(client)
    answer = client.post("/clinic/links", {"action": "email", "code": code, "email": "bo at home"})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "Email address: give an address such as name@example.org" in page
    assert "email: Email address" not in page  # named by its label once, never by its form id
    assert f'value="{code}"' in page  # shown again so the address can be corrected
    assert inbox.received == []


def test_without_email_configured_no_invite_form_is_shown(clinician: User) -> None:
    client = logged_in(clinician)
    page = client.post("/clinic/links", {"action": "create"}).content.decode()
    assert 'data-testid="new-code"' in page and 'data-testid="invite-email"' not in page
    code = re.search(r'class="link-code">([A-Z0-9-]+)<', page)
    assert code
    answer = client.post("/clinic/links", {"action": "email", "code": code[1], "email": "a@b.org"})
    assert (
        answer.status_code == 422 and "this install does not send email" in answer.content.decode()
    )
