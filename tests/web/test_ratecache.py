"""The rate-limit counters hold across processes: increments from two `hipalign` processes at
once on one SQLite file are all counted (Django's DatabaseCache reads then writes, and loses some)."""

import os
import subprocess
import sys
from pathlib import Path

COUNTER = """
import os, sys
import django
django.setup()
from django.core.cache import caches
from django.core.management import call_command
cache = caches["ratelimit"]
if sys.argv[1] == "setup":
    call_command("createcachetable", verbosity=0)
    cache.set("hits", 0, 600)
elif sys.argv[1] == "read":
    print(cache.get("hits"))
else:
    for _ in range(int(sys.argv[1])):
        cache.incr("hits")
"""


def _env(data: Path) -> dict[str, str]:
    # The server's own settings on a file database, not the test run's (pytest-django).
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIPALIGN_")}
    return env | {
        "HIPALIGN_ENV": "local",
        "HIPALIGN_DATA": str(data),
        "DJANGO_SETTINGS_MODULE": "hipalign.web.settings",
    }


def test_increments_from_two_processes_at_once_are_all_counted(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-c", COUNTER, "setup"], env=env, check=True, timeout=120)
    each = 150

    workers = [
        subprocess.Popen([sys.executable, "-c", COUNTER, str(each)], env=env) for _ in range(2)
    ]
    codes = [w.wait(timeout=300) for w in workers]
    total = subprocess.run(
        [sys.executable, "-c", COUNTER, "read"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()

    assert codes == [0, 0]
    assert total == str(2 * each)
