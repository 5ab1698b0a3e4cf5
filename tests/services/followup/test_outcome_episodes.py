"""Scores belong to the person's episode of care, not to a plan version (issue 14, item 1): an
assessment or a prescription makes a new plan version and keeps the baseline and every score."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.prescription import prescription_from
from hipalign.services.care import prescribe
from hipalign.services.followup import assessments
from hipalign.services.followup.outcome_records import (
    outcome_record,
    outcomes_baseline_missing,
    outcomes_summary,
)
from hipalign.services.program import plans
from hipalign.services.program.today import session_today
from tests.services.factories import MONDAY, TUESDAY, make_plan, public_id

pytestmark = pytest.mark.django_db
PSFS = {"stairs": 3, "walking": 4, "car": 5}
ASSESSMENT: dict[str, Any] = {
    "performed_on": TUESDAY.isoformat(),
    "tests": {"single_leg_stance": {"left": {"seconds": 6}, "right": {"seconds": 28}}},
    "pain_during_tests": 2,
}


def _baseline(owner: User) -> PlanRecord:
    plan = make_plan(owner, pain={"now": 6, "worst_week": 7})
    outcome_record(owner, "psfs", PSFS, MONDAY)
    return plan


def _assess(clinician: User, owner: User, plan: PlanRecord) -> PlanRecord:
    return assessments.assessment_record(
        clinician, public_id(owner), ASSESSMENT, TUESDAY, expected_version=plan.version
    ).plan


def _prescribe(clinician: User, owner: User, plan: PlanRecord) -> PlanRecord:
    rx = prescription_from(PlanDocument.model_validate(plan.document))
    assert rx is not None
    return prescribe.plan_prescribe(
        clinician, public_id(owner), rx.model_dump(mode="json"), plan.version
    )


def _measures(owner: User, today: Any) -> dict[str, list[float | None]]:
    s = outcomes_summary(owner, today)
    return {v.measure.id: [r.total for r in v.records] for v in s.views if v.records}


def test_an_assessment_keeps_the_baseline_activities_and_pain_history(
    owner: User, clinician: User
) -> None:
    plan = _baseline(owner)
    new = _assess(clinician, owner, plan)
    assert new.intake_id != plan.intake_id  # the assessment made a new intake and plan

    s = outcomes_summary(owner, TUESDAY)

    assert _measures(owner, TUESDAY) == {"nprs": [6.0], "psfs": [4.0]}
    assert sorted(s.psfs_activities) == ["car", "stairs", "walking"]
    assert not outcomes_baseline_missing(owner, new)


def test_a_prescription_after_an_assessment_keeps_every_score(owner: User, clinician: User) -> None:
    plan = _baseline(owner)
    later = MONDAY + timedelta(weeks=2)
    outcome_record(owner, "nprs", {"pain": 4}, MONDAY + timedelta(days=8))
    rx = _prescribe(clinician, owner, _assess(clinician, owner, plan))
    outcome_record(owner, "psfs", {"stairs": 6, "walking": 4, "car": 5}, later)

    s = outcomes_summary(owner, later)

    assert plans.plan_current(owner) == rx
    assert _measures(owner, later) == {"nprs": [6.0, 4.0], "psfs": [4.0, 5.0]}
    by = {v.measure.id: v for v in s.views}
    assert by["psfs"].baseline is not None and by["psfs"].baseline.performed_on == MONDAY
    assert [c.better_by for c in by["nprs"].changes] == [2.0]
    stairs = next(c for c in by["psfs"].changes if c.what == "stairs")
    assert stairs.better_by == 3.0


def test_an_assessment_adds_no_stale_pain_score(owner: User, clinician: User) -> None:
    """The assessment's intake repeats the onboarding pain; it is not a new score of today."""
    plan = _baseline(owner)
    outcome_record(owner, "nprs", {"pain": 2}, TUESDAY)
    _assess(clinician, owner, plan)

    assert _measures(owner, TUESDAY)["nprs"] == [6.0, 2.0]


def test_the_weeks_and_due_scores_count_from_the_episode_not_the_plan_version(
    owner: User, clinician: User
) -> None:
    plan = _baseline(owner)
    _assess(clinician, owner, plan)  # the new plan starts on Tuesday
    week2 = MONDAY + timedelta(weeks=1)

    s = outcomes_summary(owner, week2)

    assert (s.week, s.due) == (2, True)


def test_todays_program_week_and_review_points_count_from_the_episode_after_an_assessment(
    owner: User, clinician: User
) -> None:
    plan = _baseline(owner)
    _assess(clinician, owner, plan)  # a new plan version, starting on Tuesday
    week2 = MONDAY + timedelta(weeks=1)

    today = session_today(owner, week2)

    # Monday is week 1 of the episode: a week later is week 2 (the plan version would say 1).
    assert today is not None and today.week == 2
    assert [r.week for r in today.reviews_due] == [2]
