"""The clinician's patient list and links page in the clinician's own language (issue 20): a
clinician who chose Spanish reads them in Spanish, with the count's plural; an English clinician
reads the same English words as before. The attention sentences stay English for now."""

import html
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import PlanRecord
from hipalign.services.kernel.languages import language_set

pytestmark = pytest.mark.django_db

PATIENTS_EN = [
    "Find a patient by username",
    "Needs attention",
    "Sessions done, last 7 days",
    "Last session",
    "Linked patients and what needs attention",
    "Invite a patient or redeem a code",
    "Version 1",
]
PATIENTS_ES = [
    "<h1>Pacientes</h1>",
    "Buscar un paciente por nombre de usuario",
    "Necesita atención",
    "Sesiones hechas, últimos 7 días",
    "Última sesión",
    "Pacientes vinculados y lo que necesita atención",
    "Invitar a un paciente o usar un código",
    "Versión 1",
]
LINKS_EN = [
    "<h1>Patient links</h1>",
    "Your patients",
    "<h2>Invite a patient</h2>",
    "Make an invite code",
    "A patient gave me a code",
    "Code (10 letters and digits)",
    "End link",
    ", since ",
]
LINKS_ES = [
    "<h1>Vínculos con pacientes</h1>",
    "Sus pacientes",
    "<h2>Invitar a un paciente</h2>",
    "Crear un código de invitación",
    "Un paciente me ha dado un código",
    "Código (10 letras y cifras)",
    "Terminar el vínculo",
    ", desde el ",
]


def text_of(response: object) -> str:
    assert response.status_code == 200  # type: ignore[attr-defined]
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_a_spanish_clinician_reads_the_patient_list_in_spanish(
    clinician: User, clinician_client: Client, owner_plan: PlanRecord
) -> None:
    language_set(clinician, language="es")

    page = text_of(clinician_client.get("/clinic/patients"))

    assert '<html lang="es">' in page
    for words in PATIENTS_ES:
        assert words in page, words
    assert re.search(
        r"\b1 paciente vinculado, \d+ con algún aviso; primero, lo más urgente\.", page
    )
    for words in [*PATIENTS_EN, "linked patient", "most pressing first", "<h1>Patients</h1>"]:
        assert words not in page, words


def test_a_spanish_clinician_reads_the_empty_search_in_spanish(
    clinician: User, clinician_client: Client, owner_plan: PlanRecord
) -> None:
    language_set(clinician, language="es")

    page = text_of(clinician_client.get("/clinic/patients", {"q": "nobody-like-this"}))

    assert "Ningún paciente vinculado coincide con «nobody-like-this»." in page
    assert "No linked patient matches" not in page


def test_a_spanish_clinician_reads_the_links_page_in_spanish(
    clinician: User, clinician_client: Client, owner: User
) -> None:
    language_set(clinician, language="es")

    page = text_of(clinician_client.get("/clinic/links"))

    assert '<html lang="es">' in page
    for words in LINKS_ES:
        assert words in page, words
    assert owner.get_username() in page  # the linked patient is still listed, by name
    for words in LINKS_EN:
        assert words not in page, words


def test_an_english_clinician_reads_the_same_english_pages(
    clinician_client: Client, owner_plan: PlanRecord
) -> None:
    patients = text_of(clinician_client.get("/clinic/patients"))
    links = text_of(clinician_client.get("/clinic/links"))

    assert '<html lang="en">' in patients and '<html lang="en">' in links
    assert "<h1>Patients</h1>" in patients
    assert re.search(
        r"\b1 linked patient, \d+ with something flagged; most pressing first\.", patients
    )
    for words in PATIENTS_EN:
        assert words in patients, words
    for words in LINKS_EN:
        assert words in links, words
    for words in [*PATIENTS_ES[1:], *LINKS_ES]:
        assert words not in patients and words not in links, words
