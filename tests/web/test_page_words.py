"""Every page speaks to a person (issue 14.6): rendered for the seeded owner and the linked
clinician of the permission matrix, no page shows an exercise id, a vocabulary code, a field
path, a file name, an "[rule]" marker or a Python repr in its visible text."""

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from hipalign.adapters.db.models import ApiToken
from hipalign.core.library import default_library
from tests.web.permission_matrix import LINKED, MATRIX, OWNER, Entry
from tests.web.test_permission_matrix import built, fill, send, stage  # noqa: F401

Stage = Any


class _Text(HTMLParser):
    """The text a reader sees: element text, minus scripts, styles and templates."""

    SKIP = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        for name, value in attrs:  # what a screen reader or tooltip reads out
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return html.unescape(" ".join(parser.parts))


def _internal_words() -> list[tuple[str, re.Pattern[str]]]:
    ids = sorted({e for e in default_library() if "_" in e})
    return [
        ("exercise id", re.compile(r"\b(" + "|".join(map(re.escape, ids)) + r")\b")),
        ("code with underscores", re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")),
        # A dotted path with an underscore or an index in it (a host name has neither).
        (
            "field path",
            re.compile(r"\b(?=[\w.\[\]]*[_\[])[a-z_]+(?:\.[a-z_]+|\[\d+\])+(?:\.[a-z_]+)\b"),
        ),
        ("file name", re.compile(r"\b[\w-]+\.(?:md|txt|toml|py)\b")),
        ("rule marker", re.compile(r"\[rule\]")),
        ("python repr", re.compile(r"\b\w+=(?:None|'[^']*'|True|False)")),
        ("empty count", re.compile(r"\bin 0\b")),
        ("doubled tag", re.compile(r"\((\w+)\) \1\b")),
        # Issue 14.7: doses read "3 × 12" and changes "from a to b" (core/words.py), dates
        # "Wed 2 Dec 2026"; the progression decision is never the bare word "hold".
        ("x dose", re.compile(r"\b\d+ x \d+\b")),  # spaced: a random token prefix may hold "3x9"
        ("arrow", re.compile(r"->")),
        ("iso date", re.compile(r"\b\d{4}-\d{2}-\d{2}\b")),
    ]


WORDS = _internal_words()


def problems_in(text: str) -> list[str]:
    return [f"{kind}: {m.group(0)!r}" for kind, rx in WORDS for m in rx.finditer(text)]


def _pages() -> list[Any]:
    cells = []
    for entry in MATRIX:
        if entry.method != "GET" or entry.api or entry.case:
            continue
        if entry.path.endswith((".json", ".pdf", ".ics", ".png")):
            continue  # downloads: checked by their own tests
        for actor in (OWNER, LINKED):
            if entry.expect.get(actor) == 200:
                cells.append(pytest.param(entry, actor, id=f"{entry.path}-{actor}"))
    return cells


def test_the_checker_finds_each_kind_of_internal_string() -> None:
    planted = (
        "Try side_plank today. Fix tests.single_leg_stance.right.seconds and "
        "items[8].override_reason. See CLINICAL.md. interval [rule]. ref='x' url=None. "
        "caveats in 0. (mobilize) mobilize. Dose 1 x 8 -> 2 x 12 since 2026-03-02."
    )
    kinds = {p.split(":")[0] for p in problems_in(planted)}

    assert kinds == {kind for kind, _ in WORDS}
    assert problems_in("Side plank: 3 \u00d7 12 on the left side, then rest.") == []
    assert problems_in("Dose from 3 \u00d7 8 to 3 \u00d7 12 on Mon 2 Mar 2026.") == []


@pytest.mark.django_db
@pytest.mark.parametrize(("entry", "actor"), _pages())
def test_no_page_shows_an_internal_string(
    stage: Stage,  # noqa: F811
    entry: Entry,
    actor: str,
) -> None:
    response = send(stage.client(actor), entry, stage.world, actor)
    assert response.status_code == 200, fill(entry, stage.world)
    if response.streaming:  # a clinic's photo or video file: bytes, no words of ours
        assert not response["Content-Type"].startswith("text/"), fill(entry, stage.world)
        return

    text = visible_text(response.content.decode())
    for user in stage.users.values():  # account names are the people's own words
        text = text.replace(user.get_username(), "NAME")
    # A token's random prefix (shown so a person can tell tokens apart) may look like a code.
    for prefix in ApiToken.objects.values_list("prefix", flat=True):
        text = text.replace(prefix, "TOKEN")
    found = problems_in(text)

    assert found == [], (fill(entry, stage.world), found)


# --- the same check on the CLI's text (issue 14.6, rest; the handout's: test_exports_handout) --


def _cli_outputs() -> list[Any]:
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples"
    cells = [
        pytest.param(("plan", "--intake", str(p)), id=f"plan-{p.stem}")
        for p in sorted(examples.glob("*.json"))
    ]
    cells += [
        pytest.param(("library", "show", ex), id=f"library-show-{ex}")
        for ex in ("glute_bridge", "side_plank", "clamshell")
    ]
    return cells


@pytest.mark.parametrize("args", _cli_outputs())
def test_the_cli_text_shows_no_internal_string(args: tuple[str, ...]) -> None:
    from typer.testing import CliRunner

    from hipalign.cli.main import app

    result = CliRunner().invoke(app, [*args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stdout
    # Rich draws boxes and tables: keep the words, drop the box-drawing characters.
    text = " ".join(re.sub(r"[\u2500-\u257f]", " ", result.stdout).split())
    if args[0] == "library":
        text = text.replace(f"({args[2]})", "")  # the id in the title: what `library show` takes
    # A lesson's id only as the argument of the command that opens it (issue 14.6).
    text = re.sub(r"hipalign learn show [a-z_]+", "hipalign learn show ID", text)

    assert problems_in(text) == []
