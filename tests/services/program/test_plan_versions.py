"""Optimistic locking of plans (issue 5, RELIABILITY.md H2): a clinician's edit and the person's
own change never silently overwrite each other; a stale edit is refused with a clear message and
stores nothing, and of two simultaneous edits exactly one wins."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from hipalign.adapters.db.models import IntakeRecord, OutcomeRecord, PlanRecord
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.prescription import prescription_from
from hipalign.services.care.prescribe import plan_prescribe
from hipalign.services.program import plans
from hipalign.services.program.plans import StalePlan, plan_version_now
from tests.core.conftest import intake_doc
from tests.services.concurrent_plans import ROUNDS, race
from tests.services.factories import MONDAY, TUESDAY, make_link, make_plan, make_role, public_id

ROOT = Path(__file__).resolve().parents[3]


def _raw(plan: PlanRecord, reps: int = 12) -> dict[str, Any]:
    rx = prescription_from(PlanDocument.model_validate(plan.document))
    assert rx is not None
    raw = rx.model_dump(mode="json")
    next(it for it in raw["items"] if it["exercise"] == "glute_bridge")["reps"] = reps
    return raw


def _rows(user: User) -> tuple[int, int, int, int]:
    return (
        PlanRecord.objects.filter(user_id=user.pk).count(),
        IntakeRecord.objects.filter(user_id=user.pk).count(),
        OutcomeRecord.objects.filter(user_id=user.pk).count(),
        plan_version_now(user),
    )


@pytest.mark.django_db
def test_versions_count_from_one_and_each_re_plan_adds_one(owner: User) -> None:
    assert plan_version_now(owner) == 0
    first = make_plan(owner)
    second = plans.intake_submit(owner, intake_doc(age=41), TUESDAY, expected_version=1)

    assert (first.version, second.version) == (1, 2)
    assert plan_version_now(owner) == 2
    assert second.author_id == owner.pk and second.author_role == "person"


@pytest.mark.django_db
def test_a_stale_prescription_is_refused_naming_both_versions_and_who_changed_it(
    owner: User, clinician: User
) -> None:
    base = make_plan(owner)
    pid = public_id(owner)
    plan_prescribe(clinician, pid, _raw(base, 12), base.version)
    current = plans.plan_current(owner)
    before = _rows(owner)

    with pytest.raises(StalePlan) as exc:
        plan_prescribe(clinician, pid, _raw(base, 15), base.version)

    message = str(exc.value)
    assert message.startswith("plan: you edited version 1, but the plan is now version 2 ")
    assert "changed by clinician on " in message
    assert "reload" in message
    assert exc.value.expected == 1
    assert exc.value.current == current
    assert _rows(owner) == before
    assert plans.plan_current(owner) == current


@pytest.mark.django_db
def test_a_version_from_the_future_is_stale_too(owner: User, clinician: User) -> None:
    base = make_plan(owner)
    before = _rows(owner)
    with pytest.raises(StalePlan) as exc:
        plan_prescribe(clinician, public_id(owner), _raw(base), base.version + 1)
    assert "you edited version 2, but the plan is now version 1" in str(exc.value)
    assert _rows(owner) == before


@pytest.mark.django_db
def test_the_persons_re_plan_from_before_a_clinicians_edit_is_refused(
    owner: User, clinician: User
) -> None:
    base = make_plan(owner)
    edited = plan_prescribe(clinician, public_id(owner), _raw(base), base.version)
    before = _rows(owner)

    with pytest.raises(StalePlan) as exc:
        plans.intake_submit(owner, intake_doc(age=41), TUESDAY, expected_version=base.version)

    assert "you edited version 1, but the plan is now version 2 (changed by clinician" in str(
        exc.value
    )
    # Nothing of the re-plan is kept: no intake version, plan or baseline score.
    assert _rows(owner) == before
    assert plans.plan_current(owner) == edited

    again = plans.intake_submit(
        owner,
        intake_doc(age=41),
        TUESDAY,
        expected_version=edited.version,
    )
    assert again.version == 3
    assert again.author_role == "person"
    assert _rows(owner)[:2] == (before[0] + 1, before[1] + 1)


@pytest.mark.django_db
def test_a_clinicians_edit_from_before_the_persons_re_plan_is_refused(
    owner: User, clinician: User
) -> None:
    base = make_plan(owner)
    replanned = plans.intake_submit(owner, intake_doc(age=41), TUESDAY, expected_version=1)
    before = _rows(owner)

    with pytest.raises(StalePlan) as exc:
        plan_prescribe(clinician, public_id(owner), _raw(base), base.version)

    assert "you edited version 1, but the plan is now version 2 (changed by person" in str(
        exc.value
    )
    assert _rows(owner) == before
    assert plans.plan_current(owner) == replanned


@pytest.mark.django_db
def test_without_a_base_version_the_person_re_plans_on_top_of_the_current_plan(
    owner: User, clinician: User
) -> None:
    base = make_plan(owner, today=MONDAY)
    plan_prescribe(clinician, public_id(owner), _raw(base), base.version)
    made = plans.intake_submit(owner, intake_doc(age=41), TUESDAY)
    assert made.version == 3


# --- the race ------------------------------------------------------------------------------


def _race_in_subprocess(tmp_path: Path) -> dict[str, Any]:
    """concurrent_plans.py against a throwaway file database, as test_concurrency.py does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))} | {
        "HIPALIGN_DATA": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "hipalign.web.test_settings",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "tests.services.concurrent_plans"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "hipalign.sqlite3").exists()  # the file database, not memory
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_edits_exactly_one_wins_and_the_other_is_told(
    owner: User, clinician: User, tmp_path: Path
) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        out = _race_in_subprocess(tmp_path)
    else:  # PostgreSQL, or a file SQLite test database: threads share it directly
        second = make_role("cole_clinician", "clinician")
        make_link(second, owner)
        make_plan(owner)
        out = race(owner, clinician, second)

    rounds = out["rounds"]
    assert len(rounds) == 2 * ROUNDS
    for n, r in enumerate(rounds):
        got = r["got"]
        assert not [g for g in got if g[0] not in ("won", "stale")], r
        winners = [g for g in got if g[0] == "won"]
        stale = [g for g in got if g[0] == "stale"]
        assert len(winners) == 1 and len(stale) == 1, r
        base = r["base"]
        assert base == n + 1  # one version per round, no round lost or doubled
        _, version, role = winners[0]
        assert version == base + 1
        # got[0] is a clinician's prescription, got[1] the person's re-plan or a second clinician's.
        other_role = "person" if r["kind"] == "clinician_vs_person" else "clinician"
        assert role == ("clinician" if got[0][0] == "won" else other_role)
        assert stale[0][1].startswith(
            f"plan: you edited version {base}, but the plan is now version {base + 1} "
            f"(changed by {role} on "
        ), stale[0][1]
    versions = out["versions"]
    assert versions == list(range(1, 2 * ROUNDS + 2))  # contiguous, no duplicates, in order
    # The person's lost re-plans left no intake behind: one intake per won re-plan, plus the first.
    person_wins = sum(1 for r in rounds for g in r["got"] if g[0] == "won" and g[2] == "person")
    assert out["intakes"] == 1 + person_wins
