"""Issue 17, honest uncertainty: the shared photos measured alone (before) and with their mirror
image (after), the mirror-sign check, rotation sensitivity, and what the mirror view costs.

Before = the picture alone (`posture_analyze(..., mirror=False)`), as hipalign measured until
issue 17; after = the picture and its mirror image combined (core.posture.views).
- Mirror check: each photo, and its horizontal flip, measured the same way; a flip should give
  the same line with the opposite sign.
- Rotation sensitivity (VISION.md 3.3 set-up): the photo centred on a grey canvas big enough to
  turn without cropping, turned by -10..+10 degrees; the least-squares slope of the hip line
  against the turn (1.00 degree per degree is ideal).
- Cost: the same photo in this process (imports warm), and in the child process that uploads use.
Run: uv run --extra vision python bench/posture_mirror.py [--runs 5]
Times are medians: these machines are shared and noisy.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from tests.adapters.media import media_dir  # noqa: E402

from hipalign.adapters.vision.pose import PoseModel  # noqa: E402
from hipalign.services.posture.analysis import (  # noqa: E402
    PHOTO_TIMEOUT_S,
    posture_analyze,
    posture_analyze_isolated,
)

PHOTOS = ["image1.png", "image2.jpeg", "pose.jpg", "image3.jpeg"]
LINES = [("hip_tilt_deg", "hip"), ("shoulder_tilt_deg", "shoulder"), ("trunk_lean_deg", "trunk")]
TURNS = [-10.0, -7.5, -5.0, -2.5, 0.0, 2.5, 5.0, 7.5, 10.0]


def shown(result, key: str) -> str:  # type: ignore[no-untyped-def]
    if result.status != "ok":
        return "could not measure"
    v = result.metrics[key]
    text = f"{v.value:+.1f} ± {v.uncertainty:.1f}"
    return text if v.reliable else text + " (could not measure reliably)"


def slope(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def canvas(src: Path, out: Path, angle: float) -> Path:
    im = Image.open(src).convert("RGB")
    side = int((im.width**2 + im.height**2) ** 0.5) + 8
    c = Image.new("RGB", (side, side), (128, 128, 128))
    c.paste(im, ((side - im.width) // 2, (side - im.height) // 2))
    c.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=(128, 128, 128)).save(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    media, work = media_dir(), Path(tempfile.mkdtemp())
    with PoseModel() as model:
        print("== mirror check: photo, then its flip (a flip should give the opposite sign)")
        for name in PHOTOS:
            src = media / name
            flip = work / f"flip-{Path(name).stem}.png"
            Image.open(src).convert("RGB").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(flip)
            for when, mirror in (("before", False), ("after", True)):
                a = posture_analyze(src, model=model, mirror=mirror)
                b = posture_analyze(flip, model=model, mirror=mirror)
                cells = [f"{label} {shown(a, k)} | flip {shown(b, k)}" for k, label in LINES]
                print(f"{name:12} {when:6} " + "; ".join(cells))
        print("== rotation sensitivity of the hip line (degrees per degree of turn; 1.00 ideal)")
        for name in ["image2.jpeg", "image1.png"]:
            for when, mirror in (("before", False), ("after", True)):
                hips = []
                for t in TURNS:
                    path = canvas(media / name, work / f"turn{t}.png", t)
                    r = posture_analyze(path, model=model, mirror=mirror)
                    hips.append(r.metrics["hip_tilt_deg"].value)
                print(f"{name:12} {when:6} slope {slope(TURNS, hips):.2f}")
        print("== cost of one photo (median of", args.runs, "runs)")
        photo = media / "pose.jpg"
        for when, mirror in (("before", False), ("after", True)):
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                posture_analyze(photo, model=model, mirror=mirror)
                times.append(time.perf_counter() - start)
            print(f"in this process, warm model, {when:6}: {statistics.median(times):.3f} s")
    times = []
    for i in range(args.runs):
        start = time.perf_counter()
        posture_analyze_isolated(
            source=photo,
            overlay=work / f"o{i}.png",
            clean=work / f"c{i}.png",
            timeout_s=PHOTO_TIMEOUT_S,
        )
        times.append(time.perf_counter() - start)
    print(
        f"child process (after), median {statistics.median(times):.2f} s, max {max(times):.2f} s"
        f", load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
