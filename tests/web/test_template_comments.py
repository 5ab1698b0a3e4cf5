"""Django's `{# … #}` comment ends at the end of its line: one that runs over two lines is
printed on the page as text (the session player showed its own code comment). Templates use
`{% comment %}` for long ones."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).parents[2] / "src" / "hipalign" / "web" / "templates"
_OPEN_COMMENT = re.compile(r"\{#(?![^\n]*#\})")


def test_no_template_comment_runs_over_a_line() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for text in [path.read_text("utf-8")]
        for m in _OPEN_COMMENT.finditer(text)
    ]

    assert found == []
