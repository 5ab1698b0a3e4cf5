"""Cost of wording a stored plan again in the reader's language (issue 20,
services/program/plan_words.py): every sentence of the 410 golden plans' documents worded in
Spanish, per plan, after a warm-up. The plan page caches its body per plan version and
language (web/plan_cache.py), so this is paid once per plan and language in a process.

Run: uv run python bench/plan_words_speed.py

Prints the median, p95 and largest time per plan in milliseconds. A benchmark prints figures;
it never fails on them.
"""

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parents[1] / "tests" / "core" / "planning" / "golden" / "plans_main.json"


def _word(plan_words: Any, doc: Any) -> None:
    plan_words.text_words(doc.disclaimer)
    for p in doc.patterns:
        plan_words.pattern_words(p)
        for e in p.evidence:
            plan_words.text_words(e.detail)
    if doc.plan is None:
        return
    plan_words.summary_words(doc.plan.summary)
    for left in doc.plan.left_out:
        plan_words.left_out_words(left.reason) or plan_words.text_words(left.reason)
    for day in doc.plan.days:
        for item in day.items:
            for why in item.why:
                plan_words.why_words(why, doc.patterns)
            for note in item.notes:
                plan_words.text_words(note)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipalign.web.test_settings")
    import django

    django.setup()
    from django.utils import translation

    from hipalign.core.errors import parse_json_document
    from hipalign.core.intake import Intake
    from hipalign.core.planning.planner import generate_plan
    from hipalign.services.program import plan_words

    intakes = [p["intake"] for p in json.loads(GOLDEN.read_text("utf-8"))["plans"]]
    docs = [generate_plan(parse_json_document(Intake, json.dumps(i), "intake")) for i in intakes]
    times = []
    with translation.override("es"):
        for doc in docs[:20]:  # the compiled patterns and the libraries' caches
            _word(plan_words, doc)
        for doc in docs:
            start = time.perf_counter()
            _word(plan_words, doc)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"plans {len(times)}: median {statistics.median(times):.2f} ms, "
        f"p95 {times[int(len(times) * 0.95)]:.2f} ms, max {times[-1]:.2f} ms per plan"
    )


if __name__ == "__main__":
    main()
