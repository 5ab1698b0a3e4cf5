"""Review advice from outcome changes (CLINICAL.md 6, review [rule])."""

from hipalign.core.outcomes.engine import change, default_measures, score
from hipalign.core.outcomes.review import outcome_review, structural_signs
from tests.core.conftest import make_intake

NPRS = default_measures()["nprs"]
PSFS = default_measures()["psfs"]


def _nprs(base: int, now: int):  # type: ignore[no-untyped-def]
    return change(NPRS, score(NPRS, {"pain": base}), score(NPRS, {"pain": now}))


def _psfs(base: list[int], now: list[int]):  # type: ignore[no-untyped-def]
    names = ["stairs", "walking", "sitting"]
    return change(
        PSFS,
        score(PSFS, dict(zip(names, base, strict=True))),
        score(PSFS, dict(zip(names, now, strict=True))),
    )


def test_worse_by_the_mcid_brings_the_review_forward_in_week_one() -> None:
    r = outcome_review(1, _nprs(3, 6), [])
    assert r.action == "rescreen_now"
    assert "safety questions again now" in r.text


def test_week_four_with_nothing_moving_the_right_way_suggests_a_physio() -> None:
    assert outcome_review(4, _nprs(5, 5) + _psfs([4, 4, 4], [4, 4, 4]), []).action == "see_physio"
    assert outcome_review(3, _nprs(5, 5), []).action == "continue"  # not yet week 4


def test_week_four_with_some_improvement_goes_on() -> None:
    assert outcome_review(4, _nprs(5, 4), []).action == "continue"


def test_week_six_without_a_meaningful_change_refers() -> None:
    r = outcome_review(6, _nprs(6, 5) + _psfs([4, 4, 4], [5, 5, 5]), [])
    assert r.action == "see_physio_or_doctor"
    assert not r.specialist


def test_week_six_with_one_meaningful_change_goes_on() -> None:
    assert outcome_review(6, _nprs(6, 5) + _psfs([3, 4, 4], [6, 6, 6]), []).action == "continue"


def test_structural_signs_add_a_specialist_and_never_surgery() -> None:
    intake = make_intake(findings={"leg_length_difference_mm": 25})
    signs = structural_signs(intake)
    r = outcome_review(7, _nprs(6, 6), signs)
    assert signs == ["a leg-length difference of 25 mm"]
    assert r.specialist and "orthopaedic specialist" in r.text
    assert "surgery" not in r.text.lower() and "operation" not in r.text.lower()


def test_no_structural_signs_for_a_plain_intake() -> None:
    assert structural_signs(make_intake()) == []
