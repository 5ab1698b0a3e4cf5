"""The hip diagram of the lesson on how the hip works, with the muscles a person's plan works
(read by the program context's `targets.plan_muscles`: the library does not read plans)."""

from collections.abc import Collection

from hipalign.core.figure.hip_diagram import hip_diagram_svg, targeted_words
from hipalign.core.i18n.languages import SOURCE_LANGUAGE


def hip_diagram(
    *, muscles: Collection[str], language: str = SOURCE_LANGUAGE
) -> tuple[str, list[str]]:
    """The diagram's SVG with `muscles` highlighted, and the words for those it highlights, in
    `language` (English for a language without figure words)."""
    return hip_diagram_svg(muscles, language=language), targeted_words(muscles, language)
