"""Deleting a log made by mistake (issue 12, item 2): the owner's goes with its decisions and the
dose follows the logs left; anyone else's answers NotFound and stays."""

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import (
    AuditEvent,
    CurrentDose,
    DecisionRecord,
    ExerciseLogRecord,
    PlanRecord,
    SessionRecord,
)
from hipalign.services.kernel.access import NotFound
from hipalign.services.program import logs, recording
from tests.services.factories import LOG_TODAY, TUESDAY, log_payload, snapshot


def test_deleting_a_log_removes_it_its_decision_and_its_empty_session(
    owner_plan: PlanRecord,
) -> None:
    user = owner_plan.user
    made = recording.log_record(user, log_payload(owner_plan), today=LOG_TODAY)

    logs.log_delete(user, log_id=made.log_id)

    assert not ExerciseLogRecord.objects.filter(user_id=user.pk).exists()
    assert not DecisionRecord.objects.filter(user_id=user.pk).exists()
    assert not SessionRecord.objects.filter(user_id=user.pk).exists()
    assert not CurrentDose.objects.filter(user_id=user.pk).exists()
    assert AuditEvent.objects.filter(action="log.delete", target=made.log_id).count() == 1


def test_after_a_delete_the_dose_follows_the_newest_log_left(owner_plan: PlanRecord) -> None:
    user = owner_plan.user
    kept = recording.log_record(user, log_payload(owner_plan), today=LOG_TODAY)
    wrong = recording.log_record(
        user, log_payload(owner_plan, performed_on=TUESDAY, pain_during=8), today=LOG_TODAY
    )
    assert wrong.decision is not None and wrong.decision.action != kept.decision.action  # type: ignore[union-attr]

    logs.log_delete(user, log_id=wrong.log_id)

    dose = CurrentDose.objects.get(user_id=user.pk)
    assert str(dose.decision.log_id) == kept.log_id


def test_deleting_another_persons_log_is_not_found_and_changes_nothing(
    owner: User, other_plan: PlanRecord
) -> None:
    theirs = recording.log_record(other_plan.user, log_payload(other_plan), today=LOG_TODAY)
    before = snapshot(other_plan.user.pk)

    with pytest.raises(NotFound):
        logs.log_delete(owner, log_id=theirs.log_id)
    with pytest.raises(NotFound):
        logs.log_get(owner, log_id=theirs.log_id)

    assert snapshot(other_plan.user.pk) == before


@pytest.mark.parametrize("log_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_deleting_a_log_that_does_not_exist_is_not_found(
    owner_plan: PlanRecord, log_id: str
) -> None:
    with pytest.raises(NotFound):
        logs.log_delete(owner_plan.user, log_id=log_id)
