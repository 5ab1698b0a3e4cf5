"""The intake contract hipalign.intake/1: strict, closed, every screening question answered."""

import json
from typing import Any

import pytest

from hipalign.core.errors import InputError, parse_json_document
from hipalign.core.intake import Intake
from hipalign.core.screening.catalog import QUESTION_IDS
from tests.core.conftest import intake_doc, make_intake


def _parse(doc: dict[str, Any]) -> Intake:
    return parse_json_document(Intake, json.dumps(doc), "intake")


def _problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as info:
        _parse(doc)
    assert info.value.what == "intake"
    return info.value.problems


def _problem_for(problems: list[str], path: str) -> str:
    """The one problem line about `path`; fails when there is none or more than one."""
    hits = [p for p in problems if p.startswith(f"{path}:")]
    assert len(hits) == 1, f"expected one problem for {path!r}, got {problems}"
    return hits[0]


def test_minimal_intake_is_valid_and_fills_defaults() -> None:
    intake = _parse(intake_doc())
    assert intake.age == 40
    assert intake.screening == dict.fromkeys(QUESTION_IDS, False)
    assert intake.pain.now == 0
    assert intake.pain.side == "none"
    assert intake.minutes_per_session == 20
    assert intake.sessions_per_week == 3
    assert intake.cleared_by_clinician is False
    assert intake.pregnant is False
    assert intake.pregnancy_weeks == 0


def test_make_intake_merges_nested_overrides_without_losing_siblings() -> None:
    intake = make_intake(pain={"now": 4}, screening={"constant_night_pain": True})
    assert intake.pain.now == 4
    assert intake.flagged("constant_night_pain")
    # the other answers of the minimal document are still there
    assert set(intake.screening) == set(QUESTION_IDS)
    assert sum(intake.screening.values()) == 1


def test_unknown_top_level_field_is_rejected_naming_the_field() -> None:
    problems = _problems(intake_doc(favourite_colour="blue"))
    assert "remove it" in _problem_for(problems, "favourite_colour")


def test_unknown_nested_field_is_rejected_with_its_full_path() -> None:
    problems = _problems(intake_doc(pain={"yesterday": 3}))
    assert "unknown field" in _problem_for(problems, "pain.yesterday")


def test_age_given_as_a_string_is_rejected_not_coerced() -> None:
    problems = _problems(intake_doc(age="5"))
    line = _problem_for(problems, "age")
    assert "integer" in line
    assert '(got "5")' in line


def test_pain_given_as_a_string_is_rejected_not_coerced() -> None:
    problems = _problems(intake_doc(pain={"now": "3"}))
    assert "integer" in _problem_for(problems, "pain.now")


@pytest.mark.parametrize(
    ("override", "path", "shown"),
    [
        ({"age": 9}, "age", "(got 9)"),
        ({"age": 111}, "age", "(got 111)"),
        ({"pain": {"now": 11}}, "pain.now", "(got 11)"),
        ({"pain": {"worst_week": -1}}, "pain.worst_week", "(got -1)"),
        ({"minutes_per_session": 4}, "minutes_per_session", "(got 4)"),
        ({"minutes_per_session": 91}, "minutes_per_session", "(got 91)"),
        ({"sessions_per_week": 15}, "sessions_per_week", "(got 15)"),
        ({"sessions_per_week": 0}, "sessions_per_week", "(got 0)"),
        (
            {"findings": {"leg_length_difference_mm": 101.0}},
            "findings.leg_length_difference_mm",
            "(got 101.0)",
        ),
    ],
)
def test_out_of_range_value_is_rejected_naming_the_field_and_the_value(
    override: dict[str, Any], path: str, shown: str
) -> None:
    line = _problem_for(_problems(intake_doc(**override)), path)
    assert shown in line


@pytest.mark.parametrize(
    "override",
    [
        {"age": 10},
        {"age": 110},
        {"pain": {"now": 10, "worst_week": 0}},
        {"minutes_per_session": 5},
        {"minutes_per_session": 90},
        {"sessions_per_week": 1},
        {"sessions_per_week": 14},
    ],
)
def test_values_at_the_edges_of_their_range_are_accepted(override: dict[str, Any]) -> None:
    intake = _parse(intake_doc(**override))
    key, value = next(iter(override.items()))
    if isinstance(value, dict):
        assert getattr(intake, key).model_dump(include=set(value)) == value
    else:
        assert getattr(intake, key) == value


def test_pregnant_without_weeks_is_rejected_with_a_message_about_weeks() -> None:
    problems = _problems(intake_doc(pregnancy={"pregnant": True}))
    assert "weeks" in _problem_for(problems, "pregnancy")


def test_pregnant_with_weeks_is_accepted_and_reports_the_weeks() -> None:
    intake = _parse(intake_doc(pregnancy={"pregnant": True, "weeks": 20}))
    assert intake.pregnant is True
    assert intake.pregnancy_weeks == 20


def test_not_pregnant_needs_no_weeks_and_counts_zero_weeks() -> None:
    intake = _parse(intake_doc(pregnancy={"pregnant": False}))
    assert intake.pregnant is False
    assert intake.pregnancy_weeks == 0


def test_unanswered_screening_questions_are_rejected_and_listed_by_id() -> None:
    doc = intake_doc()
    missing = [QUESTION_IDS[0], QUESTION_IDS[-1]]
    for q in missing:
        del doc["screening"][q]
    line = _problem_for(_problems(doc), "screening")
    assert "unanswered" in line
    for q in missing:
        assert q in line
    answered = [q for q in QUESTION_IDS if q not in missing]
    unanswered_part = line.split("unanswered:", 1)[1]
    assert not any(q in unanswered_part.split(", ") for q in answered)


def test_empty_screening_lists_every_question_as_unanswered() -> None:
    doc = intake_doc()
    doc["screening"] = {}
    line = _problem_for(_problems(doc), "screening")
    for q in QUESTION_IDS:
        assert q in line


def test_unknown_screening_question_id_is_rejected_naming_it() -> None:
    problems = _problems(intake_doc(screening={"likes_cats": True}))
    line = _problem_for(problems, "screening")
    assert "likes_cats" in line
    assert "unknown question" in line


def test_screening_answer_must_be_a_boolean() -> None:
    q = QUESTION_IDS[0]
    problems = _problems(intake_doc(screening={q: "no"}))
    assert "boolean" in _problem_for(problems, f"screening.{q}")


def test_duplicate_symptom_is_rejected() -> None:
    problems = _problems(intake_doc(symptoms=["hip_pain", "low_back_pain", "hip_pain"]))
    assert "only once" in _problem_for(problems, "symptoms")


def test_duplicate_equipment_is_rejected() -> None:
    problems = _problems(intake_doc(equipment=["mat", "mat"]))
    assert "only once" in _problem_for(problems, "equipment")


def test_unknown_symptom_is_rejected_at_its_list_position() -> None:
    problems = _problems(intake_doc(symptoms=["hip_pain", "toothache"]))
    assert "toothache" in _problem_for(problems, "symptoms[1]")


@pytest.mark.parametrize("schema", ["hipalign.intake/2", "hipalign.plan/1", ""])
def test_wrong_schema_tag_is_rejected(schema: str) -> None:
    problems = _problems(intake_doc(schema=schema))
    assert "hipalign.intake/1" in _problem_for(problems, "schema")


def test_missing_required_fields_are_each_reported() -> None:
    problems = _problems({"schema": "hipalign.intake/1"})
    assert "required" in _problem_for(problems, "age").lower()
    assert "required" in _problem_for(problems, "screening").lower()


def test_several_problems_are_all_reported_in_one_error() -> None:
    with pytest.raises(InputError) as info:
        _parse(intake_doc(age=9, pain={"now": 11}, sessions_per_week=15))
    assert len(info.value.problems) == 3
    assert "3 problems" in str(info.value)


def test_text_that_is_not_json_is_reported_with_its_position() -> None:
    with pytest.raises(InputError) as info:
        parse_json_document(Intake, '{"age": 40,', "intake")
    assert len(info.value.problems) == 1
    assert "not valid JSON at line 1" in info.value.problems[0]


def test_a_json_array_is_rejected_as_not_an_object() -> None:
    with pytest.raises(InputError) as info:
        parse_json_document(Intake, "[]", "intake")
    assert info.value.problems == ["(document): must be a JSON object"]


def test_per_side_findings_are_read_by_side() -> None:
    intake = make_intake(findings={"trendelenburg": {"left": "positive"}})
    assert intake.findings.trendelenburg is not None
    assert intake.findings.trendelenburg.get("left") == "positive"
    assert intake.findings.trendelenburg.get("right") is None
