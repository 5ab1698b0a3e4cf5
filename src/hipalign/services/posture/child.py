"""The process that opens an uploaded photo or clip and runs the pose model (issue 12.1).

`posture_analyze_isolated` starts it with `python -m hipalign.services.posture.child REQUEST`:
a hostile file that aborts native code (OpenCV's remap asserts, SIGABRT) kills this process only,
never the web server or the worker. Contract: REQUEST is a JSON object {"source", "overlay",
"clean"} of absolute paths ("clean" may be null); the one line on stdout is a JSON object, either
{"result": <PostureResult>} or {"refused": {"what", "problems"}}, and the exit status is 0. Any
other ending (a signal, a non-zero status, no such line) means the file could not be measured.
No Django here: the child touches only the files it is given."""

import json
import os
import sys
from pathlib import Path

from hipalign.core.errors import InputError

PRIVATE_FILE = 0o600  # issue 12.16: everything in the data folder is the owner's only


def _reencode(source: Path, clean: Path) -> None:
    """A fresh PNG of the pixels only: EXIF (GPS), trailing bytes and polyglots are dropped."""
    from PIL import Image

    from hipalign.adapters.vision.media import load_image

    rgb = load_image(source)  # header checked (sides, pixels) before any decode
    fd = os.open(clean, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as fh:
        Image.fromarray(rgb).save(fh, format="PNG")


def run(request: dict[str, str | None]) -> dict[str, object]:
    from hipalign.services.posture.analysis import posture_analyze

    source = Path(str(request["source"]))
    overlay = Path(str(request["overlay"]))
    clean = Path(str(request["clean"])) if request.get("clean") else None
    try:
        if clean is not None:
            _reencode(source, clean)
            source = clean  # the model only ever sees the re-encoded pixels
        result = posture_analyze(source, overlay)
    except InputError as exc:
        return {"refused": {"what": exc.what, "problems": exc.problems}}
    if overlay.exists():
        overlay.chmod(PRIVATE_FILE)
    return {"result": result.model_dump(mode="json")}


def main() -> None:
    os.umask(0o077)
    answer = run(json.loads(sys.argv[1]))
    sys.stdout.write("\n" + json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
