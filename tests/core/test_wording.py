"""Words a person sees (issue 13 item 16): no "realign" or "misalignment" anywhere, source titles
included, and no internal file name or marker in any source a person reads.

The lesson wording test (tests/core/education/test_catalog.py) checks each lesson at load; this
one runs the same check over everything else shipped: the exercise library, the screening
texts, the bibliography, the page templates and the handout's own words.
"""

import re
from importlib import resources
from pathlib import Path

import pytest

from hipalign.core.education.catalog import FORBIDDEN, default_lessons
from hipalign.core.library import default_library
from hipalign.core.references import bibliography, cite

SRC = Path(str(resources.files("hipalign")))
WORDS = re.compile(r"\b(misalign\w*|realign\w*)\b", re.IGNORECASE)
INTERNAL = re.compile(r"CLINICAL\.md|DESIGN\.md|\[rule\]|\b\d{3}_[0-9a-f]{16}\.txt|\bseed 0\d\d")


def shipped_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for folder, pattern in (
        ("core/library/exercises", "*.toml"),
        ("core/screening", "*.toml"),
        ("core/references", "*.toml"),
        ("core/education/lessons", "*.toml"),
        ("web/templates", "**/*.html"),
    ):
        for f in sorted((SRC / folder).glob(pattern)):
            texts[str(f.relative_to(SRC))] = f.read_text("utf-8")
    handout = SRC / "services/portability/handout.py"
    texts["services/portability/handout.py"] = handout.read_text("utf-8")
    return texts


TEXTS = shipped_texts()


def test_the_check_sees_the_library_screening_templates_and_the_handout() -> None:
    names = " ".join(TEXTS)
    for part in ("exercises/", "screening/", "templates/", "handout.py", "bibliography.toml"):
        assert part in names


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_no_shipped_text_says_realign_or_misalignment(name: str) -> None:
    # comments that name the forbidden words to forbid them are the only allowed mention
    lines = [
        ln
        for ln in TEXTS[name].splitlines()
        if not re.search(r"never (uses?|shows?)|FORBIDDEN|forbidden", ln)
    ]
    hits = WORDS.findall("\n".join(lines))
    assert hits == [], (name, hits)


def test_the_word_check_is_the_one_the_lessons_use() -> None:
    for word in ("realign", "Realignment", "misaligned"):
        assert WORDS.search(word) and FORBIDDEN.search(word)


def test_the_word_check_catches_a_seed_title() -> None:
    assert WORDS.search("How To Realign Hips: 4 Hip Alignment Exercises")


@pytest.mark.parametrize("ref_id", sorted(bibliography()))
def test_no_reference_a_person_reads_names_an_internal_file(ref_id: str) -> None:
    text = cite(ref_id)
    assert INTERNAL.search(text) is None and WORDS.search(text) is None, text


def test_no_exercise_or_lesson_source_names_an_internal_file() -> None:
    for ex in default_library().values():
        for s in ex.sources:
            assert INTERNAL.search(f"{cite(s.cite)} {s.detail or ''} {s.supports}") is None, ex.id
        assert INTERNAL.search(ex.correction or "") is None, ex.id
    for lesson in default_lessons().values():
        for ls in lesson.source:
            assert INTERNAL.search(ls.ref) is None, lesson.id
