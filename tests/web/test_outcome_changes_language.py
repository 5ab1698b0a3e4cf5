"""A score's change from baseline in the reader's language (issue 20): the core writes the
English sentence beside its numbers, the page words the numbers again through the catalog, so an
English reader gets the core's own sentence and a Spanish reader a Spanish one."""

import html
import itertools
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.outcomes.engine import Change, Measure, Score, change, default_measures
from hipalign.services.kernel.languages import language_set
from hipalign.web.outcome_words import change_words

STEPS = [0.0, 1.0, 1.5, 2.0, 7.3]


def _changes() -> list[tuple[Change, Measure]]:
    out = []
    for m in default_measures().values():
        scales = dict.fromkeys(m.scales, 40.0)
        for before, after in itertools.product(STEPS, STEPS):
            base = Score(
                measure=m.id,
                total=before,
                scales=scales,
                items={"climbing stairs": before},
                answered=1,
            )
            now = Score(
                measure=m.id,
                total=after,
                scales={k: v + after for k, v in scales.items()},
                items={"climbing stairs": after},
                answered=1,
            )
            out += [(c, m) for c in change(m, base, now)]
    return out


def test_every_change_worded_in_english_is_the_cores_own_sentence() -> None:
    changes = _changes()
    assert len(changes) > 50
    with translation.override("en"):
        for c, m in changes:
            assert change_words(c, m) == c.text


def test_every_change_is_worded_in_spanish() -> None:
    with translation.override("es"):
        for c, m in _changes():
            words = change_words(c, m)
            assert words.startswith("Su "), words
            for english in ("Your ", "improved", "got worse", "did not change", "noticeable"):
                assert english not in words, words


@pytest.mark.django_db
def test_a_spanish_person_reads_their_pain_change_in_spanish(
    owner: User, owner_client: Client, owner_plan: PlanRecord
) -> None:
    assert owner_client.post("/outcomes/nprs", {"pain": "3"}).status_code == 302
    english = html.unescape(owner_client.get("/progress").content.decode())
    language_set(owner, language="es")

    spanish = html.unescape(owner_client.get("/progress").content.decode())

    said = re.search(
        r"Your pain score (?:got worse|improved) by \d+ points? \(from \d+ to 3\); ", english
    )
    assert said, "no English change line"
    assert re.search(
        r"Su puntuación de dolor (?:empeoró|mejoró) \d+ puntos? \(de \d+ a 3\); ", spanish
    )
    # Neither the change list nor the advice after it, which quotes the change, is English.
    assert "Your pain score" not in spanish
    assert "Su puntuación de dolor" not in english
