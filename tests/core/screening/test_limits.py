"""Issue 13 screening rules (items 1-4): children's hips, pain intensity, postpartum, pelvic
girdle pain in pregnancy. Each test fails when its rule is removed."""

from typing import Any

import pytest
from pydantic import ValidationError

from hipalign.core.intake import Intake
from hipalign.core.references import bibliography
from hipalign.core.screening.limits import LIMITS
from hipalign.core.screening.rules import Referral, screen
from tests.core.conftest import flags, intake_doc, make_intake


def _screen(**overrides: Any) -> Referral:
    return screen(make_intake(**overrides))


def _ids(r: Referral) -> list[str]:
    return [x.id for x in r.reasons]


# --- 1. children and adolescents ----------------------------------------------------------


@pytest.mark.parametrize("symptom", ["hip_pain", "groin_pain", "thigh_pain", "knee_pain"])
@pytest.mark.parametrize("age", [10, 12, 15])
def test_hip_groin_thigh_or_knee_pain_under_16_sees_a_doctor_without_a_limp(
    age: int, symptom: str
) -> None:
    referral = _screen(age=age, symptoms=[symptom])
    assert "child_hip_or_knee_pain" in _ids(referral)
    assert referral.level == "see_doctor"
    assert referral.plan_withheld is True


def test_pain_given_only_as_a_number_under_16_also_sees_a_doctor() -> None:
    assert "child_hip_or_knee_pain" in _ids(
        _screen(age=14, pain={"now": 2, "worst_week": 3, "side": "left"})
    )


def test_the_childrens_message_says_why_in_plain_words_and_asks_for_a_doctor_this_week() -> None:
    reason = next(
        r
        for r in _screen(age=13, symptoms=["knee_pain"]).reasons
        if r.id == "child_hip_or_knee_pain"
    )
    assert "knee" in reason.text and "growth plate" in reason.text and "Perthes" in reason.text
    assert "this week" in reason.action
    assert "Peck" in reason.source and "2017" in reason.source


def test_a_child_cleared_by_a_clinician_gets_a_plan() -> None:
    referral = _screen(age=13, symptoms=["knee_pain"], cleared_by_clinician=True)
    assert referral.level == "see_doctor" and referral.plan_withheld is False


@pytest.mark.parametrize("age", [16, 17])
def test_from_16_hip_pain_without_a_limp_raises_no_childrens_reason(age: int) -> None:
    assert "child_hip_or_knee_pain" not in _ids(_screen(age=age, symptoms=["hip_pain"]))


def test_under_18_with_a_limp_still_sees_a_doctor() -> None:
    assert "young_person_with_limp" in _ids(_screen(age=17, symptoms=["limp"]))


def test_a_child_without_pain_or_hip_symptoms_raises_no_childrens_reason() -> None:
    assert "child_hip_or_knee_pain" not in _ids(_screen(age=12, symptoms=["hip_tightness"]))


# --- 2. pain intensity ----------------------------------------------------------------------


@pytest.mark.parametrize(("now", "worst"), [(7, 7), (0, 7), (3, 9), (10, 10)])
def test_pain_now_or_worst_this_week_of_7_or_more_is_at_least_see_physio(
    now: int, worst: int
) -> None:
    referral = _screen(pain={"now": now, "worst_week": worst, "side": "left"})
    assert "pain_high" in _ids(referral)
    assert referral.level == "see_physio"
    assert referral.plan_withheld is False


def test_pain_of_6_at_worst_raises_no_pain_reason() -> None:
    assert "pain_high" not in _ids(_screen(pain={"now": 6, "worst_week": 6, "side": "left"}))


def test_high_pain_does_not_lower_a_more_urgent_level() -> None:
    referral = _screen(
        pain={"now": 9, "worst_week": 9, "side": "left"}, screening=flags("calf_swollen_warm_red")
    )
    assert referral.level == "urgent"


def test_the_pain_reason_says_the_plan_starts_gently_only_at_8_or_more_at_rest() -> None:
    def action(now: int) -> str:
        r = _screen(pain={"now": now, "worst_week": 9, "side": "left"})
        return next(x.action for x in r.reasons if x.id == "pain_high")

    assert "easiest step" in action(8)
    assert "easiest step" not in action(7)


def test_pain_thresholds_are_data_with_irritability_sources() -> None:
    assert (LIMITS.pain.see_physio_from, LIMITS.pain.gentle_start_from) == (7, 8)
    assert LIMITS.pain.dynamic_strength_max == 5
    refs = bibliography()
    assert {"kelley2013_irritability", "silbernagel2007"} <= set(LIMITS.pain.sources)
    assert all(refs[r].year for r in LIMITS.pain.sources)


# --- 3. postpartum --------------------------------------------------------------------------


def _postpartum(weeks: int, caesarean: bool | None = None) -> dict[str, Any]:
    p: dict[str, Any] = {"pregnant": False, "postpartum_weeks": weeks}
    if caesarean is not None:
        p["caesarean"] = caesarean
    return {"pregnancy": p}


@pytest.mark.parametrize("weeks", [0, 6, 11])
def test_under_12_weeks_after_birth_is_see_physio_for_a_pelvic_floor_check(weeks: int) -> None:
    referral = _screen(**_postpartum(weeks))
    reason = next(r for r in referral.reasons if r.id == "postpartum_early")
    assert referral.level == "see_physio"
    assert "pelvic floor" in reason.action and "leaking" in reason.action


@pytest.mark.parametrize("weeks", [12, 30, 104])
def test_from_12_weeks_after_birth_no_postpartum_reason(weeks: int) -> None:
    assert "postpartum_early" not in _ids(_screen(**_postpartum(weeks, caesarean=True)))


def test_a_caesarean_under_8_weeks_is_named_with_its_plank_rule() -> None:
    action = next(
        r.action for r in _screen(**_postpartum(5, True)).reasons if r.id == "postpartum_early"
    )
    assert "caesarean" in action and "every kind of plank" in action
    later = next(
        r.action for r in _screen(**_postpartum(9, True)).reasons if r.id == "postpartum_early"
    )
    assert "caesarean" not in later


@pytest.mark.parametrize("weeks", [-1, 105])
def test_postpartum_weeks_outside_0_to_104_is_rejected_naming_the_field(weeks: int) -> None:
    with pytest.raises(ValidationError, match="postpartum_weeks"):
        Intake.model_validate(intake_doc(**_postpartum(weeks)))


def test_postpartum_fields_while_pregnant_are_rejected() -> None:
    doc = intake_doc(pregnancy={"pregnant": True, "weeks": 20, "postpartum_weeks": 3})
    with pytest.raises(ValidationError, match="only when pregnant is false"):
        Intake.model_validate(doc)


def test_caesarean_without_postpartum_weeks_is_rejected() -> None:
    with pytest.raises(ValidationError, match="caesarean needs postpartum_weeks"):
        Intake.model_validate(intake_doc(pregnancy={"pregnant": False, "caesarean": True}))


# --- 4. pelvic girdle pain in pregnancy -----------------------------------------------------


@pytest.mark.parametrize("symptom", ["groin_pain", "pubic_pain", "buttock_pain"])
def test_groin_pubic_or_buttock_pain_in_pregnancy_points_to_a_pelvic_health_physio(
    symptom: str,
) -> None:
    referral = _screen(pregnancy={"pregnant": True, "weeks": 24}, symptoms=[symptom])
    reason = next(r for r in referral.reasons if r.id == "pelvic_girdle_pain_pregnancy")
    assert "pelvic health physical therapist" in reason.action
    assert "Vleeming" in reason.source


def test_groin_pain_when_not_pregnant_is_not_pelvic_girdle_pain() -> None:
    assert "pelvic_girdle_pain_pregnancy" not in _ids(_screen(symptoms=["groin_pain"]))


def test_every_issue13_source_is_a_bibliography_entry() -> None:
    refs = bibliography()
    for ids in (
        LIMITS.children.sources,
        LIMITS.pain.sources,
        LIMITS.postpartum.sources,
        LIMITS.postpartum.caesarean_sources,
        LIMITS.pelvic_girdle.sources,
    ):
        assert all(i in refs for i in ids)
