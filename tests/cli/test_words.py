"""The command line's labels follow --lang, else LANGUAGE/LC_ALL/LANG (issue 20); a label
without a translation, or a language without a catalog, prints in English."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hipalign.cli import words
from hipalign.cli.main import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def out_of(args: list[str], env: dict[str, str]) -> str:
    clean = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", **env}
    result = runner.invoke(app, args, env=clean)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(autouse=True)
def _english_after() -> object:
    yield None
    words.language_use("en")  # one test's language must not leak into the next


@pytest.mark.parametrize("env", [{"LANG": "es_ES.UTF-8"}, {"LANGUAGE": "es:en"}])
def test_the_labels_of_an_exercise_follow_a_spanish_environment(env: dict[str, str]) -> None:
    text = out_of(["library", "show", "clamshell"], env)
    assert "Pasos:" in text and "Errores frecuentes:" in text and "Dosis inicial:" in text
    assert "Steps:" not in text and "Common mistakes:" not in text


def test_lang_on_the_command_line_beats_the_environment() -> None:
    text = out_of(["--lang", "en", "library", "show", "clamshell"], {"LANG": "es_ES.UTF-8"})
    assert "Steps:" in text and "Pasos:" not in text


@pytest.mark.parametrize("env", [{"LANG": "C.UTF-8"}, {"LANG": "fr_FR.UTF-8"}, {}])
def test_an_environment_without_an_offered_language_gets_english(env: dict[str, str]) -> None:
    text = out_of(["screening", "list"], env)
    assert "Screening questions (yes = warning sign)" in text
    assert "Preguntas de seguridad" not in text


def test_a_plan_printed_in_spanish_has_spanish_headings() -> None:
    intake = EXAMPLES / "weak_left_abductors_band.json"
    text = out_of(["plan", "--intake", str(intake)], {"LANG": "es_ES.UTF-8"})
    assert "Comprobación de seguridad" in text and "Safety check" not in text
    assert "Lo que indican sus respuestas" in text and "Revisiones" in text


def test_a_label_without_a_translation_prints_as_written() -> None:
    words.language_use("es")
    assert words._("Steps:") == "Pasos:"
    assert words._("a label nobody translated") == "a label nobody translated"
    words.language_use("xx")  # no catalog for it
    assert words._("Steps:") == "Steps:"
