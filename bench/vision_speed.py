"""Posture speed: milliseconds per photo, frames per second on a clip, and our overhead.

Run: uv run --extra vision python bench/vision_speed.py [--repeat 15]

For each shared test photo (../shared/test-media), after a warm-up: the bare model call
(`Pose.process` on an RGB array already in memory) against our whole pipeline for that photo
(read and check the file, EXIF, landmarks, core geometry, verdicts) with the model loaded once, with
and without the second-person check (one more inference). For the squat clip: frames per second of
the pipeline and of bare inference on the same decoded frames. Medians; the machine is shared.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.adapters.media import media_dir  # noqa: E402

from hipalign.adapters.vision.media import load_image, video_frames  # noqa: E402
from hipalign.adapters.vision.pose import PoseModel  # noqa: E402
from hipalign.services.posture.analysis import posture_analyze  # noqa: E402


def _median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    media = media_dir()
    print(
        f"{'photo':<14}{'bare ms':>9}{'ours ms':>9}{'overhead':>10}{'ours+2nd':>10}{'overhead':>10}"
    )
    with PoseModel() as model:
        overheads = []
        for name in ("pose.jpg", "image1.png", "image2.jpeg"):
            path = media / name
            rgb = load_image(path)
            bare = _median_ms(lambda rgb=rgb: model._pose.process(rgb), args.repeat)
            ours = _median_ms(
                lambda path=path: posture_analyze(path, model=model, people_check=False),
                args.repeat,
            )
            full = _median_ms(lambda path=path: posture_analyze(path, model=model), args.repeat)
            overheads.append(ours / bare - 1)
            print(
                f"{name:<14}{bare:>9.1f}{ours:>9.1f}{ours / bare - 1:>+10.0%}{full:>10.1f}{full / bare - 1:>+10.0%}"
            )
        print(
            f"median overhead without the second-person check: {statistics.median(overheads):+.0%}"
        )

        clip = media / "pose_squats.mp4"
        fps, count, frames = video_frames(clip)
        decoded = list(frames)
        model._pose.process(decoded[0])
        t = time.perf_counter()
        for f in decoded:
            model._pose.process(f)
        bare_fps = len(decoded) / (time.perf_counter() - t)
        t = time.perf_counter()
        result = posture_analyze(clip, model=model)
        ours_fps = count / (time.perf_counter() - t)
        print(
            f"clip {clip.name}: {count} frames at {fps:g} fps; bare inference {bare_fps:.0f} fps, "
            f"our pipeline (decode included) {ours_fps:.0f} fps, status {result.status}; "
            f"real time needs {fps:g} fps (30 fps for a phone clip)"
        )


if __name__ == "__main__":
    main()
