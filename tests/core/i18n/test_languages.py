"""Choosing a language: the browser's Accept-Language and the CLI's environment (issue 20)."""

from hypothesis import given
from hypothesis import strategies as st

from hipalign.core.i18n import from_environment, negotiate

BOTH = ("en", "es")


def test_the_highest_quality_offered_language_wins() -> None:
    assert negotiate("fr;q=1, es-MX;q=0.8, en;q=0.5", offered=BOTH) == "es"
    assert negotiate("en;q=0.2, es;q=0.9", offered=BOTH) == "es"


def test_equal_quality_keeps_the_header_order() -> None:
    assert negotiate("es, en", offered=BOTH) == "es"
    assert negotiate("en, es", offered=BOTH) == "en"


def test_a_refused_language_is_never_chosen() -> None:
    assert negotiate("es;q=0, en;q=0.1", offered=BOTH) == "en"


def test_a_language_not_offered_falls_back_to_english() -> None:
    assert negotiate("es", offered=("en",)) == "en"
    assert negotiate("de, fr", offered=BOTH) == "en"
    assert negotiate(None, offered=BOTH) == "en"
    assert negotiate("*", offered=BOTH) == "en"


@given(st.text(max_size=80))
def test_any_header_gives_an_offered_language(header: str) -> None:
    assert negotiate(header, offered=BOTH) in BOTH


def test_the_cli_reads_language_before_lang() -> None:
    assert from_environment({"LANGUAGE": "es:en", "LANG": "en_GB.UTF-8"}, offered=BOTH) == "es"
    assert from_environment({"LANG": "es_ES.UTF-8"}, offered=BOTH) == "es"
    assert from_environment({"LANG": "de_DE.UTF-8"}, offered=BOTH) == "en"


def test_the_c_locale_means_english() -> None:
    assert from_environment({"LC_ALL": "C.UTF-8", "LANG": "es_ES.UTF-8"}, offered=BOTH) == "en"
    assert from_environment({}, offered=BOTH) == "en"
