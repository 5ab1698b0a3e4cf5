"""Stored documents survive new rules (issue 13): intakes and plans stored before the change
(fixtures captured from the format of commit 47a410f) still read, and a question added to the
catalog later is unanswered, not an error."""

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import hipalign.core.intake as intake_module
from hipalign.core.errors import InputError
from hipalign.core.intake import Intake
from hipalign.core.planning.planner import generate_plan
from hipalign.core.screening.catalog import QUESTION_IDS
from hipalign.core.stored import (
    INTAKE_REVISION,
    PLAN_REVISION,
    read_intake,
    read_plan,
    stamp_intake,
    upgrade_intake,
)

FIXTURES = Path(__file__).parent / "fixtures" / "stored_v1"
INTAKES = sorted(FIXTURES.glob("*.intake.json"))
PLANS = sorted(FIXTURES.glob("*.plan.json"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def test_the_fixtures_are_there() -> None:
    assert len(INTAKES) == 4 and len(PLANS) == 4


@pytest.mark.parametrize("path", INTAKES, ids=lambda p: p.stem)
def test_an_intake_stored_before_issue_13_reads_and_plans(path: Path) -> None:
    doc = _load(path)
    assert "revision" not in doc  # stored before revisions existed
    intake = read_intake(doc)
    assert intake.revision == INTAKE_REVISION
    assert intake.unanswered == []
    generate_plan(intake)  # and a plan can be made from it


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_a_plan_stored_before_issue_13_reads(path: Path) -> None:
    plan = read_plan(_load(path))
    assert plan.revision == PLAN_REVISION
    assert plan.referral.unanswered == []


@pytest.fixture
def new_question(monkeypatch: pytest.MonkeyPatch) -> str:
    """The catalog as it would be with one more question than the stored intakes answered."""
    added = "new_question_after_storage"
    monkeypatch.setattr(intake_module, "QUESTION_IDS", (*QUESTION_IDS, added))
    return added


@pytest.mark.parametrize("path", INTAKES, ids=lambda p: p.stem)
def test_a_new_question_makes_a_new_intake_fail_but_not_a_stored_one(
    path: Path, new_question: str
) -> None:
    doc = _load(path)
    with pytest.raises(ValidationError, match=new_question):
        Intake.model_validate(doc)  # a new intake must answer every question

    intake = read_intake(doc)

    assert intake.unanswered == [new_question]
    assert intake.flagged(new_question) is False


def test_an_unanswered_question_is_listed_in_the_plans_referral() -> None:
    doc = _load(INTAKES[0])
    answered = dict(doc["screening"])
    dropped = next(iter(answered))
    del answered[dropped]
    plan = generate_plan(read_intake({**doc, "screening": answered}))
    assert plan.referral.unanswered == [dropped]


def test_a_retired_question_in_a_stored_intake_is_dropped_not_an_error() -> None:
    doc = _load(INTAKES[0])
    doc["screening"]["a_question_no_longer_asked"] = True
    with pytest.raises(ValidationError):
        Intake.model_validate(doc)
    assert "a_question_no_longer_asked" not in read_intake(doc).screening


def test_a_document_from_a_newer_revision_is_refused_by_name() -> None:
    doc = {**_load(INTAKES[0]), "revision": INTAKE_REVISION + 1}
    with pytest.raises(InputError, match="revision"):
        read_intake(doc)


def test_upgrading_applies_each_step_from_the_stored_revision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hipalign.core.stored as stored

    seen: list[int] = []

    def step(n: int) -> Any:
        def run(doc: dict[str, Any]) -> dict[str, Any]:
            seen.append(n)
            return doc

        return run

    monkeypatch.setattr(stored, "INTAKE_STEPS", {1: step(1), 2: step(2)})
    monkeypatch.setattr(stored, "INTAKE_REVISION", 3)
    assert stored.upgrade_intake(_load(INTAKES[0]))["revision"] == 3
    assert seen == [1, 2]
    seen.clear()
    stored.upgrade_intake({**_load(INTAKES[0]), "revision": 2})
    assert seen == [2]


def test_a_new_intake_is_stored_with_the_current_revision() -> None:
    assert upgrade_intake(stamp_intake(_load(INTAKES[0])))["revision"] == INTAKE_REVISION
