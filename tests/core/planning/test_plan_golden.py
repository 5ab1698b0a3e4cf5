"""The plan JSON contract (DESIGN.md 3.2) does not move when planner rules move into data.

`golden/plans_main.json` holds 410 intakes (the examples, the stored fixtures and 400
derandomized draws of `strategies.intakes`) with the SHA-256 of the plan JSON that main produced
at e08efe9, before the pattern -> exercise lists moved from planner.py into the exercise files.
"""

import hashlib
import json
from pathlib import Path

from hipalign.core.errors import parse_json_document
from hipalign.core.intake import Intake
from hipalign.core.planning.planner import generate_plan

GOLDEN = json.loads((Path(__file__).parent / "golden" / "plans_main.json").read_text("utf-8"))


def _plan_json(intake: dict[str, object]) -> str:
    doc = generate_plan(parse_json_document(Intake, json.dumps(intake), "intake"))
    return json.dumps(doc.model_dump(mode="json", by_alias=True), ensure_ascii=False)


def test_the_golden_set_covers_plans_and_withheld_plans() -> None:
    plans = [_plan_json(row["intake"]) for row in GOLDEN["plans"][:40]]
    assert len(GOLDEN["plans"]) >= 400
    assert any('"plan": null' in p for p in plans)
    assert any('"plan": {' in p for p in plans)


def test_every_golden_intake_gives_the_same_plan_bytes_as_main() -> None:
    changed = [
        i
        for i, row in enumerate(GOLDEN["plans"])
        if hashlib.sha256(_plan_json(row["intake"]).encode()).hexdigest() != row["plan_sha256"]
    ]
    assert changed == [], f"{len(changed)} plans differ from main, first intakes: {changed[:5]}"
