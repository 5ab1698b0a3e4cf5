"""No function in `src/` over 80 lines (issue 15's gate), counted from `def` to its last line.

The functions that were longer when the gate came in are listed with their length then: each
may only shrink, and once one is 80 lines or fewer it must leave the list, so the list only
ever gets shorter. A new long function fails at once."""

import ast
from pathlib import Path

import hipalign

SRC = Path(hipalign.__file__).parent
MAX_LINES = 80
# (file under src/hipalign, function name) -> its length when the gate came in. Nine were
# listed then (the longest 254 lines); all are split now, so the list is empty and stays so.
STILL_LONG: dict[tuple[str, str], int] = {}


def function_lengths(root: Path) -> dict[tuple[str, str], int]:
    """Every function and method under `root`, by (file, name): its longest definition there
    (two functions of one name in one file are counted by the longer)."""
    found: dict[tuple[str, str], int] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                key = (path.relative_to(root).as_posix(), node.name)
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                found[key] = max(found.get(key, 0), lines)
    return found


def too_long(lengths: dict[tuple[str, str], int], allowed: dict[tuple[str, str], int]) -> list[str]:
    """What breaks the gate: a function over the limit that is not listed, or listed and
    longer than it was; a listed one that is gone or now short enough must leave the list."""
    problems = []
    for key, lines in sorted(lengths.items()):
        if lines > MAX_LINES and key not in allowed:
            problems.append(f"{key[0]}: {key[1]} has {lines} lines (at most {MAX_LINES})")
        elif key in allowed and lines > allowed[key]:
            problems.append(f"{key[0]}: {key[1]} grew to {lines} lines (was {allowed[key]})")
    for key in sorted(allowed):
        if lengths.get(key, 0) <= MAX_LINES:
            problems.append(f"{key[0]}: {key[1]} is short enough now: take it off STILL_LONG")
    return problems


def test_no_function_in_src_is_over_80_lines_except_the_shrinking_list() -> None:
    assert too_long(function_lengths(SRC), STILL_LONG) == []


def test_the_gate_fails_a_new_long_function_and_one_that_grew(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    (tmp_path / "m.py").write_text(f"def long_one():\n{body}\n\ndef short():\n    return 1\n")
    lengths = function_lengths(tmp_path)

    assert lengths == {("m.py", "long_one"): MAX_LINES + 1, ("m.py", "short"): 2}
    assert too_long(lengths, {}) == ["m.py: long_one has 81 lines (at most 80)"]
    assert too_long(lengths, {("m.py", "long_one"): 90}) == []
    assert too_long(lengths, {("m.py", "long_one"): 85}) == []
    assert too_long(lengths, {("m.py", "long_one"): 81}) == []
    assert too_long(lengths, {("m.py", "long_one"): 80}) == [
        "m.py: long_one grew to 81 lines (was 80)"
    ]


def test_the_gate_asks_to_drop_a_listed_function_once_it_is_short(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def short():\n    return 1\n")

    assert too_long(function_lengths(tmp_path), {("m.py", "short"): 120}) == [
        "m.py: short is short enough now: take it off STILL_LONG"
    ]
