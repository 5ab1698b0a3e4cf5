"""The drawn demonstrations on the pages in the person's language (issue 20): the exercise
page's moving figure and stills, the plan cards, the player's figures and the hip diagram of
the lesson say what they show in Spanish for a Spanish person, in English for anyone else."""

import html as html_module

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.figure.words import side_words
from hipalign.core.library.catalog import default_demos
from hipalign.services.kernel.languages import language_set

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html_module.unescape(response.content.decode())


def test_a_spanish_person_reads_the_exercise_figure_in_spanish(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")

    page = _page(owner_client, "/exercises/clamshell?side=left")

    assert "Dibujo en movimiento de Almeja, lado izquierdo: De lado, caderas" in page
    assert "Dibujo de Almeja, lado izquierdo: La rodilla de arriba se separa" in page
    assert ">Lado izquierdo</text>" in page
    for label in (f.label for f in default_demos("es")["clamshell"].frames):
        assert label in page, label
    for english in (f.label for f in default_demos()["clamshell"].frames):
        assert english not in page, english
    assert "Drawing of" not in page and "Left side<" not in page


def test_an_english_person_reads_the_exercise_figure_in_english(owner_client: Client) -> None:
    page = _page(owner_client, "/exercises/clamshell?side=left")

    assert "Moving drawing of Clamshell, left side: Lying on the side" in page
    assert "Dibujo" not in page


def test_a_spanish_person_reads_the_plan_cards_and_the_player_figures_in_spanish(
    owner: User, owner_client: Client, owner_plan: PlanRecord
) -> None:
    language_set(owner, language="es")

    plan = _page(owner_client, "/plan")
    today = _page(owner_client, "/today")

    assert "Dibujo de " in plan and "Drawing of " not in plan
    assert "Dibujo en movimiento de " in today and "Moving drawing of " not in today


def test_a_spanish_person_reads_the_hip_diagram_in_spanish(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")

    page = _page(owner_client, "/learn/how_the_hip_works")

    assert "Dibujo de la pelvis y las dos caderas." in page
    assert "Vista de frente" in page and "From the front" not in page


def test_the_figure_writes_a_side_as_the_pages_catalog_does() -> None:
    # Two tables for one word (the pure core cannot read the catalog): they must agree.
    with translation.override("es"):
        assert side_words("left", "single", "es") == translation.gettext("left side")
        assert side_words("right", "single", "es") == translation.gettext("right side")


_EXERCISE_PAGE_WORDS = {
    "Drawn for the left side.": "Dibujado para el lado izquierdo.",
    "Show the right side": "Ver el lado derecho",
    "How to do it": "Cómo hacerlo",
    "Avoid": "Evite",
    "Sources": "Fuentes",
    "Supports:": "Respalda:",
}


def test_a_spanish_person_reads_the_exercise_pages_own_words_in_spanish(
    owner: User, owner_client: Client
) -> None:
    from tests.services.factories import make_plan

    make_plan(owner)
    english = _page(owner_client, "/exercises/clamshell?side=left")
    language_set(owner, language="es")

    page = _page(owner_client, "/exercises/clamshell?side=left")

    for en, es in _EXERCISE_PAGE_WORDS.items():
        assert en in english, en
        assert es in page and f">{en}<" not in page and f"{en} " not in page, en
    assert "Back to your plan" in english and "Volver a su plan" in page
    assert "Back to your plan" not in page and "This is the library" not in page
