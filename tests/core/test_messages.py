"""Message text (issue 18): what may be sent, and which addresses become links."""

import pytest

from hipalign.core.attention import Signals, attention_flags
from hipalign.core.errors import InputError
from hipalign.core.messages import Segment, message_body, segments

HOST = "clinic.example:8000"


def test_only_addresses_on_the_apps_own_host_get_a_link() -> None:
    text = (
        f"See http://{HOST}/exercises/clamshell. Not https://evil.example/login, "
        f"nor http://{HOST}@evil.example/x, nor javascript:alert(1)"
    )
    got = segments(text, HOST)
    assert [s.href for s in got if s.href] == [f"http://{HOST}/exercises/clamshell"]
    # Every character of the message is still there, in order, as text.
    assert "".join(s.text for s in got) == text
    assert Segment(text="https://evil.example/login", href=None) in got


def test_the_host_compares_without_case_and_trailing_punctuation_stays_text() -> None:
    got = segments("(HTTP://Clinic.Example:8000/plan)", HOST.upper())
    assert got == [
        Segment(text="("),
        Segment(text="HTTP://Clinic.Example:8000/plan", href="HTTP://Clinic.Example:8000/plan"),
        Segment(text=")"),
    ]


def test_markup_is_only_text_in_the_segments() -> None:
    text = '<script>alert("x")</script> <a href="http://evil.example">here</a>'
    got = segments(text, HOST)
    assert all(s.href is None for s in got)
    assert "".join(s.text for s in got) == text


def test_the_body_keeps_line_breaks_and_refuses_what_cannot_be_stored() -> None:
    assert message_body("  one\r\ntwo\n ") == "one\ntwo"
    with pytest.raises(InputError, match="write something"):
        message_body(" \n\t ")
    with pytest.raises(InputError, match="U\\+0000"):
        message_body("nul \x00 here")
    assert len(message_body("a" * 4000)) == 4000
    with pytest.raises(InputError, match="4,001"):
        message_body("a" * 4001)


def test_unread_messages_rank_above_low_adherence_and_below_pain() -> None:
    from datetime import date

    flags = attention_flags(
        Signals(unread_messages=2, messages_needing_reply=1, max_pain_during_7d=7), date(2026, 3, 2)
    )
    assert [f.kind for f in flags] == ["pain_high", "messages"]
    assert flags[1].text == "Messages: 2 unread messages, 1 marked as needing a reply."
    assert flags[1].refs == ("hipalign_rule",)
    assert attention_flags(Signals(), date(2026, 3, 2)) == []
