"""Migration 0015: the scores stored before episodes existed all join the person's one episode
of care, which starts at their earliest plan or score (issue 14, item 1)."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("hipalign", "0014_password_reset_link")]
AFTER = [("hipalign", "0015_care_episode")]


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_stored_scores_join_one_episode_per_person_from_their_first_plan() -> None:
    old = _migrate(BEFORE)
    try:
        user_model = old.get_model("auth", "User")
        intake_model = old.get_model("hipalign", "IntakeRecord")
        plan_model = old.get_model("hipalign", "PlanRecord")
        outcome_model = old.get_model("hipalign", "OutcomeRecord")
        ann = user_model.objects.create(username="ann_migrated")
        bea = user_model.objects.create(username="bea_no_scores")
        first = intake_model.objects.create(user=ann, document={})
        assessed = intake_model.objects.create(user=ann, document={})  # a clinician's intake

        def plan(user: Any, intake: Any, version: int, starts: date) -> Any:
            return plan_model.objects.create(
                user=user,
                intake=intake,
                starts_on=starts,
                referral_level="none",
                withheld=False,
                document={},
                version=version,
            )

        p1 = plan(ann, first, 1, date(2026, 3, 2))
        p2 = plan(ann, assessed, 2, date(2026, 3, 10))
        plan(bea, intake_model.objects.create(user=bea, document={}), 1, date(2026, 4, 1))
        for p, measure, on, total in (
            (p1, "nprs", date(2026, 3, 2), 6.0),
            (p1, "psfs", date(2026, 3, 2), 4.0),
            (p2, "nprs", date(2026, 3, 16), 3.0),
        ):
            outcome_model.objects.create(
                user=ann, plan=p, measure=measure, performed_on=on, answers={}, total=total
            )

        new = _migrate(AFTER)

        episode_model = new.get_model("hipalign", "CareEpisode")
        outcomes = new.get_model("hipalign", "OutcomeRecord").objects.filter(user_id=ann.pk)
        (episode,) = episode_model.objects.filter(user_id=ann.pk)
        assert episode.started_on == date(2026, 3, 2)
        assert sorted(outcomes.values_list("episode_id", "total")) == sorted(
            [(episode.id, 6.0), (episode.id, 4.0), (episode.id, 3.0)]
        )
        # A person with a plan and no scores yet also has their episode, from that plan.
        (bea_episode,) = episode_model.objects.filter(user_id=bea.pk)
        assert bea_episode.started_on == date(2026, 4, 1)
    finally:
        _migrate(_leaves())


def _leaves() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    leaves: list[tuple[str, str]] = executor.loader.graph.leaf_nodes()
    return leaves
