"""The core stays pure: only pure standard-library modules and pydantic, no I/O, no clock.

import-linter forbids the frameworks; this test is the allowlist it cannot express.
"""

import ast
from pathlib import Path

import hipalign.core

CORE = Path(hipalign.core.__file__).parent
# Pure modules only. importlib.resources reads the shipped data files, which are part of the
# program (see core/library/catalog.py); nothing here reaches the clock, network or user files.
ALLOWED = {
    "__future__",
    "abc",
    "collections",
    "dataclasses",
    # Date values passed in by the caller (plan weeks, attention windows); reading the clock is
    # caught by the call check below.
    "datetime",
    "enum",
    "functools",
    "importlib",
    "itertools",
    "json",
    "math",
    "re",
    "statistics",
    "tomllib",
    "typing",
    "pydantic",
    "hipalign",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_only_pure_standard_library_and_pydantic() -> None:
    offenders = {
        str(p.relative_to(CORE)): sorted(_imports(p) - ALLOWED) for p in CORE.rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}


def test_core_never_reads_the_clock_or_opens_files() -> None:
    banned_calls = {"open", "now", "today", "time", "utcnow", "perf_counter", "monotonic"}
    found = []
    for p in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                fn = node.func
                name = (
                    fn.id
                    if isinstance(fn, ast.Name)
                    else fn.attr
                    if isinstance(fn, ast.Attribute)
                    else ""
                )
                if name in banned_calls:
                    found.append(f"{p.relative_to(CORE)}:{node.lineno} {name}()")
    assert found == []


def test_the_allowlist_check_detects_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom socket import socket\nimport pydantic\n")
    assert _imports(bad) - ALLOWED == {"os", "socket"}
