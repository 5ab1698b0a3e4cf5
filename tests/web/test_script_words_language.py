"""The page scripts' own words in the reader's language (issue 20): the camera coach's status,
counts and messages, the rules document's view words and form cues, the demonstration buttons
and the device reminders' switch, from the pages' catalog (web/js_catalog.py). English readers
keep the scripts' English."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.posture import coach as core_coach
from hipalign.services.kernel.languages import language_set
from hipalign.web import coach
from hipalign.web.js_catalog import script_messages, script_words
from tests.web.test_i18n_content import words_block

SCRIPTS = Path(coach.__file__).parent / "static" / "hipalign" / "js"


def test_the_coach_words_follow_the_cores_rules_document() -> None:
    doc = core_coach.rules_document(["single_leg_balance"])

    assert {k: str(v) for k, v in coach.VIEW_WORDS.items()} == doc["view_words"]
    assert {k: str(v) for k, v in coach.CUE_SENTENCES.items()} == {
        c["id"]: c["sentence"] for c in doc["cues"]
    }


def test_the_rules_document_reads_in_spanish_with_the_same_rules() -> None:
    doc = core_coach.rules_document(["single_leg_balance"])

    with translation.override("es"):
        worded = coach.worded_rules(doc)

    assert worded["view_words"]["face_camera"] == "Póngase de frente a la cámara."
    assert {c["id"]: c["sentence"] for c in worded["cues"]}["pelvic_drop"].startswith(
        "Mantenga las caderas niveladas"
    )
    strip = [{k: v for k, v in c.items() if k != "sentence"} for c in worded["cues"]]
    assert strip == [{k: v for k, v in c.items() if k != "sentence"} for c in doc["cues"]]
    assert worded["rules"] == doc["rules"]


def test_every_word_the_coach_demo_and_reminder_scripts_show_is_marked() -> None:
    marked = set(script_messages())
    for message in (
        "Turn the camera off",
        "Holding: %(seconds)s s",
        "Counted by the camera: %(counts)s repetitions.",
        "Stop the movement",
        "Show your clinic's video",
        "Notifications are on for this device.",
    ):
        assert message in marked, message
    for name in ("coach_player.js", "demo.js", "reminders.js"):
        text = (SCRIPTS / name).read_text("utf-8")
        # No English sentence is set on the page outside gettext().
        assert not re.search(r"textContent = ['`][A-Za-z]", text), name


@pytest.mark.django_db
def test_a_spanish_today_page_carries_the_scripts_spanish_words(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    language_set(owner, language="es")

    page = owner_client.get("/today")
    words = words_block(page.content.decode())

    assert words["Turn the camera off"] == "Apagar la cámara"
    assert words["Holding: %(seconds)s s"] == "Manteniendo: %(seconds)s s"
    assert words["Turn notifications off"] == "Desactivar las notificaciones"
    assert words["Stop the movement"] == "Parar el movimiento"
    with translation.override("es"):
        assert script_words()["left"] == "izquierdo"
    player = json.loads(
        page.content.decode()
        .split('<script id="player-data" type="application/json">', 1)[1]
        .split("</script>", 1)[0]
    )
    assert player["coach"]["rules"]["view_words"]["side_on"] == "Póngase de lado a la cámara."
