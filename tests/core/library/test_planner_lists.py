"""The planner's pattern lists and base program live in the exercise entries (issue 15)."""

from hipalign.core.assessment import PATTERN_INFO
from hipalign.core.library import default_library, parse_library
from hipalign.core.library.catalog import base_program, pattern_exercises
from tests.core.library.test_catalog import SHIPPED, edited


def test_every_known_pattern_has_an_ordered_exercise_list_from_the_entries() -> None:
    lists = pattern_exercises(default_library())
    assert set(lists) == set(PATTERN_INFO)
    assert [ex for ex, _ in lists["abductor_weakness"]] == [
        "side_hip_abduction",
        "clamshell",
        "side_plank",
    ]


def test_the_base_program_is_read_in_rank_order_with_its_sources() -> None:
    rows = base_program(default_library())
    assert rows[0] == ("pelvic_tilt_standing", "control", ("seed_hip_exercises_four",))
    assert len(rows) == 8


def test_an_unknown_pattern_is_named_with_the_known_ones() -> None:
    files = edited('pattern = "abductor_weakness"', 'pattern = "abductor_weak"', "clamshell.toml")
    problems = parse_library(files)[1]
    assert any("clamshell.toml: patterns: unknown pattern 'abductor_weak'" in p for p in problems)


def test_two_exercises_with_one_rank_in_a_pattern_are_refused() -> None:
    text = SHIPPED["clamshell.toml"].replace("rank = 2", "rank = 1", 1)
    problems = parse_library({**SHIPPED, "clamshell.toml": text})[1]
    assert any("abductor_weakness rank 1 is" in p for p in problems)


def test_a_pattern_left_without_exercises_is_reported() -> None:
    text = SHIPPED["single_leg_balance.toml"]
    cut = text[: text.index("\n# CLINICAL.md 5")] + "\n"
    problems = parse_library({**SHIPPED, "single_leg_balance.toml": cut})[1]
    assert "pattern balance_deficit has no exercise (add [[patterns]] to one)" in problems


def test_an_intent_the_exercise_does_not_have_is_refused() -> None:
    files = edited(
        'intent = "strengthen"\nrank = 2', 'intent = "stretch"\nrank = 2', "clamshell.toml"
    )
    problems = parse_library(files)[1]
    assert any("clamshell.toml" in p and "intent must be one of" in p for p in problems)


def test_an_unknown_source_id_is_refused() -> None:
    files = edited('refs = ["preece2008"', 'refs = ["nobody1999"', "clamshell.toml")
    problems = parse_library(files)[1]
    assert any("clamshell.toml: patterns: frontal_asymmetry: refs" in p for p in problems)
