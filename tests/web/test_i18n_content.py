"""The shipped content on the pages in the reader's language (issue 20): a person who chose
Spanish reads the exercise names, summaries, steps and mistakes of the Spanish content files on
the plan cards, the exercise page and the player, and the safety questions of onboarding and the
check-in in Spanish; the ids and doses are the same in every language."""

import html
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.translation import override as translation_override

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.library import default_library
from hipalign.core.screening.catalog import questions_in
from hipalign.services.kernel.languages import language_set
from hipalign.services.program import plans

pytestmark = pytest.mark.django_db


def text_of(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def plan_exercises(rec: PlanRecord) -> list[str]:
    doc = plans.plan_document(rec)
    assert doc.plan is not None
    return sorted({it.exercise for d in doc.plan.days for it in d.items})


def test_the_plan_cards_show_the_spanish_exercise_words(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    english, spanish = default_library(), default_library("es")
    ids = plan_exercises(owner_plan)
    assert text_of(owner_client.get("/plan")).count(english[ids[0]].name) >= 1
    language_set(owner, language="es")

    page = text_of(owner_client.get("/plan"))

    for ex_id in ids:
        en, es = english[ex_id], spanish[ex_id]
        assert es.name != en.name, ex_id  # the test can tell the two apart
        assert es.name in page
        assert es.summary in page and en.summary not in page
        assert es.steps[0] in page and en.steps[0] not in page
        assert es.mistakes[0] in page and en.mistakes[0] not in page
        # The week's list of the day's exercises names them in Spanish too.
        assert f'<a href="#ex-{ex_id}">{en.name}</a>' not in page


def test_the_exercise_page_is_in_the_persons_language_with_the_same_dose(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    ex_id = plan_exercises(owner_plan)[0]
    en, es = default_library()[ex_id], default_library("es")[ex_id]
    before = owner_client.get(f"/exercises/{ex_id}")
    assert en.steps[0] in text_of(before)
    language_set(owner, language="es")

    page = text_of(owner_client.get(f"/exercises/{ex_id}"))

    assert f"<h1>{es.name}</h1>" in page
    for step in es.steps:
        assert step in page
    for english_step in en.steps:
        assert english_step not in page
    assert es.mistakes[-1] in page
    # What each source backs, in Spanish too (the references' own titles stay as published).
    for en_source, es_source in zip(en.sources, es.sources, strict=True):
        assert es_source.cite == en_source.cite
        assert es_source.supports in page and en_source.supports not in page
    assert owner_client.get("/exercises/no_such_exercise").status_code == 404


def test_the_players_exercise_names_are_spanish(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    language_set(owner, language="es")
    response = owner_client.get("/today")
    player = response.context["player"]
    assert player is not None
    spanish = default_library("es")
    names = {e["id"]: e["name"] for e in player["exercises"]}
    assert names and all(names[i] == spanish[i].name for i in names)
    # The script's "get ready" cue names the exercise as the page does.
    ready = [st for st in player["script"]["steps"] if st["kind"] == "get_ready"]
    assert ready and all(spanish[st["exercise"]].name in st["cue"] for st in ready)
    english = default_library()
    assert not any(english[i].name in json.dumps(player, ensure_ascii=False) for i in names)


def test_onboarding_asks_the_safety_questions_in_spanish(owner: User, owner_client: Client) -> None:
    language_set(owner, language="es")
    page = text_of(owner_client.get("/onboarding"))
    english = {q.id: q.question for q in questions_in("en")}
    for q in questions_in("es"):
        assert q.question != english[q.id]
        assert q.question in page
        assert english[q.id] not in page


def test_the_check_in_asks_the_safety_questions_in_spanish(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    language_set(owner, language="es")
    page = text_of(owner_client.get("/checkin"))
    english = {q.id: q.question for q in questions_in("en")}
    shown = [q for q in questions_in("es") if f'name="q_{q.id}"' in page]
    assert shown
    for q in shown:
        assert q.question in page and english[q.id] not in page


def test_onboarding_and_the_check_in_are_worded_in_spanish(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    language_set(owner, language="es")
    onboarding = text_of(owner_client.get("/onboarding"))
    for spanish in ("Cambiar sus respuestas", "Preguntas de seguridad", "¿Está embarazada?"):
        assert spanish in onboarding
    for english in ("Safety questions", "Are you pregnant?", "What do you notice?", ">Yes<"):
        assert english not in onboarding
    checkin = text_of(owner_client.get("/checkin"))
    assert "Control semanal" in checkin and "Guardar el control" in checkin
    assert "Weekly check-in" not in checkin and "Save check-in" not in checkin


def test_a_stop_for_a_warning_sign_reads_in_spanish(owner: User, owner_client: Client) -> None:
    from tests.web.test_onboarding import onboarding_form

    language_set(owner, language="es")
    question = next(q for q in questions_in("es") if q.id == "fall_cannot_bear_weight")
    response = owner_client.post(
        "/onboarding", onboarding_form(q_fall_cannot_bear_weight="yes"), follow=True
    )
    page = text_of(response)
    assert "Acuda a urgencias ahora" in page
    assert f"Ha respondido que sí a: {question.question}" in page
    assert question.action in page
    assert "You answered yes to" not in page and "What to do now" not in page


def words_block(page: str) -> dict[str, str]:
    start = page.index('<script id="hipalign-words" type="application/json">')
    body = page[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)  # type: ignore[no-any-return]


def test_the_players_script_words_and_cues_are_spanish(
    owner: User, owner_plan: PlanRecord, owner_client: Client
) -> None:
    english_page = owner_client.get("/today").content.decode()
    assert words_block(english_page) == {}  # English: the scripts keep their own words
    language_set(owner, language="es")
    response = owner_client.get("/today")
    words = words_block(response.content.decode())
    assert words["Get ready"] == "Prepárese"
    assert words["Next up: %(what)s (%(seconds)s s)."].startswith("A continuación")
    assert words["left side"] == "lado izquierdo"
    steps = response.context["player"]["script"]["steps"]
    cues = {st["kind"]: st["cue"] for st in steps}
    assert cues["get_ready"].startswith("Prepárese: ")
    assert cues["done"] == "Sesión terminada. ¡Buen trabajo!"
    # The warm-up's moves from the warm-up file's Spanish, by the move's id.
    warm = [st for st in steps if st["kind"] == "warm_up"]
    assert warm and warm[0]["move"] == "Marcha en el sitio"
    assert warm[0]["cue"].startswith("Calentamiento, 1 de 4: Marcha en el sitio. Colóquese")
    worded = [st["cue"] for st in steps if st["kind"] in ("reps", "hold")]
    assert worded and all(c.startswith(("Serie ", "Mantenga ")) for c in worded)
    # The same steps, times and order as in English: only the words changed.
    language_set(owner, language="en")
    english_steps = owner_client.get("/today")
    english_cues = {
        st["kind"]: st["cue"] for st in english_steps.context["player"]["script"]["steps"]
    }
    assert english_cues["get_ready"].startswith("Get ready: ")
    assert english_cues["warm_up"].startswith("Warm-up, ")
    assert [s["duration_s"] for s in steps] == [
        s["duration_s"] for s in english_steps.context["player"]["script"]["steps"]
    ]


def test_every_word_the_scripts_mark_is_in_the_catalog() -> None:
    from hipalign.web.js_catalog import script_messages

    marked = script_messages()
    assert "Get ready" in marked and "Save and continue" in marked and "Next" in marked
    with translation_override("es"):
        from hipalign.web.js_catalog import script_words

        words = script_words()
    untranslated = [m for m in marked if m not in words]
    assert untranslated == []
