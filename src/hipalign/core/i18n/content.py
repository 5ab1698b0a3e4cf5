"""Translations of shipped content as data, and the checks every translation must pass.

A content kind names the paths of its words a person reads, e.g. `steps.*` or
`question.*.action`. `*` walks a list: items that are tables with an `id` are keyed by it (so a
translation follows ids, not order), other items by position. Flattening the English file and
the translation with the same paths gives two `{key: text}` maps that are compared key by key.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Placeholders a program fills in ({name}, {0}, %(name)s, %s) and markup: a translation must keep
# exactly the same ones, or a page would show a raw brace or lose a link.
_PLACEHOLDER = re.compile(r"\{[a-z0-9_]*\}|%\([a-z_]+\)[sd]|%[sd]|</?[a-z][a-z0-9]*\b[^>]*>")

# What no text may say as a fact, per language (issue 13 item 16; issue 20): the body is not
# "out of line" and nothing here diagnoses. English is checked by tests/core/test_wording.py too.
FORBIDDEN: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b(misalign\w*|realign\w*)\b", re.IGNORECASE),
    "es": re.compile(r"\b(desaline\w*|realine\w*|desalinea\w*)\b", re.IGNORECASE),
}


@dataclass(frozen=True)
class ContentKind:
    """One kind of shipped content and the paths of its translatable words."""

    name: str
    paths: tuple[str, ...]
    # The field that keys the tables of a list (a demonstration's frames have a `name`).
    item_key: str = "id"


# A translation's flattened words, keyed like "steps.2" or "question.fall_cannot_bear_weight.action".
Translation = dict[str, str]


def _walk(
    node: Any, parts: Sequence[str], key: str, out: dict[str, str], item_key: str = "id"
) -> None:
    if not parts:
        if isinstance(node, str):
            out[key] = node
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(node, list):
            for i, item in enumerate(node):
                label = item[item_key] if isinstance(item, dict) and item_key in item else str(i)
                _walk(item, rest, f"{key}.{label}" if key else str(label), out, item_key)
        return
    if isinstance(node, Mapping) and head in node:
        _walk(node[head], rest, f"{key}.{head}" if key else head, out, item_key)


def translatable_texts(raw: Mapping[str, Any], kind: ContentKind) -> Translation:
    """The words of one parsed content file at the kind's paths, flattened."""
    out: dict[str, str] = {}
    for path in kind.paths:
        _walk(raw, path.split("."), "", out, kind.item_key)
    return out


def _set(
    node: Any, parts: Sequence[str], texts: Mapping[str, str], key: str, item_key: str = "id"
) -> Any:
    if not parts:
        return texts.get(key, node) if isinstance(node, str) else node
    head, rest = parts[0], parts[1:]
    if head == "*":
        if not isinstance(node, list):
            return node
        items = []
        for i, item in enumerate(node):
            label = item[item_key] if isinstance(item, dict) and item_key in item else str(i)
            items.append(_set(item, rest, texts, f"{key}.{label}" if key else str(label), item_key))
        return items
    if isinstance(node, Mapping) and head in node:
        child = f"{key}.{head}" if key else head
        return {**node, head: _set(node[head], rest, texts, child, item_key)}
    return node


def apply_translation(
    raw: Mapping[str, Any], translation: Mapping[str, Any], kind: ContentKind
) -> dict[str, Any]:
    """The English file with the translated words put in; untranslated words stay English.

    Only words at the kind's paths change: codes, ids, doses and sources cannot be translated
    by accident, whatever the translation file holds."""
    texts = translatable_texts(translation, kind)
    out: Any = dict(raw)
    for path in kind.paths:
        out = _set(out, path.split("."), texts, "", kind.item_key)
    return dict(out)


def translation_problems(
    raw: Mapping[str, Any],
    translation: Mapping[str, Any],
    kind: ContentKind,
    *,
    language: str,
    where: str,
) -> tuple[list[str], list[str]]:
    """(problems, untranslated keys) of one translation against its English file.

    Problems: a key the English file does not have (a renamed id, a typo), an empty text, a
    placeholder or tag that differs from the English, a forbidden word. Untranslated keys are
    not problems for a language in progress; for an offered language the caller fails on them."""
    source = translatable_texts(raw, kind)
    target = translatable_texts(translation, kind)
    problems: list[str] = []
    for key in sorted(set(target) - set(source)):
        problems.append(f"{where}: {key}: no such text in the English file")
    forbidden = FORBIDDEN.get(language)
    for key in sorted(set(target) & set(source)):
        text = target[key].strip()
        if not text:
            problems.append(f"{where}: {key}: empty translation")
            continue
        want = sorted(_PLACEHOLDER.findall(source[key]))
        got = sorted(_PLACEHOLDER.findall(text))
        if want != got:
            problems.append(f"{where}: {key}: placeholders/markup {got} differ from English {want}")
        if forbidden is not None and forbidden.search(text):
            problems.append(f"{where}: {key}: uses a forbidden word ({forbidden.pattern})")
    untranslated = sorted(set(source) - set(target))
    return problems, untranslated
