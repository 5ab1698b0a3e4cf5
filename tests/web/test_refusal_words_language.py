"""A refusal's reason in the reader's language (issue 20): the services word their refusals
through the catalog at raise time and the pages name the field by its label, so a Spanish person
reads one Spanish sentence ('Foto o vídeo: hace falta ...'), not 'file: a photo or clip is
needed'. Nothing is stored by a refused input; an English person reads the English words; the
JSON API's 422 body keeps its shape (language-free field ids, English words when no other
language is asked for). The core's own shapes are worded at the edge (web/refusal_words.py)."""

import html
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from hipalign.adapters.db.models import Message, PlanRecord, PostureUpload, SessionRecord
from hipalign.services.kernel.languages import language_set
from tests.services.factories import (
    MONDAY,
    TUESDAY,
    log_payload,
    make_link,
    make_role,
    make_user,
    staff_token,
)
from tests.web.conftest import SetToday, logged_in, no_answers, post_log

pytestmark = pytest.mark.django_db


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def _svg_upload(client: Client) -> Any:
    return client.post("/posture", {"file": SimpleUploadedFile("x.svg", b"<svg/>")})


# --- posture upload ------------------------------------------------------------------------------


def test_a_spanish_persons_refused_upload_reads_in_spanish_and_stores_nothing(
    owner: User, owner_client: Client, owner_plan: PlanRecord
) -> None:
    language_set(owner, language="es")

    response = _svg_upload(owner_client)

    page = _page(response)
    assert response.status_code == 422
    assert "Foto o vídeo: hace falta una foto o un vídeo (.jpeg, .jpg," in page
    assert "a photo or clip is needed" not in page
    assert "file:" not in page and "is not valid" not in page
    assert not PostureUpload.objects.exists()


def test_a_spanish_persons_empty_upload_form_reads_in_spanish(
    owner: User, owner_client: Client, owner_plan: PlanRecord
) -> None:
    language_set(owner, language="es")

    response = owner_client.post("/posture", {})

    assert response.status_code == 422
    assert "Foto o vídeo: elija una foto o un vídeo corto" in _page(response)


def test_an_english_persons_refused_upload_reads_in_english_with_the_label(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    response = _svg_upload(owner_client)

    page = _page(response)
    assert response.status_code == 422
    assert "Photo or clip: a photo or clip is needed (.jpeg, .jpg," in page
    assert not PostureUpload.objects.exists()


# --- next-morning pain (a bad log value) ---------------------------------------------------------


def _logged_session(client: Client, plan: PlanRecord, set_today: SetToday) -> str:
    from hipalign.adapters.db.models import ExerciseLogRecord

    first = post_log(client, log_payload(plan, performed_on=MONDAY))
    assert first.status_code == 201
    set_today(TUESDAY)
    return str(ExerciseLogRecord.objects.get(pk=first.json()["log_id"]).session_id)


def test_a_spanish_persons_out_of_range_morning_pain_reads_in_spanish_and_changes_nothing(
    owner: User, owner_client: Client, owner_plan: PlanRecord, set_today: SetToday
) -> None:
    session_id = _logged_session(owner_client, owner_plan, set_today)
    language_set(owner, language="es")

    response = owner_client.post(
        f"/sessions/{session_id}/next-morning", {"pain_next_morning": "11"}
    )

    page = _page(response)
    assert response.status_code == 422
    assert "Dolor esta mañana: debe ser un número entero de 0 a 10" in page
    assert "Dolor esta mañana, después de su última sesión" in page  # the form's label too
    assert "pain_next_morning is not valid" not in page
    assert SessionRecord.objects.get(pk=session_id).pain_next_morning is None


def test_an_english_persons_out_of_range_morning_pain_names_the_field_by_its_label(
    owner_client: Client, owner_plan: PlanRecord, set_today: SetToday
) -> None:
    session_id = _logged_session(owner_client, owner_plan, set_today)

    response = owner_client.post(
        f"/sessions/{session_id}/next-morning", {"pain_next_morning": "11"}
    )

    assert response.status_code == 422
    assert "Pain this morning: must be a whole number 0-10" in _page(response)
    assert SessionRecord.objects.get(pk=session_id).pain_next_morning is None


# --- account -------------------------------------------------------------------------------------


def test_a_spanish_persons_wrong_password_on_deletion_reads_in_spanish_and_deletes_nothing(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")

    response = owner_client.post("/account", {"password": "not my password"})

    assert response.context["form"].errors["password"] == [
        "Su contraseña, para confirmar: no coincide; la cuenta no se eliminó"
    ]
    assert User._default_manager.filter(pk=owner.pk).exists()


def test_a_spanish_persons_unknown_time_zone_reads_in_spanish_and_stores_nothing(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")

    response = owner_client.post("/account", {"form": "time_zone", "time_zone": "Mars/Olympus"})

    page = _page(response)
    assert response.status_code == 422
    assert "Zona horaria: 'Mars/Olympus' no es una zona horaria que esta aplicación conozca" in page
    assert "is not a time zone this app knows" not in page
    owner.refresh_from_db()
    assert owner.profile.time_zone == ""


def test_a_taken_username_reads_in_the_browsers_spanish_on_sign_up() -> None:
    make_user("ana_taken")
    make_user("someone_else")  # not the first run: sign-up is open
    client = Client(headers={"Accept-Language": "es"})

    response = client.post(
        "/signup", {"username": "ana_taken", "password": "a long enough pass phrase 42"}
    )

    page = _page(response)
    assert "Nombre de usuario: ya está en uso; elija otro" in page
    assert "already taken" not in page
    assert User._default_manager.filter(username="ana_taken").count() == 1


# --- messages ------------------------------------------------------------------------------------


@pytest.fixture
def pair() -> tuple[Any, Any, str]:
    person = make_user("pia_person")
    clinician = make_role("cleo_clinician", "clinician")
    return person, clinician, str(make_link(clinician, person).id)


def test_a_spanish_persons_too_long_message_reads_in_spanish_with_spanish_numbers(
    pair: Any,
) -> None:
    person, _, link = pair
    language_set(person, language="es")
    text = "long words " * 400

    response = logged_in(person).post(
        f"/messages/{link}", {"body": text, "client_id": "form-000001"}
    )

    page = _page(response)
    assert response.status_code == 422
    assert "Mensaje: como máximo 4\xa0000 caracteres (este tiene 4\xa0399)" in page
    assert Message.objects.count() == 0


def test_a_spanish_persons_unknown_about_reads_in_spanish(pair: Any) -> None:
    person, _, link = pair
    language_set(person, language="es")

    response = logged_in(person).post(
        f"/messages/{link}",
        {"body": "Hola", "client_id": "form-000002", "about": "exercise:no_such_thing"},
    )

    assert response.status_code == 422
    assert "Sobre: elija uno de los ejercicios, registros o puntuaciones" in _page(response)
    assert Message.objects.count() == 0


def test_the_api_422_for_the_same_refused_about_keeps_its_english_shape(pair: Any) -> None:
    person, _, link = pair
    language_set(person, language="es")
    api = Client(headers={"Authorization": f"Bearer {staff_token(person, 'phone')}"})
    body = {
        "client_id": "api-msg-0001",
        "body": "Hola",
        "about": {"kind": "exercise", "ref": "no_such_thing"},
    }

    response = api.post(
        f"/api/v1/conversations/{link}/messages",
        json.dumps(body),
        content_type="application/json",
    )

    said = "choose one of the listed exercises, logs or scores, or nothing"
    assert response.status_code == 422
    assert response.json()["problems"] == [f"About: {said}"]
    assert response.json()["fields"] == [{"field": "About", "message": said}]
    assert Message.objects.count() == 0


def test_the_api_422_asked_in_spanish_keeps_its_field_id_and_words_the_message() -> None:
    person = make_user("pia_person")
    link = str(make_link(make_role("cleo_clinician", "clinician"), person).id)
    api = Client(
        headers={
            "Authorization": f"Bearer {staff_token(person, 'phone')}",
            "Accept-Language": "es",
        }
    )
    body = {"client_id": "api-msg-0002", "body": "Hola", "about": {"kind": "log", "ref": "x"}}

    response = api.post(
        f"/api/v1/conversations/{link}/messages",
        json.dumps(body),
        content_type="application/json",
    )

    assert response.status_code == 422
    [pair] = response.json()["fields"]
    assert pair["field"] == "About"
    assert pair["message"].startswith("elija uno de los ejercicios")


# --- the core's shapes at the edge ---------------------------------------------------------------


def test_the_cores_message_shapes_are_worded_in_spanish_and_unknown_ones_kept() -> None:
    from hipalign.web.refusal_words import message_words

    with translation.override("es"):
        assert message_words("write something to send") == "escriba algo para enviar"
        assert (
            message_words("at most 4,000 characters (this one has 12,345)")
            == "como máximo 4\xa0000 caracteres (este tiene 12\xa0345)"
        )
        assert message_words("something the table does not know") == (
            "something the table does not know"
        )
    with translation.override("en"):
        assert message_words("at most 4,000 characters (this one has 12,345)") == (
            "at most 4,000 characters (this one has 12,345)"
        )


# --- check-in ------------------------------------------------------------------------------------


def test_a_spanish_persons_check_in_before_any_plan_reads_in_spanish_and_stores_nothing(
    owner: User, owner_client: Client
) -> None:
    from hipalign.adapters.db.models import CheckInRecord
    from tests.web.test_checkin import checkin_form

    language_set(owner, language="es")

    response = owner_client.post("/checkin", {**no_answers(), **checkin_form()})

    page = _page(response)
    assert "primero responda al cuestionario inicial" in page
    assert "check-in is not valid" not in page
    assert CheckInRecord.objects.count() == 0


def test_a_spanish_persons_wrong_care_code_reads_in_spanish_and_links_nobody(
    owner: User, owner_client: Client
) -> None:
    from hipalign.adapters.db.models import CareLink

    language_set(owner, language="es")

    answer = owner_client.post("/care", {"action": "redeem", "code": "ABCDE-12345"})

    page = html.unescape(answer.content.decode())
    assert answer.status_code == 422
    assert "no es válido o ha caducado; pida uno nuevo" in page
    assert "not valid or expired" not in page
    assert not CareLink.objects.filter(patient=owner).exists()
