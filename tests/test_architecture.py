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
    # Character data tables (message text rules): no I/O.
    "unicodedata",
    # Splitting a URL string (which links in a message point at the app's own host); the rest of
    # urllib opens connections, so only this submodule is allowed (see _imports).
    "urllib.parse",
    "pydantic",
    "hipalign",
}


def _top(module: str) -> str:
    # urllib.parse is pure string work; urllib.request is network I/O: keep the submodule name
    # for urllib so the allow-list can tell them apart.
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "urllib" else parts[0]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {_top(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(_top(node.module))
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


def test_only_urllib_parse_is_allowed_of_urllib(tmp_path: Path) -> None:
    mod = tmp_path / "urls.py"
    mod.write_text(
        "from urllib.parse import urlsplit\nimport urllib.request\nfrom urllib import error\n"
    )
    assert _imports(mod) - ALLOWED == {"urllib.request", "urllib"}
