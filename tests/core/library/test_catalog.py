"""The shipped exercise catalog and the validator that guards it."""

import re
from importlib import resources

import pytest

from hipalign.core.dosing import GUIDELINE_RANGES, dose_problems
from hipalign.core.library import (
    ADDITION_IDS,
    SEED_IDS,
    Library,
    LibraryError,
    default_library,
    parse_library,
    validate_default_library,
)
from hipalign.core.library.catalog import POSITION_IMPLIES
from hipalign.core.references import RULE, bibliography
from hipalign.core.vocab import LOAD_NEEDS

ENTRY = "side_hip_abduction"
ENTRY_FILE = f"{ENTRY}.toml"


def shipped_files() -> dict[str, str]:
    folder = resources.files("hipalign.core.library") / "exercises"
    return {
        f.name: f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.endswith(".toml")
    }


SHIPPED = shipped_files()
ALL_IDS = sorted(name.removesuffix(".toml") for name in SHIPPED)


def edited(old: str, new: str, name: str = ENTRY_FILE, *, count: int = 1) -> dict[str, str]:
    """Every shipped file, with `old` replaced by `new` in one of them (which must contain it)."""
    text = SHIPPED[name]
    assert old in text, f"{old!r} not in {name}; the test's edit no longer applies"
    return {**SHIPPED, name: text.replace(old, new, count)}


def problems_of(files: dict[str, str]) -> list[str]:
    return parse_library(files)[1]


# --- the shipped catalog ----------------------------------------------------------------------


def test_the_shipped_library_has_no_problems() -> None:
    assert validate_default_library() == []


def test_the_unedited_shipped_files_parse_without_problems() -> None:
    library, problems = parse_library(SHIPPED)
    assert problems == []
    assert sorted(library) == ALL_IDS


def test_the_default_library_is_loaded_once_and_keyed_by_id_in_order(library: Library) -> None:
    assert default_library() is library
    assert list(library) == ALL_IDS
    assert all(ex.id == key for key, ex in library.items())


@pytest.mark.parametrize("exercise_id", [*SEED_IDS, *ADDITION_IDS])
def test_every_seed_and_addition_exercise_is_present(library: Library, exercise_id: str) -> None:
    assert exercise_id in library


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_entry_explains_itself_and_cites_the_bibliography(
    library: Library, exercise_id: str
) -> None:
    ex = library[exercise_id]
    assert len(ex.steps) >= 3
    assert all(step.strip() for step in ex.steps)
    assert len(ex.mistakes) >= 1
    assert all(s.cite in bibliography() for s in ex.sources)
    assert any(s.cite != RULE for s in ex.sources)


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_ladder_rung_is_within_the_guideline_range(
    library: Library, exercise_id: str
) -> None:
    ex = library[exercise_id]
    assert (ex.primary_intent, ex.dose.kind) in GUIDELINE_RANGES
    for i, step in enumerate(ex.ladder):
        where = f"{ex.id} ladder[{i}]"
        assert (
            dose_problems(ex.primary_intent, ex.dose.kind, step.sets, step.reps, step.hold_s, where)
            == []
        )


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_entry_starts_inside_its_ladder_and_names_the_kit_its_loads_need(
    library: Library, exercise_id: str
) -> None:
    ex = library[exercise_id]
    assert 0 <= ex.dose.start < len(ex.ladder)
    kit = {*ex.equipment, *ex.optional_equipment}
    for step in ex.ladder:
        need = LOAD_NEEDS.get(step.load)
        assert need is None or need in kit


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_substitute_and_next_exercise_exists(library: Library, exercise_id: str) -> None:
    ex = library[exercise_id]
    for ref in (*ex.substitutes, *ex.next_exercises):
        assert ref in library
        assert ref != ex.id


def test_position_tags_follow_the_pregnancy_rules(library: Library) -> None:
    # CLINICAL.md section 2: no prone work at any stage, no supine work from week 13
    assert POSITION_IMPLIES == {
        "supine": ("pregnancy_after_week_13",),
        "prone": ("pregnancy",),
        "side_lying": ("side_lying",),
    }
    checked = 0
    for ex in library.values():
        if ex.position == "prone":
            assert "pregnancy" in ex.contraindications, ex.id
            checked += 1
        if ex.position == "supine":
            assert "pregnancy_after_week_13" in ex.contraindications, ex.id
            checked += 1
    assert checked >= 2


@pytest.mark.parametrize(
    ("exercise_id", "tag"),
    [
        # CLINICAL.md section 2, by name
        ("prone_hip_extension", "pregnancy"),
        ("it_band_stretch", "pregnancy"),
        ("isometric_hip_hold", "pregnancy_after_week_13"),
        ("hip_rotation_90", "pregnancy_after_week_13"),
        ("knee_to_chest", "pregnancy_after_week_13"),
        ("piriformis_stretch", "pregnancy_after_week_13"),
        ("pelvic_tilt_supine", "pregnancy_after_week_13"),
        ("glute_bridge", "pregnancy_after_week_13"),
        ("single_leg_plank", "pregnancy_after_week_13"),
        ("plank", "pregnancy_after_week_13"),
        ("side_plank", "pregnancy_after_week_13"),
    ],
)
def test_exercises_named_in_the_pregnancy_rules_carry_their_tag(
    library: Library, exercise_id: str, tag: str
) -> None:
    assert tag in library[exercise_id].contraindications


def test_side_hip_abduction_is_listed_as_strengthening_the_gluteus_medius(library: Library) -> None:
    # CLINICAL.md section 0 seed correction: a strengthening exercise, not a stretch
    ex = library["side_hip_abduction"]
    assert ex.primary_intent == "strengthen"
    assert "gluteus_medius" in ex.targets


# --- the validator on edited copies -----------------------------------------------------------


def test_a_missing_required_field_is_reported_and_the_entry_left_out() -> None:
    text = SHIPPED[ENTRY_FILE]
    without_steps, n = re.subn(r"^steps = \[.*?^\]\n", "", text, flags=re.S | re.M)
    assert n == 1
    library, problems = parse_library({**SHIPPED, ENTRY_FILE: without_steps})
    assert f"{ENTRY_FILE}: steps: Field required" in problems
    assert ENTRY not in library
    assert f"missing exercise: {ENTRY}" in problems


def test_an_unknown_contraindication_tag_is_reported() -> None:
    files = edited(
        'contraindications = ["side_lying", "lateral_hip_compression"]',
        'contraindications = ["side_lying", "full_moon", "lateral_hip_compression"]',
    )
    problems = problems_of(files)
    hits = [p for p in problems if p.startswith(f"{ENTRY_FILE}: contraindications.1:")]
    assert len(hits) == 1
    assert "lateral_hip_compression" in hits[0]  # the message lists the allowed tags


def test_a_dangling_substitute_is_reported() -> None:
    files = edited(
        'substitutes = ["standing_isometric_abduction",',
        'substitutes = ["no_such_exercise", "standing_isometric_abduction",',
    )
    assert problems_of(files) == [f"{ENTRY_FILE}: refers to unknown exercise 'no_such_exercise'"]


def test_a_dangling_next_exercise_is_reported() -> None:
    files = edited('next_exercises = ["side_plank"]', 'next_exercises = ["flying_plank"]')
    assert problems_of(files) == [f"{ENTRY_FILE}: refers to unknown exercise 'flying_plank'"]


def test_a_dose_out_of_the_guideline_range_is_reported_with_its_rung() -> None:
    # the second rung of side_hip_abduction is 1 set of 8; make it 40
    files = edited("sets = 1\nreps = 8\n", "sets = 1\nreps = 40\n")
    assert problems_of(files) == [
        f"{ENTRY_FILE}: ladder[1]: reps=40 is outside the strengthen guideline range 5-15"
    ]


def test_a_supine_entry_without_the_pregnancy_after_week_13_tag_is_reported() -> None:
    files = edited(
        'contraindications = ["pregnancy_after_week_13"]',
        "contraindications = []",
        name="pelvic_tilt_supine.toml",
    )
    assert problems_of(files) == [
        "pelvic_tilt_supine.toml: position supine needs contraindication tag "
        "'pregnancy_after_week_13'"
    ]


def test_a_prone_entry_without_the_pregnancy_tag_is_reported() -> None:
    files = edited(
        'contraindications = ["pregnancy", "hip_extension_past_neutral"]',
        'contraindications = ["hip_extension_past_neutral"]',
        name="prone_hip_extension.toml",
    )
    assert problems_of(files) == [
        "prone_hip_extension.toml: position prone needs contraindication tag 'pregnancy'"
    ]


def test_a_file_name_that_differs_from_the_id_is_reported() -> None:
    files = {k: v for k, v in SHIPPED.items() if k != ENTRY_FILE}
    files["side_leg_lift.toml"] = SHIPPED[ENTRY_FILE]
    assert problems_of(files) == [f"side_leg_lift.toml: file name must be the id ({ENTRY_FILE})"]


def test_a_duplicate_id_is_reported() -> None:
    files = {**SHIPPED, "copy.toml": SHIPPED[ENTRY_FILE]}
    problems = problems_of(files)
    assert f"{ENTRY_FILE}: duplicate id {ENTRY}" in problems


def test_an_ankle_weight_rung_without_ankle_weights_listed_is_reported(library: Library) -> None:
    files = edited(
        'optional_equipment = ["mat", "pillow", "ankle_weights"]',
        'optional_equipment = ["mat", "pillow"]',
    )
    rungs = [i for i, step in enumerate(library[ENTRY].ladder) if step.load == "ankle_weight"]
    assert rungs  # the entry must have ankle-weight rungs for this test to mean anything
    assert problems_of(files) == [
        f"{ENTRY_FILE}: ladder[{i}] uses ankle_weight but ankle_weights is not listed"
        for i in rungs
    ]


def test_frequency_outside_the_guideline_is_reported() -> None:
    files = edited("days_per_week = [2, 3]", "days_per_week = [2, 5]")
    assert problems_of(files) == [
        f"{ENTRY_FILE}: days_per_week 2-5 is outside the strengthen guideline 2-3"
    ]


def test_an_entry_citing_only_our_own_rule_is_reported() -> None:
    text = SHIPPED[ENTRY_FILE]
    cut = text.index("[[sources]]")
    only_rule = text[:cut] + '[[sources]]\ncite = "hipalign_rule"\nsupports = "everything"\n'
    problems = problems_of({**SHIPPED, ENTRY_FILE: only_rule})
    assert problems == [f"{ENTRY_FILE}: needs a source besides hipalign's own rule"]


def test_a_source_that_is_not_in_the_bibliography_is_reported() -> None:
    text = SHIPPED[ENTRY_FILE]
    cut = text.index("[[sources]]")
    unknown = text[:cut] + '[[sources]]\ncite = "a_textbook"\nsupports = "everything"\n'
    problems = problems_of({**SHIPPED, ENTRY_FILE: unknown})
    assert problems == [f"{ENTRY_FILE}: sources: unknown bibliography id 'a_textbook'"]


@pytest.mark.parametrize(
    ("exercise_id", "tag"),
    [
        ("leg_swings", "hip_extension_external_rotation"),
        ("hip_rotation_90", "hip_flexion_adduction_internal_rotation"),
    ],
)
def test_a_combined_movement_tag_without_its_parts_is_reported(exercise_id: str, tag: str) -> None:
    import re

    text = SHIPPED[f"{exercise_id}.toml"]
    m = re.search(r"^contraindications = \[(.*)\]$", text, re.M)
    assert m is not None
    part = {"hip_extension_external_rotation": "hip_external_rotation"}.get(
        tag, "hip_internal_rotation"
    )
    cut = m.group(0).replace(f', "{part}"', "").replace(f'"{part}", ', "")
    problems = problems_of({**SHIPPED, f"{exercise_id}.toml": text.replace(m.group(0), cut)})
    assert f"{exercise_id}.toml: tag {tag!r} needs tag {part!r} too" in problems


@pytest.mark.parametrize("exercise_id", ["side_hip_abduction", "clamshell", "side_plank"])
def test_a_side_lying_entry_without_the_side_lying_tag_is_reported(exercise_id: str) -> None:
    text = SHIPPED[f"{exercise_id}.toml"]
    problems = problems_of(
        {
            **SHIPPED,
            f"{exercise_id}.toml": text.replace(', "side_lying"', "").replace('"side_lying", ', ""),
        }
    )
    assert problems == [
        f"{exercise_id}.toml: position side_lying needs contraindication tag 'side_lying'"
    ]


def test_invalid_toml_is_reported_and_the_rest_still_parses() -> None:
    library, problems = parse_library({**SHIPPED, ENTRY_FILE: "id = = broken"})
    assert any(p.startswith(f"{ENTRY_FILE}: not valid TOML") for p in problems)
    assert "plank" in library
    assert ENTRY not in library


def test_a_missing_shipped_exercise_is_reported_by_id() -> None:
    files = {k: v for k, v in SHIPPED.items() if k != "clamshell.toml"}
    problems = problems_of(files)
    assert "missing exercise: clamshell" in problems
    # side_hip_abduction names clamshell as a substitute, which now dangles
    assert f"{ENTRY_FILE}: refers to unknown exercise 'clamshell'" in problems


def test_library_error_carries_every_problem() -> None:
    err = LibraryError(["a: one", "b: two"])
    assert err.problems == ["a: one", "b: two"]
    assert str(err) == "a: one\nb: two"
