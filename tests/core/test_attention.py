"""The clinician's low-adherence flag reads planned sessions done as fractions (issue 14 item 3)."""

from datetime import date, timedelta

from hipalign.core.attention import Signals, attention_flags

TODAY = date(2026, 3, 30)


def _low(**weeks: float) -> list[str]:
    s = Signals(plan_starts_on=TODAY - timedelta(days=21), checkin_on=TODAY, **weeks)  # type: ignore[arg-type]
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
