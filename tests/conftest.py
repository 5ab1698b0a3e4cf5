"""Fixtures and helpers shared by every test folder.

`need` is the one way a test says it depends on something the environment may lack (a program,
the pose model files, the shared media). On a developer's machine the test is skipped with the
reason; under CI (CI=true) it fails with the same reason, because a skip there would hide a gap
in what the pipeline proves. The database-vendor splits (SQLite pass / PostgreSQL pass) are not
environment gaps: each pass runs its own half, so they stay plain `skipif`s.
"""

import os

import pytest

_MISSING = "need_missing"


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def need(condition: bool, reason: str) -> pytest.MarkDecorator:
    """A mark for a test (or a module's `pytestmark`) that needs `condition` to hold: skipped
    locally when it does not, failed under CI=true naming `reason`."""
    if condition:
        return pytest.mark.need_met
    if in_ci():
        missing: pytest.MarkDecorator = getattr(pytest.mark, _MISSING)(reason)
        return missing
    return pytest.mark.skipif(True, reason=reason)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "need_met: the environment has what the test needs")
    config.addinivalue_line(
        "markers", f"{_MISSING}(reason): under CI the environment lacks what the test needs"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    mark = item.get_closest_marker(_MISSING)
    if mark is not None:
        pytest.fail(f"CI=true and the environment lacks what this test needs: {mark.args[0]}")
