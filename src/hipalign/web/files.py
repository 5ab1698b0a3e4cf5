"""Serving a stored file with HTTP byte ranges (RFC 9110 section 14).

A browser plays a clinic's video by asking for parts of it (`Range: bytes=0-`, then wherever the
person seeks); without 206 answers seeking silently fails and Safari will not play the video at
all. Django's FileResponse sends the whole file only, so the views that serve a stored video go
through `file_response` here.

Only one range is answered: a multi-range request (or any unit but bytes) may be answered with
the whole file (RFC 9110 14.2: a server may ignore Range), which every player accepts. The body
streams in chunks, so a 50 MB video asked for as `bytes=0-` is never read into memory whole.
"""

import os
import re
from collections.abc import Iterator
from typing import IO, Literal

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

CHUNK = 64 * 1024  # bytes read per step while streaming a range
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | Literal[False] | None:
    """The inclusive (first, last) byte a `Range` header asks of a `size`-byte file.

    None: no usable single range (absent, another unit, several ranges, last before first):
    the whole file is sent. False: a syntactically valid range that starts past the end (or an
    empty suffix), which is answered 416."""
    m = _RANGE.match(header.strip())
    if m is None or (not m[1] and not m[2]):
        return None
    if not m[1]:  # a suffix: the last N bytes
        suffix = int(m[2])
        if suffix == 0 or size == 0:
            return False
        return max(size - suffix, 0), size - 1
    first = int(m[1])
    last = int(m[2]) if m[2] else size - 1
    if m[2] and last < first:
        return None
    if first >= size:
        return False
    return first, min(last, size - 1)


def _stream(fh: IO[bytes], first: int, last: int) -> Iterator[bytes]:
    try:
        fh.seek(first)
        left = last - first + 1
        while left > 0:
            chunk = fh.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
    finally:
        fh.close()


def file_response(request: HttpRequest, fh: IO[bytes], *, content_type: str) -> HttpResponseBase:
    """The file, whole (200) or the one byte range the request asks for (206, or 416)."""
    size = fh.seek(0, os.SEEK_END)
    fh.seek(0)
    wanted = byte_range(request.headers.get("Range", ""), size)
    response: HttpResponseBase
    if wanted is None:
        response = FileResponse(fh, content_type=content_type)
    elif wanted is False:
        fh.close()
        response = HttpResponse(status=416, content_type=content_type)
        response["Content-Range"] = f"bytes */{size}"
    else:
        first, last = wanted
        response = StreamingHttpResponse(
            _stream(fh, first, last), status=206, content_type=content_type
        )
        response["Content-Length"] = str(last - first + 1)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response
