"""Reps and holds from a video (VISION.md 4), and the CLI around posture and movement."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hipalign.core.errors import InputError
from hipalign.services.posture.analysis import movement_analyze
from tests.adapters.media import long_side_png, media_dir

MEDIA = media_dir()
SQUATS = MEDIA / "pose_squats.mp4"


def test_the_squat_video_has_two_completed_reps_and_one_in_progress() -> None:
    result = movement_analyze(SQUATS, "squat")
    rc = result.reps["both"]
    assert (rc.completed, rc.in_progress) == (2, True)
    assert result.frames == 65 and result.frames_with_person == 65


def test_a_movement_the_landmarks_cannot_show_says_why_and_reads_nothing() -> None:
    result = movement_analyze(SQUATS, "pelvic_tilt_standing")
    assert result.kind == "not_counted"
    assert result.frames == 0 and result.reps == {}
    assert any("few degrees" in n for n in result.notes)


def test_an_exercise_without_a_rule_is_refused_by_name() -> None:
    with pytest.raises(InputError, match="'moonwalk' has no counting rule"):
        movement_analyze(SQUATS, "moonwalk")


def test_a_photo_is_not_a_video() -> None:
    with pytest.raises(InputError, match="give a video"):
        movement_analyze(MEDIA / "pose.jpg", "squat")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hipalign.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_posture_analyze_json_and_overlay(tmp_path: Path) -> None:
    out = tmp_path / "overlay.png"
    run = _cli(
        "posture", "analyze", str(MEDIA / "pose.jpg"), "--format", "json", "--overlay", str(out)
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["status"] == "ok" and doc["high_side"] == "right"
    hip = doc["metrics"]["hip_tilt_deg"]
    assert hip["views"]["photo"] == pytest.approx(-5.933, abs=0.05)  # SOURCES.md reference
    assert hip["value"] == pytest.approx(-4.66, abs=0.05)  # with its mirror image (issue 17)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_posture_analyze_of_a_non_image_exits_2_with_one_message(tmp_path: Path) -> None:
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    run = _cli("posture", "analyze", str(bad))
    assert run.returncode == 2 and run.stdout == ""
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: photo is not valid: {bad}: not a readable JPEG, PNG or WebP image (UnidentifiedImageError)"
    ]


def test_a_clip_wider_than_8192_px_is_refused_before_any_frame_is_read(tmp_path: Path) -> None:
    import cv2
    import numpy as np

    path = tmp_path / "wide.avi"
    fourcc = cv2.VideoWriter_fourcc(*"MJPG")  # type: ignore[attr-defined]  # not in cv2's stubs
    writer = cv2.VideoWriter(str(path), fourcc, 10, (8200, 16))
    for _ in range(3):
        writer.write(np.zeros((16, 8200, 3), np.uint8))
    writer.release()
    with pytest.raises(InputError, match="each side may be at most 8,192 pixels"):
        movement_analyze(path, "squat")


def test_posture_analyze_of_a_32767_px_wide_png_exits_2_instead_of_aborting(
    tmp_path: Path,
) -> None:
    wide = tmp_path / "wide.png"
    wide.write_bytes(long_side_png(32767, 1))  # SIGABRT (status 134) before issue 12.1
    run = _cli("posture", "analyze", str(wide))
    assert run.returncode == 2 and run.stdout == ""
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: photo is not valid: {wide}: 32767x1 pixels; each side may be at most 8,192 pixels"
    ]


def test_movement_analyze_text_output() -> None:
    run = _cli("movement", "analyze", str(SQUATS), "--exercise", "squat")
    assert run.returncode == 0, run.stderr
    assert "2 rep(s) (+1 in progress at the end)" in run.stdout
