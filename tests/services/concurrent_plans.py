"""The optimistic-locking race (issue 5): two edits of one plan from the same version, released
together, each in its own thread and database connection. Exactly one may win; the other must get
StalePlan.

`race` runs against whatever database Django is connected to. test_plan_versions.py calls it in
process on PostgreSQL, or on SQLite when the test database is a file (HIPALIGN_TEST_DB); the
default pytest database is in-memory SQLite, where threads do not get the file database's
locking, so there it runs this module in a subprocess against a throwaway file database
configured as the app configures it (as concurrent_logs.py does). Prints one JSON object."""

import functools
import json
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

ROUNDS = 20
TODAY = date(2026, 3, 2)


def race(owner: Any, clinician: Any, second_clinician: Any, rounds: int = ROUNDS) -> dict[str, Any]:
    """`rounds` races of a clinician's prescription against the person's own re-plan, then
    `rounds` races of two clinicians' prescriptions. Returns what each side got per round, and
    the stored versions."""
    from django.db import connections

    from hipalign.core.planning.prescription import prescription_from
    from hipalign.services.care.prescribe import plan_prescribe
    from hipalign.services.program import plans
    from tests.core.conftest import intake_doc
    from tests.services.factories import public_id

    pid = public_id(owner)

    def prescription(reps: int) -> dict[str, Any]:
        current = plans.plan_current(owner)
        assert current is not None
        rx = prescription_from(plans.plan_document(current))
        assert rx is not None
        raw = rx.model_dump(mode="json")
        for it in raw["items"]:
            if it["exercise"] == "glute_bridge":
                it["reps"] = reps
        return raw

    def attempt(work: Callable[[], Any]) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            try:
                made = work()
            except plans.StalePlan as exc:
                return ["stale", str(exc)]
            return ["won", made.version, made.author_role]

        return run

    def pair(first: Callable[[], list[Any]], second: Callable[[], list[Any]]) -> list[Any]:
        barrier = threading.Barrier(2)
        out: list[Any] = [None, None]

        def one(i: int, work: Callable[[], list[Any]]) -> None:
            try:
                barrier.wait(timeout=30)
                out[i] = work()
            except Exception as exc:
                out[i] = ["error", repr(exc)]
            finally:
                connections.close_all()  # each thread had its own connection

        threads = [threading.Thread(target=one, args=(i, w)) for i, w in enumerate((first, second))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        return out

    results: list[dict[str, Any]] = []
    for kind in ("clinician_vs_person", "clinician_vs_clinician"):
        for n in range(rounds):
            base = plans.plan_version_now(owner)
            # Both edits are prepared from the same plan before the threads start.
            raw_a = prescription(10 + n % 5)
            a = attempt(functools.partial(plan_prescribe, clinician, pid, raw_a, base))
            if kind == "clinician_vs_person":
                doc = intake_doc(minutes_per_session=20 + n % 10)
                b = attempt(
                    functools.partial(plans.intake_submit, owner, doc, TODAY, expected_version=base)
                )
            else:
                raw_b = prescription(15 + n % 5)
                b = attempt(functools.partial(plan_prescribe, second_clinician, pid, raw_b, base))
            got = pair(a, b)
            results.append({"kind": kind, "base": base, "got": got})
    from hipalign.adapters.db.models import IntakeRecord, PlanRecord

    return {
        "rounds": results,
        "versions": list(
            PlanRecord.objects.filter(user_id=owner.pk)
            .order_by("created_at", "version")
            .values_list("version", flat=True)
        ),
        "intakes": IntakeRecord.objects.filter(user_id=owner.pk).count(),
    }


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from tests.services.factories import make_link, make_plan, make_role, make_user

    owner = make_user("racer")
    clinician = make_role("cleo_racer", "clinician")
    second = make_role("cole_racer", "clinician")
    make_link(clinician, owner)
    make_link(second, owner)
    make_plan(owner)
    print(json.dumps(race(owner, clinician, second)))


if __name__ == "__main__":
    main()
