"""Where the shared test media are (../shared/test-media, read at run time; see its SOURCES.md)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def media_dir() -> Path:
    candidates = [
        Path(os.environ["HIPALIGN_TEST_MEDIA"]) if os.environ.get("HIPALIGN_TEST_MEDIA") else None,
        ROOT.parent / "shared" / "test-media",
        Path("/work/shared/test-media"),
    ]
    for c in candidates:
        if c is not None and (c / "pose.jpg").is_file():
            return c
    raise FileNotFoundError(
        "the shared test media were not found: set HIPALIGN_TEST_MEDIA to the test-media folder"
    )


def long_side_png(width: int, height: int) -> bytes:
    """A black 1-bit PNG of any size in under 100 bytes (issue 12.1: 32,767 px on one side
    aborted the whole process inside OpenCV's remap)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte, then the packed bits
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )
