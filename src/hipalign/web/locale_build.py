"""The pages' message catalogs (issue 20): compiled from the `.po` files in the repo to the
`.mo` files Django's gettext reads, with Babel (a well-kept, pure-Python tool), so no GNU
gettext is needed on the machine and no compiled file is kept in git.

`python -m hipalign.web.locale_build` (run by `scripts/assets`, which the README's commands, CI
and the Containerfile run) compiles every catalog whose `.mo` is missing or older than its
`.po`; the app does the same at start (apps.py), so a checkout that skipped the install step
still shows its languages. Idempotent: an up-to-date `.mo` is left alone.

`python -m hipalign.web.locale_build update` finds the marked strings (no GNU xgettext either)
and adds the new ones to every catalog; `hipalign i18n check` fails on any missing, empty,
fuzzy or mismatched translation (report()).
"""

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from hipalign.core.i18n.messages import Message, message_problems

WEB = Path(__file__).resolve().parent
LOCALE = WEB / "locale"
# Where marked strings live: the pages, their Python (forms, views, emails), the services'
# messages a page shows (a refused value's text) and the command line's labels (cli/words.py).
TEMPLATES = WEB / "templates"
PYTHON = (WEB, WEB.parent / "services", WEB.parent / "cli")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,  # marked where defined, translated where shown
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def catalogs() -> list[Path]:
    """Every shipped `.po` file, one per language: `locale/<lang>/LC_MESSAGES/django.po`."""
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def compile_all(*, force: bool = False) -> list[Path]:
    """Compile each stale catalog; returns the `.mo` files written. Fuzzy entries are left out,
    as msgfmt does: a translation nobody has confirmed is not shown."""
    written: list[Path] = []
    for po in catalogs():
        mo = po.with_suffix(".mo")
        if not force and mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        tmp.replace(mo)  # atomic: a server starting meanwhile never reads half a file
        written.append(mo)
    return written


def _from_python(source: str, origin: str, catalog: Catalog) -> None:
    for lineno, message, comments, context in extract(
        "python",
        io.BytesIO(source.encode("utf-8")),
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
    ):
        catalog.add(message, locations=[(origin, lineno)], auto_comments=comments, context=context)


def javascript_messages(folder: Path) -> list[tuple[str, str]]:
    """(message, file name) of every `gettext('…')` call in the page scripts of `folder` (not
    the vendored ones): their words are in the same catalog as the pages' (web/js_catalog.py)."""
    out: list[tuple[str, str]] = []
    for script in sorted(folder.glob("*.js")):
        for _lineno, message, _comments, _context in extract(
            "javascript", io.BytesIO(script.read_bytes()), keywords={"gettext": None}
        ):
            if isinstance(message, str):
                out.append((message, script.name))
    return out


def extracted() -> Catalog:
    """Every marked string of the pages and their Python, as a template catalog. Templates go
    through Django's own templatize (what makemessages feeds xgettext), then Babel's Python
    extractor, so {% translate %} and {% blocktranslate %} read exactly as Django renders them."""
    from django.utils.translation.template import templatize

    # A fixed date: an update that adds nothing leaves the files byte for byte as they were.
    catalog = Catalog(
        project="hipalign",
        charset="utf-8",
        fuzzy=False,
        creation_date=datetime(2026, 12, 2, tzinfo=UTC),
    )
    root = WEB.parent
    for template in sorted(TEMPLATES.rglob("*.html")):
        origin = str(template.relative_to(root))
        # templatize keeps the lines (for locations) but not Python's indentation rules.
        code = "\n".join(
            line.lstrip() for line in templatize(template.read_text("utf-8"), origin).split("\n")
        )
        _from_python(code, origin, catalog)
    for folder in PYTHON:
        for py in sorted(folder.rglob("*.py")):
            text = py.read_text("utf-8")
            if "gettext" not in text and "import _\n" not in text:  # cli.words._
                continue
            _from_python(text, str(py.relative_to(root)), catalog)
    scripts = WEB / "static" / "hipalign" / "js"
    for message, name in javascript_messages(scripts):
        catalog.add(message, locations=[(f"web/static/hipalign/js/{name}", 0)])
    return catalog


def update_all() -> list[Path]:
    """Bring every language's `.po` in line with the marked strings: new ones are added empty,
    gone ones dropped, translations kept (Babel's update, no fuzzy guessing)."""
    template = extracted()
    written: list[Path] = []
    for po in catalogs():
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        catalog.update(template, no_fuzzy_matching=True)
        out = io.BytesIO()
        write_po(
            out, catalog, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False
        )
        if out.getvalue() != po.read_bytes():
            po.write_bytes(out.getvalue())
            written.append(po)
    return written


def report() -> dict[str, tuple[list[str], int, int]]:
    """Per language: (problems, translated, total) of its catalog, against the marked strings."""
    wanted = [m.id if isinstance(m.id, str) else m.id[0] for m in extracted() if m.id]
    out: dict[str, tuple[list[str], int, int]] = {}
    for po in catalogs():
        language = po.parent.parent.name
        with po.open("rb") as source:
            catalog = read_po(source, locale=language)
        entries = []
        for m in catalog:
            if not m.id:
                continue
            ids = m.id if isinstance(m.id, (list, tuple)) else (m.id, "")
            strings = m.string if isinstance(m.string, (list, tuple)) else (m.string,)
            entries.append(
                Message(ids[0], ids[1], tuple(str(s or "") for s in strings), fuzzy=m.fuzzy)
            )
        out[language] = message_problems(entries, language=language, wanted=wanted)
    return out


def main() -> int:
    if sys.argv[1:2] == ["update"]:
        for po in update_all():
            print(f"updated {po.relative_to(LOCALE)}")
        return 0
    written = compile_all(force="--force" in sys.argv[1:])
    for mo in written:
        print(f"compiled {mo.relative_to(LOCALE)}")
    if not written:
        print("message catalogs up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
