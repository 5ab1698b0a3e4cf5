"""`hipalign outcomes list|score`: outputs, exit codes, messages."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hipalign.cli.main import app
from hipalign.core.outcomes.engine import default_measures

runner = CliRunner()
IDS = ["hoos", "hoos12", "ihot12", "lefs", "nprs", "psfs"]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, data: Any, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def table_rows(out: str) -> dict[str, str]:
    """Each measure's first table line, by id."""
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) > 2 and cells[1] in IDS:
            rows[cells[1]] = line
    return rows


def list_json(*extra: str) -> dict[str, dict[str, Any]]:
    code, out, err = run("outcomes", "list", "--format", "json", *extra)
    assert (code, err) == (0, "")
    return {r["id"]: r for r in json.loads(out)}


def test_outcomes_list_shows_all_six_with_installed_yes_or_no() -> None:
    code, out, err = run("outcomes", "list")
    assert (code, err) == (0, "")
    rows = table_rows(out)
    assert sorted(rows) == IDS
    for measure_id in ("nprs", "psfs"):
        assert rows[measure_id].split("│")[-2].strip() == "yes"
    for measure_id in ("hoos", "hoos12", "ihot12", "lefs"):
        assert rows[measure_id].split("│")[-2].strip().startswith("no")
    assert "Outcome measures" in out


def test_outcomes_list_shows_scale_and_mcid() -> None:
    rows = table_rows(run("outcomes", "list")[1])
    assert [c.strip() for c in rows["ihot12"].split("│")[3:5]] == ["0-100", "13"]
    assert [c.strip() for c in rows["hoos12"].split("│")[3:5]] == ["0-4", "-"]


def test_outcomes_list_json_has_the_fields_of_each_measure() -> None:
    rows = list_json()
    assert sorted(rows) == IDS
    fields = {"id", "name", "scale", "higher_is_better", "mcid", "installed", "note", "source"}
    assert all(set(r) == fields for r in rows.values())
    measures = default_measures()
    assert rows["nprs"] == {
        "id": "nprs",
        "name": measures["nprs"].name,
        "scale": [0, 10],
        "higher_is_better": False,
        "mcid": 2.0,
        "installed": True,
        "note": "",
        "source": measures["nprs"].source,
    }
    assert rows["hoos12"]["mcid"] is None
    assert rows["lefs"]["scale"] == [0, 4]
    assert rows["psfs"]["higher_is_better"] is True
    assert {i: r["installed"] for i, r in rows.items()} == {
        "hoos": False,
        "hoos12": False,
        "ihot12": False,
        "lefs": False,
        "nprs": True,
        "psfs": True,
    }
    for measure_id in ("hoos", "hoos12", "ihot12", "lefs"):
        assert "licence" in rows[measure_id]["note"]
        assert measures[measure_id].licence in rows[measure_id]["note"]


def test_outcomes_list_with_texts_for_every_lefs_item_makes_lefs_installed(
    tmp_path: Path,
) -> None:
    texts = {"lefs": {f"q{n}": f"LEFS activity number {n}" for n in range(1, 21)}}
    rows = list_json("--texts", write(tmp_path, texts, "texts.json"))
    assert rows["lefs"]["installed"] is True
    assert rows["ihot12"]["installed"] is False  # its items are also q1.., but not its texts
    assert rows["lefs"]["note"] == ""
    assert rows["hoos"]["installed"] is False
    assert rows["hoos12"]["installed"] is False


def test_outcomes_list_with_texts_missing_one_lefs_item_leaves_lefs_not_installed(
    tmp_path: Path,
) -> None:
    texts = {"lefs": {f"q{n}": f"LEFS activity number {n}" for n in range(1, 20)}}
    rows = list_json("--texts", write(tmp_path, texts, "texts.json"))
    assert rows["lefs"]["installed"] is False


def test_outcomes_list_with_texts_shows_yes_in_the_table(tmp_path: Path) -> None:
    texts = {"hoos": {i: f"HOOS question {i}" for i in default_measures()["hoos"].item_ids()}}
    code, out, _ = run("outcomes", "list", "--texts", write(tmp_path, texts, "texts.json"))
    assert code == 0
    assert table_rows(out)["hoos"].split("│")[-2].strip() == "yes"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"lefs": {"q1": 3}}', "item id -> non-empty text"),
        ('{"lefs": {"q1": " "}}', "item id -> non-empty text"),
        ('["q1"]', "measure id -> {item id"),
    ],
)
def test_outcomes_list_with_bad_texts_exits_2_with_one_error_line(
    tmp_path: Path, content: str, message: str
) -> None:
    code, out, err = run("outcomes", "list", "--texts", write(tmp_path, content, "texts.json"))
    assert (code, out) == (2, "")
    assert err.startswith("error: texts is not valid")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_outcomes_list_with_a_missing_texts_file_exits_2(tmp_path: Path) -> None:
    code, out, err = run("outcomes", "list", "--texts", str(tmp_path / "nope.json"))
    assert (code, out) == (2, "")
    assert err.strip() == f"error: texts file {tmp_path / 'nope.json'} does not exist"


def test_outcomes_score_nprs_prints_the_score(tmp_path: Path) -> None:
    code, out, err = run("outcomes", "score", "nprs", "--answers", write(tmp_path, {"pain": 6}))
    assert (code, err) == (0, "")
    assert out.strip() == "Pain rating (NPRS): 6 (lower is better; 1 answered)"


def test_outcomes_score_psfs_prints_the_mean(tmp_path: Path) -> None:
    answers = {"walking": 4, "stairs": 3, "running": 6}
    code, out, _ = run("outcomes", "score", "psfs", "--answers", write(tmp_path, answers))
    assert code == 0
    assert "(PSFS): 4.3 (higher is better; 3 answered)" in out


def test_outcomes_score_hoos_prints_one_line_per_part(tmp_path: Path) -> None:
    answers: dict[str, Any] = dict.fromkeys(default_measures()["hoos"].item_ids(), 0)
    answers |= {f"pain{n}": v for n, v in enumerate([1, 2, 3, 2, 1, None], start=1)}
    for n in range(7, 11):
        del answers[f"pain{n}"]
    code, out, _ = run("outcomes", "score", "hoos", "--answers", write(tmp_path, answers))
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 5
    assert any(line.endswith(", pain: 55 of 100 (100 is best)") for line in lines)
    assert any(line.endswith(", adl: 100 of 100 (100 is best)") for line in lines)


def test_outcomes_score_json_gives_the_score_fields(tmp_path: Path) -> None:
    code, out, _ = run(
        "outcomes",
        "score",
        "lefs",
        "--answers",
        write(tmp_path, {f"q{n}": 3 for n in range(1, 21)}),
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"measure", "total", "scales", "items", "answered"}
    assert (data["measure"], data["total"], data["scales"], data["answered"]) == (
        "lefs",
        60.0,
        {},
        20,
    )
    assert data["items"] == {f"q{n}": 3.0 for n in range(1, 21)}


def test_outcomes_score_nprs_json(tmp_path: Path) -> None:
    code, out, _ = run(
        "outcomes", "score", "nprs", "--answers", write(tmp_path, {"pain": 6}), "--format", "json"
    )
    assert code == 0
    assert json.loads(out) == {
        "measure": "nprs",
        "total": 6.0,
        "scales": {},
        "items": {"pain": 6.0},
        "answered": 1,
    }


@pytest.mark.parametrize(
    ("measure", "answers", "names"),
    [
        ("nprs", {"pain": 11}, ["nprs", "answers.pain", "from 0 to 10", "11"]),
        ("nprs", {"pain": "3"}, ["nprs", "answers.pain", "whole number"]),
        ("nprs", {"ache": 3}, ["nprs", "answers.ache", "not an item"]),
        ("lefs", {f"q{n}": 2 for n in range(1, 20)}, ["lefs", "20 of 20", "got 19"]),
        (
            "hoos12",
            {"pain1": 1, "pain2": 1, "function1": 1, "qol1": 2, "qol2": 2},
            ["hoos12", "function needs at least 2 of its 4", "got 1"],
        ),
        ("psfs", {"walking": 3, "stairs": 4}, ["psfs", "3 to 5 activities", "got 2"]),
        ("odi", {"q1": 1}, ["'odi' is not a measure", "nprs"]),
        ("nprs", "{pain: 3", ["not valid JSON", "line 1"]),
        ("nprs", "[3]", ["JSON object"]),
    ],
)
def test_outcomes_score_with_bad_answers_exits_2_with_one_error_line(
    tmp_path: Path, measure: str, answers: Any, names: list[str]
) -> None:
    code, out, err = run("outcomes", "score", measure, "--answers", write(tmp_path, answers))
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1
    for name in names:
        assert name in err


def test_outcomes_score_with_a_missing_answers_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    code, out, err = run("outcomes", "score", "nprs", "--answers", str(missing))
    assert (code, out) == (2, "")
    assert err.strip() == f"error: answers file {missing} does not exist"


def test_outcomes_score_with_several_problems_has_one_error_line_then_one_line_each(
    tmp_path: Path,
) -> None:
    answers = {f"q{n}": 2 for n in range(1, 21)} | {"q1": 5, "q2": "2", "q30": 1}
    code, out, err = run("outcomes", "score", "lefs", "--answers", write(tmp_path, answers))
    assert (code, out) == (2, "")
    lines = err.strip().splitlines()
    assert lines[0] == "error: lefs is not valid (3 problems):"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "  - answers.q1",
        "  - answers.q2",
        "  - answers.q30",
    ]
    assert err.count("error:") == 1
