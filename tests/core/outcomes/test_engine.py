"""The questionnaire engine (CLINICAL.md 3): scoring, missing items, bad answers, change, data."""

import math
import re
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipalign.core.errors import InputError
from hipalign.core.outcomes.engine import (
    Measure,
    Score,
    change,
    default_measures,
    installed,
    measures_in,
    not_installed_reason,
    parse_measures,
    score,
)

M = default_measures()
ALL_IDS = {"nprs", "psfs", "hoos", "hoos12", "ihot12", "lefs"}
NOT_SHIPPED = ("hoos", "hoos12", "ihot12", "lefs")
HOOS_PARTS = {"symptoms": 5, "pain": 10, "adl": 17, "sport": 4, "qol": 4}
HOOS12_PARTS = {"pain": 4, "function": 4, "qol": 4}


def ids(part: str, count: int) -> list[str]:
    return [f"{part}{n}" for n in range(1, count + 1)]


def fill(parts: dict[str, int], value: int) -> dict[str, Any]:
    """Every item of every part answered `value`."""
    return {i: value for part, count in parts.items() for i in ids(part, count)}


def lefs(values: list[Any]) -> dict[str, Any]:
    return {f"q{n}": v for n, v in enumerate(values, start=1)}


def ihot(values: list[Any]) -> dict[str, Any]:
    return {f"q{n}": v for n, v in enumerate(values, start=1)}


def refused(measure_id: str, answers: dict[str, Any]) -> list[str]:
    """The problems of answers that must be refused."""
    with pytest.raises(InputError) as exc:
        score(M[measure_id], answers)
    assert exc.value.what == measure_id
    return exc.value.problems


def s(measure_id: str, answers: dict[str, Any]) -> Score:
    return score(M[measure_id], answers)


# --- 1. Worked examples -------------------------------------------------------------------


def test_nprs_is_the_single_rating() -> None:
    result = s("nprs", {"pain": 7})
    assert result == Score(measure="nprs", total=7.0, items={"pain": 7.0}, answered=1)


def test_nprs_accepts_both_ends_of_the_scale() -> None:
    assert s("nprs", {"pain": 0}).total == 0
    assert s("nprs", {"pain": 10}).total == 10


def test_nprs_without_an_answer_is_refused() -> None:
    assert refused("nprs", {}) == ["answers: at least 1 of 1 items must be answered (got 0)"]


def test_psfs_is_the_mean_of_three_activities_rounded_to_one_decimal() -> None:
    result = s("psfs", {"walking": 4, "stairs": 3, "running": 6})
    assert result.total == 4.3  # 13 / 3 = 4.33
    assert result.items == {"walking": 4.0, "stairs": 3.0, "running": 6.0}
    assert result.answered == 3
    assert result.scales == {}


def test_psfs_takes_five_activities() -> None:
    result = s("psfs", {"a walk": 10, "stairs": 0, "run": 5, "cycling": 7, "gardening": 2})
    assert result.total == 4.8  # 24 / 5
    assert result.answered == 5


@pytest.mark.parametrize("count", [0, 1, 2, 6])
def test_psfs_with_fewer_than_three_or_more_than_five_activities_is_refused(count: int) -> None:
    answers = {f"activity {n}": 5 for n in range(count)}
    assert refused("psfs", answers) == [f"answers: rate 3 to 5 activities (got {count})"]


def test_psfs_activity_rated_null_does_not_count() -> None:
    problems = refused("psfs", {"walking": 4, "stairs": 3, "running": None})
    assert problems == ["answers: rate 3 to 5 activities (got 2)"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_psfs_activity_name_empty_or_longer_than_60_characters_is_refused(name: str) -> None:
    problems = refused("psfs", {"walking": 4, "stairs": 3, name: 6})
    assert len(problems) == 1
    assert problems[0].startswith("answers: an activity name must be 1-60 characters (got ")


def test_psfs_activity_name_of_60_characters_is_accepted() -> None:
    name = "x" * 60
    assert s("psfs", {"walking": 4, "stairs": 3, name: 5}).items[name] == 5.0


def test_hoos_all_zeros_is_100_on_every_part_and_has_no_total() -> None:
    result = s("hoos", fill(HOOS_PARTS, 0))
    assert result.scales == dict.fromkeys(HOOS_PARTS, 100.0)
    assert result.total is None
    assert result.answered == 40


def test_hoos_all_fours_is_0_on_every_part() -> None:
    assert s("hoos", fill(HOOS_PARTS, 4)).scales == dict.fromkeys(HOOS_PARTS, 0.0)


def test_hoos_pain_with_half_its_items_answered_is_scored_from_those_answered() -> None:
    answers = fill(HOOS_PARTS, 0)
    for i in ids("pain", 10):
        del answers[i]
    answers |= {"pain1": 1, "pain2": 2, "pain3": 3, "pain4": 2, "pain5": 1}
    result = s("hoos", answers)
    assert result.scales["pain"] == 55.0  # 100 - 25 * 1.8
    assert result.answered == 35


def test_hoos_worked_example_of_every_part() -> None:
    answers = {
        **dict(zip(ids("symptoms", 5), [0, 1, 2, 3, 4], strict=True)),  # mean 2 -> 50
        **dict(zip(ids("pain", 10), [1, 1, 1, 1, 1, 2, 2, 2, 2, 2], strict=True)),  # 1.5 -> 62.5
        **dict.fromkeys(ids("adl", 17), 1),  # 1 -> 75
        **dict(zip(ids("sport", 4), [4, 4, 2, 2], strict=True)),  # 3 -> 25
        **dict(zip(ids("qol", 4), [0, 0, 0, 4], strict=True)),  # 1 -> 75
    }
    assert s("hoos", answers).scales == {
        "symptoms": 50.0,
        "pain": 62.5,
        "adl": 75.0,
        "sport": 25.0,
        "qol": 75.0,
    }


def test_hoos_pain_with_4_of_10_answered_is_refused_naming_pain_and_the_counts() -> None:
    answers = fill(HOOS_PARTS, 1)
    for i in ids("pain", 10)[4:]:
        del answers[i]
    assert refused("hoos", answers) == [
        "answers: pain needs at least 5 of its 10 items answered (got 4)"
    ]


def test_hoos_items_given_as_null_count_as_unanswered() -> None:
    answers = fill(HOOS_PARTS, 1) | dict.fromkeys(ids("pain", 10)[4:], None)
    assert refused("hoos", answers) == [
        "answers: pain needs at least 5 of its 10 items answered (got 4)"
    ]


@pytest.mark.parametrize(
    ("part", "enough", "count"),
    [("symptoms", 3, 5), ("adl", 9, 17), ("sport", 2, 4), ("qol", 2, 4)],
)
def test_hoos_part_needs_at_least_half_of_its_items(part: str, enough: int, count: int) -> None:
    answers = fill(HOOS_PARTS, 2)
    for i in ids(part, count)[enough:]:
        del answers[i]
    assert s("hoos", answers).scales[part] == 50.0
    del answers[f"{part}{enough}"]
    assert refused("hoos", answers) == [
        f"answers: {part} needs at least {enough} of its {count} items answered (got {enough - 1})"
    ]


def test_hoos_with_several_parts_short_reports_each_part() -> None:
    answers = {"pain1": 1}
    problems = refused("hoos", answers)
    assert len(problems) == 5
    assert {p.split()[1] for p in problems} == set(HOOS_PARTS)


def test_hoos12_parts_with_2_of_4_answered_are_scored() -> None:
    answers = {"pain1": 1, "pain3": 3, "function2": 0, "function4": 4, "qol1": 4, "qol2": 3}
    result = s("hoos12", answers)
    assert result.scales == {"pain": 50.0, "function": 50.0, "qol": 12.5}
    assert result.total is None
    assert result.answered == 6


def test_hoos12_part_with_1_of_4_answered_is_refused() -> None:
    answers = fill(HOOS12_PARTS, 2)
    for i in ["function1", "function2", "function3"]:
        del answers[i]
    assert refused("hoos12", answers) == [
        "answers: function needs at least 2 of its 4 items answered (got 1)"
    ]


def test_hoos12_full_answers() -> None:
    assert s("hoos12", fill(HOOS12_PARTS, 3)).scales == dict.fromkeys(HOOS12_PARTS, 25.0)


def test_ihot12_is_the_mean_of_its_12_items() -> None:
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 55.5, 44.5]  # 650 / 12 = 54.17
    result = s("ihot12", ihot(values))
    assert result.total == 54.2
    assert result.answered == 12


def test_ihot12_accepts_decimals_on_its_0_to_100_line() -> None:
    assert s("ihot12", ihot([55.5] * 12)).total == 55.5
    assert s("ihot12", ihot([0.0] * 6 + [100.0] * 6)).total == 50.0


def test_ihot12_with_11_items_is_refused() -> None:
    expected = ["answers: at least 12 of 12 items must be answered (got 11)"]
    assert refused("ihot12", ihot([50] * 11)) == expected
    assert refused("ihot12", ihot([50] * 11 + [None])) == expected


def test_lefs_is_the_sum_of_its_20_items() -> None:
    assert s("lefs", lefs([3] * 20)).total == 60
    assert s("lefs", lefs([0, 1, 2, 3, 4] * 4)).total == 40
    assert s("lefs", lefs([4] * 20)).total == 80
    assert s("lefs", lefs([0] * 20)).total == 0


def test_lefs_needs_all_20_items() -> None:
    expected = ["answers: at least 20 of 20 items must be answered (got 19)"]
    assert refused("lefs", lefs([4] * 19)) == expected
    assert refused("lefs", lefs([4] * 19 + [None])) == expected


# --- 2. Bad answers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure_id", "answers", "problem"),
    [
        ("nprs", {"pain": 11}, "answers.pain: must be a whole number from 0 to 10 (got 11)"),
        ("nprs", {"pain": -1}, "answers.pain: must be a whole number from 0 to 10 (got -1)"),
        ("nprs", {"pain": "3"}, "answers.pain: must be a whole number from 0 to 10 (got '3')"),
        ("nprs", {"pain": 2.5}, "answers.pain: must be a whole number from 0 to 10 (got 2.5)"),
        ("nprs", {"pain": True}, "answers.pain: must be a whole number from 0 to 10 (got True)"),
        (
            "hoos",
            fill(HOOS_PARTS, 1) | {"adl3": 5},
            "answers.adl3: must be a whole number from 0 to 4 (got 5)",
        ),
        (
            "hoos",
            fill(HOOS_PARTS, 1) | {"pain2": 2.5},
            "answers.pain2: must be a whole number from 0 to 4 (got 2.5)",
        ),
        (
            "lefs",
            lefs([2] * 19 + [-1]),
            "answers.q20: must be a whole number from 0 to 4 (got -1)",
        ),
        (
            "lefs",
            lefs([True] + [2] * 19),
            "answers.q1: must be a whole number from 0 to 4 (got True)",
        ),
        (
            "ihot12",
            ihot([50] * 11 + [100.5]),
            "answers.q12: must be a number from 0 to 100 (got 100.5)",
        ),
        (
            "ihot12",
            ihot([-0.1] + [50] * 11),
            "answers.q1: must be a number from 0 to 100 (got -0.1)",
        ),
        (
            "ihot12",
            ihot([False] + [50] * 11),
            "answers.q1: must be a number from 0 to 100 (got False)",
        ),
        (
            "ihot12",
            ihot(["50"] + [50] * 11),
            "answers.q1: must be a number from 0 to 100 (got '50')",
        ),
        (
            "psfs",
            {"walking": 4, "stairs": 3, "running": 11},
            "answers.running: must be a whole number from 0 to 10 (got 11)",
        ),
        (
            "psfs",
            {"walking": 4, "stairs": 3, "running": 6.5},
            "answers.running: must be a whole number from 0 to 10 (got 6.5)",
        ),
    ],
)
def test_bad_answer_is_refused_naming_the_item_and_what_is_allowed(
    measure_id: str, answers: dict[str, Any], problem: str
) -> None:
    assert refused(measure_id, answers) == [problem]


def test_unknown_item_is_refused_naming_it_and_the_items_allowed() -> None:
    assert refused("nprs", {"pain": 3, "ache": 2}) == [
        "answers.ache: not an item of nprs; items: pain"
    ]
    (problem,) = refused("hoos12", fill(HOOS12_PARTS, 1) | {"sport1": 1})
    assert problem.startswith("answers.sport1: not an item of hoos12; items: pain1, pain2")
    assert "function4" in problem


def test_unknown_lefs_item_q21_is_refused() -> None:
    (problem,) = refused("lefs", lefs([2] * 20) | {"q21": 2})
    assert problem.startswith("answers.q21: not an item of lefs")


def test_several_bad_answers_are_all_reported_at_once() -> None:
    answers = lefs([2] * 20) | {"q1": -1, "q2": "3", "q3": 2.5, "q4": True, "q21": 2}
    problems = refused("lefs", answers)
    assert len(problems) == 5
    assert [p.split(":")[0] for p in problems] == [
        "answers.q1",
        "answers.q2",
        "answers.q3",
        "answers.q4",
        "answers.q21",
    ]


def test_a_bad_answer_makes_the_error_message_name_the_measure() -> None:
    with pytest.raises(InputError) as exc:
        score(M["nprs"], {"pain": 11})
    assert exc.value.message == (
        "nprs is not valid: answers.pain: must be a whole number from 0 to 10 (got 11)"
    )


# --- 3. Change ----------------------------------------------------------------------------


def nprs_change(base: int, now: int) -> Any:
    (c,) = change(M["nprs"], s("nprs", {"pain": base}), s("nprs", {"pain": now}))
    return c


def test_nprs_8_to_5_is_better_by_3_and_meaningful() -> None:
    c = nprs_change(8, 5)
    assert (c.what, c.baseline, c.now, c.better_by) == ("total", 8, 5, 3)
    assert c.meaningful is True  # 3 >= 2 and 3 >= 30 % of 8 = 2.4
    assert c.worse is False
    assert "improved by 3 points" in c.text
    assert "from 8 to 5" in c.text
    assert "a change of 2 points or more" in c.text
    assert "30% of where you started" in c.text


def test_nprs_8_to_6_is_better_by_2_but_not_meaningful_as_2_is_under_30_percent() -> None:
    c = nprs_change(8, 6)
    assert c.better_by == 2
    assert c.meaningful is False  # 2 < 2.4
    assert c.worse is False


def test_nprs_3_to_1_is_meaningful() -> None:
    c = nprs_change(3, 1)
    assert c.better_by == 2
    assert c.meaningful is True  # 2 >= 0.9


def test_nprs_10_to_7_is_meaningful_at_exactly_30_percent() -> None:
    assert nprs_change(10, 7).meaningful is True  # 3 >= 3


def test_nprs_2_to_1_is_not_meaningful_as_1_is_under_2_points() -> None:
    assert nprs_change(2, 1).meaningful is False  # 1 >= 30 % of 2, but 1 < 2


def test_nprs_4_to_7_is_worse() -> None:
    c = nprs_change(4, 7)
    assert c.better_by == -3
    assert c.worse is True
    assert c.meaningful is False
    assert "got worse by 3 points" in c.text


def test_nprs_4_to_5_is_not_counted_as_worse() -> None:
    c = nprs_change(4, 5)
    assert c.worse is False
    assert "got worse by 1 point (" in c.text


def test_nprs_unchanged() -> None:
    c = nprs_change(5, 5)
    assert (c.better_by, c.meaningful, c.worse) == (0, False, False)
    assert "did not change" in c.text


def test_psfs_change_per_activity_and_total_in_plain_words() -> None:
    base = s("psfs", {"walking": 2, "stairs": 3, "running": 1})  # mean 2.0
    now = s("psfs", {"walking": 5, "stairs": 4, "running": 3})  # mean 4.0
    changes = {c.what: c for c in change(M["psfs"], base, now)}
    assert set(changes) == {"total", "walking", "stairs", "running"}
    assert {w: c.better_by for w, c in changes.items()} == {
        "total": 2,
        "walking": 3,
        "stairs": 1,
        "running": 2,
    }
    assert {w: c.meaningful for w, c in changes.items()} == {
        "total": True,
        "walking": True,
        "stairs": False,
        "running": True,
    }
    walking = changes["walking"].text
    assert "improved by 3 points" in walking
    assert "a change of 2 points or more is usually noticeable" in walking
    assert "walking" in walking
    assert "30%" not in walking  # the share of baseline is NPRS only
    assert "improved by 1 point (" in changes["stairs"].text


def test_psfs_lower_rating_is_worse_because_higher_is_better() -> None:
    base = s("psfs", {"walking": 6, "stairs": 6, "running": 6})
    now = s("psfs", {"walking": 4, "stairs": 5, "running": 6})
    changes = {c.what: c for c in change(M["psfs"], base, now)}
    assert changes["walking"].better_by == -2
    assert changes["walking"].worse is True
    assert changes["stairs"].worse is False
    assert "got worse by 2 points" in changes["walking"].text


def test_psfs_total_rising_by_2_points_from_a_rounded_mean_is_meaningful() -> None:
    # 1.33 -> 1.3 and 3.33 -> 3.3: the shown change is 2.0 and must count as reaching the MCID.
    base = s("psfs", {"walking": 1, "stairs": 1, "running": 2})
    now = s("psfs", {"walking": 3, "stairs": 3, "running": 4})
    (total,) = [c for c in change(M["psfs"], base, now) if c.what == "total"]
    assert (total.baseline, total.now, total.better_by) == (1.3, 3.3, 2.0)
    assert total.meaningful is True


def test_psfs_falling_by_2_points_from_a_rounded_mean_is_worse() -> None:
    base = s("psfs", {"walking": 3, "stairs": 3, "running": 4})
    now = s("psfs", {"walking": 1, "stairs": 1, "running": 2})
    (total,) = [c for c in change(M["psfs"], base, now) if c.what == "total"]
    assert total.worse is True


def test_psfs_activity_added_later_has_no_change_of_its_own() -> None:
    base = s("psfs", {"walking": 2, "stairs": 3, "running": 1})
    now = s("psfs", {"walking": 5, "stairs": 4, "cycling": 3})
    assert {c.what for c in change(M["psfs"], base, now)} == {"total", "walking", "stairs"}


def test_hoos_change_per_part_with_mcid_6_and_no_total() -> None:
    base = s("hoos", fill(HOOS_PARTS, 2))  # 50 everywhere
    answers = fill(HOOS_PARTS, 2)
    answers |= dict.fromkeys(ids("pain", 10), 1)  # 75: +25
    answers |= {"symptoms1": 1}  # mean 1.8 -> 55: +5
    answers |= {"qol1": 3}  # mean 2.25 -> 43.75 -> 43.8: -6.2
    now = s("hoos", answers)
    changes = {c.what: c for c in change(M["hoos"], base, now)}
    assert list(changes) == list(HOOS_PARTS)
    assert changes["pain"].better_by == 25
    assert changes["pain"].meaningful is True
    assert changes["symptoms"].better_by == 5
    assert changes["symptoms"].meaningful is False
    assert changes["qol"].better_by == -6.2
    assert changes["qol"].worse is True
    assert changes["adl"].better_by == 0
    assert "a change of 6 points or more is usually noticeable" in changes["pain"].text
    assert "pain score improved by 25 points" in changes["pain"].text


def test_hoos12_change_has_no_mcid_so_meaningful_is_none() -> None:
    base = s("hoos12", fill(HOOS12_PARTS, 2))
    now = s("hoos12", fill(HOOS12_PARTS, 1) | dict.fromkeys(ids("qol", 4), 3))
    changes = {c.what: c for c in change(M["hoos12"], base, now)}
    assert list(changes) == ["pain", "function", "qol"]
    assert all(c.meaningful is None for c in changes.values())
    assert changes["pain"].better_by == 25
    assert changes["pain"].worse is False
    assert changes["qol"].worse is True  # no MCID: any fall counts
    assert "no meaningful-change threshold is published" in changes["pain"].text
    assert "usually noticeable" not in changes["pain"].text


def test_lefs_change_uses_mcid_9_higher_is_better() -> None:
    base = s("lefs", lefs([2] * 20))  # 40
    c9 = change(M["lefs"], base, s("lefs", lefs([3] * 9 + [2] * 11)))[0]
    c8 = change(M["lefs"], base, s("lefs", lefs([3] * 8 + [2] * 12)))[0]
    assert (c9.better_by, c9.meaningful) == (9, True)
    assert (c8.better_by, c8.meaningful) == (8, False)


# --- 4. Data ------------------------------------------------------------------------------


def shipped_files() -> dict[str, str]:
    folder = resources.files("hipalign.core.outcomes") / "measures"
    return {f.name: f.read_text("utf-8") for f in folder.iterdir() if f.name.endswith(".toml")}


def test_every_shipped_measure_loads() -> None:
    measures, problems = parse_measures(shipped_files())
    assert problems == []
    assert set(measures) == ALL_IDS
    assert set(M) == ALL_IDS


@pytest.mark.parametrize("measure_id", sorted(ALL_IDS))
def test_every_measure_has_a_source_and_an_mcid_source(measure_id: str) -> None:
    m = M[measure_id]
    assert m.source.strip()
    assert m.mcid_source.strip()
    assert m.licence.strip()


def test_the_facts_of_each_measure() -> None:
    facts = {
        m.id: (m.scoring, m.scale, m.higher_is_better, m.mcid, m.mcid_fraction) for m in M.values()
    }
    assert facts == {
        "nprs": ("single", (0, 10), False, 2.0, 0.3),
        "psfs": ("mean", (0, 10), True, 2.0, None),
        "hoos": ("hoos", (0, 4), True, 6.0, None),
        "hoos12": ("hoos", (0, 4), True, None, None),
        "ihot12": ("mean", (0, 100), True, 13.0, None),
        "lefs": ("sum", (0, 4), True, 9.0, None),
    }
    assert M["hoos"].scales == HOOS_PARTS
    assert M["hoos12"].scales == HOOS12_PARTS
    assert M["psfs"].own_items == (3, 5)


def test_item_ids_of_each_measure() -> None:
    assert M["nprs"].item_ids() == ["pain"]
    assert M["psfs"].item_ids() == []
    assert len(M["hoos"].item_ids()) == 40
    assert M["hoos"].item_ids()[:6] == ["symptoms1", *ids("symptoms", 5)[1:], "pain1"]
    assert M["hoos12"].item_ids() == ids("pain", 4) + ids("function", 4) + ids("qol", 4)
    assert M["ihot12"].item_ids() == ids("q", 12)
    assert M["lefs"].item_ids() == ids("q", 20)


@pytest.mark.parametrize("measure_id", NOT_SHIPPED)
def test_measure_whose_wording_is_not_shipped_has_no_item_texts(measure_id: str) -> None:
    m = M[measure_id]
    assert m.text_shipped is False
    assert m.item == []
    text = shipped_files()[f"{measure_id}.toml"]
    assert "[[item]]" not in text
    assert not re.search(r"^\s*text\s*=", text, re.MULTILINE)


@pytest.mark.parametrize("measure_id", NOT_SHIPPED)
def test_not_shipped_measure_is_installed_only_with_texts_for_every_item(measure_id: str) -> None:
    m = M[measure_id]
    texts = {i: f"Question {i} as licensed" for i in m.item_ids()}
    assert installed(m) is False
    assert installed(m, {}) is False
    assert installed(m, texts) is True
    missing_one = dict(texts)
    del missing_one[m.item_ids()[-1]]
    assert installed(m, missing_one) is False


@pytest.mark.parametrize("measure_id", ["nprs", "psfs"])
def test_free_measures_are_installed_without_texts(measure_id: str) -> None:
    assert installed(M[measure_id]) is True
    assert M[measure_id].licence == "free"


def test_nprs_ships_its_question() -> None:
    assert [i.id for i in M["nprs"].item] == ["pain"]
    assert "0 to 10" in M["nprs"].item[0].text


@pytest.mark.parametrize("measure_id", NOT_SHIPPED)
def test_not_installed_reason_names_the_licence(measure_id: str) -> None:
    m = M[measure_id]
    reason = not_installed_reason(m)
    assert m.name in reason
    assert "licence" in reason
    assert m.licence in reason
    assert "--texts" in reason


def test_parse_measures_reports_a_file_whose_id_differs_from_its_name() -> None:
    _, problems = parse_measures({"pain.toml": shipped_files()["nprs.toml"]})
    assert problems == ["pain.toml: id 'nprs' must match the file name"]


def test_parse_measures_reports_a_hoos_scored_file_without_scales() -> None:
    text = shipped_files()["hoos.toml"]
    without = "\n".join(line for line in text.splitlines() if not line.startswith("scales"))
    assert without != text
    measures, problems = parse_measures({"hoos.toml": without})
    assert measures == {}
    assert len(problems) == 1
    assert problems[0].startswith("hoos.toml: ")
    assert "HOOS scoring needs `scales`" in problems[0]


def test_parse_measures_reports_invalid_toml_and_unknown_fields() -> None:
    nprs = shipped_files()["nprs.toml"]
    _, problems = parse_measures({"nprs.toml": nprs + "\noops = \n", "lefs.toml": "x = 1"})
    assert len(problems) >= 2
    assert any(p.startswith("nprs.toml: not valid TOML") for p in problems)
    assert any(p.startswith("lefs.toml: ") for p in problems)


def test_parse_measures_refuses_text_shipped_without_items() -> None:
    text = shipped_files()["lefs.toml"].replace("text_shipped = false", "text_shipped = true")
    _, problems = parse_measures({"lefs.toml": text})
    assert len(problems) == 1
    assert "text_shipped needs the items' text" in problems[0]


def test_measure_is_frozen() -> None:
    with pytest.raises(ValueError, match="frozen"):
        M["nprs"].mcid = 1.0  # type: ignore[misc]


# --- 5. Properties ----------------------------------------------------------------------

# The documented range of each fixed-item measure's scores (CLINICAL.md 3), written out here.
RANGES = {
    "nprs": (0, 10),
    "lefs": (0, 80),
    "ihot12": (0, 100),
    "hoos": (0, 100),
    "hoos12": (0, 100),
}


def _value(m: Measure) -> st.SearchStrategy[Any]:
    lo, hi = m.scale
    whole = st.integers(lo, hi)
    if hi <= 10:
        return whole
    return whole | st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def full_answers(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    measure_id = draw(st.sampled_from(sorted(RANGES)))
    m = M[measure_id]
    return measure_id, draw(st.fixed_dictionaries({i: _value(m) for i in m.item_ids()}))


@settings(max_examples=300, deadline=None)
@given(full_answers())
def test_full_valid_answers_always_score_within_the_documented_range(
    case: tuple[str, dict[str, Any]],
) -> None:
    measure_id, answers = case
    result = s(measure_id, answers)
    lo, hi = RANGES[measure_id]
    assert result.answered == len(answers)
    if measure_id.startswith("hoos"):
        assert result.total is None
        assert set(result.scales) == set(M[measure_id].scales)
        assert all(lo <= v <= hi for v in result.scales.values())
    else:
        assert result.total is not None
        assert lo <= result.total <= hi


@st.composite
def partial_hoos(draw: st.DrawFn) -> dict[str, Any]:
    """HOOS answers with at least half of each part answered, the rest left out or null."""
    answers: dict[str, Any] = {}
    for part, count in HOOS_PARTS.items():
        need = -(-count // 2)
        answered = draw(st.sets(st.integers(1, count), min_size=need, max_size=count))
        for n in range(1, count + 1):
            if n in answered:
                answers[f"{part}{n}"] = draw(st.integers(0, 4))
            elif draw(st.booleans()):
                answers[f"{part}{n}"] = None
    return answers


@settings(max_examples=200, deadline=None)
@given(partial_hoos())
def test_hoos_with_at_least_half_of_each_part_answered_always_scores(
    answers: dict[str, Any],
) -> None:
    result = s("hoos", answers)
    assert result.answered == sum(v is not None for v in answers.values())
    for part, value in result.scales.items():
        got = [v for k, v in answers.items() if k.rstrip("0123456789") == part and v is not None]
        assert value == math.floor((100 - 25 * sum(got) / len(got)) * 10 + 0.5 + 1e-9) / 10


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10), st.integers(0, 10))
def test_nprs_change_follows_the_two_part_rule(base: int, now: int) -> None:
    (c,) = change(M["nprs"], s("nprs", {"pain": base}), s("nprs", {"pain": now}))
    drop = base - now
    assert c.better_by == drop
    # integers: 30 % of base, compared as 10 * drop >= 3 * base to stay exact
    assert c.meaningful is (drop >= 2 and 10 * drop >= 3 * base)
    assert c.worse is (now - base >= 2)


def test_a_part_on_an_exact_half_rounds_up_as_by_hand() -> None:
    # qol answers 1, 1, 2, 3: mean 1.75 -> 100 - 43.75 = 56.25, shown 56.3 (round() gives 56.2)
    answers = {"qol1": 1, "qol2": 1, "qol3": 2, "qol4": 3}
    answers |= {f"symptoms{n}": 0 for n in range(1, 6)} | {f"pain{n}": 0 for n in range(1, 11)}
    answers |= {f"adl{n}": 0 for n in range(1, 18)} | {f"sport{n}": 0 for n in range(1, 5)}
    assert s("hoos", answers).scales["qol"] == 56.3


def test_psfs_activities_differing_only_by_spaces_are_one_activity() -> None:
    with pytest.raises(InputError) as exc:
        s("psfs", {"stairs": 3, " stairs ": 4, "walking": 5, "car": 6})
    assert exc.value.problems == ["answers: the activity 'stairs' is listed twice"]


def test_a_measure_in_spanish_changes_only_its_words() -> None:
    words = {"name": "", "what": "", "recall": "", "item": []}
    english, spanish = measures_in("en"), measures_in("es")
    assert english == default_measures()
    for mid, m in spanish.items():
        assert m.model_copy(update=words) == english[mid].model_copy(update=words), mid
        assert m.what != english[mid].what, mid
        assert [i.id for i in m.item] == [i.id for i in english[mid].item]
    assert spanish["nprs"].item[0].text.startswith("Piense en el dolor de cadera")
