"""The progress page's numbers: adherence per week, pain trend, per-side series; own rows only."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import ExerciseLogRecord, PlanRecord
from hipalign.services.followup.progress import WEEKS_SHOWN, PainPoint, progress_summary
from hipalign.services.program import recording
from tests.services.factories import (
    EXERCISE,
    FRIDAY,
    LOG_TODAY,
    MONDAY,
    WEDNESDAY,
    log_payload,
    session_exercises,
)

pytestmark = pytest.mark.django_db


def _two_sessions(plan: PlanRecord) -> None:
    user = plan.user
    first = recording.log_record(
        user, log_payload(plan, performed_on=MONDAY, pain_during=2), today=LOG_TODAY
    )
    session = ExerciseLogRecord.objects.get(pk=first.log_id).session_id
    recording.next_morning_record(user, str(session), 1)
    recording.log_record(
        user, log_payload(plan, performed_on=WEDNESDAY, pain_during=3, reps_done=9), today=LOG_TODAY
    )


def test_progress_counts_logged_sessions_against_the_planned_week(owner_plan: PlanRecord) -> None:
    _two_sessions(owner_plan)

    p = progress_summary(owner_plan.user, FRIDAY)

    # One exercise logged on Monday and on Wednesday: each session done by that share of its
    # exercises (issue 14 item 3), not two whole sessions.
    shares = [
        1 / len(ex) if EXERCISE in ex else 0
        for ex in (session_exercises(owner_plan, d) for d in (MONDAY, WEDNESDAY))
    ]
    assert 0 < sum(shares) < 2
    assert p.sessions_done == round(sum(shares), 2)
    assert (p.sessions_planned, len(p.weeks)) == (3, WEEKS_SHOWN)
    assert (p.weeks[-1].starts_on, p.weeks[-1].planned) == (MONDAY, 3)
    assert p.weeks[-1].done == p.sessions_done
    assert all(w.done == 0 for w in p.weeks[:-1])


def test_progress_pain_trend_has_during_and_next_morning_points(owner_plan: PlanRecord) -> None:
    _two_sessions(owner_plan)

    p = progress_summary(owner_plan.user, FRIDAY)

    assert p.pain == [
        PainPoint(MONDAY, 2.0, "during"),
        PainPoint(MONDAY + timedelta(days=1), 1.0, "next_morning"),
        PainPoint(WEDNESDAY, 3.0, "during"),
    ]


def test_progress_side_series_has_the_best_of_each_day(owner_plan: PlanRecord) -> None:
    _two_sessions(owner_plan)

    (series,) = progress_summary(owner_plan.user, FRIDAY).sides

    assert (series.exercise, series.side, series.kind) == (EXERCISE, None, "reps")
    assert [(pt.on, pt.reps) for pt in series.points] == [(MONDAY, 8), (WEDNESDAY, 9)]


def test_progress_of_another_person_shows_none_of_the_owners_logs(
    owner_plan: PlanRecord, other_plan: PlanRecord
) -> None:
    _two_sessions(owner_plan)

    p = progress_summary(other_plan.user, FRIDAY)

    assert (p.sessions_done, p.pain, p.sides) == (0, [], [])


def test_progress_without_a_plan_plans_zero_sessions(owner: User) -> None:
    p = progress_summary(owner, FRIDAY)

    assert {w.planned for w in p.weeks} == {0}
    assert p.sessions_done == 0
