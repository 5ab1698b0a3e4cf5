"""`hipalign learn list|show|validate`: outputs, exit codes, messages."""

import json

import pytest
from typer.testing import CliRunner

from hipalign.cli.main import app
from hipalign.core.education.catalog import default_lessons

runner = CliRunner()


def flat(text: str) -> str:
    """The text without the panel's borders and the console's line wrapping."""
    return " ".join(text.replace("│", " ").split())


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_learn_list_shows_all_twelve_lessons() -> None:
    code, out, err = run("learn", "list")
    assert code == 0 and err == ""
    assert "12 lessons" in out
    for lesson in default_lessons().values():
        assert lesson.id in out
        assert lesson.title in out


def test_learn_list_json_has_id_title_summary_topics_and_minutes() -> None:
    code, out, _ = run("learn", "list", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert len(rows) == 12
    assert all(set(r) == {"id", "title", "summary", "topics", "minutes"} for r in rows)
    assert [r["id"] for r in rows] == sorted(default_lessons())
    hip = next(r for r in rows if r["id"] == "how_the_hip_works")
    lesson = default_lessons()["how_the_hip_works"]
    assert hip == {
        "id": lesson.id,
        "title": lesson.title,
        "summary": lesson.summary,
        "topics": ["anatomy"],
        "minutes": lesson.minutes,
    }


def test_learn_show_prints_the_title_the_text_and_the_sources() -> None:
    lesson = default_lessons()["sitting_and_movement_breaks"]
    code, out, _ = run("learn", "show", "sitting_and_movement_breaks")
    text = flat(out)
    assert code == 0
    assert lesson.title in text
    assert lesson.section[0].heading in text
    for s in lesson.source:
        assert flat(s.ref) in text
        if s.url:
            assert s.url in text


def test_learn_show_how_the_hip_works() -> None:
    code, out, _ = run("learn", "show", "how_the_hip_works")
    text = flat(out)
    assert code == 0
    assert "How your hip works" in text
    assert "Hart (web article)" in text  # the seed as a reference, never its file name
    assert ".txt" not in text and "seed 0" not in text


def test_learn_show_json_is_the_whole_lesson() -> None:
    code, out, _ = run("learn", "show", "footwear", "--format", "json")
    assert code == 0
    assert json.loads(out) == default_lessons()["footwear"].model_dump(mode="json")


def test_learn_show_of_an_unknown_id_exits_2_with_one_error_line_naming_it() -> None:
    code, out, err = run("learn", "show", "moonwalking")
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "'moonwalking'" in lines[0]
    assert "hipalign learn list" in lines[0]


def test_learn_validate_passes_on_the_shipped_lessons() -> None:
    code, out, err = run("learn", "validate")
    assert code == 0 and err == ""
    assert out.strip() == "lessons ok: 12 lessons"


def test_learn_validate_reports_each_problem_and_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from hipalign.services.library import education

    monkeypatch.setattr(
        education, "lesson_problems", lambda: ["a.toml: source: Field required", "b.toml: x"]
    )
    code, out, err = run("learn", "validate")
    assert code == 1 and out == ""
    assert "error: the lessons have 2 problem(s):" in err
    assert "  - a.toml: source: Field required" in err and "  - b.toml: x" in err


def test_screening_list_speaks_spanish_with_lang_es() -> None:
    code, out, err = run("--lang", "es", "screening", "list", "--format", "json")
    assert code == 0 and err == ""
    first = json.loads(out)[0]
    assert first["id"] == "fall_cannot_bear_weight" and first["level"] == "emergency"
    assert first["question"].startswith("Después de una caída")


def test_an_unknown_lang_is_refused_with_the_choices() -> None:
    code, _, err = run("--lang", "fr", "screening", "list")
    assert code == 2 and "--lang must be one of en, es" in err


def test_i18n_check_prints_the_coverage_of_spanish() -> None:
    code, out, err = run("i18n", "check")
    assert code == 0 and err == ""
    assert "es (Español, offered)" in out and "screening question 33/33" in out
