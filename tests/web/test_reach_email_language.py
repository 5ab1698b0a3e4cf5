"""Email in the person's language (issue 20): the worker's reminder and weekly summary, and the
account emails, read as the person's pages do, whoever or whatever sends them; an English
person's emails are unchanged (tests/web/test_reach_email.py)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from hipalign.adapters.db.models import ReachPreference
from hipalign.services.kernel.languages import language_set
from hipalign.services.reach import delivery
from hipalign.services.reach.delivery import deliver_due_reminders
from tests.services.factories import make_plan
from tests.services.smtp_server import Inbox, running
from tests.web.test_reach_email import verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    yield from running(settings)


def test_a_spanish_person_confirms_the_address_from_a_spanish_email(
    owner: User, inbox: Inbox
) -> None:
    language_set(owner, language="es")

    verified(owner, inbox)

    [got] = inbox.received
    assert got.subject == "hipalign: confirme su dirección de correo"
    assert got.text.startswith("Alguien (esperamos que usted) ha añadido esta dirección")


def test_the_workers_reminder_reads_in_the_persons_language(owner: User, inbox: Inbox) -> None:
    make_plan(owner, date(2026, 3, 23), sessions_per_week=7)
    verified(owner, inbox)
    language_set(owner, language="es")
    ReachPreference.objects.filter(user=owner).update(email_reminders=True, reminder_time="09:00")

    report = deliver_due_reminders(now=datetime(2026, 3, 24, 9, 0, tzinfo=UTC))

    assert report.sent == 1
    got = inbox.wait(2)[1]
    assert got.subject == "hipalign: un recordatorio para hoy"
    assert got.text.startswith("Su sesión de hoy le está esperando.")
    assert "Abrir hipalign: http://testserver/today" in got.text
    assert "Para dejar de recibir los correos de recordatorio, abra http://testserver/" in got.text
    assert "waiting for you" not in got.text and "To stop" not in got.text


def test_the_weekly_summary_reads_in_the_persons_language(owner: User, inbox: Inbox) -> None:
    make_plan(owner, date(2026, 3, 16), sessions_per_week=3)
    verified(owner, inbox)
    language_set(owner, language="es")
    ReachPreference.objects.filter(user=owner).update(weekly_summary=True, reminder_time="08:00")

    assert deliver_due_reminders(now=datetime(2026, 3, 23, 8, 0, tzinfo=UTC)).sent == 1

    got = inbox.wait(2)[1]
    assert got.subject == "hipalign: su semana"
    assert got.text.startswith(
        "La semana pasada (del 16 de marzo al 22 de marzo) hizo 0 de sus 3 sesiones previstas."
    )
    assert "Last week" not in got.text


def test_a_reset_link_asked_from_an_english_browser_reads_in_the_accounts_language(
    owner: User, inbox: Inbox
) -> None:
    verified(owner, inbox)
    language_set(owner, language="es")

    Client().post(
        "/forgot-password", {"email": "ann@example.org"}, headers={"accept-language": "en"}
    )

    got = inbox.wait(2)[1]
    assert got.subject == "hipalign: restablezca su contraseña"
    assert "Abra este enlace antes de 1 hora" in got.text


def test_the_unread_count_of_a_reminder_is_worded_with_its_plural() -> None:
    with translation.override("es"):
        assert delivery._unread_text(1) == "Tiene 1 mensaje sin leer."
        assert delivery._unread_text(3) == "Tiene 3 mensajes sin leer."
    assert delivery._unread_text(1) == "You have 1 unread message."
    assert delivery._unread_text(3) == "You have 3 unread messages."
