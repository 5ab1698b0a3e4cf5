"""The one bibliography: every entry is a readable reference, and broken entries are named."""

import pytest

from hipalign.core.references import (
    RULE,
    RULE_TEXT,
    bibliography,
    check_ids,
    cite,
    cite_all,
    parse_bibliography,
    validate_bibliography,
)

RULE_ENTRY = (
    '[[reference]]\nid = "hipalign_rule"\nkind = "rule"\nauthors = "hipalign"\ntitle = "x rule"\n'
)


def test_the_shipped_bibliography_has_no_problems() -> None:
    assert validate_bibliography() == []


@pytest.mark.parametrize("ref_id", sorted(bibliography()))
def test_every_published_or_guideline_reference_reads_with_authors_year_title_and_link(
    ref_id: str,
) -> None:
    ref = bibliography()[ref_id]
    text = cite(ref_id)
    if ref.kind == "rule":
        assert text == RULE_TEXT
        return
    assert ref.authors in text and ref.title.rstrip(".") in text
    if ref.kind in ("published", "guideline"):
        assert ref.url and text.endswith(ref.url)
    if ref.kind == "published":
        assert f"({ref.year})" in text


def test_our_own_rule_reads_as_a_rule_to_be_confirmed_by_a_clinician() -> None:
    assert cite(RULE) == "hipalign's rule, to be confirmed by your clinician"


def test_a_citation_is_never_a_python_repr_or_an_internal_id() -> None:
    for ref_id in bibliography():
        text = cite(ref_id)
        assert "ref=" not in text and "url=None" not in text
        assert ref_id not in text


def test_cite_all_joins_references_in_order_without_repeats() -> None:
    text = cite_all(["sherrington2017", "bohannon2006", "sherrington2017"])
    assert text.count("Sherrington C") == 1
    assert text.index("Sherrington") < text.index("Bohannon")


def test_an_unknown_id_is_named() -> None:
    assert check_ids(["nobody2099"], "where") == ["where: unknown bibliography id 'nobody2099'"]
    with pytest.raises(KeyError, match="nobody2099"):
        cite("nobody2099")


@pytest.mark.parametrize("word", ["Realign", "misalignment", "realigned"])
def test_a_title_with_a_word_we_never_show_is_reported(word: str) -> None:
    text = RULE_ENTRY + (
        f'[[reference]]\nid = "x2020"\nkind = "web"\nauthors = "Author A"\ntitle = "How to {word} hips"\n'
    )
    _, problems = parse_bibliography(text)
    assert len(problems) == 1 and "x2020" in problems[0] and "never shows" in problems[0]


def test_a_published_reference_without_a_link_or_year_is_reported() -> None:
    text = (
        RULE_ENTRY
        + '[[reference]]\nid = "x2020"\nkind = "published"\nauthors = "Author A"\ntitle = "T t"\n'
    )
    _, problems = parse_bibliography(text)
    assert any("needs a link" in p for p in problems)
    assert any("needs its year" in p for p in problems)


def test_a_duplicate_id_and_a_missing_rule_entry_are_reported() -> None:
    entry = '[[reference]]\nid = "x2020"\nkind = "web"\nauthors = "Author A"\ntitle = "T t"\n'
    _, problems = parse_bibliography(entry + entry)
    assert any("duplicate id" in p for p in problems)
    assert any("hipalign_rule" in p for p in problems)
