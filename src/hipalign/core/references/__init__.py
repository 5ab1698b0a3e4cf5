"""The bibliography: every source a person sees, from one data file (`bibliography.toml`).

Rules, exercises, patterns and reviews name their sources by bibliography id; what a person
reads is `cite(id)`: authors, year, title, where it was published and its link. The ids are
internal and never shown. hipalign's own rules cite `RULE`, which reads "hipalign's rule, to be
confirmed by your clinician".

Reading the file is the one kind of input this module does: it ships inside the package, so the
result is the same on every call and is cached (as for the exercise library).
"""

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

RULE = "hipalign_rule"
RULE_TEXT = "hipalign's rule, to be confirmed by your clinician"

# Words hipalign never uses about a person (CLINICAL.md section 0 wording), source titles
# included: the same list the lessons are checked against.
FORBIDDEN_WORDS = re.compile(r"\b(misalign\w*|realign\w*)\b", re.IGNORECASE)

RefId = str


class Reference(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: RefId = Field(pattern=r"^[a-z][a-z0-9_]{2,60}$")
    kind: Literal["published", "guideline", "web", "rule"]
    authors: str = Field(min_length=2)
    year: int | None = Field(default=None, ge=1900, le=2100)
    title: str = Field(min_length=3)
    where: str | None = None  # journal, volume and pages; or where the text is kept
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    # True when the title is described in our words (the original uses words we never use)
    described: bool = False


class BibliographyError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_bibliography(text: str) -> tuple[dict[str, Reference], list[str]]:
    """References by id from the TOML text, with one line per problem found."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"bibliography: not valid TOML: {exc}"]
    refs: dict[str, Reference] = {}
    problems: list[str] = []
    for i, entry in enumerate(raw.get("reference", [])):
        where = f"bibliography: reference {entry.get('id', f'#{i + 1}')}"
        try:
            ref = Reference.model_validate(entry)
        except ValidationError as exc:
            problems += [
                f"{where}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            ]
            continue
        if ref.id in refs:
            problems.append(f"{where}: duplicate id")
        if ref.kind in ("published", "guideline") and not ref.url:
            problems.append(f"{where}: a {ref.kind} reference needs a link (url)")
        if ref.kind == "published" and ref.year is None:
            problems.append(f"{where}: a published reference needs its year")
        bad = FORBIDDEN_WORDS.search(" ".join((ref.title, ref.authors, ref.where or "")))
        if bad:
            problems.append(
                f"{where}: uses a word hipalign never shows ({bad.group(0)!r}); describe the "
                "title in our words and set described = true"
            )
        refs[ref.id] = ref
    if RULE not in refs:
        problems.append(f"bibliography: the entry {RULE!r} for hipalign's own rules is missing")
    return refs, problems


def _text() -> str:
    return (resources.files("hipalign.core.references") / "bibliography.toml").read_text("utf-8")


@cache
def bibliography() -> dict[str, Reference]:
    """The shipped bibliography; raises BibliographyError when it is not valid."""
    refs, problems = parse_bibliography(_text())
    if problems:
        raise BibliographyError(problems)
    return refs


def validate_bibliography() -> list[str]:
    return parse_bibliography(_text())[1]


def reference(ref_id: RefId) -> Reference:
    """The entry for an id; KeyError names the unknown id."""
    try:
        return bibliography()[ref_id]
    except KeyError:
        raise KeyError(f"unknown bibliography id {ref_id!r}") from None


def cite(ref_id: RefId) -> str:
    """One reference as a person reads it: "Authors (year). Title. Where. Link"."""
    ref = reference(ref_id)
    if ref.kind == "rule":
        return RULE_TEXT
    head = f"{ref.authors} ({ref.year})" if ref.year else ref.authors
    parts = [head, ref.title.rstrip(".")]
    if ref.where:
        parts.append(ref.where)
    text = ". ".join(parts) + "."
    return f"{text} {ref.url}" if ref.url else text


def cite_all(ref_ids: Iterable[RefId]) -> str:
    """Several references, in order, without repeats, joined by "; "."""
    return "; ".join(cite(r) for r in dict.fromkeys(ref_ids))


def check_ids(ref_ids: Iterable[RefId], where: str) -> list[str]:
    """One problem line per id that is not in the bibliography."""
    known = bibliography()
    return [f"{where}: unknown bibliography id {r!r}" for r in ref_ids if r not in known]
