"""The person's smaller pages in the person's language (issue 20): deleting a log, the plan
history, a new episode of care, the lessons, the unsubscribe link, the error pages and the
rate-limit refusal. A person who chose Spanish reads them in Spanish; an English person reads
the same English as before."""

import html
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from hipalign.adapters.db.models import CareEpisode, ExerciseLogRecord, PlanRecord
from hipalign.services.kernel.languages import language_set
from hipalign.services.program import recording
from hipalign.services.reach import mail
from hipalign.web import throttle
from tests.services.factories import LOG_TODAY, log_payload

pytestmark = pytest.mark.django_db

# Each page: (English words, Spanish words). `{log}` is the id of a log the person made.
PAGES: dict[str, tuple[list[str], list[str]]] = {
    "/logs/{log}/delete": (
        [
            "Delete this log?",
            "This cannot be undone.",
            "Keep it",
            "Glute bridge",
            "pain during 1/10",
        ],
        [
            "¿Borrar este registro?",
            "No se puede deshacer.",
            "Conservarlo",
            "Puente de glúteos",
            "dolor durante el ejercicio 1/10",
        ],
    ),
    "/plans": (
        ["<h1>Plan history</h1>", "Version 1, ", ">current<"],
        ["<h1>Planes anteriores</h1>", "Versión 1, ", ">actual<"],
    ),
    "/episode/new": (
        [
            "Start a new episode of care",
            "Back to your scores",
            "Scores are compared within an episode of care",
            "when you are beginning care",
            "Yes, start a new episode of care today",
        ],
        [
            "Empezar un nuevo episodio de atención",
            "Volver a sus puntuaciones",
            "Las puntuaciones se comparan dentro de un episodio de atención",
            "cuando comience a tratarse",
            "Sí, empezar hoy un nuevo episodio de atención",
        ],
    ),
    "/learn": (
        ["<h1>Learn</h1>", "Picked for you", "All lessons", "Pain rules and what to expect"],
        ["Elegidas para usted", "Todas las lecciones", "Las reglas del dolor y qué esperar"],
    ),
    "/learn/how_the_hip_works": (
        [
            "<h1>How your hip works</h1>",
            "minutes to read",
            "A schematic drawing, not to scale.",
            "<h2>Sources</h2>",
        ],
        [
            "<h1>Cómo funciona su cadera</h1>",
            "minutos",
            "Un dibujo esquemático, no a escala.",
            "<h2>Fuentes</h2>",
        ],
    ),
}


def text_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return html.unescape(response.content.decode())


def a_log(plan: PlanRecord) -> str:
    return recording.log_record(plan.user, log_payload(plan), today=LOG_TODAY).log_id


def assert_reads(page: str, *, lang: str, present: list[str], absent: list[str]) -> None:
    assert f'<html lang="{lang}">' in page
    for words in present:
        assert words in page, words
    for words in absent:
        assert words not in page, words


@pytest.mark.parametrize("path", list(PAGES))
def test_a_spanish_person_reads_the_page_in_spanish(
    path: str, owner: User, owner_client: Client, owner_plan: PlanRecord
) -> None:
    language_set(owner, language="es")
    english, spanish = PAGES[path]

    page = text_of(owner_client.get(path.format(log=a_log(owner_plan))))

    assert_reads(page, lang="es", present=spanish, absent=english)


@pytest.mark.parametrize("path", list(PAGES))
def test_an_english_person_reads_the_same_english_page(
    path: str, owner_client: Client, owner_plan: PlanRecord
) -> None:
    english, spanish = PAGES[path]

    page = text_of(owner_client.get(path.format(log=a_log(owner_plan))))

    assert_reads(page, lang="en", present=english, absent=spanish)


def test_a_spanish_persons_refused_episode_names_the_checkbox_in_spanish_and_starts_none(
    owner: User, owner_client: Client, owner_plan: PlanRecord
) -> None:
    language_set(owner, language="es")
    before = CareEpisode.objects.filter(user_id=owner.pk).count()

    page = text_of(owner_client.post("/episode/new", {}), status=422)

    assert "marque «Sí, empezar hoy un nuevo episodio de atención»" in page
    assert "tick '" not in page
    assert CareEpisode.objects.filter(user_id=owner.pk).count() == before  # none started


def test_a_spanish_persons_missing_page_says_so_in_spanish(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")

    page = text_of(owner_client.get("/no-such-page"), status=404)

    assert_reads(
        page,
        lang="es",
        present=["Esta página no está aquí", "Ir a la página de inicio"],
        absent=["This page is not here", "Go to the start page"],
    )


@pytest.mark.parametrize(
    ("accept", "present", "absent"),
    [
        ("es", ["¿Dejar de recibir los correos de recordatorio?"], ["Stop reminder emails"]),
        ("en", ["Stop reminder emails?"], ["Dejar de recibir"]),
    ],
)
def test_the_unsubscribe_link_reads_in_the_browsers_language(
    accept: str, present: list[str], absent: list[str], owner: User
) -> None:
    token = mail.unsubscribe_token(owner, "reminders")

    page = text_of(Client().get(f"/unsubscribe/{token}", headers={"accept-language": accept}))

    assert_reads(page, lang=accept, present=present, absent=absent)


def test_unsubscribing_in_spanish_says_what_stopped_in_spanish(owner: User) -> None:
    token = mail.unsubscribe_token(owner, "summary")

    page = text_of(Client().post(f"/unsubscribe/{token}", headers={"accept-language": "es"}))

    assert "Ya no recibirá el resumen semanal." in page


@pytest.mark.parametrize(
    ("language", "retry_after", "words"),
    [
        ("es", 30, ["Se ha superado el límite de intentos de inicio de sesión", "30 segundos"]),
        ("es", 600, ["como máximo", "10 minutos"]),
        ("en", 30, ["Too many log-in attempts from this address", "Try again in 30 seconds."]),
        ("en", 600, ["Try again in 10 minutes."]),
    ],
)
def test_the_rate_limit_refusal_reads_in_the_requests_language(
    language: str, retry_after: int, words: list[str]
) -> None:
    (rule,) = (r for r in throttle.RULES if r.name == "login_ip")
    with translation.override(language):
        text = throttle._refusal_text(rule.name, str(rule.what), retry_after)

    for w in words:
        assert w in text, text


def test_an_english_log_delete_page_is_unchanged_after_a_spanish_persons_visit(
    owner: User,
    owner_client: Client,
    other: User,
    other_client: Client,
    owner_plan: PlanRecord,
) -> None:
    """The language is per request: one person's Spanish never leaks into another's page."""
    language_set(other, language="es")
    log = a_log(owner_plan)
    other_client.get("/plans")

    page = text_of(owner_client.get(f"/logs/{log}/delete"))

    assert "Delete this log?" in page and "Borrar" not in page
    assert ExerciseLogRecord.objects.filter(pk=log).exists()
