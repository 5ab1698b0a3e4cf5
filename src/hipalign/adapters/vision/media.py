"""Reading photos and clips safely: type by content, size and pixel limits, EXIF orientation,
RGB only (RELIABILITY.md 4; VISION.md 1: the model needs 3-channel RGB uint8)."""

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hipalign.core.errors import InputError

MAX_FILE_BYTES = 100 * 1024 * 1024  # RELIABILITY.md 4: 20 MB image, 100 MB video caps
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # below Pillow's bomb limits (RELIABILITY.md 4 [P])
# Issue 12.1: OpenCV's remap (inside MediaPipe) asserts every side < SHRT_MAX (32,767) and the
# assertion aborts the process, which no `except` catches. 8,192 px leaves a wide margin and
# still takes any phone photo whole (a 50 MP sensor is 8,160 px on its long side).
MAX_SIDE = 8192
MAX_VIDEO_FRAMES = 30 * 60  # a minute at 30 fps: exercise clips are short
IMAGE_FORMATS = ["JPEG", "PNG", "WEBP"]
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv"}


def _size_check(path: Path, limit: int, what: str) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InputError(what, [f"{path}: no such file"]) from exc
    if not path.is_file():
        raise InputError(what, [f"{path}: not a file"])
    if size > limit:
        raise InputError(what, [f"{path}: {size:,} bytes, more than the {limit:,} allowed"])


def load_image(path: Path) -> Any:
    """An RGB uint8 array of the photo, upright as the camera held it."""
    import numpy as np
    from PIL import Image, ImageOps

    _size_check(path, MAX_IMAGE_BYTES, "photo")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # A decompression-bomb warning is an error here, not a note.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Image.open reads the header only: sides and pixels are checked before any decode.
            with Image.open(path, formats=IMAGE_FORMATS) as im:
                if max(im.width, im.height) > MAX_SIDE:
                    raise InputError(
                        "photo",
                        [
                            f"{path}: {im.width}x{im.height} pixels; each side may be at most "
                            f"{MAX_SIDE:,} pixels"
                        ],
                    )
                if im.width * im.height > MAX_PIXELS:
                    raise InputError(
                        "photo",
                        [
                            f"{path}: {im.width}x{im.height} pixels, more than {MAX_PIXELS:,} allowed"
                        ],
                    )
                im.load()
                upright = ImageOps.exif_transpose(im)
                # Alpha is dropped (transparent pixels keep the colour stored under them), as the
                # reference values of test-media/SOURCES.md were measured.
                rgb = upright.convert("RGB")
                return np.asarray(rgb, dtype=np.uint8).copy()
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputError("photo", [f"{path}: too many pixels (a decompression bomb?)"]) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(
            "photo", [f"{path}: not a readable JPEG, PNG or WebP image ({exc.__class__.__name__})"]
        ) from exc


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def video_frames(path: Path) -> tuple[float, int, Iterator[Any]]:
    """(fps, frame count, RGB frames) of a clip, or InputError when it cannot be read."""
    import cv2

    _size_check(path, MAX_FILE_BYTES, "video")
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise InputError("video", [f"{path}: not a readable video"])
    fps = float(cap.get(cv2.CAP_PROP_FPS) or 0)
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
    height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
    if fps <= 0 or count <= 0 or width <= 0 or height <= 0:
        cap.release()
        raise InputError("video", [f"{path}: no frames could be read (truncated or not a video)"])
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        cap.release()
        raise InputError(
            "video",
            [
                f"{path}: {width}x{height} frames are too large; each side may be at most "
                f"{MAX_SIDE:,} pixels and a frame at most {MAX_PIXELS:,} pixels"
            ],
        )
    if count > MAX_VIDEO_FRAMES:
        cap.release()
        raise InputError(
            "video", [f"{path}: {count} frames; at most {MAX_VIDEO_FRAMES} (a minute at 30 fps)"]
        )

    def frames() -> Iterator[Any]:
        try:
            while True:
                ok, bgr = cap.read()
                if not ok:
                    return
                yield cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        finally:
            cap.release()

    return fps, count, frames()
