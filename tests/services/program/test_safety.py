"""The safety stop as a service: what it stores, what it refuses, and when the card stands."""

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import AuditEvent, SafetyStop
from hipalign.core.errors import InputError
from hipalign.core.screening.catalog import QUESTIONS
from hipalign.services.program import checkins, safety
from tests.services.factories import MONDAY, all_counts, make_plan

pytestmark = pytest.mark.django_db

EMERGENCY = next(q for q in QUESTIONS if q.level == "emergency")
SEE_DOCTOR = next(q for q in QUESTIONS if q.level == "see_doctor")
ALL_NO = {q.id: False for q in QUESTIONS}


def test_a_stop_stores_the_answers_given_and_is_audited(owner: User) -> None:
    referral = safety.safety_stop_record(owner, {EMERGENCY.id: True}, MONDAY)

    rec = SafetyStop.objects.get(user=owner)
    assert (rec.answers, rec.referral_level, rec.performed_on) == (
        {EMERGENCY.id: True},
        "emergency",
        MONDAY,
    )
    assert referral.level == "emergency"
    assert AuditEvent.objects.filter(action="safety_stop.create", target=str(rec.id)).exists()


@pytest.mark.parametrize(
    "answers",
    [{SEE_DOCTOR.id: True}, {EMERGENCY.id: False}, {}, {"not_a_question": True}],
    ids=["see-doctor-only", "emergency-no", "nothing", "unknown-question"],
)
def test_a_stop_without_a_yes_that_needs_care_now_is_refused_and_stores_nothing(
    owner: User, answers: dict[str, bool]
) -> None:
    before = all_counts()

    with pytest.raises(InputError):
        safety.safety_stop_record(owner, answers, MONDAY)

    assert all_counts() == before


def test_the_card_stands_from_the_stop_until_a_check_in_without_a_sign(
    owner: User,
) -> None:
    assert safety.safety_card(owner) is None
    safety.safety_stop_record(owner, {EMERGENCY.id: True}, MONDAY)
    card = safety.safety_card(owner)

    checkins.checkin_record(owner, ALL_NO, 1, 1, MONDAY)

    assert card is not None and card.origin == "onboarding"
    assert card.referral.reasons[0].id == EMERGENCY.id
    assert safety.safety_card(owner) is None


def test_a_check_in_before_any_intake_needs_every_answer_and_pain_in_range(
    owner: User,
) -> None:
    safety.safety_stop_record(owner, {EMERGENCY.id: True}, MONDAY)
    before = all_counts()

    with pytest.raises(InputError) as missing:
        checkins.checkin_record(owner, {EMERGENCY.id: False}, 1, 1, MONDAY)
    with pytest.raises(InputError) as pain:
        checkins.checkin_record(owner, ALL_NO, 11, 1, MONDAY)

    assert any(SEE_DOCTOR.id in p for p in missing.value.problems)
    assert pain.value.problems == ["pain.now: a whole number from 0 to 10"]
    assert all_counts() == before


def test_a_plan_withheld_for_an_emergency_shows_the_card_until_a_check_in_clears_it(
    owner: User,
) -> None:
    make_plan(owner, screening={EMERGENCY.id: True})
    card = safety.safety_card(owner)

    checkins.checkin_record(owner, ALL_NO, 1, 1, MONDAY)

    assert card is not None and card.origin == "plan"
    assert safety.safety_card(owner) is None


def test_a_see_doctor_plan_shows_no_card(owner: User) -> None:
    make_plan(owner, screening={SEE_DOCTOR.id: True})

    assert safety.safety_card(owner) is None
