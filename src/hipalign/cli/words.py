"""The command line's own labels in the reader's language (issue 20): --lang, else
LANGUAGE/LC_ALL/LC_MESSAGES/LANG (main._main sets it once per run).

The labels share the pages' catalog (web/locale/<lang>/LC_MESSAGES/django.po), so one file per
language holds every interface word and `hipalign i18n check` covers the CLI's too
(web/locale_build.py extracts from this package). The `.po` is read directly with Babel: a
command needs no compiled `.mo` and no Django settings, and a label without a translation (or a
language without a catalog) prints in English."""

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from hipalign.core.i18n import SOURCE_LANGUAGE

# A data file beside the web app's code, not an import of it (the edges stay siblings).
LOCALE = Path(__file__).resolve().parent.parent / "web" / "locale"

_current = {"language": SOURCE_LANGUAGE}


def language_use(language: str) -> None:
    _current["language"] = language


@cache
def _translations(language: str) -> dict[str, str]:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    if language == SOURCE_LANGUAGE or not po.is_file():
        return {}
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    return {
        m.id: m.string
        for m in catalog
        if isinstance(m.id, str) and isinstance(m.string, str)  # plurals: none in the CLI yet
        if m.id and m.string and not m.context and not m.fuzzy
    }


def _(text: str) -> str:
    """`text` in the run's language, else as written (English)."""
    return _translations(_current["language"]).get(text, text)
