"""A refusal's reason in the reader's language when the pure core made it (issue 20). The core
(src/hipalign/core) cannot import Django, so its problems are English "field: message" lines;
the services word their own through gettext at raise time. The pages word the core's few
shapes a person meets again here, known by their English (a message's empty, long or
control-character text), with the numbers written as the page's language writes them. Any
other message is returned as it came, so an unknown one stays English rather than wrong."""

import re
from collections.abc import Callable

from django.utils.translation import gettext

from hipalign.services.kernel.languages import grouped


def _number(text: str) -> str:
    return grouped(int(text.replace(",", "")))


# (the core's English message, as a pattern; its words in the active language)
_SHAPES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"write something to send"), lambda m: gettext("write something to send")),
    (
        re.compile(r"at most (?P<max>[\d,]+) characters \(this one has (?P<has>[\d,]+)\)"),
        lambda m: (
            gettext("at most %(max)s characters (this one has %(has)s)")
            % {"max": _number(m["max"]), "has": _number(m["has"])}
        ),
    ),
    (
        re.compile(r"contains control characters \((?P<codes>[^)]*)\); remove them"),
        lambda m: (
            gettext("contains control characters (%(codes)s); remove them") % {"codes": m["codes"]}
        ),
    ),
)


def message_words(message: str) -> str:
    """One problem's message (the part after "field: ") in the active language, when it is a
    shape the core makes and this table knows; else unchanged."""
    for pattern, words in _SHAPES:
        found = pattern.fullmatch(message)
        if found is not None:
            return words(found)
    return message
