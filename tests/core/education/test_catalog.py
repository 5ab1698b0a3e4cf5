"""The lessons as data: the shipped twelve load, and a broken file is reported by name."""

from importlib import resources

import pytest

from hipalign.core.education.catalog import default_lessons, lesson_problems, parse_lessons

SHIPPED = {
    "common_causes",
    "exercise_in_pregnancy",
    "footwear",
    "gait_and_walking",
    "how_the_hip_works",
    "pain_monitoring_rules",
    "patterns_not_diagnoses",
    "running_load",
    "sitting_and_movement_breaks",
    "what_surgery_is_for",
    "which_professional",
    "workstation_setup",
}


def lesson_toml(
    lesson_id: str = "sample_lesson",
    *,
    title: str = "A sample lesson",
    summary: str = "What this short sample lesson is about.",
    topics: str = '["anatomy"]',
    checklist: str = '["Stand up once an hour"]',
    heading: str = "First part",
    text: str = "Some plain words about the hip.",
    sources: str = '[[source]]\ncite = "seed_hip_mechanics_overview"\ndetail = "section 1"\n',
) -> str:
    """A valid lesson file; each keyword replaces one part of it."""
    return (
        f'id = "{lesson_id}"\n'
        f'title = "{title}"\n'
        f'summary = "{summary}"\n'
        f"topics = {topics}\n"
        "minutes = 2\n"
        f"checklist = {checklist}\n\n"
        f'[[section]]\nheading = "{heading}"\ntext = ["{text}"]\n\n'
        '[[section]]\nheading = "Second part"\ntext = ["More plain words."]\n\n'
        f"{sources}"
    )


def parse_one(text: str, name: str = "sample_lesson.toml") -> tuple[set[str], list[str]]:
    lessons, problems = parse_lessons({name: text})
    return set(lessons), problems


def test_the_sample_lesson_is_valid_so_each_broken_variant_breaks_one_thing() -> None:
    assert parse_one(lesson_toml()) == ({"sample_lesson"}, [])


def test_all_twelve_shipped_lessons_load_without_problems() -> None:
    assert set(default_lessons()) == SHIPPED
    assert lesson_problems() == []


def test_every_shipped_file_is_one_lesson_named_after_its_id() -> None:
    folder = resources.files("hipalign.core.education") / "lessons"
    names = {f.name for f in folder.iterdir() if f.name.endswith(".toml")}
    assert names == {f"{i}.toml" for i in SHIPPED}


@pytest.mark.parametrize("lesson_id", sorted(SHIPPED))
def test_every_shipped_lesson_has_a_title_a_summary_and_a_source(lesson_id: str) -> None:
    lesson = default_lessons()[lesson_id]
    assert lesson.id == lesson_id
    assert lesson.title.strip() and lesson.summary.strip()
    assert len(lesson.source) >= 1
    assert all(s.ref.strip() for s in lesson.source)


def test_a_lesson_without_sources_is_reported_naming_the_file() -> None:
    ids, problems = parse_one(lesson_toml(sources=""), "no_sources.toml")
    assert ids == set()
    assert len(problems) == 1
    assert problems[0].startswith("no_sources.toml: source")


def test_an_empty_source_list_is_reported_too() -> None:
    text = "source = []\n" + lesson_toml(sources="")  # a top-level key goes before the tables
    ids, problems = parse_one(text, "empty_sources.toml")
    assert ids == set()
    assert len(problems) == 1
    assert problems[0].startswith("empty_sources.toml: source:")


def test_an_id_that_differs_from_the_file_name_is_reported_naming_the_file() -> None:
    _, problems = parse_one(lesson_toml("other_id"), "sample_lesson.toml")
    assert problems == ["sample_lesson.toml: id 'other_id' must match the file name"]


def test_an_unknown_topic_is_reported_naming_the_file_and_the_field() -> None:
    ids, problems = parse_one(lesson_toml(topics='["astrology"]'), "topic.toml")
    assert ids == set()
    assert len(problems) == 1
    assert problems[0].startswith("topic.toml: topics[0]")
    assert "astrology" in problems[0]


def test_not_valid_toml_is_reported_naming_the_file() -> None:
    _, problems = parse_one('id = "x\n', "broken.toml")
    assert len(problems) == 1 and problems[0].startswith("broken.toml: not valid TOML")


def test_one_broken_file_does_not_hide_the_valid_ones() -> None:
    lessons, problems = parse_lessons(
        {"sample_lesson.toml": lesson_toml(), "bad.toml": lesson_toml("bad", sources="")}
    )
    assert set(lessons) == {"sample_lesson"}
    assert len(problems) == 1 and problems[0].startswith("bad.toml: ")


FORBIDDEN_WORDS = [
    "misaligned",
    "misalignment",
    "realign",
    "realigned",
    "realignment",
    "cure",
    "cures",
    "cured",
    "abnormal",
    "abnormality",
    "proven",
    "Proven",
]
PLACES = ["title", "summary", "heading", "text", "checklist"]


def with_word(place: str, word: str) -> str:
    sentence = f"This will leave your hip {word} today."
    if place == "checklist":
        return lesson_toml(checklist=f'["{sentence}"]')
    return lesson_toml(**{place: sentence})


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("word", FORBIDDEN_WORDS)
def test_a_forbidden_word_anywhere_in_the_text_is_reported_naming_the_file(
    word: str, place: str
) -> None:
    ids, problems = parse_one(with_word(place, word), "wording.toml")
    assert ids == set()
    assert len(problems) == 1
    assert problems[0].startswith("wording.toml: ")
    assert word.lower() in problems[0]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("word", ["secure", "accurate", "insecure", "procure", "curved"])
def test_words_that_only_contain_a_forbidden_word_are_allowed(word: str, place: str) -> None:
    assert parse_one(with_word(place, word)) == ({"sample_lesson"}, [])


def test_no_shipped_lesson_uses_a_forbidden_word() -> None:
    import re

    forbidden = re.compile(r"\b(misalign\w*|realign\w*|cure[sd]?|abnormal\w*|proven)\b", re.I)
    for lesson in default_lessons().values():
        assert forbidden.search(lesson.all_text()) is None, lesson.id
