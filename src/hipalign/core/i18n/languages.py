"""The languages hipalign knows and how a preference is chosen among them (pure: the header or
the environment's values are passed in)."""

from collections.abc import Iterable, Mapping

SOURCE_LANGUAGE = "en"

# Each language in its own name, as a language picker shows it.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español"}

# Offered to people: complete in every content key and message (the CI check enforces it).
OFFERED: tuple[str, ...] = ("en", "es")
# Being translated: files checked and coverage reported, not offered until complete (a new
# language starts here, so CI checks its files before people see it).
IN_PROGRESS: tuple[str, ...] = ()


def _primary(tag: str) -> str:
    # "es-MX" and "es_MX.UTF-8" both mean Spanish: the content is written once per language,
    # not per region.
    return tag.strip().replace("_", "-").split(".")[0].split("-")[0].lower()


def negotiate(accept_language: str | None, *, offered: Iterable[str] = OFFERED) -> str:
    """The best offered language for an HTTP `Accept-Language` value (RFC 9110 12.5.4).

    Quality values order the ranges; a range of q=0 is refused; `*` takes the source language.
    Anything unreadable falls back to the source language rather than failing a page."""
    choices = tuple(offered)
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and 0 < quality <= 1:
            ranked.append((-quality, position, tag.strip()))
    for _, _, tag in sorted(ranked):
        if tag == "*":
            return SOURCE_LANGUAGE if SOURCE_LANGUAGE in choices else choices[0]
        if _primary(tag) in choices:
            return _primary(tag)
    return SOURCE_LANGUAGE if SOURCE_LANGUAGE in choices else choices[0]


def from_environment(
    environ: Mapping[str, str], *, offered: Iterable[str] = OFFERED + IN_PROGRESS
) -> str:
    """The CLI's language from `LANGUAGE` (a colon-separated preference list, as gettext reads
    it), then `LC_ALL`, `LC_MESSAGES` and `LANG`; "C" and "POSIX" mean the source language."""
    choices = tuple(offered)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        for tag in value.split(":"):
            primary = _primary(tag)
            if primary in ("c", "posix"):
                return SOURCE_LANGUAGE
            if primary in choices:
                return primary
    return SOURCE_LANGUAGE
