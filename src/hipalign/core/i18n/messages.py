"""The checks every page message translation must pass (issue 20), the same rules as the
content's (content.py) applied to the gettext catalogs of the web pages. Pure: the caller reads
the `.po` files and passes their entries in."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hipalign.core.i18n.content import _PLACEHOLDER, FORBIDDEN

# The product never says it diagnoses (ARCHITECTURE.md; issue 13): "not a diagnosis" is a fine
# sentence, a verb that makes hipalign the one who diagnoses is not.
DIAGNOSES: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b(diagnoses|diagnosed|diagnosing|we diagnose)\b", re.IGNORECASE),
    "es": re.compile(
        r"\b(diagnostica|diagnosticamos|diagnosticará|diagnosticado|diagnosticada)\b",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class Message:
    """One catalog entry: the English source (and its plural) and the translations (one per
    plural form; one for a message without plural)."""

    source: str
    plural: str
    translations: tuple[str, ...]
    fuzzy: bool = False


def _markup(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def message_problems(
    messages: Iterable[Message], *, language: str, wanted: Iterable[str] = ()
) -> tuple[list[str], int, int]:
    """(problems, translated, total) of one language's catalog.

    Problems: a marked source text missing from the catalog (`wanted`, the extracted ones), an
    empty or fuzzy translation, placeholders or tags that differ from the English, a forbidden
    word. Placeholders of a plural are compared with the plural's."""
    problems: list[str] = []
    entries = [m for m in messages if m.source]
    known = {m.source for m in entries}
    for source in sorted(set(wanted) - known):
        problems.append(f"{language}: not in the catalog: {source!r}")
    forbidden = [p for p in (FORBIDDEN.get(language), DIAGNOSES.get(language)) if p is not None]
    done = 0
    for m in entries:
        where = f"{language}: {m.source[:60]!r}"
        texts = [t for t in m.translations if t.strip()]
        if m.fuzzy:
            problems.append(f"{where}: marked fuzzy (not yet confirmed)")
        if not texts or len(texts) < len(m.translations):
            problems.append(f"{where}: empty translation")
            continue
        for i, text in enumerate(m.translations):
            # The first form may follow the English singular or plural ("%(n)s día" is fine);
            # every other form must keep the plural's placeholders.
            allowed = [_markup(m.source), _markup(m.plural)] if i == 0 and m.plural else []
            want = _markup(m.plural if i and m.plural else m.source)
            got = _markup(text)
            if got != want and got not in allowed:
                problems.append(f"{where}: placeholders/markup {got} differ from English {want}")
            for pattern in forbidden:
                if pattern.search(text):
                    problems.append(f"{where}: uses a forbidden word ({pattern.pattern})")
        if not m.fuzzy:
            done += 1
    return problems, done, len(entries)
