"""Camera coach speed in headless Chromium (issue 17): not a test, prints medians.

    uv run python bench/coach_speed.py [--repeat 2]

For the lite and full models on the CPU (wasm, useCpuInference) and WebGL (SwiftShader here, no
GPU) paths: time to the first result (model load + first frame, cold: a new browser context),
the in-page time per frame inside pose.send over the squat clip's 65 frames (each detected
afresh, as the server's static mode),
and our counting + cues (HipalignCoach.Tracker.add on the squat rule) per frame, as a share of
pose.send; also add() late in a long set (frame 900), since the Tracker re-reads its frames.
Frames are decoded <img> elements first, so decoding is not timed. Files are served by a small
local server from the app's static folder (bash scripts/assets first).
"""

import argparse
import functools
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.adapters.media import media_dir  # noqa: E402

from hipalign.core.posture.coach import rules_document  # noqa: E402
from hipalign.web import pose_assets  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
]

PAGE = """<!doctype html><meta charset=utf-8><title>coach bench</title>
<script src="/static/hipalign/js/pose.js"></script>
<script src="/static/hipalign/js/coach.js"></script>"""

RUN = """async ([model, inference, n, doc]) => {
  const bitmaps = [];
  for (let i = 1; i <= n; i++) {
    const img = new Image();  // as the browser test feeds the model
    img.src = '/frames/f' + String(i).padStart(3, '0') + '.png';
    await img.decode();
    bitmaps.push(img);
  }
  const t0 = performance.now();
  const m = await window.HipalignPose.load({model, inference});
  const first = await m.estimate(bitmaps[0]);
  const firstMs = performance.now() - t0;
  const send = [], add = [];
  const tracker = new window.HipalignCoach.Tracker(doc, 'squat', {repS: 3});
  let t = 0;
  let nulls = 0;
  const seen = [];
  for (const b of bitmaps) {
    m.reset();  // each frame detected afresh, as the server's static mode (and the browser test)
    const f = await m.estimate(b);
    send.push(f.ms);
    if (!f.landmarks) nulls++;
    seen.push(f);
  }
  // add() takes well under the timer's resolution: time 200 passes over the clip, per frame.
  const a0 = performance.now();
  for (let k = 0; k < 200; k++) {
    const tr = new window.HipalignCoach.Tracker(doc, 'squat', {repS: 3});
    seen.forEach((f, i) => tr.add(f.landmarks, f.width, f.height, i * 0.2));
  }
  add.push((performance.now() - a0) / (200 * seen.length));
  seen.forEach((f, i) => tracker.add(f.landmarks, f.width, f.height, i * 0.2));
  // Late in a long set: the Tracker re-reads every frame so far.
  const frames = seen.map((f) => f.landmarks);
  const k = frames.length;
  const long = new window.HipalignCoach.Tracker(doc, 'squat', {repS: 3});
  for (let i = 0; i < 899; i++) long.add(frames[i % k], bitmaps[0].naturalWidth, bitmaps[0].naturalHeight, i / 15);
  const b0 = performance.now();
  for (let i = 0; i < 50; i++) long.add(frames[i % k], bitmaps[0].naturalWidth, bitmaps[0].naturalHeight, (899 + i) / 15);
  const late = [(performance.now() - b0) / 50];
  m.close();
  return {firstMs, send, add, late, used: m.inference, count: tracker.state.count, nulls};
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not pose_assets.check().ok:
        sys.exit("the pose model files are not installed: bash scripts/assets")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "static").symlink_to(ROOT / "src" / "hipalign" / "web" / "static")
        (root / "frames").mkdir()
        subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(media_dir() / "pose_squats.mp4"),
             str(root / "frames" / "f%03d.png")],
            check=True,
        )  # fmt: skip
        n = len(list((root / "frames").iterdir()))
        (root / "index.html").write_text(PAGE)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
        http.server.SimpleHTTPRequestHandler.extensions_map[".wasm"] = "application/wasm"
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        handler.func.log_message = lambda *a: None  # type: ignore[attr-defined]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
        doc = rules_document(["squat"])
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            for model in ("lite", "full"):
                for inference in ("cpu", "gpu"):
                    runs = []
                    for _ in range(args.repeat):
                        ctx = browser.new_context()
                        page = ctx.new_page()
                        page.goto(url)
                        # WebGL without a GPU takes seconds a frame here: 10 frames are enough.
                        frames = n if inference == "cpu" else 10
                        runs.append(page.evaluate(RUN, [model, inference, frames, doc]))
                        ctx.close()
                    send = [v for r in runs for v in r["send"]]
                    add = [v for r in runs for v in r["add"]]
                    late = [v for r in runs for v in r["late"]]
                    rows.append(
                        {
                            "model": model,
                            "path": inference,
                            "first_result_ms": statistics.median(r["firstMs"] for r in runs),
                            "send_ms_median": statistics.median(send),
                            "add_ms_median": statistics.median(add),
                            "add_share": statistics.median(add) / statistics.median(send),
                            "add_ms_frame_900": statistics.median(late),
                            "late_share": statistics.median(late) / statistics.median(send),
                            "squats_counted": runs[0]["count"],
                            "frames_without_person": runs[0]["nulls"],
                        }
                    )
                    print(json.dumps(rows[-1]), flush=True)
            browser.close()
        httpd.shutdown()
    print()
    print("| model | path | first result | pose.send per frame | counting + cues | at frame 900 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['model']} | {r['path']} | {r['first_result_ms'] / 1000:.1f} s | "
            f"{r['send_ms_median']:.0f} ms | {r['add_ms_median']:.2f} ms "
            f"({r['add_share']:.1%}) | {r['add_ms_frame_900']:.2f} ms ({r['late_share']:.1%}) |"
        )


if __name__ == "__main__":
    main()
