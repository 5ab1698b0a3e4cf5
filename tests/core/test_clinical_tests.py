"""The clinician's test catalog, the Assessment document and its mapping onto intake findings."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipalign.core.clinical_tests import (
    CATALOG,
    PELVIC_WIDTH_MM,
    Assessment,
    ThomasSide,
    assessment_apply,
    assessment_derive,
    crest_gap_degrees,
    field_path,
    parse_path,
    thomas_result,
)
from hipalign.core.errors import InputError, validate_document
from hipalign.core.intake import Intake
from hipalign.core.planning.constraints import groin_pain_rules_out_end_range
from hipalign.core.references import bibliography
from tests.core.conftest import make_intake

DAY = "2026-03-02"


def assess(**tests: Any) -> Assessment:
    return validate_document(Assessment, {"performed_on": DAY, "tests": tests}, "assessment")


# --- catalog -------------------------------------------------------------------------------


def test_every_test_has_an_id_name_source_and_a_unit_and_range_for_numbers() -> None:
    assert len({t.id for t in CATALOG}) == len(CATALOG)
    for t in CATALOG:
        assert t.id and t.name and "CLINICAL.md 4" in t.source and t.how
        for m in t.measures:
            if m.kind == "number":
                assert m.unit and m.low < m.high, (t.id, m.key)
            elif m.kind == "choice":
                assert m.choices, (t.id, m.key)


def test_the_catalog_covers_the_tests_of_clinical_md_section_4() -> None:
    assert {t.id for t in CATALOG} == {
        "trendelenburg",
        "single_leg_stance",
        "thomas",
        "faber",
        "leg_length",
        "pelvic_crest",
        "plank",
        "side_plank",
        "hip_rom",
    }


def test_every_catalog_path_is_a_field_of_the_document_and_parses_back() -> None:
    for t in CATALOG:
        for side in ("left", "right") if t.per_side else (None,):
            for m in t.measures:
                path = field_path(t.id, side, m.key)
                assert parse_path(path) == (t.id, side, m.key)
    assert parse_path("tests.thomas.knee_deg") is None  # Thomas is per side
    assert parse_path("tests.plank.left.seconds") is None
    assert parse_path("tests.nope.left.x") is None


# --- validation ------------------------------------------------------------------------------


def test_an_out_of_range_value_names_the_field_and_the_range() -> None:
    with pytest.raises(InputError) as err:
        assess(thomas={"left": {"knee_deg": 200}})

    assert err.value.problems == ["tests.thomas.left.knee_deg: give 0-180 degrees (got 200)"]


def test_unknown_fields_and_wrong_types_are_refused() -> None:
    with pytest.raises(InputError) as err:
        assess(plank={"seconds": "30"}, faber={"middle": {"result": "negative"}})

    text = "\n".join(err.value.problems)
    assert "tests.plank.seconds" in text and "tests.faber.middle: unknown field" in text


def test_the_day_is_required_and_must_be_a_real_day() -> None:
    with pytest.raises(InputError, match="performed_on"):
        validate_document(Assessment, {"tests": {}}, "assessment")
    with pytest.raises(InputError, match="performed_on: give a real day"):
        validate_document(Assessment, {"performed_on": "2026-02-29"}, "assessment")
    assert validate_document(Assessment, {"performed_on": "2028-02-29"}, "assessment")


def test_a_leg_length_needs_its_method_and_a_crest_gap_its_high_side() -> None:
    with pytest.raises(InputError) as err:
        assess(leg_length={"difference_mm": 12}, pelvic_crest={"gap_mm": 8})

    assert err.value.problems[0].startswith("tests.leg_length.method: give blocks or tape")
    assert err.value.problems[1].startswith("tests.pelvic_crest.high_side: give left or right")


# --- derived results -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("thigh", "knee", "expected"),
    [
        (5.0, 90.0, "hip_flexor_tight"),  # thigh above horizontal
        (5.0, 50.0, "hip_flexor_tight"),  # both: the one-joint finding is the one recorded
        (-10.0, 60.0, "rectus_femoris_tight"),  # knee under 67 degrees
        (-10.0, 67.0, "normal"),
        (0.0, 80.0, "normal"),  # level with the horizontal is not above it
        (None, 66.0, "rectus_femoris_tight"),
        (None, None, None),
    ],
)
def test_the_thomas_result_follows_both_angles(
    thigh: float | None, knee: float | None, expected: str | None
) -> None:
    assert thomas_result(ThomasSide(thigh_deg=thigh, knee_deg=knee)) == expected


def test_a_crest_gap_of_10_mm_is_about_2_degrees() -> None:
    assert PELVIC_WIDTH_MM == 280
    assert crest_gap_degrees(10) == 2.0
    assert crest_gap_degrees(0) == 0.0
    assert crest_gap_degrees(100) <= 30


def test_a_rotation_gap_over_10_degrees_marks_the_smaller_hip_restricted() -> None:
    gap = assess(
        hip_rom={
            "left": {"internal_rotation": 20, "external_rotation": 45},
            "right": {"internal_rotation": 35, "external_rotation": 30},
        }
    )
    even = assess(hip_rom={"left": {"internal_rotation": 30}, "right": {"internal_rotation": 40}})

    got = assessment_apply(make_intake(), gap).findings.hip_rotation_restricted
    assert got is not None and (got.left, got.right) == (True, True)
    flat = assessment_apply(make_intake(), even).findings.hip_rotation_restricted
    assert flat is not None and (flat.left, flat.right) == (False, False)
    one_side = assess(hip_rom={"left": {"internal_rotation": 10}})
    assert assessment_apply(make_intake(), one_side).findings.hip_rotation_restricted is None


def test_a_flexion_gap_is_shown_but_restricts_no_rotation() -> None:
    a = assess(hip_rom={"left": {"flexion": 90}, "right": {"flexion": 120}})

    assert [(d.side, d.finding) for d in assessment_derive(a)] == [("left", "rom_side_gap")]
    assert assessment_apply(make_intake(), a).findings.hip_rotation_restricted is None


def test_a_flexion_gap_over_10_degrees_marks_the_smaller_hip_as_flexion_limited() -> None:
    gap = assess(hip_rom={"left": {"flexion": 90}, "right": {"flexion": 120}})
    even = assess(hip_rom={"left": {"flexion": 115}, "right": {"flexion": 120}})
    one_side = assess(hip_rom={"left": {"flexion": 90}})

    got = assessment_apply(make_intake(), gap).findings.hip_flexion_limited
    assert got is not None and (got.left, got.right) == (True, False)
    flat = assessment_apply(make_intake(), even).findings.hip_flexion_limited
    assert flat is not None and (flat.left, flat.right) == (False, False)
    assert assessment_apply(make_intake(), one_side).findings.hip_flexion_limited is None


def test_a_measured_flexion_limit_with_groin_pain_rules_out_end_range_flexion() -> None:
    a = assess(hip_rom={"left": {"flexion": 95}, "right": {"flexion": 125}})
    intake = make_intake(symptoms=["groin_pain"])

    assert not groin_pain_rules_out_end_range(intake)
    assert groin_pain_rules_out_end_range(assessment_apply(intake, a))


def test_the_assessment_lands_on_the_findings_with_a_clinician_source() -> None:
    a = assess(
        trendelenburg={"left": {"result": "positive", "lateral_pain": True}},
        single_leg_stance={"left": {"seconds": 4}, "right": {"seconds": 25}},
        thomas={"right": {"thigh_deg": 8, "knee_deg": 80}},
        faber={"right": {"result": "groin_pain"}},
        leg_length={"difference_mm": 12, "method": "blocks"},
        pelvic_crest={"gap_mm": 15, "high_side": "right"},
        plank={"seconds": 40},
        side_plank={"left": {"seconds": 20}},
    )

    f = assessment_apply(make_intake(), a).findings

    assert f.trendelenburg is not None and f.trendelenburg.left == "positive"
    assert f.lateral_pain_in_stance is not None and f.lateral_pain_in_stance.left is True
    assert f.single_leg_stance_s is not None
    assert (f.single_leg_stance_s.left, f.single_leg_stance_s.right) == (4, 25)
    assert f.thomas_test is not None and f.thomas_test.right == "hip_flexor_tight"
    assert f.thomas_test.left is None
    assert f.faber is not None and f.faber.right == "groin_pain"
    assert f.leg_length_difference_mm == 12
    assert f.pelvic_obliquity is not None
    assert (f.pelvic_obliquity.high_side, f.pelvic_obliquity.source) == ("right", "clinician")
    assert f.pelvic_obliquity.degrees == crest_gap_degrees(15)
    assert f.plank_hold_s == 40
    assert f.side_plank_hold_s is not None and f.side_plank_hold_s.left == 20


def test_a_side_not_tested_keeps_its_earlier_finding() -> None:
    before = make_intake(findings={"trendelenburg": {"left": "negative", "right": "positive"}})

    after = assessment_apply(before, assess(trendelenburg={"left": {"result": "positive"}}))

    assert after.findings.trendelenburg is not None
    assert (after.findings.trendelenburg.left, after.findings.trendelenburg.right) == (
        "positive",
        "positive",
    )


def test_clearance_and_hip_precautions_are_set_and_none_keeps_them() -> None:
    base = make_intake(cleared_by_clinician=True, hip_precautions="posterior_approach")

    kept = assessment_apply(base, assess())
    changed = assessment_apply(
        base,
        validate_document(
            Assessment,
            {"performed_on": DAY, "cleared_by_clinician": False, "hip_precautions": "none"},
            "assessment",
        ),
    )

    assert (kept.cleared_by_clinician, kept.hip_precautions) == (True, "posterior_approach")
    assert (changed.cleared_by_clinician, changed.hip_precautions) == (False, "none")


# --- properties ------------------------------------------------------------------------------


def _measure_value(m: Any) -> st.SearchStrategy[Any]:
    if m.kind == "number":
        return st.floats(m.low, m.high, allow_nan=False, allow_infinity=False)
    if m.kind == "yes_no":
        return st.booleans()
    return st.sampled_from(m.choices)


def _values(t: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={m.key: _measure_value(m) for m in t.measures})


def _tests() -> st.SearchStrategy[dict[str, Any]]:
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for t in CATALOG:
        if t.per_side:
            optional[t.id] = st.fixed_dictionaries(
                {}, optional={s: _values(t) for s in ("left", "right")}
            )
        else:
            optional[t.id] = _values(t)
    return st.fixed_dictionaries({}, optional=optional).map(_consistent)


def _consistent(tests: dict[str, Any]) -> dict[str, Any]:
    # The two cross-field rules: a leg length needs its method, a crest gap its high side.
    if "difference_mm" in tests.get("leg_length", {}):
        tests["leg_length"].setdefault("method", "tape")
    crest = tests.get("pelvic_crest", {})
    if crest.get("gap_mm", 0) > 0 and crest.get("high_side") in (None, "none"):
        crest["high_side"] = "left"
    return tests


BASE = make_intake(
    findings={
        "trendelenburg": {"left": "negative", "right": "negative"},
        "single_leg_stance_s": {"left": 111.0, "right": 222.0},
        "faber": {"left": "other_pain", "right": "other_pain"},
    }
)
SIDED = {
    # test id -> (measure, findings key)
    "trendelenburg": ("result", "trendelenburg"),
    "single_leg_stance": ("seconds", "single_leg_stance_s"),
    "faber": ("result", "faber"),
    "side_plank": ("seconds", "side_plank_hold_s"),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tests=_tests())
def test_any_valid_assessment_gives_a_valid_intake_with_each_side_on_its_side(
    tests: dict[str, Any],
) -> None:
    a = validate_document(Assessment, {"performed_on": DAY, "tests": tests}, "assessment")

    new = assessment_apply(BASE, a)

    assert Intake.model_validate(new.model_dump(mode="json", by_alias=True)) == new
    for test_id, (key, finding) in SIDED.items():
        for side in ("left", "right"):
            given_value = tests.get(test_id, {}).get(side, {}).get(key)
            got = getattr(new.findings, finding)
            before = getattr(BASE.findings, finding)
            expected = (
                given_value if given_value is not None else (before.get(side) if before else None)
            )
            assert (got.get(side) if got else None) == expected, (test_id, side)
    for side in ("left", "right"):
        thomas = tests.get("thomas", {}).get(side)
        got_thomas = new.findings.thomas_test.get(side) if new.findings.thomas_test else None
        assert got_thomas == (thomas_result(ThomasSide(**thomas)) if thomas else None)
    assert new.screening == BASE.screening and new.age == BASE.age


# --- issue 13: weeks since giving birth -----------------------------------------------------


def test_an_assessment_writes_weeks_since_birth_and_caesarean_to_the_intake() -> None:
    a = Assessment.model_validate(
        {"performed_on": "2026-03-02", "postpartum_weeks": 7, "caesarean": True}
    )
    out = assessment_apply(make_intake(), a)
    assert (out.postpartum_weeks, out.caesarean, out.pregnant) == (7, True, False)


def test_an_assessment_with_weeks_since_birth_for_a_pregnant_person_is_refused() -> None:
    a = Assessment.model_validate({"performed_on": "2026-03-02", "postpartum_weeks": 7})
    with pytest.raises(ValueError, match="only when pregnant is false"):
        assessment_apply(make_intake(pregnancy={"pregnant": True, "weeks": 20}), a)


def test_every_clinical_test_cites_known_bibliography_entries() -> None:
    known = bibliography()

    for test in CATALOG:
        assert test.refs, test.id
        assert all(r in known for r in test.refs), test.id
