"""The command line as a person or program uses it: outputs, exit codes, messages."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hipalign.cli.main import app
from hipalign.core.screening.catalog import QUESTIONS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, data: object, name: str = "intake.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def valid_intake() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((EXAMPLES / "weak_left_abductors_band.json").read_text())
    return doc


def test_every_example_gives_a_plan_document_with_the_expected_referral() -> None:
    expected = {
        "pregnant_22_weeks.json": ("see_physio", True),
        "weak_left_abductors_band.json": ("none", True),
        "red_flag_saddle_numbness.json": ("emergency", False),
        "older_poor_balance_no_floor.json": ("see_physio", True),
        "postpartum_6_weeks_caesarean.json": ("see_physio", True),
        "adolescent_knee_pain_14.json": ("see_doctor", False),
    }
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted(expected)
    for name, (level, has_plan) in expected.items():
        code, out, _ = run("plan", "--intake", str(EXAMPLES / name), "--format", "json")
        doc = json.loads(out)
        assert code == 0
        assert doc["schema"] == "hipalign.plan/1"
        assert doc["referral"]["level"] == level, name
        assert (doc["plan"] is not None) == has_plan, name


def test_plan_text_shows_the_week_steps_dose_per_side_and_why() -> None:
    code, out, _ = run("plan", "--intake", str(EXAMPLES / "weak_left_abductors_band.json"))
    assert code == 0
    assert "The week" in out
    assert "per side, left first" in out
    assert "Why: Signs of weaker hip abductors on the left" in out
    assert "1. " in out  # numbered steps


def test_plan_text_names_the_warm_up_and_an_older_adults_balance_minutes() -> None:
    code, out, _ = run("plan", "--intake", str(EXAMPLES / "older_poor_balance_no_floor.json"))
    flat = " ".join(out.replace("│", " ").split())
    assert code == 0
    assert "Warm-up before every session: March on the spot (60 s);" in flat
    assert "Balance practice: Your sessions give about" in flat
    assert "3 hours a week of balance challenge" in flat
    code, out, _ = run("plan", "--intake", str(EXAMPLES / "weak_left_abductors_band.json"))
    assert code == 0 and "Warm-up before every session" in out
    assert "Balance practice:" not in out  # younger, steady balance: no balance dose


def test_adolescent_example_asks_for_a_doctor_this_week_and_gives_no_plan() -> None:
    code, out, _ = run("plan", "--intake", str(EXAMPLES / "adolescent_knee_pain_14.json"))
    assert code == 0
    flat = " ".join(out.replace("│", " ").split())
    assert "See a doctor this week" in flat and "growth plate" in flat
    assert "No plan" in out and "The week" not in out


def test_postpartum_example_leaves_out_every_plank_and_says_why() -> None:
    path = str(EXAMPLES / "postpartum_6_weeks_caesarean.json")
    code, out, _ = run("plan", "--intake", path, "--format", "json")
    doc = json.loads(out)
    assert code == 0
    planned = {it["exercise"] for d in doc["plan"]["days"] for it in d["items"]}
    assert not {"plank", "incline_plank", "side_plank", "side_plank_knees"} & planned
    assert any("caesarean" in lo["reason"] for lo in doc["plan"]["left_out"])
    code, text, _ = run("plan", "--intake", path)
    flat = " ".join(text.replace("│", " ").split())
    assert code == 0 and "pelvic floor" in flat and "The week" in text


def test_red_flag_text_says_what_to_do_and_gives_no_plan() -> None:
    code, out, _ = run("plan", "--intake", str(EXAMPLES / "red_flag_saddle_numbness.json"))
    assert code == 0
    assert "EMERGENCY" in out and "emergency department" in out
    assert "No plan" in out and "The week" not in out


def test_invalid_intake_exits_2_with_one_message_naming_field_and_allowed_values(
    tmp_path: Path,
) -> None:
    data = valid_intake()
    data["pain"] = {"now": 12, "worst_week": 3, "side": "left"}
    code, out, err = run("plan", "--intake", write(tmp_path, data))
    assert code == 2
    assert out == ""
    assert err.startswith("error: intake is not valid")
    assert "pain.now" in err and "less than or equal to 10" in err


def test_unanswered_screening_questions_are_listed_by_id(tmp_path: Path) -> None:
    data = valid_intake()
    screening = dict(data["screening"])
    del screening["constant_night_pain"], screening["recent_hip_surgery"]
    data["screening"] = screening
    code, _, err = run("plan", "--intake", write(tmp_path, data))
    assert code == 2
    assert "constant_night_pain" in err and "recent_hip_surgery" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"schema": "hipalign.intake/2"}', "schema"),
    ],
)
def test_malformed_intake_files_exit_2(tmp_path: Path, content: str, expected: str) -> None:
    code, out, err = run("plan", "--intake", write(tmp_path, content))
    assert (code, out) == (2, "")
    assert expected in err


def test_missing_intake_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("plan", "--intake", str(tmp_path / "nope.json"))
    assert code == 2 and "does not exist" in err


def test_library_list_json_has_the_contract_fields() -> None:
    code, out, _ = run("library", "list", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 23
    required = {
        "id",
        "name",
        "position",
        "equipment",
        "optional_equipment",
        "intent",
        "targets",
        "contraindications",
    }
    assert all(required <= set(r) for r in rows)
    assert "band_hip_abduction" in {r["id"] for r in rows}


def test_library_show_prints_steps_and_sources_and_rejects_unknown_ids() -> None:
    code, out, _ = run("library", "show", "side_hip_abduction")
    assert code == 0 and "Steps:" in out and "MacAskill MJ" in out
    assert "seed 0" not in out and ".txt" not in out and "url=None" not in out
    assert "Correction of the source" in out
    code, _, err = run("library", "show", "moonwalk")
    assert code == 2 and "'moonwalk' is not in the library" in err


def test_library_validate_passes_on_the_shipped_catalog() -> None:
    code, out, _ = run("library", "validate")
    assert code == 0 and out.startswith("library ok")


def test_screening_list_json_matches_the_catalog() -> None:
    code, out, _ = run("screening", "list", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert [(r["id"], r["level"]) for r in rows] == [(q.id, q.level) for q in QUESTIONS]


def test_schema_intake_is_a_json_schema_that_names_the_contract_fields() -> None:
    code, out, _ = run("schema", "intake")
    schema = json.loads(out)
    assert code == 0
    assert {"schema", "age", "screening", "findings", "minutes_per_session"} <= set(
        schema["properties"]
    )
    assert schema["additionalProperties"] is False


def test_session_script_length_matches_the_plan_minutes() -> None:
    intake = str(EXAMPLES / "weak_left_abductors_band.json")
    plan = json.loads(run("plan", "--intake", intake, "--format", "json")[1])
    first = plan["plan"]["days"][0]
    code, out, _ = run("session", "--intake", intake, "--day", first["day"], "--format", "json")
    script = json.loads(out)
    assert code == 0
    assert script["total_s"] == first["duration_s"]
    assert script["steps"][-1]["kind"] == "done"


def test_session_for_an_unplanned_day_exits_2_and_lists_planned_days() -> None:
    code, _, err = run(
        "session", "--intake", str(EXAMPLES / "weak_left_abductors_band.json"), "--day", "thu"
    )
    assert code == 2 and "planned: mon" in err


def test_progress_steps_up_after_two_comfortable_sessions(tmp_path: Path) -> None:
    logs = [
        {
            "id": f"log-{i}",
            "side": "left",
            "rung": 1,
            "sets_done": 1,
            "reps_done": 8,
            "pain_during": 2,
            "pain_before": 2,
            "pain_next_morning": 1,
        }
        for i in (1, 2)
    ]
    code, out, _ = run(
        "progress",
        "--exercise",
        "side_hip_abduction",
        "--logs",
        write(tmp_path, logs, "logs.json"),
        "--format",
        "json",
    )
    decisions = json.loads(out)
    assert code == 0
    assert decisions[0]["action"] == "progress" and decisions[0]["rung"] == 2
    assert decisions[0]["triggered_by"] == ["log-1", "log-2"]


def test_progress_ignores_skipped_logs_and_a_side_with_only_skips_has_no_decision(
    tmp_path: Path,
) -> None:
    full = {"rung": 1, "sets_done": 1, "reps_done": 8, "pain_during": 2, "pain_next_morning": 1}
    logs = [
        {"id": "done-1", "side": "left", **full},
        {"id": "skip-1", "side": "left", **full, "skipped": True},
        {
            "id": "skip-2",
            "side": "right",
            "rung": 1,
            "sets_done": 0,
            "reps_done": 0,
            "skipped": True,
        },
    ]
    code, out, _ = run(
        "progress",
        "--exercise",
        "side_hip_abduction",
        "--logs",
        write(tmp_path, logs, "logs.json"),
        "--format",
        "json",
    )
    decisions = json.loads(out)
    assert code == 0
    assert [(d["side"], d["action"], d["triggered_by"]) for d in decisions] == [
        ("left", "hold", ["done-1"])
    ]


def test_progress_rejects_a_bad_log_naming_the_item(tmp_path: Path) -> None:
    logs = [{"id": "a", "rung": 1, "sets_done": 1, "reps_done": 8, "pain_during": 14}]
    code, _, err = run(
        "progress", "--exercise", "side_hip_abduction", "--logs", write(tmp_path, logs, "logs.json")
    )
    assert code == 2 and "logs[0].pain_during" in err


def test_installed_console_script_runs_and_exits_2_on_bad_input(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "hipalign"
    ok = subprocess.run(
        [exe, "plan", "--intake", str(EXAMPLES / "pregnant_22_weeks.json"), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["plan"] is not None
    bad = subprocess.run(
        [exe, "plan", "--intake", write(tmp_path, "{}")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.count("error:") == 1


def test_the_plans_lessons_are_listed_by_title_with_the_command_that_opens_them() -> None:
    result = runner.invoke(app, ["plan", "--intake", "examples/weak_left_abductors_band.json"])

    assert result.exit_code == 0
    worth = " ".join(result.output.split("Worth reading", 1)[1].split())  # undo rich's wrapping
    assert "- How your hip works." in worth
    assert "(to read: hipalign learn show how_the_hip_works)" in worth
    assert "- how_the_hip_works:" not in worth


def test_running_the_module_offers_every_command_of_the_console_script() -> None:
    # The `if __name__` guard once sat mid-file, so `python -m` lost the later commands.
    by_module = subprocess.run(
        [sys.executable, "-m", "hipalign.cli.main", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert by_module.returncode == 0
    for command in ("backup", "restore", "migrate", "serve", "worker", "audit", "i18n"):
        assert f" {command} " in by_module.stdout, command


def test_library_list_shows_positions_and_equipment_as_words_and_keeps_ids() -> None:
    code, out, _ = run("library", "list")
    assert code == 0
    # A person reads "side lying" and "resistance band"; the id column keeps the ids they type.
    assert "side lying" in out and "resistance band" in out
    cells = [line.split("│")[3:6] for line in out.splitlines() if line.count("│") == 6]
    assert cells and not [c for row in cells for c in row if "_" in c]
    assert "band_hip_abduction" in out
