"""Outcome scores in the database: baseline, recording, refusals, summary and due dates."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection

from hipalign.adapters.db.models import OutcomeRecord
from hipalign.core.errors import InputError
from hipalign.services.followup.outcome_records import (
    outcome_record,
    outcomes_due,
    outcomes_summary,
)
from tests.core.conftest import flags
from tests.services.factories import MONDAY, make_plan

pytestmark = pytest.mark.django_db
PSFS = {"stairs": 3, "walking": 4, "car": 5}


def test_a_plan_starts_with_the_onboarding_pain_as_its_nprs_baseline(
    owner: User,
) -> None:
    plan = make_plan(owner, pain={"now": 6, "worst_week": 7})
    rows = list(
        OutcomeRecord.objects.filter(user_id=owner.pk).values_list("measure", "total", "plan_id")
    )
    assert rows == [("nprs", 6.0, plan.id)]


def test_a_withheld_plan_has_no_baseline_and_refuses_scores(owner: User) -> None:
    make_plan(owner, screening=flags("fall_cannot_bear_weight"))
    with pytest.raises(InputError, match="once you have a plan"):
        outcome_record(owner, "nprs", {"pain": 3}, MONDAY)
    assert OutcomeRecord.objects.filter(user_id=owner.pk).count() == 0


def test_bad_answers_name_the_item_and_store_nothing(owner: User) -> None:
    make_plan(owner)
    with pytest.raises(InputError) as exc:
        outcome_record(owner, "nprs", {"pain": 12}, MONDAY)
    assert exc.value.problems == ["answers.pain: must be a whole number from 0 to 10 (got 12)"]
    assert OutcomeRecord.objects.filter(user_id=owner.pk, measure="nprs").count() == 1  # baseline


def test_a_measure_whose_wording_is_not_installed_is_refused(owner: User) -> None:
    make_plan(owner)
    answers = {f"q{n}": 3 for n in range(1, 21)}
    with pytest.raises(InputError, match="not installed"):
        outcome_record(owner, "lefs", answers, MONDAY)
    assert not OutcomeRecord.objects.filter(measure="lefs").exists()


def test_the_summary_shows_the_change_from_baseline(owner: User) -> None:
    make_plan(owner, pain={"now": 6, "worst_week": 7})
    outcome_record(owner, "psfs", PSFS, MONDAY)
    later = MONDAY + timedelta(weeks=2)
    outcome_record(owner, "nprs", {"pain": 3}, later)
    outcome_record(owner, "psfs", {"stairs": 6, "walking": 4, "car": 5}, later)

    s = outcomes_summary(owner, later)

    by_measure = {v.measure.id: v for v in s.views}
    assert [c.better_by for c in by_measure["nprs"].changes] == [3.0]
    assert by_measure["nprs"].changes[0].meaningful is True
    assert set(s.psfs_activities) == {"stairs", "walking", "car"}  # order: test below
    stairs = next(c for c in by_measure["psfs"].changes if c.what == "stairs")
    assert (stairs.better_by, stairs.meaningful) == (3.0, True)
    assert s.review is not None and s.review.action == "continue"


@pytest.mark.xfail(
    connection.vendor == "postgresql",
    strict=True,
    reason="PostgreSQL's jsonb does not keep object key order, and the activities are only "
    "the keys of OutcomeRecord.answers; keeping the order needs a schema change (a list field)",
)
def test_psfs_activities_keep_the_order_the_person_gave_them(owner: User) -> None:
    make_plan(owner)
    outcome_record(owner, "psfs", PSFS, MONDAY)

    assert outcomes_summary(owner, MONDAY).psfs_activities == ["stairs", "walking", "car"]


def test_another_persons_scores_never_show(owner: User, other: User) -> None:
    make_plan(owner)
    make_plan(other)
    outcome_record(other, "psfs", PSFS, MONDAY)

    s = outcomes_summary(owner, MONDAY)

    assert all(r.user_id == owner.pk for v in s.views for r in v.records)
    assert s.psfs_activities == []


def test_scores_are_due_at_week_two_until_recorded(owner: User) -> None:
    plan = make_plan(owner)
    week2 = MONDAY + timedelta(weeks=1)
    assert not outcomes_due(owner, plan, MONDAY + timedelta(days=6))
    assert outcomes_due(owner, plan, week2)
    outcome_record(owner, "nprs", {"pain": 2}, week2)
    assert not outcomes_due(owner, plan, week2 + timedelta(days=3))
    assert outcomes_due(owner, plan, MONDAY + timedelta(weeks=3))  # week 4
