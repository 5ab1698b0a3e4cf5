"""The clinician's low-adherence flag reads planned sessions done as fractions (issue 14 item 3)."""

from datetime import date, timedelta

from hipalign.core.attention import FLAG_REFS, SEVERITY, Signals, attention_flags
from hipalign.core.references import bibliography
from hipalign.core.words import day_words

TODAY = date(2026, 3, 30)
CHECKIN_ON = TODAY - timedelta(days=10)


def _everything_wrong() -> Signals:
    """Signals that raise every flag at once (week 7 of the plan, a review point)."""
    return Signals(
        plan_starts_on=TODAY - timedelta(days=42),
        sessions_planned_last_week=3,
        sessions_planned_week_before=3,
        sessions_last_week=0.5,
        sessions_week_before=0.5,
        checkin_on=CHECKIN_ON,
        checkin_level="see_doctor",
        checkin_pain=8,
        previous_checkin_pain=3,
        max_pain_during_7d=7,
        baseline_nprs=6,
        latest_nprs=6,
        two_regressions=True,
        stop_and_review=True,
    )


def _low(**weeks: float) -> list[str]:
    s = Signals(plan_starts_on=TODAY - timedelta(days=21), checkin_on=TODAY, **weeks)
    return [f.text for f in attention_flags(s, TODAY) if f.kind == "low_adherence"]


def test_under_half_two_weeks_running_is_flagged_with_the_fractions() -> None:
    texts = _low(
        sessions_planned_week_before=3,
        sessions_planned_last_week=3,
        sessions_week_before=1.25,
        sessions_last_week=0.5,
    )

    assert texts == ["Under half the planned sessions two weeks running (1.2 of 3 and 0.5 of 3)."]


def test_half_or_more_in_either_week_is_not_flagged() -> None:
    assert not _low(
        sessions_planned_week_before=3,
        sessions_planned_last_week=3,
        sessions_week_before=1.5,
        sessions_last_week=0.0,
    )


def test_a_week_with_nothing_planned_is_not_low_adherence() -> None:
    assert not _low(sessions_planned_week_before=0, sessions_planned_last_week=3)


def test_every_flag_cites_known_bibliography_entries_and_no_internal_pointer() -> None:
    known = bibliography()

    assert set(FLAG_REFS) == set(SEVERITY)
    for kind, refs in FLAG_REFS.items():
        assert refs and all(r in known for r in refs), kind
    for flag in attention_flags(_everything_wrong(), TODAY):
        assert flag.refs == FLAG_REFS[flag.kind]
        assert (
            "CLINICAL" not in flag.source
            and "issue" not in flag.source
            and "[rule]" not in flag.source
        )


def test_a_red_flag_names_the_check_in_day_in_words() -> None:
    flags = attention_flags(_everything_wrong(), TODAY)

    red = next(f for f in flags if f.kind == "red_flag")
    assert day_words(CHECKIN_ON) in red.text
    assert CHECKIN_ON.isoformat() not in red.text


def test_review_points_count_weeks_from_the_episode_not_the_newest_plan_version() -> None:
    # A plan version started yesterday (an assessment) inside an episode in its week 2.
    s = Signals(
        plan_starts_on=TODAY - timedelta(days=1),
        episode_starts_on=TODAY - timedelta(days=8),
        checkin_on=TODAY - timedelta(days=20),
    )
    fresh = Signals(plan_starts_on=TODAY - timedelta(days=1), checkin_on=TODAY - timedelta(days=20))

    assert [f.text for f in attention_flags(s, TODAY) if f.kind == "review_due"] == [
        "Review point due (week 2)."
    ]
    assert not [f for f in attention_flags(fresh, TODAY) if f.kind == "review_due"]
