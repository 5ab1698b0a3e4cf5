"""Pose estimation at the edge: MediaPipe BlazePose full (the optional `vision` extra).

Nothing here is imported unless posture is analysed, so the rest of hipalign installs and runs
without the extra."""

MISSING = (
    "posture analysis needs the optional vision extra: run `uv sync --extra vision` "
    "(MediaPipe 0.10.21 and its minimal dependencies, about 400 MB)"
)
