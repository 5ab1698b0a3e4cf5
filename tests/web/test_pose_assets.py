"""The camera coach's model files: pinned, checked, served with Range support (issue 17)."""

import hashlib
import shutil
from pathlib import Path

import pytest
from django.core.checks import Error, Warning
from django.test import Client

from hipalign.web import checks, pose_assets
from tests.conftest import need
from tests.web.conftest import streamed

needs_assets = need(
    pose_assets.check().ok, "pose model files not installed: run bash scripts/assets"
)


@needs_assets
def test_the_installed_files_match_their_pinned_sha256() -> None:
    assert pose_assets.check() == pose_assets.State(ok=True)
    # The model files are the ones VISION.md 1 measured (the full one is the Python wheel's).
    assert pose_assets.FILES["pose_landmark_full.tflite"].startswith("e9a5c5cb17f7")


@needs_assets
def test_a_changed_or_missing_file_is_found(tmp_path: Path) -> None:
    for name in pose_assets.FILES:
        shutil.copy(pose_assets.STATIC_DIR / name, tmp_path / name)
    (tmp_path / "pose_landmark_lite.tflite").write_bytes(b"not the model")
    (tmp_path / "pose.js").unlink()

    state = pose_assets.check(tmp_path)

    assert not state.ok
    assert state.mismatched == ("pose_landmark_lite.tflite",)
    assert state.missing == ("pose.js",)
    assert "do not match their pinned sha256" in state.message()


def test_the_system_check_errs_on_a_mismatch_and_warns_when_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = pose_assets.State(ok=False, mismatched=("pose.js",))
    monkeypatch.setattr(pose_assets, "verify", lambda: bad)
    (error,) = checks.hipalign_pose_assets(None)
    assert isinstance(error, Error) and error.id == "hipalign.E101"

    absent = pose_assets.State(ok=False, missing=tuple(pose_assets.FILES))
    monkeypatch.setattr(pose_assets, "verify", lambda: absent)
    (warning,) = checks.hipalign_pose_assets(None)
    assert isinstance(warning, Warning) and "scripts/assets" in warning.msg

    monkeypatch.setattr(pose_assets, "verify", lambda: pose_assets.State(ok=True))
    assert checks.hipalign_pose_assets(None) == []


def test_a_tarball_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "pose.tgz"
    fake.write_bytes(b"something else")
    with pytest.raises(SystemExit, match="is not the pinned"):
        pose_assets._install_from(fake, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_licence_ships_beside_the_files() -> None:
    text = pose_assets.LICENSE.read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "APPENDIX: How to apply the Apache License" in text  # the whole text, not a stub


@needs_assets
def test_model_files_are_served_and_answer_range_requests(client: Client) -> None:
    url = pose_assets.URL_PREFIX + "pose_landmark_full.tflite"
    data = (pose_assets.STATIC_DIR / "pose_landmark_full.tflite").read_bytes()

    whole = client.get(url)
    part = client.get(url, HTTP_RANGE="bytes=100-199")

    assert whole.status_code == 200
    assert (
        hashlib.sha256(streamed(whole)).hexdigest()
        == (pose_assets.FILES["pose_landmark_full.tflite"])
    )
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert streamed(part) == data[100:200]
    wasm = client.get(pose_assets.URL_PREFIX + "pose_solution_simd_wasm_bin.wasm")
    assert wasm["Content-Type"] == "application/wasm"  # streaming compilation needs it
