"""Records the Python model's landmarks on the shared squat clip, once (issue 17).

    uv run --extra vision python -m tests.web.coach_data.record

Writes squat_landmarks.json beside this file: every frame of test-media/pose_squats.mp4 through
the server's PoseModel (MediaPipe 0.10.21, full model, static mode, as `hipalign movement
analyze`), x and y normalised (y down) and visibility, rounded to 5 decimals. The rule-port test
evaluates the core's rules and the page's JS on these, and the browser test compares the page's
landmarks with them.
"""

import json
from pathlib import Path

from hipalign.adapters.vision.media import video_frames
from hipalign.adapters.vision.pose import MODEL_ID, PoseModel
from tests.adapters.media import media_dir

OUT = Path(__file__).with_name("squat_landmarks.json")


def main() -> None:
    fps, _, frames = video_frames(media_dir() / "pose_squats.mp4")
    out: list[list[list[float]] | None] = []
    width = height = 0
    with PoseModel() as model:
        for rgb in frames:
            height, width = rgb.shape[:2]
            lms = model.landmarks(rgb)
            out.append(
                None
                if lms is None
                else [[round(p.x, 5), round(p.y, 5), round(p.visibility, 5)] for p in lms]
            )
    doc = {
        "source": "test-media/pose_squats.mp4",
        "model": MODEL_ID,
        "fps": fps,
        "width": width,
        "height": height,
        "frames": out,
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(out)} frames, {sum(f is not None for f in out)} with a person")


if __name__ == "__main__":
    main()
