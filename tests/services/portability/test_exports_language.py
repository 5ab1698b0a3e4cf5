"""The PDF handout and the calendar in the person's language (issue 20): whoever asks for them
(the person or their clinician), the words are the person's; the codes (UIDs, RRULE days) stay
language-free. An English person's exports are unchanged (test_handout.py, test_calendar.py)."""

import pytest
from django.contrib.auth.models import User
from icalendar import Calendar

from hipalign.services.kernel.languages import language_set
from hipalign.services.portability import calendar, handout
from tests.services.factories import MONDAY, make_plan
from tests.services.pdf_text import flat, read_pdf

pytestmark = pytest.mark.django_db

ENGLISH_HANDOUT = [
    "Your hip exercise plan",
    "Your week",
    "Your exercises",
    "How to do it",
    "Why it is in your plan",
    "While you exercise",
    "Review points",
    "decision support",
    "Standing leg swings",
    "Monday",
]


def _handout_text(patient: User, actor: User) -> str:
    return flat(read_pdf(handout.handout_render(patient, actor, MONDAY)).text)


def test_a_spanish_persons_handout_reads_in_spanish_even_when_the_clinician_prints_it(
    owner: User, clinician: User
) -> None:
    make_plan(owner)
    language_set(owner, language="es")

    for actor in (owner, clinician):  # the clinician's own language is English
        text = _handout_text(owner, actor)

        for spanish in (
            "Su plan de ejercicios para la cadera",
            "Para: ann_owner · Fecha: lun 2 mar 2026",
            "Su semana",
            "Sus ejercicios",
            "Mientras hace ejercicio",
            "Revisiones",
            "no un diagnóstico",
            "Balanceo de pierna de pie",
            "Lunes",
        ):
            assert spanish in text, spanish
        for english in ENGLISH_HANDOUT:
            assert english not in text, english


def test_an_english_persons_handout_keeps_its_english(owner: User) -> None:
    make_plan(owner)

    text = _handout_text(owner, owner)

    for english in ENGLISH_HANDOUT:
        assert english in text, english


def test_a_spanish_persons_calendar_reads_in_spanish_with_the_same_codes(owner: User) -> None:
    plan = make_plan(owner)
    english = Calendar.from_ical(calendar.calendar_render(owner, owner))
    language_set(owner, language="es")

    spanish = Calendar.from_ical(calendar.calendar_render(owner, owner))

    assert str(spanish["X-WR-CALNAME"]) == "Sesiones de hipalign"
    pairs = list(zip(english.walk("VEVENT"), spanish.walk("VEVENT"), strict=True))
    assert pairs
    for en, es in pairs:
        assert str(es["UID"]) == str(en["UID"]) and str(es["UID"]).startswith(str(plan.id))
        assert es["RRULE"] == en["RRULE"]
        assert str(es["SUMMARY"]).startswith("Ejercicios de cadera, ")
        description = str(es["DESCRIPTION"])
        assert "Deje un ejercicio si el dolor pasa de 5 sobre 10." in description
        assert "Stop an exercise" not in description and "about" not in description
