"""tests/conftest.py's `need`: a missing requirement skips locally and fails under CI=true."""

from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[1])
pytest_plugins = ["pytester"]

MODULE = """
from tests.conftest import need

pytestmark = need(False, "needs the moon")

def test_uses_the_moon():
    assert True
"""


def _run(pytester: pytest.Pytester, ci: str | None) -> pytest.RunResult:
    pytester.makepyfile(test_moon=MODULE)
    pytester.makeconftest("from tests.conftest import pytest_configure, pytest_runtest_setup\n")
    env = {"CI": ci} if ci is not None else {}
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CI", raising=False)
        mp.setenv("PYTHONPATH", ROOT)
        for k, v in env.items():
            mp.setenv(k, v)
        return pytester.runpytest_subprocess("-p", "no:django", "-p", "no:cacheprovider", "-rsf")


def test_a_missing_requirement_is_skipped_with_its_reason_off_ci(
    pytester: pytest.Pytester,
) -> None:
    result = _run(pytester, None)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*needs the moon*"])


def test_a_missing_requirement_fails_under_ci_naming_it(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "true")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*CI=true and the environment lacks*needs the moon*"])


def test_a_met_requirement_runs_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_sun="from tests.conftest import need\n\n"
        "@need(True, 'needs the sun')\ndef test_sun():\n    assert 1 == 2\n"
    )
    pytester.makeconftest("from tests.conftest import pytest_configure, pytest_runtest_setup\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CI", "true")
        mp.setenv("PYTHONPATH", ROOT)
        result = pytester.runpytest_subprocess("-p", "no:django", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)  # it ran: its own assertion failed
