"""Where the shared test media are (../shared/test-media, read at run time; see its SOURCES.md)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def media_dir() -> Path:
    candidates = [
        Path(os.environ["HIPALIGN_TEST_MEDIA"]) if os.environ.get("HIPALIGN_TEST_MEDIA") else None,
        ROOT.parent / "shared" / "test-media",
        Path("/work/shared/test-media"),
    ]
    for c in candidates:
        if c is not None and (c / "pose.jpg").is_file():
            return c
    raise FileNotFoundError(
        "the shared test media were not found: set HIPALIGN_TEST_MEDIA to the test-media folder"
    )
