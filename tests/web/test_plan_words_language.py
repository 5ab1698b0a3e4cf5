"""The plan document's own sentences in the reader's language (issue 20, services/program/plan_words.py): the
planner writes English into the stored document; the plan page, Today and the report word it
again for a Spanish reader, and an English reader keeps the document's words."""

import html
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from hipalign.core import words as product_words
from hipalign.core.assessment import PATTERN_INFO
from hipalign.core.errors import parse_json_document
from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.planner import generate_plan
from hipalign.core.progression import decide
from hipalign.services.kernel.languages import language_set
from hipalign.services.program import habit_words, plan_words
from tests.core.test_progression import make_log
from tests.web.test_onboarding import onboarding_form

GOLDEN = Path(__file__).parents[1] / "core" / "planning" / "golden" / "plans_main.json"
# Reasons this module words (a clinician's stay as the clinician wrote them).
COVERED_WHY = {"pattern", "general", "lead_side", "dose", "answer", "substitute"}


def page_text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_a_spanish_person_reads_the_plans_own_sentences_in_spanish(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")
    owner_client.post("/onboarding", onboarding_form(pain_side="left"))

    page = page_text(owner_client.get("/plan"))

    for spanish in (
        "hipalign es una ayuda para decidir, no un diagnóstico.",
        "No se ha observado ningún patrón funcional",
        "Forma parte de un programa general y equilibrado",
        "<strong>Marcha en el sitio</strong>, 60 s: Colóquese junto a una encimera",
        "Unos 2½ minutos de movimientos suaves",
        "<dd>de pie</dd>",
        "<strong>Izquierdo:</strong>",
        "con una pausa de 3 s en cada una",
        '<strong class="dayname">Lun</strong>',
        "Primera revisión: responda de nuevo",
        "regla de hipalign, a confirmar por su profesional sanitario",
        "Autor sin nombre (artículo web)",
    ):
        assert spanish in page, spanish
    for english in (
        "decision support",
        "general balanced program",
        "March on the spot",
        "gentle moves next to a support",
        "<dd>standing</dd>",
        "<strong>Left:</strong>",
        "s pause each",
        '<strong class="dayname">Mon</strong>',
        "First review",
        "hipalign's rule, to be confirmed",
        "Unnamed author",
    ):
        assert english not in page, english


@pytest.mark.django_db
def test_an_english_person_keeps_the_plans_own_words(owner_client: Client) -> None:
    owner_client.post("/onboarding", onboarding_form(pain_side="left"))

    page = page_text(owner_client.get("/plan"))

    for english in (
        "hipalign is decision support, not a diagnosis.",
        "No functional pattern was found, so this is a general balanced program.",
        "<strong>March on the spot</strong>, 60 s: Stand next to a counter",
        "<dd>standing</dd>",
        "<strong>Left:</strong>",
        "3 s pause each",
        '<strong class="dayname">Mon</strong>',
        "hipalign's rule, to be confirmed by your clinician",
        "Unnamed author (web article)",
    ):
        assert english in page, english


@pytest.mark.django_db
def test_the_report_and_todays_reminder_read_in_spanish(owner: User, owner_client: Client) -> None:
    language_set(owner, language="es")
    owner_client.post("/onboarding", onboarding_form())

    report = page_text(owner_client.get("/report"))
    today = page_text(owner_client.get("/today"))

    for spanish in ("Informe de progreso de hipalign", "Patrones funcionales", "Constancia"):
        assert spanish in report, spanish
    for english in ("progress report", "Functional patterns", "Adherence", "Standing leg swings"):
        assert english not in report, english
    assert "Su sesión de hoy le está esperando." in today
    assert "Today's session is waiting for you." not in today


def _golden_plans() -> list[PlanDocument]:
    intakes = [p["intake"] for p in json.loads(GOLDEN.read_text("utf-8"))["plans"]]
    return [generate_plan(parse_json_document(Intake, json.dumps(i), "intake")) for i in intakes]


def _texts(doc: PlanDocument) -> list[tuple[str, str]]:
    """(English, Spanish) of every text of the kinds plan_words covers, in one plan."""
    out = [(doc.disclaimer, plan_words.text_words(doc.disclaimer))]
    out += [(p.text, plan_words.pattern_words(p)) for p in doc.patterns]
    out += [(e.detail, plan_words.text_words(e.detail)) for p in doc.patterns for e in p.evidence]
    out += [(ln.reason, plan_words.lesson_link_words(ln)["reason"]) for ln in doc.lessons]
    out += [(ln.title, plan_words.lesson_link_words(ln)["title"]) for ln in doc.lessons]
    body = doc.plan
    if body is None:
        return out
    for left in body.left_out:
        worded = plan_words.left_out_words(left.reason) or plan_words.text_words(left.reason)
        out.append((left.reason, worded))
    for habit in body.lifestyle:
        out.append((habit.reason, habit_words.habit_reason(habit)))
        out += list(zip(habit.checklist, plan_words.checklist_words(habit), strict=True))
    out.append((body.summary, plan_words.summary_words(body.summary)))
    out += [(r.what, plan_words.text_words(r.what)) for r in body.reviews]
    if body.balance is not None:
        out.append((body.balance.text, plan_words.text_words(body.balance.text)))
    for day in body.days:
        if day.warm_up is not None:
            out.append((day.warm_up.why, plan_words.text_words(day.warm_up.why)))
        for item in day.items:
            out += [(n, plan_words.text_words(n)) for n in item.notes]
            out += [
                (w.text, plan_words.why_words(w, doc.patterns))
                for w in item.why
                if w.kind in COVERED_WHY
            ]
    return out


def test_no_sentence_of_the_covered_kinds_stays_english_in_any_golden_plan() -> None:
    left: set[str] = set()
    with translation.override("es"):
        for doc in _golden_plans():
            for english, spanish in _texts(doc):
                left |= {
                    s
                    for s in plan_words._SENTENCE_END.split(english)
                    if len(s) > 12 and s in spanish
                }

    assert sorted(left) == [], "\n".join(sorted(left))


def test_the_pattern_words_follow_the_cores_patterns() -> None:
    assert set(plan_words.FINDINGS) == set(PATTERN_INFO)
    for pid, info in PATTERN_INFO.items():
        assert plan_words.FINDINGS[pid] == info.name.lower()
        assert plan_words.MEANINGS[pid] == info.meaning


@given(
    kind=st.sampled_from(["reps", "hold"]),
    sets=st.integers(1, 6),
    reps=st.integers(1, 30),
    hold_s=st.integers(0, 90),
    load=st.sampled_from(sorted(product_words.LOAD_WORDS)),
)
def test_every_dose_the_core_words_has_spanish_words(
    kind: str, sets: int, reps: int, hold_s: int, load: str
) -> None:
    english = product_words.dose_words(kind=kind, sets=sets, reps=reps, hold_s=hold_s, load=load)

    with translation.override("es"):
        spanish = plan_words.dose_phrase(english)

    assert spanish is not None, english
    for word in ("hold", "pause", "with", "each"):
        assert word not in spanish.split(), (english, spanish)


def test_every_reason_the_core_excludes_an_exercise_for_has_spanish_words() -> None:
    from hipalign.core.planning import constraints

    phrases = [why for why, _ in constraints.TAG_REASONS.values()]
    phrases += [constraints._OUTER_HIP_ADDUCTION[0], *constraints._PLANK_WHY.values()]
    phrases += [why for _, _, why in constraints._POSITION_LIMITS]
    phrases += [
        "needs a sturdy support or wall to hold for balance, which you did not list",
        "needs wall, which you did not list",
        "needs ankle weights, resistance band, which you did not list",
    ]

    with translation.override("es"):
        unknown = [p for p in phrases if plan_words._why_of(p) is None]

    assert unknown == []


@given(
    ex_id=st.sampled_from(sorted(default_library())),
    pains=st.lists(st.integers(0, 10), min_size=1, max_size=4),
    morning=st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=4, max_size=4),
    effort=st.integers(0, 10),
    full=st.booleans(),
    sharp=st.booleans(),
    top=st.booleans(),
    equipment=st.sampled_from([frozenset(), frozenset({"ankle_weights", "resistance_band"})]),
    regressed=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_every_progression_reason_has_spanish_words(
    ex_id: str,
    pains: list[int],
    morning: list[int | None],
    effort: int,
    full: bool,
    sharp: bool,
    top: bool,
    equipment: frozenset[str],
    regressed: bool,
) -> None:
    ex = default_library()[ex_id]
    rung = len(ex.ladder) - 1 if top else 0
    logs = [
        make_log(
            ex,
            f"l{i}",
            rung,
            pain_during=pain,
            pain_next_morning=morning[i],
            effort=effort,
            sharp_pain=sharp and i == len(pains) - 1,
            sets_done=ex.ladder[rung].sets if full else max(0, ex.ladder[rung].sets - 1),
        )
        for i, pain in enumerate(pains)
    ]
    decision = decide(
        ex, logs, equipment=equipment, previous_actions=("regress",) if regressed else ()
    )

    with translation.override("es"):
        left = [
            s
            for reason in decision.reasons
            for s in plan_words._SENTENCE_END.split(reason)
            if s in plan_words.text_words(reason)
        ]

    assert left == []


@pytest.mark.django_db
def test_learn_lists_the_plans_lessons_and_a_lesson_its_sources_in_spanish(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")
    owner_client.post("/onboarding", onboarding_form())

    learn = page_text(owner_client.get("/learn"))
    lesson = page_text(owner_client.get("/learn/how_the_hip_works"))
    today = page_text(owner_client.get("/today"))

    assert "La articulación, los músculos que trabaja su plan y cómo se relacionan." in learn
    assert "The joint, the muscles your plan works on" not in learn
    assert "Hart (artículo web)" in lesson and "(web article)" not in lesson
    main = today.split("<main", 1)[1].split("</main>", 1)[0]
    assert "{#" not in main and "coach_player.js" not in main  # no code comment shown
