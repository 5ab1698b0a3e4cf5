"""Byte ranges for stored files (web/files.py): what a video player asks for, answered right."""

import io

from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from hipalign.web.files import byte_range, file_response

BODY = bytes(range(256)) * 40  # 10,240 distinct-enough bytes


def _get(range_header: str | None) -> tuple[int, dict[str, str], bytes]:
    headers = {} if range_header is None else {"Range": range_header}
    request = RequestFactory().get("/f", headers=headers)
    response = file_response(request, io.BytesIO(BODY), content_type="video/mp4")
    parts = response.streaming_content if response.streaming else [response.content]  # type: ignore[attr-defined]
    body = b"".join(parts)
    return response.status_code, dict(response.headers), body


def test_without_a_range_the_whole_file_is_sent_and_ranges_are_offered() -> None:
    status, headers, body = _get(None)
    assert status == 200 and body == BODY and headers["Accept-Ranges"] == "bytes"


def test_an_open_range_from_zero_is_a_206_of_the_whole_file() -> None:
    status, headers, body = _get("bytes=0-")
    assert status == 206 and body == BODY
    assert headers["Content-Range"] == f"bytes 0-{len(BODY) - 1}/{len(BODY)}"
    assert headers["Content-Length"] == str(len(BODY))


def test_a_middle_range_and_a_suffix_send_exactly_those_bytes() -> None:
    status, headers, body = _get("bytes=100-199")
    assert (status, body) == (206, BODY[100:200])
    assert headers["Content-Range"] == f"bytes 100-199/{len(BODY)}"
    status, headers, body = _get("bytes=-500")
    assert (status, body) == (206, BODY[-500:])


def test_a_range_past_the_end_is_416_naming_the_size() -> None:
    status, headers, body = _get(f"bytes={len(BODY)}-")
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(BODY)}" and body == b""


def test_ranges_it_does_not_answer_get_the_whole_file() -> None:
    for header in ("bytes=0-1,5-9", "items=0-5", "bytes=9-3", "bytes=-", "nonsense"):
        status, _, body = _get(header)
        assert (status, body) == (200, BODY), header


@given(size=st.integers(0, 5000), first=st.integers(0, 6000), length=st.integers(0, 6000))
def test_an_answered_range_always_lies_inside_the_file(size: int, first: int, length: int) -> None:
    got = byte_range(f"bytes={first}-{first + length}", size)
    if first >= size:
        assert got is False
    else:
        assert isinstance(got, tuple)
        lo, hi = got
        assert lo == first and lo <= hi <= size - 1 and hi == min(first + length, size - 1)
