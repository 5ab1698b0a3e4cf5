"""Where the shipped content lives, which of its words are translatable, and the translation
report that `hipalign i18n check` prints and CI enforces.

Reading these package files is the same fixed, install-time input the other catalogs read."""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from hipalign.core.figure.words import WORDS, word_problems
from hipalign.core.i18n.content import (
    ContentKind,
    apply_translation,
    translatable_texts,
    translation_problems,
)
from hipalign.core.i18n.languages import IN_PROGRESS, OFFERED, SOURCE_LANGUAGE


@dataclass(frozen=True)
class ContentSet:
    """A folder of English content files of one kind; translations sit in `<folder>/<lang>/`."""

    kind: ContentKind
    package: str
    folder: str  # "" for the package folder itself
    files: tuple[str, ...] = ()  # only these file names; empty for every .toml of the folder
    # Required: every language shipped (offered or in progress) must translate all of it, as a
    # figure whose title is in the person's language must not label its frames in English.
    required: bool = False

    def base(self) -> Traversable:
        root = resources.files(self.package)
        return root / self.folder if self.folder else root

    def names(self) -> tuple[str, ...]:
        if self.files:
            return self.files
        return tuple(sorted(f.name for f in self.base().iterdir() if f.name.endswith(".toml")))


EXERCISES = ContentSet(
    ContentKind(
        "exercise",
        (
            "name",
            "summary",
            "steps.*",
            "mistakes.*",
            "correction",
            "dose.seed",
            "ladder.*.note",
            # What each source backs and where in it (the exercise page's "Supports:").
            "sources.*.supports",
            "sources.*.detail",
        ),
    ),
    "hipalign.core.library",
    "exercises",
)
SCREENING = ContentSet(
    ContentKind(
        "screening question", ("question.*.question", "question.*.action", "question.*.topic")
    ),
    "hipalign.core.screening",
    "",
    ("questions.toml",),
)
LESSONS = ContentSet(
    ContentKind(
        "lesson",
        ("title", "summary", "checklist.*", "section.*.heading", "section.*.text.*"),
    ),
    "hipalign.core.education",
    "lessons",
)

# The demonstrations' key frame labels, keyed by the frame's name (issue 20): the figure's
# text alternative, its stills' captions and the handout's figures read them.
DEMOS = ContentSet(
    ContentKind("demonstration", ("frames.*.label",), item_key="name"),
    "hipalign.core.library",
    "demos",
    required=True,
)

# The session warm-up's moves (issue 20), keyed by the move's id: the plan page and the player
# read their names and how-to in the person's language.
WARM_UP = ContentSet(
    ContentKind("warm-up move", ("moves.*.name", "moves.*.how")),
    "hipalign.core.planning",
    "",
    ("warm_up.toml",),
    required=True,
)

# The shipped outcome measures' words (issue 20): the name, what it asks, the recall period and,
# where the wording ships (NPRS), the items. Codes, scale, scoring and MCIDs stay in English.
MEASURES = ContentSet(
    ContentKind("outcome measure", ("name", "what", "recall", "item.*.text", "item.*.label")),
    "hipalign.core.outcomes",
    "measures",
    required=True,
)

CONTENT: tuple[ContentSet, ...] = (EXERCISES, SCREENING, LESSONS, DEMOS, WARM_UP, MEASURES)


def _read(node: Traversable) -> dict[str, Any] | None:
    return tomllib.loads(node.read_text("utf-8")) if node.is_file() else None


def translation_of(content: ContentSet, name: str, language: str) -> dict[str, Any] | None:
    """The parsed translation of one file, or None when the language has none yet."""
    if language == SOURCE_LANGUAGE:
        return None
    return _read(content.base() / language / name)


def localized(
    content: ContentSet, name: str, raw: Mapping[str, Any], language: str
) -> dict[str, Any]:
    """One parsed English file with the language's words in (English where untranslated)."""
    translation = translation_of(content, name, language)
    if translation is None:
        return dict(raw)
    return apply_translation(raw, translation, content.kind)


@dataclass(frozen=True)
class Coverage:
    language: str
    problems: tuple[str, ...]
    # per content kind: (translated keys, all keys)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    untranslated: tuple[str, ...] = ()
    # the untranslated keys of required content and the figure's words: a failure in any
    # shipped language
    required_missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.untranslated

    @property
    def share(self) -> float:
        done = sum(d for d, _ in self.counts.values())
        total = sum(t for _, t in self.counts.values())
        return done / total if total else 1.0


@cache
def coverage(language: str) -> Coverage:
    """Every problem and untranslated key of one language over all shipped content."""
    problems: list[str] = []
    missing: list[str] = []
    required: list[str] = []
    counts: dict[str, tuple[int, int]] = {}
    for content in CONTENT:
        done = total = 0
        folder = content.base() / language
        if folder.is_dir():
            known = set(content.names())
            for extra in sorted(f.name for f in folder.iterdir() if f.name.endswith(".toml")):
                if extra not in known:
                    problems.append(f"{content.kind.name} {language}/{extra}: no English file")
        for name in content.names():
            raw = _read(content.base() / name) or {}
            where = f"{content.kind.name} {language}/{name}"
            try:
                translation = translation_of(content, name, language) or {}
            except tomllib.TOMLDecodeError as exc:
                problems.append(f"{where}: not valid TOML: {exc}")
                translation = {}
            found, untranslated = (
                ([], [])  # the source language is its own translation
                if language == SOURCE_LANGUAGE
                else translation_problems(
                    raw, translation, content.kind, language=language, where=where
                )
            )
            problems.extend(found)
            keys = len(translatable_texts(raw, content.kind))
            total += keys
            done += keys - len(untranslated)
            missing.extend(f"{where}: {key}" for key in untranslated)
            if content.required:
                required.extend(f"{where}: {key}" for key in untranslated)
        counts[content.kind.name] = (done, total)
    if language != SOURCE_LANGUAGE:
        # The figures' own words (figure/words.py): a table, not files.
        found = word_problems(language)
        absent = [p for p in found if p.endswith(": untranslated")]
        problems.extend(p for p in found if p not in absent)
        missing.extend(absent)
        required.extend(absent)
        total = len(WORDS[SOURCE_LANGUAGE])
        counts["figure word"] = (total - len(absent), total)
    return Coverage(language, tuple(problems), counts, tuple(missing), tuple(required))


def check_all() -> list[str]:
    """What CI fails on: any problem in any language's files, and any untranslated key of an
    offered language. Languages in progress may be incomplete."""
    failures: list[str] = []
    for language in (*OFFERED, *IN_PROGRESS):
        if language == SOURCE_LANGUAGE:
            continue
        report = coverage(language)
        failures.extend(report.problems)
        if language in OFFERED:  # every text, required or not, each named once
            failures.extend(f"untranslated: {key}" for key in report.untranslated)
        else:
            failures.extend(f"untranslated (required): {key}" for key in report.required_missing)
    return failures
