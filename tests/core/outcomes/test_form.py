"""Any measure as a form, and a posted form read back (core/outcomes/form.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipalign.core.errors import InputError
from hipalign.core.outcomes.engine import default_measures, score
from hipalign.core.outcomes.form import measure_form, read_form

MEASURES = default_measures()


@pytest.mark.parametrize("measure_id", sorted(MEASURES))
def test_every_shipped_measure_has_a_form_with_its_range(measure_id: str) -> None:
    m = MEASURES[measure_id]
    form = measure_form(m)
    assert form.rows, measure_id
    assert all((r.answer.low, r.answer.high) == m.scale for r in form.rows)
    assert form.recall == m.recall


def test_the_0_to_100_line_takes_any_number_and_ratings_whole_ones() -> None:
    assert measure_form(MEASURES["ihot12"]).rows[0].answer.step == "any"
    assert measure_form(MEASURES["nprs"]).rows[0].answer.step == "1"


def test_a_named_activity_is_asked_again_as_a_fixed_row() -> None:
    form = measure_form(MEASURES["psfs"], activities=["stairs", "car", "garden"])
    assert [r.activity.value for r in form.rows if r.activity] == ["stairs", "car", "garden"]
    assert all(r.activity_fixed and r.answer.required for r in form.rows)


def test_an_answer_out_of_range_names_the_items_label_not_its_id() -> None:
    with pytest.raises(InputError) as err:
        read_form(MEASURES["nprs"], {"pain": "12"})
    assert err.value.problems == [
        "Your hip pain over the last 24 hours: give a whole number from 0 to 10 (you gave '12')"
    ]


def test_a_psfs_rating_without_an_activity_name_is_refused() -> None:
    with pytest.raises(InputError) as err:
        read_form(MEASURES["psfs"], {"activity_0": "", "rating_0": "4"})
    assert err.value.problems == ["Activity 1: name the activity you rate"]


@given(st.integers(0, 10))
def test_any_whole_number_in_range_reads_back_to_the_same_score(pain: int) -> None:
    answers = read_form(MEASURES["nprs"], {"pain": str(pain)})
    assert score(MEASURES["nprs"], answers).total == pain


@given(st.text(max_size=6))
def test_whatever_is_posted_either_reads_within_range_or_is_refused(raw: str) -> None:
    problems: list[str] = []
    value: object = None
    try:
        value = read_form(MEASURES["nprs"], {"pain": raw})["pain"]
    except InputError as err:
        problems = err.problems
    assert all(p.startswith("Your hip pain over the last 24 hours:") for p in problems)
    assert problems or value is None or (isinstance(value, int) and 0 <= value <= 10)
