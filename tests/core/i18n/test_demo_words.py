"""The demonstrations' key frame labels and the figures' words are required in every shipped
language (issue 20): `hipalign i18n check` fails when one is missing."""

from importlib import resources
from pathlib import Path

import pytest

from hipalign.core.figure.words import WORDS
from hipalign.core.i18n import catalog
from hipalign.core.i18n.catalog import DEMOS, check_all, coverage


def test_every_demonstration_label_is_translated_into_spanish() -> None:
    done, total = coverage("es").counts["demonstration"]
    assert done == total > 100
    assert coverage("es").counts["figure word"][0] == len(WORDS["en"])


# Spanish offered, or a language still in progress: a required text fails the check in both.
STATES = pytest.mark.parametrize(
    ("offered", "in_progress", "said"),
    [(("en", "es"), (), "untranslated: "), (("en",), ("es",), "untranslated (required): ")],
    ids=["offered", "in progress"],
)


def _state(
    monkeypatch: pytest.MonkeyPatch, offered: tuple[str, ...], in_progress: tuple[str, ...]
) -> None:
    monkeypatch.setattr(catalog, "OFFERED", offered)
    monkeypatch.setattr(catalog, "IN_PROGRESS", in_progress)


@STATES
def test_the_check_fails_when_a_demonstration_loses_a_spanish_label(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    offered: tuple[str, ...],
    in_progress: tuple[str, ...],
    said: str,
) -> None:
    _state(monkeypatch, offered, in_progress)
    source = resources.files("hipalign.core.library") / "demos"
    copy = tmp_path / "demos"
    (copy / "es").mkdir(parents=True)
    for entry in source.iterdir():
        if entry.name.endswith(".toml"):
            (copy / entry.name).write_text(entry.read_text("utf-8"), "utf-8")
    for entry in (source / "es").iterdir():
        (copy / "es" / entry.name).write_text(entry.read_text("utf-8"), "utf-8")
    text = (copy / "es" / "clamshell.toml").read_text("utf-8")
    cut = text.replace('name = "top"\nlabel = "Breve pausa arriba"\n', 'name = "top"\n')
    assert cut != text
    (copy / "es" / "clamshell.toml").write_text(cut, "utf-8")
    monkeypatch.setattr(
        DEMOS.__class__, "base", lambda self: copy if self is DEMOS else _base(self)
    )
    coverage.cache_clear()
    try:
        failures = check_all()
    finally:
        coverage.cache_clear()
    assert failures == [f"{said}demonstration es/clamshell.toml: frames.top.label"]


_base = catalog.ContentSet.base


@STATES
def test_the_check_fails_when_a_figure_word_is_missing(
    monkeypatch: pytest.MonkeyPatch,
    offered: tuple[str, ...],
    in_progress: tuple[str, ...],
    said: str,
) -> None:
    _state(monkeypatch, offered, in_progress)
    monkeypatch.setitem(WORDS, "es", {k: v for k, v in WORDS["es"].items() if k != "moving"})
    coverage.cache_clear()
    try:
        failures = check_all()
    finally:
        coverage.cache_clear()
    assert failures == [f"{said}figure words es: moving: untranslated"]
