"""A plan habit's title and reason in the reader's language (issue 20): the plan document keeps
the core's English words; Today and Plan word them again by the habit's id. A Spanish person
reads 'Pausas para moverse', an English one the same 'Movement breaks' as before."""

import html

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.services.kernel.languages import language_set
from tests.web.test_learn_and_habits import sitter_plan

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Movement breaks",
    "Check your workstation",
    "You sit about 9 hours a day: stand up and move for 2-3 minutes at 09:45, ",
    "Once this week: go through the list where you sit most.",
]
SPANISH = [
    "Pausas para moverse",
    "Revise su puesto de trabajo",
    "Pasa sentado unas 9 horas al día: levántese y muévase 2-3 minutos a las 09:45, ",
    "Una vez esta semana: repase la lista donde más tiempo pasa sentado.",
]


@pytest.mark.parametrize("url", ["/today", "/plan"])
def test_a_spanish_person_reads_the_habits_in_spanish(
    url: str, owner: User, owner_client: Client
) -> None:
    sitter_plan(owner)
    language_set(owner, language="es")

    page = html.unescape(owner_client.get(url).content.decode())

    for words in SPANISH:
        assert words in page, words
    for words in ENGLISH:
        assert words not in page, words


@pytest.mark.parametrize("url", ["/today", "/plan"])
def test_an_english_person_reads_the_same_english_habits(
    url: str, owner: User, owner_client: Client
) -> None:
    sitter_plan(owner)

    page = html.unescape(owner_client.get(url).content.decode())

    for words in ENGLISH:
        assert words in page, words
    for words in SPANISH:
        assert words not in page, words
