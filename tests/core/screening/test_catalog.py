"""The catalog marks each question as asked every week or once (history only news can change)."""

import pytest
from pydantic import ValidationError

from hipalign.core.screening.catalog import (
    QUESTIONS,
    QUESTIONS_BY_ID,
    Question,
    carried_over,
    changed_question,
)

LIFETIME = [q for q in QUESTIONS if q.lifetime]


def test_cancer_history_is_asked_once_and_symptoms_now_every_week() -> None:
    assert QUESTIONS_BY_ID["cancer_history_or_weight_loss"].asked == "once"
    assert QUESTIONS_BY_ID["calf_swollen_warm_red"].asked == "every_week"
    assert QUESTIONS_BY_ID["hot_swollen_joint_fever"].asked == "every_week"


def test_only_a_stored_no_is_carried_over() -> None:
    cancer = QUESTIONS_BY_ID["cancer_history_or_weight_loss"]
    previous = {q.id: False for q in QUESTIONS} | {cancer.id: True}

    carried = carried_over(previous)

    assert cancer not in carried  # a yes is asked in full
    assert carried == tuple(q for q in LIFETIME if q is not cancer)
    assert carried_over({}) == ()  # never answered: asked in full


def test_the_changed_question_names_each_topic_in_plain_words() -> None:
    text = changed_question(LIFETIME)

    assert text.startswith("Has anything changed since you last told us about: ")
    for q in LIFETIME:
        assert q.topic is not None and q.topic in text
        assert q.id not in text


def test_a_question_asked_once_needs_a_topic() -> None:
    data = QUESTIONS_BY_ID["cancer_history_or_weight_loss"].model_dump() | {"topic": None}

    with pytest.raises(ValidationError, match="needs a topic"):
        Question.model_validate(data)


def test_every_question_cites_bibliography_entries() -> None:
    from hipalign.core.references import check_ids

    for q in QUESTIONS:
        assert q.refs, q.id
        assert check_ids(q.refs, q.id) == []


def test_only_emergency_and_urgent_questions_stop_at_once() -> None:
    from hipalign.core.screening.catalog import STOP_QUESTION_IDS, stops_at_once

    for q in QUESTIONS:
        assert (q.id in STOP_QUESTION_IDS) == (q.level in ("emergency", "urgent"))
        assert stops_at_once({q.id: True}) == (q.id in STOP_QUESTION_IDS)
        assert not stops_at_once({q.id: False})
    assert not stops_at_once({})
