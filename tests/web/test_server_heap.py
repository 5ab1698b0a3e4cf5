"""`hipalign serve` freezes what startup made, so full collections stop walking it (issue 16:
the tail of the plan page at 50 users)."""

import json
import os
import subprocess
import sys

# In a child process: freezing is for the life of a process, and pytest's own must stay as is.
CHILD = """
import gc, json, sys
import django
django.setup()
from hipalign.web.server import settle_heap
before = gc.get_freeze_count()
frozen = settle_heap()
later = [object() for _ in range(1000)]  # made after: collected as usual
print(json.dumps({
    "before": before,
    "frozen": frozen,
    "after_new_objects": gc.get_freeze_count(),
    "views_loaded": "hipalign.web.views_prescribe" in sys.modules,
    "tracked_after": len(gc.get_objects()),
}))
"""


def test_serve_freezes_the_objects_of_startup_with_every_view_loaded() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hipalign.web.test_settings"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])

    # Django and the app alone make tens of thousands of objects; all of them are frozen (a
    # library may have frozen a few hundred of its own before).
    assert got["frozen"] > got["before"] + 20_000
    assert got["views_loaded"] is True
    # Objects made later are not frozen: a full collection walks only those.
    assert got["after_new_objects"] == got["frozen"]
    assert got["tracked_after"] < got["frozen"] // 10
