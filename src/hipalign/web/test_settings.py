"""Settings for the test suite: a throwaway data folder, fast hashing (see settings.py)."""

import os
import tempfile

os.environ["HIPALIGN_ENV"] = "test"
os.environ.setdefault("HIPALIGN_DATA", tempfile.mkdtemp(prefix="hipalign-test-"))

from hipalign.web.settings import *  # noqa: F403
