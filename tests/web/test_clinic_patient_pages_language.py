"""The clinician's patient overview, assessment form and prescription editor in the clinician's
own language (issue 20): a clinician who chose Spanish reads their words in Spanish, with the
plan's author, days and sides in Spanish too; an English clinician reads the same English as
before. The tests' names and instructions (content of the core) stay English."""

import html
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import PlanRecord
from hipalign.services.kernel.languages import language_set
from tests.services.factories import public_id

pytestmark = pytest.mark.django_db

PAGES: dict[str, tuple[list[str], list[str]]] = {
    "": (
        [
            "All patients",
            "Linked since",
            "Current plan",
            "Last check-in",
            "Last assessment",
            "Record an assessment",
            "Plan: view and prescribe",
            "Start a new episode of care",
            "<h2>Downloads</h2>",
            "Plan handout (PDF)",
            "Planned sessions (calendar)",
            "All data (FHIR R4 bundle)",
            "version 1, ",
        ],
        [
            "Todos los pacientes",
            "Vinculado desde",
            "Plan actual",
            "Último control",
            "Última valoración",
            "Registrar una valoración",
            "Plan: ver y prescribir",
            "Empezar un nuevo episodio de atención",
            "<h2>Descargas</h2>",
            "Hoja del plan (PDF)",
            "Sesiones previstas (calendario)",
            "Todos los datos (paquete FHIR R4)",
            "versión 1, ",
        ],
    ),
    "/assessment": (
        [
            "<h1>Assessment</h1>",
            "Every test is optional",
            "Date (YYYY-MM-DD)",
            "Video call",
            "not tested",
            "Pain during the tests (0-10, optional)",
            "Hip precautions after surgery",
            "posterior approach",
            "Save the assessment and make the plan again",
        ],
        [
            "<h1>Valoración</h1>",
            "Todas las pruebas son opcionales",
            "Fecha (AAAA-MM-DD)",
            "Videollamada",
            "no probado",
            "Dolor durante las pruebas (0-10, opcional)",
            "Precauciones de cadera tras la cirugía",
            "abordaje posterior",
            "Guardar la valoración y rehacer el plan",
        ],
    ),
    "/plan": (
        [
            "Editing version 1, made from the person's answers on ",
            "Patient overview",
            "Change doses, sides and days",
            "Add an exercise",
            "both together",
            "left only",
            "Hold (s)",
            "Remove from the plan",
            "Note to the person (what this change is for)",
            "Save as version 2",
            "> Mon</label>",
        ],
        [
            "Editando la versión 1, hecha a partir de las respuestas de la persona el ",
            "Resumen del paciente",
            "Cambie dosis, lados y días",
            "Añadir un ejercicio",
            "ambos a la vez",
            "solo el izquierdo",
            "Mantener (s)",
            "Quitar del plan",
            "Nota para la persona (para qué es este cambio)",
            "Guardar como versión 2",
            "> lun</label>",
        ],
    ),
}


def text_of(response: Any) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("tail", list(PAGES))
def test_a_spanish_clinician_reads_the_patient_pages_in_spanish(
    tail: str,
    clinician: User,
    clinician_client: Client,
    owner: User,
    owner_plan: PlanRecord,
) -> None:
    language_set(clinician, language="es")
    english, spanish = PAGES[tail]

    page = text_of(clinician_client.get(f"/clinic/patients/{public_id(owner)}{tail}"))

    assert '<html lang="es">' in page
    for words in spanish:
        assert words in page, words
    for words in english:
        assert words not in page, words


@pytest.mark.parametrize("tail", list(PAGES))
def test_an_english_clinician_reads_the_same_english_patient_pages(
    tail: str, clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    english, spanish = PAGES[tail]

    page = text_of(clinician_client.get(f"/clinic/patients/{public_id(owner)}{tail}"))

    assert '<html lang="en">' in page
    for words in english:
        assert words in page, words
    for words in spanish:
        assert words not in page, words
