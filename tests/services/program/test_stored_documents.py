"""Stored intakes and plans survive a new screening question (issue 13): the pages that read
them keep working, and the unanswered question is asked at the next check-in."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import IntakeRecord, PlanRecord
from hipalign.core.screening.catalog import QUESTIONS_BY_ID
from hipalign.services.program import checkins, plans
from hipalign.services.program.today import session_today
from tests.core.conftest import intake_doc
from tests.services.factories import MONDAY, THURSDAY, make_plan

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parents[2] / "core" / "fixtures" / "stored_v1"
DROPPED = "constant_night_pain"  # stands for a question added after the intake was stored


def _stored_before_the_question(plan: PlanRecord) -> None:
    rec = plan.intake
    doc = dict(rec.document)
    doc.pop("revision", None)
    doc["screening"] = {k: v for k, v in doc["screening"].items() if k != DROPPED}
    IntakeRecord.objects.filter(pk=rec.pk).update(document=doc)
    plan.refresh_from_db()


def test_a_stored_intake_without_a_new_question_still_reads_and_asks_it_at_check_in(
    owner: User,
) -> None:
    plan = make_plan(owner, MONDAY)
    _stored_before_the_question(plan)

    intake = plans.intake_current(owner)
    t = session_today(owner, THURSDAY)

    assert intake is not None and intake.unanswered == [DROPPED]
    assert t is not None and t.checkin_due is True
    assert t.unanswered == [QUESTIONS_BY_ID[DROPPED].question]

    checkins.checkin_record(owner, dict(intake_doc()["screening"]), 1, 2, THURSDAY)

    after = session_today(owner, THURSDAY)
    assert after is not None and after.unanswered == [] and after.checkin_due is False


def test_an_intake_and_plan_in_the_format_stored_before_issue_13_read_back(
    owner: User,
) -> None:
    plan = make_plan(owner, MONDAY)
    old_intake = json.loads((FIXTURES / "weak_left_abductors_band.intake.json").read_text())
    old_plan = json.loads((FIXTURES / "weak_left_abductors_band.plan.json").read_text())
    IntakeRecord.objects.filter(pk=plan.intake.pk).update(document=old_intake)
    PlanRecord.objects.filter(pk=plan.pk).update(document=old_plan)
    plan.refresh_from_db()

    assert plans.intake_current(owner) is not None
    doc = plans.plan_document(plan)
    assert doc.plan is not None
    assert session_today(owner, MONDAY) is not None
