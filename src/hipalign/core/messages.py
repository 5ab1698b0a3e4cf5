"""Messages between a person and their clinician (issue 18): what a message may hold and how its
text is shown. Pure: the service stores, the templates render the segments (auto-escaped).

A message is plain text. Addresses in it are shown as links only when they point at this app's
own host; any other address stays text, so a message cannot send its reader to a look-alike
site with one click (OWASP ASVS 5.3: output encoding, no markup from users).
"""

import re
import unicodedata
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from hipalign.core.errors import InputError

MAX_CHARS = 4000  # issue 18
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")  # as the log contract's client_id
LABEL = "Message"

# http(s) addresses up to the next space or quote; trailing sentence punctuation is not part.
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


class Segment(BaseModel):
    """A piece of a message: plain text, or an address with `href` when it may be a link."""

    model_config = ConfigDict(frozen=True)

    text: str
    href: str | None = None


def message_body(raw: str) -> str:
    """The text to store: line ends made \\n, outer blank space removed. Refuses an empty message,
    one over MAX_CHARS, and control characters other than tab and line breaks (PostgreSQL
    cannot store NUL; the others are invisible and only hide things)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InputError("message", [f"{LABEL}: write something to send"])
    if len(text) > MAX_CHARS:
        raise InputError(
            "message",
            [f"{LABEL}: at most {MAX_CHARS:,} characters (this one has {len(text):,})"],
        )
    bad = sorted(
        {f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"}
    )
    if bad:
        raise InputError(
            "message",
            [f"{LABEL}: contains control characters ({', '.join(bad)}); remove them"],
        )
    return text


def client_id_check(raw: str) -> str:
    if not CLIENT_ID.fullmatch(raw):
        raise InputError(
            "message",
            ["client_id: 8-64 letters, digits, '-' or '_', made by the client for each message"],
        )
    return raw


def segments(text: str, own_host: str) -> list[Segment]:
    """The message split into text and addresses; an address gets `href` only when its scheme is
    http(s) and its host (with port) is `own_host`, compared without case."""
    out: list[Segment] = []
    at = 0
    host = own_host.lower()
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(_TRAILING)
        start, end = m.start(), m.start() + len(url)
        if start > at:
            out.append(Segment(text=text[at:start]))
        out.append(Segment(text=url, href=url if _own(url, host) else None))
        at = end
    if at < len(text):
        out.append(Segment(text=text[at:]))
    return out


def _own(url: str, host: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    # No user info ("https://app@evil.example"), only this host.
    return bool(host) and "@" not in parts.netloc and parts.netloc.lower() == host
