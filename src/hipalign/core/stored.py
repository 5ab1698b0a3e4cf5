"""Reading stored `hipalign.intake/1` and `hipalign.plan/1` documents through a versioned
upgrade path, so a new screening question or intake field never breaks a stored document.

A stored document carries an optional `revision` (none = revision 1, everything stored before
revisions existed). Reading applies each upgrade step from its revision to the current one, in
order, then validates. Intakes are validated in "stored" mode (see core/intake.py): a question
added to the catalog after the intake was stored is *unanswered* (Intake.unanswered), to be
asked at the next check-in or re-plan, not an error. A new document is stamped with the current
revision when it is stored (`stamp`).

Each upgrade step is a pure dict -> dict function that returns a new dict (never changing its
argument); a step that renames or reshapes a field goes
here, with a fixture of the old form under tests/core/fixtures.
"""

from collections.abc import Callable
from typing import Any

from hipalign.core.errors import InputError
from hipalign.core.intake import Intake
from hipalign.core.planning.document import PlanDocument

Doc = dict[str, Any]
Step = Callable[[Doc], Doc]


def _intake_1_to_2(doc: Doc) -> Doc:
    """Issue 13 added optional fields only (pregnancy.postpartum_weeks, pregnancy.caesarean,
    symptoms thigh_pain, pubic_pain, buttock_pain): a revision-1 intake is a valid revision 2."""
    return doc


def _plan_1_to_2(doc: Doc) -> Doc:
    """Issue 13 added referral.unanswered (default empty): nothing to change."""
    return doc


# Step from revision n to n + 1, keyed by n.
INTAKE_STEPS: dict[int, Step] = {1: _intake_1_to_2}
PLAN_STEPS: dict[int, Step] = {1: _plan_1_to_2}
INTAKE_REVISION = max(INTAKE_STEPS) + 1
PLAN_REVISION = max(PLAN_STEPS) + 1


def _upgrade(doc: Doc, steps: dict[int, Step], current: int, what: str) -> Doc:
    out = dict(doc)  # steps never change their argument in place, so a shallow copy is enough
    revision = out.get("revision", 1)
    if not isinstance(revision, int) or revision < 1:
        raise InputError(what, [f"revision: a whole number from 1 is needed, got {revision!r}"])
    if revision > current:
        raise InputError(
            what,
            [
                f"revision: stored by a newer hipalign (revision {revision}; this one reads up to {current})"
            ],
        )
    for n in range(revision, current):
        out = steps[n](out)
    out["revision"] = current
    return out


def upgrade_intake(doc: Doc) -> Doc:
    """A stored intake document upgraded to the current revision (not yet validated)."""
    return _upgrade(doc, INTAKE_STEPS, INTAKE_REVISION, "stored intake")


def upgrade_plan(doc: Doc) -> Doc:
    return _upgrade(doc, PLAN_STEPS, PLAN_REVISION, "stored plan")


def read_intake(doc: Doc) -> Intake:
    """A stored intake, upgraded and validated; unanswered new questions are allowed."""
    return Intake.model_validate(upgrade_intake(doc), context={"stored": True})


def read_plan(doc: Doc) -> PlanDocument:
    return PlanDocument.model_validate(upgrade_plan(doc))


def stamp_intake(doc: Doc) -> Doc:
    """The document to store for a new intake: the current revision recorded in it."""
    return {**doc, "revision": INTAKE_REVISION}


def stamp_plan(doc: Doc) -> Doc:
    return {**doc, "revision": PLAN_REVISION}
