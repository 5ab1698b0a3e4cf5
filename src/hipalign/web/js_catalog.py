"""The scripts' words in the page's language (issue 20): the strings the page scripts mark with
`gettext('…')` are messages of the same catalog as the pages (`locale/<lang>/…/django.po`,
found by `locale_build`), and each page carries the ones translated into its language as a JSON
block (`{% js_words %}` in base.html, read by the scripts' `gettext`). No extra request and no
network: a page the service worker kept offline has its words inside it."""

from functools import cache
from pathlib import Path

from django.utils import translation

from hipalign.web.locale_build import javascript_messages

SCRIPTS = Path(__file__).resolve().parent / "static" / "hipalign" / "js"


@cache
def script_messages() -> tuple[str, ...]:
    """Every message the page scripts mark, read once per process from the shipped files."""
    return tuple(sorted({message for message, _origin in javascript_messages(SCRIPTS)}))


def script_words() -> dict[str, str]:
    """English message -> its words in the active language, only where they differ (a script
    falls back to the English it holds)."""
    out: dict[str, str] = {}
    for message in script_messages():
        words = translation.gettext(message)
        if words != message:
            out[message] = words
    return out
