"""Checking and cleaning a clinic's exercise photo or video before it is stored (issue 16).

The same rules as posture uploads (RELIABILITY.md 4): the type is read from the content, never
the name; sizes and pixels are capped before anything is decoded; a photo is decoded and
written afresh, so EXIF (GPS), text chunks, colour profiles, trailing bytes and polyglots are
gone; a video is probed with ffprobe (container, codecs, sides, duration) and remuxed by ffmpeg
without its metadata (`-map_metadata -1`, streams copied, not re-encoded). Without ffprobe and
ffmpeg on the machine a video cannot be checked or cleaned, so none is accepted.

Every refusal is an InputError naming the field by its page label, "Photo or video", and what
is allowed; the caller stores nothing then.
"""

import io
import json
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hipalign.core.errors import InputError

FIELD = "Photo or video"
MAX_PHOTO_BYTES = 20 * 1024 * 1024  # RELIABILITY.md 4 caps
MAX_VIDEO_BYTES = 100 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 8192
MAX_VIDEO_SIDE = 4096
MAX_VIDEO_S = 60.0  # a short demonstration: one or two repetitions
PROBE_TIMEOUT_S = 20
REMUX_TIMEOUT_S = 60
ALLOWED = "a JPEG, PNG or WebP photo (at most 20 MB), or an MP4, MOV or WebM video of at most 60 s (at most 100 MB)"
PHOTO_TYPES = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
# Container as ffprobe names it -> the streams it may hold and what is stored.
MP4_VIDEO = {"h264", "hevc", "av1"}
MP4_AUDIO = {"aac", "mp3", "opus"}
WEBM_VIDEO = {"vp8", "vp9", "av1"}
WEBM_AUDIO = {"opus", "vorbis"}


def _number(n: int) -> str:
    """A limit as the page's language writes it ('8,192'; Spanish '8 192', Django's number
    formats), or with the English comma outside Django (issue 20)."""
    from django.conf import settings

    if not settings.configured:
        return f"{n:,}"
    from django.utils import formats

    return str(formats.number_format(n, force_grouping=True))


def _refuse(problem: str) -> InputError:
    return InputError(FIELD, [f"{FIELD}: {problem}"])


@dataclass(frozen=True, kw_only=True)
class Cleaned:
    kind: str  # "photo" | "video"
    content_type: str
    suffix: str
    path: Path  # the cleaned file, in the caller's scratch folder
    duration_s: float | None = None


def sniff(head: bytes) -> str | None:
    """ "photo", "mp4", "webm" or None, from the first bytes only (never the file's name)."""
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "photo"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "photo"
    if head[4:8] == b"ftyp":
        return "mp4"  # MP4, MOV and M4V all start with an ftyp box
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:4096]:
        return "webm"
    return None


def clean_photo(source: Path, work: Path) -> Cleaned:
    from PIL import Image, ImageOps

    if source.stat().st_size > MAX_PHOTO_BYTES:
        raise _refuse(f"a photo may be at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=list(PHOTO_TYPES)) as im:
                fmt = str(im.format)
                if max(im.size) > MAX_SIDE or im.width * im.height > MAX_PIXELS:
                    raise _refuse(
                        f"the photo is {im.width}x{im.height} pixels; each side may be at most "
                        f"{_number(MAX_SIDE)} pixels and the whole at most {MAX_PIXELS // 1_000_000} million"
                    )
                im.load()
                upright = ImageOps.exif_transpose(im)
                content_type, suffix = PHOTO_TYPES[fmt]
                out = io.BytesIO()
                if fmt == "JPEG":
                    upright.convert("RGB").save(out, format="JPEG", quality=90)
                elif fmt == "PNG":
                    keep = (
                        upright
                        if upright.mode in ("RGB", "RGBA", "L", "LA")
                        else upright.convert("RGBA")
                    )
                    keep.save(out, format="PNG")
                else:
                    keep = upright if upright.mode in ("RGB", "RGBA") else upright.convert("RGBA")
                    keep.save(out, format="WEBP", quality=90)
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(f"the photo has too many pixels; {ALLOWED} is allowed") from None
    except (OSError, SyntaxError, ValueError):
        raise _refuse(f"the photo cannot be read; {ALLOWED} is allowed") from None
    path = work / f"clean{suffix}"
    path.write_bytes(out.getvalue())
    return Cleaned(kind="photo", content_type=content_type, suffix=suffix, path=path)


def video_tools() -> bool:
    return shutil.which("ffprobe") is not None and shutil.which("ffmpeg") is not None


def _probe(source: Path) -> dict[str, object]:
    try:
        done = subprocess.run(
            [
                "ffprobe", "-v", "error", "-of", "json",
                "-show_entries", "format=format_name,duration:stream=codec_type,codec_name,width,height",
                str(source),
            ],
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise _refuse(f"the video could not be checked in time; {ALLOWED} is allowed") from None
    if done.returncode != 0:
        raise _refuse(f"the video cannot be read; {ALLOWED} is allowed")
    try:
        probed = json.loads(done.stdout)
    except ValueError:
        raise _refuse(f"the video cannot be read; {ALLOWED} is allowed") from None
    return probed if isinstance(probed, dict) else {}


def _check_container(fmt: dict[str, Any], container: str) -> None:
    names = set(str(fmt.get("format_name", "")).split(","))
    if container == "mp4" and not names & {"mp4", "mov"}:
        raise _refuse(f"the file is not an MP4 or MOV video; {ALLOWED} is allowed")
    if container == "webm" and "webm" not in names:
        raise _refuse(f"the file is not a WebM video; {ALLOWED} is allowed")


def _first_video(streams: list[Any], container: str) -> dict[str, Any]:
    """The first picture stream, once every stream's codec is one the container allows."""
    video_ok, audio_ok = (MP4_VIDEO, MP4_AUDIO) if container == "mp4" else (WEBM_VIDEO, WEBM_AUDIO)
    videos = [s for s in streams if isinstance(s, dict) and s.get("codec_type") == "video"]
    if not videos:
        raise _refuse(f"the file holds no video picture; {ALLOWED} is allowed")
    for s in streams:
        kind, codec = s.get("codec_type"), str(s.get("codec_name", ""))
        if kind == "video" and codec not in video_ok:
            raise _refuse(
                f"the video is coded as {codec or 'unknown'}; use H.264, HEVC or AV1 in "
                "MP4 or MOV, or VP8, VP9 or AV1 in WebM"
            )
        if kind == "audio" and codec not in audio_ok:
            raise _refuse(
                f"the sound is coded as {codec or 'unknown'}; use AAC or Opus, or no sound"
            )
    return videos[0]


def _check_picture_and_length(video: dict[str, Any], fmt: dict[str, Any]) -> float:
    """The video's length in seconds, once its picture and length are within the limits."""
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if max(width, height) > MAX_VIDEO_SIDE:
        raise _refuse(
            f"the video is {width}x{height}; each side may be at most {MAX_VIDEO_SIDE:,} pixels"
        )
    try:
        duration = float(str(fmt.get("duration")))
    except ValueError:
        raise _refuse(f"the video's length cannot be read; {ALLOWED} is allowed") from None
    if not 0 < duration <= MAX_VIDEO_S:
        raise _refuse(f"the video lasts {duration:.0f} s; at most {MAX_VIDEO_S:.0f} s is allowed")
    return duration


def _remux(source: Path, out: Path, muxer: str) -> None:
    """Copy the first picture and sound streams into `out`, leaving metadata and chapters out."""
    cmd = [
        "ffmpeg", "-nostdin", "-v", "error", "-i", str(source),
        "-map", "0:v:0", "-map", "0:a:0?", "-map_metadata", "-1", "-map_chapters", "-1",
        "-c", "copy", "-f", muxer,
    ]  # fmt: skip
    if muxer == "mp4":
        cmd += ["-movflags", "+faststart"]
    try:
        done = subprocess.run(
            [*cmd, str(out)],
            capture_output=True,
            timeout=REMUX_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise _refuse(f"the video could not be cleaned in time; {ALLOWED} is allowed") from None
    if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise _refuse(f"the video cannot be read; {ALLOWED} is allowed")


def clean_video(source: Path, work: Path, container: str) -> Cleaned:
    """Probe, then remux without metadata into a fresh MP4 or WebM file."""
    if not video_tools():
        raise _refuse("this server cannot check videos (ffmpeg is not installed); upload a photo")
    if source.stat().st_size > MAX_VIDEO_BYTES:
        raise _refuse(f"a video may be at most {MAX_VIDEO_BYTES // (1024 * 1024)} MB")
    probed = _probe(source)
    fmt = probed.get("format") or {}
    streams = probed.get("streams") or []
    assert isinstance(fmt, dict) and isinstance(streams, list)
    _check_container(fmt, container)
    duration = _check_picture_and_length(_first_video(streams, container), fmt)
    suffix, content_type, muxer = (
        (".mp4", "video/mp4", "mp4") if container == "mp4" else (".webm", "video/webm", "webm")
    )
    out = work / f"clean{suffix}"
    _remux(source, out, muxer)
    return Cleaned(
        kind="video", content_type=content_type, suffix=suffix, path=out, duration_s=duration
    )


def clean_media(source: Path, work: Path) -> Cleaned:
    """The checked, cleaned file for `source` (written into `work`), or InputError."""
    with source.open("rb") as fh:
        head = fh.read(4096)
    found = sniff(head)
    if found is None:
        raise _refuse(f"this file is neither a photo nor a video; {ALLOWED} is allowed")
    if found == "photo":
        return clean_photo(source, work)
    return clean_video(source, work, found)
