"""What the scores suggest and Today's pain review, in the reader's language (issue 20): the
core writes the English advice; the page words the same decision again through the catalog, so
English reads the core's own sentence and Spanish its own."""

import html
import itertools
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.outcomes.engine import Change, Measure, change, default_measures, score
from hipalign.core.outcomes.review import outcome_review, structural_signs
from hipalign.core.progression import review_check
from hipalign.services.kernel.languages import language_set
from hipalign.web.outcome_words import outcome_review_words, pain_review_words, sign_words
from tests.core.conftest import make_intake

NPRS, PSFS = default_measures()["nprs"], default_measures()["psfs"]
ENGLISH = ("safety questions", "Keep going", "physical therapist", "orthopaedic", "Because of")

SIGN_INTAKES: dict[str, dict[str, Any]] = {
    "leg": {"findings": {"leg_length_difference_mm": 25}},
    "leg_half": {"findings": {"leg_length_difference_mm": 22.5}},
    "faber": {"findings": {"faber": {"left": "groin_pain", "right": "negative"}}},
    "surgery": {"hip_precautions": "posterior_approach"},
}


def _signs() -> list[list[str]]:
    return [structural_signs(make_intake(**over)) for over in SIGN_INTAKES.values()]


def _changes(pain: tuple[int, int], psfs: tuple[int, int]) -> list[tuple[Change, Measure]]:
    names = ["stairs", "walking", "sitting"]
    out = [
        (c, NPRS)
        for c in change(NPRS, score(NPRS, {"pain": pain[0]}), score(NPRS, {"pain": pain[1]}))
    ]
    base, now = (score(PSFS, dict.fromkeys(names, v)) for v in psfs)
    return out + [(c, PSFS) for c in change(PSFS, base, now)]


def test_every_structural_sign_the_core_names_is_worded_in_spanish() -> None:
    signs = [s for found in _signs() for s in found]
    assert len(signs) == len(SIGN_INTAKES)  # each intake gives its one sign
    with translation.override("es"):
        for sign in signs:
            assert sign_words(sign) != sign, sign
    with translation.override("en"):
        assert [sign_words(s) for s in signs] == signs


@settings(max_examples=300, deadline=None)
@given(
    week=st.integers(1, 12),
    pain=st.tuples(st.integers(0, 10), st.integers(0, 10)),
    psfs=st.tuples(st.integers(0, 10), st.integers(0, 10)),
    signs=st.sampled_from([[], *_signs(), [s for found in _signs()[1:] for s in found]]),
)
def test_the_scores_advice_reads_the_cores_english_and_a_spanish_of_its_own(
    week: int, pain: tuple[int, int], psfs: tuple[int, int], signs: list[str]
) -> None:
    changes = _changes(pain, psfs)
    review = outcome_review(week, [c for c, _ in changes], signs)
    worse = [(c, m) for c, m in changes if c.worse]
    with translation.override("en"):
        assert outcome_review_words(review, worse) == review.text
    with translation.override("es"):
        spanish = outcome_review_words(review, worse)
    for english in ENGLISH:
        assert english not in spanish, spanish


def test_every_pain_review_reads_the_cores_english_and_a_spanish_of_its_own() -> None:
    actions = set()
    for week, base, now in itertools.product(range(1, 10), range(11), range(11)):
        review = review_check(week, base, now)
        actions.add(review.action)
        with translation.override("en"):
            assert pain_review_words(review) == review.text
        with translation.override("es"):
            spanish = pain_review_words(review)
        assert not any(english in spanish for english in ENGLISH), spanish
    assert actions == {"continue", "rescreen_now", "see_physio", "see_physio_or_doctor"}


@pytest.mark.django_db
def test_a_spanish_person_reads_the_questionnaires_and_the_advice_in_spanish(
    owner: User, owner_client: Client, owner_plan: PlanRecord
) -> None:
    english = html.unescape(owner_client.get("/outcomes").content.decode())
    assert "Pain rating (NPRS)" in english and "Answer for the last 24 hours." in english
    language_set(owner, language="es")

    page = html.unescape(owner_client.get("/outcomes").content.decode())
    for spanish in (
        "Valoración del dolor (NPRS)",
        "Cuánto le duele la cadera",
        "Responda pensando en las últimas 24 horas.",
        "Piense en el dolor de cadera de las últimas 24 horas.",
        "Actividades que le importan (PSFS)",
    ):
        assert spanish in page, spanish
    for english in ("Pain rating", "How much your hip pain", "Activities that matter"):
        assert english not in page, english

    # Saved from the Spanish page: the same record as from the English one, then the advice.
    assert owner_client.post("/outcomes/nprs", {"pain": "9"}).status_code == 302
    page = html.unescape(owner_client.get("/outcomes").content.decode())
    assert "Lo que indican sus puntuaciones:" in page
    assert "Responda ahora de nuevo a las preguntas de seguridad" in page
    assert "Answer the safety questions" not in page and "Your pain score" not in page
