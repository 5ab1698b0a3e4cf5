"""The Reminders page (/account/reminders) in the person's language (issue 20): its headings,
labels, choices and the device switch's script words in Spanish for a person who chose
Spanish, the same English as before for an English one."""

import html
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.services.kernel.languages import language_set

pytestmark = pytest.mark.django_db

ENGLISH = [
    "<h1>Reminders</h1>",
    "On this device",
    "Daily reminder at",
    "Calendar alarm",
    "No alarm",
    "minutes before",
    "Email me the daily reminder",
    "Your email address",
    "Back to your account",
]
SPANISH = [
    "<h1>Recordatorios</h1>",
    "En este dispositivo",
    "Recordatorio diario a las",
    "Alarma del calendario",
    "Sin alarma",
    "minutos antes",
    "Enviarme por correo el recordatorio diario",
    "Su dirección de correo electrónico",
    "Volver a su cuenta",
]
# The device switch's words, which push.js reads from the page's words block (JSON, so the
# accents are \u escapes there).
SCRIPT_SPANISH = json.dumps("Los recordatorios están activados en este dispositivo.")[1:-1]


def page_of(client: Client) -> str:
    r = client.get("/account/reminders")
    assert r.status_code == 200
    return html.unescape(r.content.decode())


def test_a_spanish_person_reads_the_reminders_page_in_spanish(
    owner: User, owner_client: Client, settings: Any
) -> None:
    settings.EMAIL_ENABLED = True  # the email part shows only when the install sends email
    language_set(owner, language="es")

    page = page_of(owner_client)

    assert '<html lang="es">' in page
    for words in [*SPANISH, SCRIPT_SPANISH]:
        assert words in page, words
    for words in ENGLISH:
        assert words not in page, words


def test_an_english_person_reads_the_same_english_reminders_page(
    owner_client: Client, settings: Any
) -> None:
    settings.EMAIL_ENABLED = True

    page = page_of(owner_client)

    assert '<html lang="en">' in page
    for words in ENGLISH:
        assert words in page, words
    for words in [*SPANISH, SCRIPT_SPANISH]:
        assert words not in page, words


def test_saving_in_spanish_says_so_in_spanish_and_stores_the_time(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")

    r = owner_client.post(
        "/account/reminders", {"reminder_time": "07:30", "alarm_minutes": ""}, follow=True
    )

    page = html.unescape(r.content.decode())
    assert "Ajustes de recordatorios guardados." in page
    assert 'value="07:30"' in page
