"""Words the services and the core compose, on the pages in the reader's language (issue 20):
the timeline's entries (a log, its decision, the week's sessions, a check-in) and the
clinician's attention flags and "Last session" day. The core stays pure: a flag carries its
numbers beside its English text, and the web words them again (web/attention_words.py); the
API keeps the English text and no more fields."""

import html
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from hipalign.adapters.db.models import CheckInRecord, PlanRecord
from hipalign.core.attention import Flag, Signals, attention_flags
from hipalign.core.library import default_library
from hipalign.services.kernel.languages import language_set
from hipalign.services.program import recording
from hipalign.web.attention_words import flag_words
from tests.core.test_attention import TODAY, _everything_wrong
from tests.services.factories import EXERCISE, MONDAY, log_payload

pytestmark = pytest.mark.django_db


def text_of(response: Any) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def history(owner: User, owner_plan: PlanRecord) -> None:
    """A log with pain 8 on Monday 2 March and a check-in the day before."""
    recording.log_record(owner, log_payload(owner_plan, pain_during=8), today=MONDAY)
    CheckInRecord.objects.create(
        user_id=owner.pk,
        performed_on=MONDAY - timedelta(days=1),
        pain_now=3,
        pain_worst_week=4,
        referral_level="none",
        answers={},
        referral={},
    )


TIMELINE_EN = [
    "Week of 02 Mar: ",
    "sessions done against the plan",
    "; pain during 8/10",
    "Weekly check-in",
    "pain now 3/10, worst this week 4/10; flag level: none",
    "Pain reached 8/10 during the exercise; above 5 is too much.",  # the decision's reason
]
TIMELINE_ES = [
    "Semana del 02 mar: ",
    "sesiones hechas frente a las del plan",
    "; dolor durante el ejercicio 8/10",
    "Control semanal",
    "dolor ahora 3/10, el peor de la semana 4/10; nivel de aviso: ninguno",
    "El dolor llegó a 8/10 durante el ejercicio; por encima de 5 es demasiado.",
]


def test_a_spanish_person_reads_the_timeline_entries_in_spanish(
    owner: User, owner_client: Client, history: None
) -> None:
    language_set(owner, language="es")

    page = text_of(owner_client.get("/timeline"))

    for words in TIMELINE_ES:
        assert words in page, words
    assert default_library("es")[EXERCISE].name in page  # the exercise by its Spanish name
    assert "sesiones" in page.split("Semana del 02 mar: ", 1)[1].split("<", 1)[0]
    for words in [*TIMELINE_EN, " of 1 session", "Next-morning", "Score: "]:
        assert words not in page, words


def test_an_english_person_reads_the_same_timeline_entries(
    owner_client: Client, history: None
) -> None:
    page = text_of(owner_client.get("/timeline"))

    for words in TIMELINE_EN:
        assert words in page, words
    assert default_library()[EXERCISE].name in page
    for words in TIMELINE_ES:
        assert words not in page, words


def test_a_spanish_clinician_reads_the_flags_and_last_session_in_spanish(
    clinician: User, clinician_client: Client, history: None
) -> None:
    language_set(clinician, language="es")

    page = text_of(clinician_client.get("/clinic/patients"))

    assert "Dolor de hasta 8/10 en los últimos días (por encima de 5)." in page
    assert "lun 2 mar 2026" in page  # the last session, as every page writes a day
    for words in ["Pain up to", "recently (above", "2026-03-02"]:
        assert words not in page, words


def test_an_english_clinician_reads_the_flags_and_last_session_in_english(
    clinician_client: Client, history: None
) -> None:
    page = text_of(clinician_client.get("/clinic/patients"))

    assert "Pain up to 8/10 recently (above 5)." in page
    assert "Mon 2 Mar 2026" in page
    assert "Dolor de hasta" not in page and "2026-03-02" not in page


def _every_flag() -> list[Flag]:
    s = _everything_wrong().model_copy(update={"unread_messages": 2, "messages_needing_reply": 1})
    flags = attention_flags(s, TODAY)
    kinds = {f.kind for f in flags}
    assert kinds >= {"red_flag", "pain_high", "pain_rising", "low_adherence", "messages"}
    assert kinds >= {"regressions", "stop_and_review", "review_due", "no_change"}
    return flags


def test_every_flag_worded_in_english_is_the_cores_own_sentence() -> None:
    with translation.override("en"):
        for flag in _every_flag():
            assert flag_words(flag) == flag.text


def test_every_flag_is_worded_in_spanish_with_its_numbers() -> None:
    flags = {f.kind: f for f in _every_flag()}
    with translation.override("es"):
        said = {k: flag_words(f) for k, f in flags.items()}

    for kind, text in said.items():
        assert text != flags[kind].text, kind
    assert (
        said["red_flag"]
        == "Una señal de alarma en el control del vie 20 mar 2026: consultar al médico."
    )
    assert said["pain_rising"] == "El dolor aumenta: 8/10 en el último control, desde 3."
    assert (
        said["messages"]
        == "Mensajes: 2 mensajes sin leer, 1 marcados como pendientes de respuesta."
    )
    assert said["review_due"] == "Toca revisión (semana 7)."


def test_a_flag_keeps_its_english_text_and_no_more_in_the_api() -> None:
    flag = next(f for f in _every_flag() if f.kind == "pain_high")

    assert flag.params == {"pain": 8, "limit": 5}
    assert set(flag.model_dump()) == {"kind", "severity", "text", "source", "refs"}
    assert "params" not in flag.model_dump_json()
    with translation.override("es"):  # a flag made without its numbers shows its text
        assert flag_words(flag.model_copy(update={"params": {}})) == flag.text


def test_no_flag_needs_signals_it_does_not_have() -> None:
    assert attention_flags(Signals(), TODAY) == []
