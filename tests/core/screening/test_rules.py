"""Red-flag screening (CLINICAL.md section 1): levels, reasons and when the plan is withheld."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from hipalign.core.intake import Intake
from hipalign.core.references import cite_all
from hipalign.core.screening.catalog import QUESTIONS, QUESTIONS_BY_ID, Question
from hipalign.core.screening.rules import Referral, screen
from hipalign.core.vocab import REFERRAL_ORDER
from tests.core.conftest import flags, make_intake
from tests.core.planning.strategies import intakes

EMERGENCY_OR_URGENT = [q for q in QUESTIONS if q.level in ("emergency", "urgent")]
SEE_DOCTOR = [q for q in QUESTIONS if q.level == "see_doctor"]
SEE_DOCTOR_WITHOUT_SURGERY = [q for q in SEE_DOCTOR if q.id != "recent_hip_surgery"]


def _rank(level: str) -> int:
    return REFERRAL_ORDER.index(level)


def _screen(**overrides: Any) -> Referral:
    return screen(make_intake(**overrides))


def _reason_ids(referral: Referral) -> list[str]:
    return [r.id for r in referral.reasons]


def _reason(referral: Referral, reason_id: str) -> Any:
    hits = [r for r in referral.reasons if r.id == reason_id]
    assert len(hits) == 1, f"expected one reason {reason_id!r}, got {_reason_ids(referral)}"
    return hits[0]


def test_the_catalog_covers_every_question_of_clinical_section_1() -> None:
    # The table of CLINICAL.md section 1, with its levels.
    expected = {
        "fall_cannot_bear_weight": "emergency",
        "replacement_sudden_pain_or_deformity": "emergency",
        "hot_swollen_joint_fever": "emergency",
        "saddle_numbness_bladder_bowel": "emergency",
        "breathless_chest_pain_leg_swelling": "emergency",
        "calf_swollen_warm_red": "urgent",
        "worsening_leg_weakness_numbness": "urgent",
        "sudden_marked_worsening": "urgent",
        "cancer_history_or_weight_loss": "see_doctor",
        "constant_night_pain": "see_doctor",
        "immunosuppressed_steroids_iv_drugs": "see_doctor",
        "osteoporosis_pain_after_minor_fall": "see_doctor",
        "runner_groin_pain_hopping": "see_doctor",
        "recent_hip_surgery": "see_doctor",
        "pregnancy_warning_sign": "urgent",
    }
    assert {q.id: q.level for q in QUESTIONS} == expected


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_answering_yes_raises_at_least_the_question_level_with_a_reason_naming_it(
    question: Question,
) -> None:
    referral = _screen(screening=flags(question.id))
    assert _rank(referral.level) >= _rank(question.level)
    reason = _reason(referral, question.id)
    assert reason.level == question.level
    assert reason.action == question.action
    assert question.question in reason.text
    assert reason.source == cite_all(question.refs)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_answering_no_to_every_other_question_leaves_only_that_reason(question: Question) -> None:
    referral = _screen(screening=flags(question.id))
    assert _reason_ids(referral) == [question.id]
    assert referral.level == question.level


@pytest.mark.parametrize("question", EMERGENCY_OR_URGENT, ids=lambda q: q.id)
@pytest.mark.parametrize("cleared", [False, True])
def test_emergency_and_urgent_flags_withhold_the_plan_even_when_cleared(
    question: Question, cleared: bool
) -> None:
    referral = _screen(
        screening=flags(question.id), cleared_by_clinician=cleared, hip_precautions="none"
    )
    assert referral.plan_withheld is True
    assert "medical attention" in referral.withheld_because


def test_saddle_numbness_is_an_emergency_and_withholds_the_plan() -> None:
    referral = _screen(screening=flags("saddle_numbness_bladder_bowel"))
    assert referral.level == "emergency"
    assert referral.plan_withheld is True


@pytest.mark.parametrize("question", SEE_DOCTOR, ids=lambda q: q.id)
def test_see_doctor_flag_withholds_the_plan_until_a_clinician_clears_it(
    question: Question,
) -> None:
    referral = _screen(screening=flags(question.id), hip_precautions="none")
    assert referral.level == "see_doctor"
    assert referral.plan_withheld is True
    assert "doctor" in referral.withheld_because.lower()


@pytest.mark.parametrize("question", SEE_DOCTOR_WITHOUT_SURGERY, ids=lambda q: q.id)
def test_see_doctor_flag_gives_the_plan_once_cleared_by_a_clinician(question: Question) -> None:
    referral = _screen(screening=flags(question.id), cleared_by_clinician=True)
    assert referral.level == "see_doctor"
    assert referral.plan_withheld is False
    assert referral.withheld_because == ""


def test_recent_hip_surgery_withholds_the_plan_when_cleared_but_precautions_are_not_recorded() -> (
    None
):
    referral = _screen(screening=flags("recent_hip_surgery"), cleared_by_clinician=True)
    assert referral.plan_withheld is True
    assert "precautions" in referral.withheld_because


@pytest.mark.parametrize("precautions", ["posterior_approach", "anterior_approach", "none"])
def test_recent_hip_surgery_gives_the_plan_once_cleared_and_precautions_are_recorded(
    precautions: str,
) -> None:
    referral = _screen(
        screening=flags("recent_hip_surgery"),
        cleared_by_clinician=True,
        hip_precautions=precautions,
    )
    assert referral.level == "see_doctor"
    assert referral.plan_withheld is False


def test_recent_hip_surgery_with_precautions_but_not_cleared_still_withholds_the_plan() -> None:
    referral = _screen(screening=flags("recent_hip_surgery"), hip_precautions="posterior_approach")
    assert referral.plan_withheld is True
    assert "doctor" in referral.withheld_because.lower()


def test_level_is_the_most_urgent_of_several_flags_and_reasons_are_most_urgent_first() -> None:
    referral = _screen(
        screening=flags("constant_night_pain", "calf_swollen_warm_red"),
        findings={"leg_length_difference_mm": 25.0},
    )
    assert referral.level == "urgent"
    assert [r.level for r in referral.reasons] == ["urgent", "see_doctor", "see_physio"]
    assert set(_reason_ids(referral)) == {
        "constant_night_pain",
        "calf_swollen_warm_red",
        "leg_length_difference_large",
    }


def test_an_emergency_outranks_every_other_level() -> None:
    referral = _screen(
        screening=flags("recent_hip_surgery", "sudden_marked_worsening", "fall_cannot_bear_weight"),
        cleared_by_clinician=True,
        hip_precautions="none",
    )
    assert referral.level == "emergency"
    assert referral.plan_withheld is True
    assert referral.reasons[0].id == "fall_cannot_bear_weight"


def test_see_doctor_outranks_a_derived_see_physio_flag() -> None:
    referral = _screen(
        screening=flags("osteoporosis_pain_after_minor_fall"),
        findings={"faber": {"left": "groin_pain"}},
    )
    assert referral.level == "see_doctor"
    assert referral.plan_withheld is True


def test_cancer_history_with_night_pain_says_to_see_a_doctor_within_days() -> None:
    referral = _screen(screening=flags("cancer_history_or_weight_loss", "constant_night_pain"))
    assert "days" in _reason(referral, "cancer_history_or_weight_loss").action
    assert referral.level == "see_doctor"


def test_cancer_history_without_night_pain_keeps_the_catalog_action() -> None:
    referral = _screen(screening=flags("cancer_history_or_weight_loss"))
    action = _reason(referral, "cancer_history_or_weight_loss").action
    assert action == QUESTIONS_BY_ID["cancer_history_or_weight_loss"].action
    assert "days" not in action


def test_weakened_immunity_with_fever_becomes_an_emergency() -> None:
    referral = _screen(
        screening=flags("immunosuppressed_steroids_iv_drugs", "hot_swollen_joint_fever"),
        cleared_by_clinician=True,
    )
    reason = _reason(referral, "immunosuppressed_steroids_iv_drugs")
    assert reason.level == "emergency"
    assert "emergency" in reason.action.lower()
    assert referral.level == "emergency"
    assert referral.plan_withheld is True


def test_weakened_immunity_without_fever_stays_see_doctor() -> None:
    referral = _screen(screening=flags("immunosuppressed_steroids_iv_drugs"))
    assert _reason(referral, "immunosuppressed_steroids_iv_drugs").level == "see_doctor"
    assert referral.level == "see_doctor"


@pytest.mark.parametrize("age", [10, 15, 16, 17])
def test_a_limp_under_18_needs_a_doctor_and_is_out_of_scope(age: int) -> None:
    referral = _screen(age=age, symptoms=["limp"])
    reason = _reason(referral, "young_person_with_limp")
    assert reason.level == "see_doctor"
    assert str(age) in reason.text
    assert referral.level == "see_doctor"
    assert referral.plan_withheld is True


@pytest.mark.parametrize(("age", "orthopaedic"), [(10, True), (15, True), (16, False), (17, False)])
def test_a_limp_under_16_goes_to_a_childrens_orthopaedic_team(age: int, orthopaedic: bool) -> None:
    action = _reason(_screen(age=age, symptoms=["limp"]), "young_person_with_limp").action
    assert ("orthopaedic" in action) is orthopaedic


@pytest.mark.parametrize("age", [18, 40, 80])
def test_a_limp_from_18_raises_no_age_reason(age: int) -> None:
    referral = _screen(age=age, symptoms=["limp"])
    assert "young_person_with_limp" not in _reason_ids(referral)
    assert referral.level == "none"


def test_a_person_of_16_or_17_with_hip_pain_and_no_limp_raises_no_age_reason() -> None:
    # Under 16 any hip pain sees a doctor (issue 13, tests/core/screening/test_issue13.py).
    assert _screen(age=17, symptoms=["hip_pain"]).level == "none"


@pytest.mark.parametrize("age", [12, 19, 56, 80])
def test_low_back_pain_under_20_or_over_55_needs_a_doctor(age: int) -> None:
    referral = _screen(age=age, symptoms=["low_back_pain"])
    assert _reason(referral, "back_pain_age").level == "see_doctor"
    assert referral.level == "see_doctor"
    assert referral.plan_withheld is True


@pytest.mark.parametrize("age", [20, 40, 55])
def test_low_back_pain_from_20_to_55_raises_no_age_reason(age: int) -> None:
    referral = _screen(age=age, symptoms=["low_back_pain"])
    assert "back_pain_age" not in _reason_ids(referral)
    assert referral.level == "none"


def test_age_alone_without_back_pain_raises_nothing() -> None:
    assert _screen(age=70).reasons == []


@pytest.mark.parametrize("mm", [20.5, 21.0, 40.0])
def test_leg_length_difference_above_20_mm_goes_to_a_physio_and_keeps_the_plan(mm: float) -> None:
    referral = _screen(findings={"leg_length_difference_mm": mm})
    reason = _reason(referral, "leg_length_difference_large")
    assert reason.level == "see_physio"
    assert f"{mm:g} mm" in reason.text
    assert referral.level == "see_physio"
    assert referral.plan_withheld is False


@pytest.mark.parametrize("mm", [0.0, 10.0, 20.0])
def test_leg_length_difference_up_to_20_mm_raises_no_reason(mm: float) -> None:
    referral = _screen(findings={"leg_length_difference_mm": mm})
    assert referral.reasons == []


@pytest.mark.parametrize("side", ["left", "right"])
def test_groin_pain_on_faber_goes_to_a_physio(side: str) -> None:
    referral = _screen(findings={"faber": {side: "groin_pain"}})
    assert _reason(referral, "groin_pain_on_test").level == "see_physio"
    assert referral.level == "see_physio"
    assert referral.plan_withheld is False


@pytest.mark.parametrize("result", ["negative", "other_pain"])
def test_faber_without_groin_pain_raises_no_reason(result: str) -> None:
    referral = _screen(findings={"faber": {"left": result, "right": result}})
    assert "groin_pain_on_test" not in _reason_ids(referral)


@pytest.mark.parametrize("side", ["left", "right"])
def test_lateral_hip_pain_in_single_leg_stance_goes_to_a_physio(side: str) -> None:
    referral = _screen(findings={"lateral_pain_in_stance": {side: True}})
    assert _reason(referral, "lateral_hip_pain_single_leg").level == "see_physio"
    assert referral.level == "see_physio"


def test_no_lateral_pain_in_stance_raises_no_reason() -> None:
    referral = _screen(findings={"lateral_pain_in_stance": {"left": False, "right": False}})
    assert referral.reasons == []


@pytest.mark.parametrize(("left", "right"), [(4.9, 30.0), (30.0, 0.0), (2.0, 3.0)])
def test_single_leg_stance_under_5_seconds_marks_a_fall_risk(left: float, right: float) -> None:
    referral = _screen(findings={"single_leg_stance_s": {"left": left, "right": right}})
    assert _reason(referral, "fall_risk_single_leg_stance").level == "see_physio"
    assert referral.plan_withheld is False


def test_single_leg_stance_of_exactly_5_seconds_is_not_a_fall_risk() -> None:
    referral = _screen(findings={"single_leg_stance_s": {"left": 5.0, "right": 5.0}})
    assert "fall_risk_single_leg_stance" not in _reason_ids(referral)


def test_single_leg_stance_measured_on_one_side_only_is_judged_on_that_side() -> None:
    referral = _screen(findings={"single_leg_stance_s": {"right": 3.0}})
    assert "fall_risk_single_leg_stance" in _reason_ids(referral)


@pytest.mark.parametrize("weeks", [8, 13, 30])
def test_pregnancy_asks_to_check_with_the_midwife_but_keeps_the_plan(weeks: int) -> None:
    referral = _screen(pregnancy={"pregnant": True, "weeks": weeks})
    assert _reason(referral, "pregnancy_evaluate_first").level == "see_physio"
    assert referral.level == "see_physio"
    assert referral.plan_withheld is False


def test_not_pregnant_raises_no_pregnancy_reason() -> None:
    referral = _screen(pregnancy={"pregnant": False})
    assert referral.reasons == []


def test_pregnancy_warning_sign_withholds_the_plan_during_pregnancy() -> None:
    referral = _screen(
        pregnancy={"pregnant": True, "weeks": 20}, screening=flags("pregnancy_warning_sign")
    )
    assert referral.level == "urgent"
    assert referral.plan_withheld is True
    assert _reason_ids(referral) == ["pregnancy_warning_sign", "pregnancy_evaluate_first"]


def test_no_flags_gives_level_none_and_a_plan() -> None:
    referral = _screen()
    assert referral.level == "none"
    assert referral.reasons == []
    assert referral.plan_withheld is False
    assert referral.withheld_because == ""


def test_symptoms_without_red_flags_give_level_none() -> None:
    referral = _screen(
        symptoms=["hip_pain", "hip_tightness", "lateral_hip_pain", "knee_pain"],
        pain={"now": 5, "worst_week": 6, "side": "left"},
    )
    assert referral.level == "none"
    assert referral.plan_withheld is False


def test_screen_answers_reads_a_partial_set_of_answers_up_to_the_stop() -> None:
    from hipalign.core.screening.rules import screen_answers

    first = QUESTIONS[0]
    got = screen_answers({first.id: True})

    assert got.level == first.level and got.plan_withheld
    assert [r.id for r in got.reasons] == [first.id]
    assert screen_answers({first.id: False}).level == "none"


def test_screen_answers_applies_the_same_combination_rules_as_screen() -> None:
    from hipalign.core.screening.rules import screen_answers

    answers = {"hot_swollen_joint_fever": True, "immunosuppressed_steroids_iv_drugs": True}

    got = screen_answers(answers)

    assert {r.id: r.level for r in got.reasons} == {
        "hot_swollen_joint_fever": "emergency",
        "immunosuppressed_steroids_iv_drugs": "emergency",
    }


@given(doc=intakes())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_reason_cites_its_sources_from_the_bibliography(doc: dict[str, Any]) -> None:
    """Issue 14.6: a reason's source reads as references (authors, year, title, link) made
    by cite(), never a raw string with an internal pointer."""
    from hipalign.core.references import bibliography, cite

    cited = sorted((cite(r) for r in bibliography()), key=len, reverse=True)
    reasons = screen(Intake.model_validate(doc)).reasons
    for reason in reasons:
        rest = reason.source
        for text in cited:
            rest = rest.replace(text, "")
        assert rest.replace(";", "").strip() == "", (reason.id, reason.source)
