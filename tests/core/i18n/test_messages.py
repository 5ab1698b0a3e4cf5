"""The checks of the pages' message catalogs (core/i18n/messages.py): a translation must exist,
be confirmed, keep the English placeholders and markup, and say nothing forbidden."""

from hipalign.core.i18n.messages import Message, message_problems


def problems_of(
    *messages: Message, language: str = "es", wanted: tuple[str, ...] = ()
) -> list[str]:
    return message_problems(messages, language=language, wanted=wanted)[0]


def test_a_faithful_translation_passes_and_counts() -> None:
    m = Message(
        'Hello %(name)s, <a href="/plan">your plan</a>',
        "",
        ('Hola %(name)s, <a href="/plan">su plan</a>',),
    )
    assert message_problems([m], language="es", wanted=[m.source]) == ([], 1, 1)


def test_an_empty_or_fuzzy_translation_is_a_problem() -> None:
    assert any("empty" in p for p in problems_of(Message("Save", "", ("",))))
    assert any("fuzzy" in p for p in problems_of(Message("Save", "", ("Guardar",), fuzzy=True)))


def test_a_lost_or_renamed_placeholder_or_tag_is_a_problem() -> None:
    assert problems_of(Message("%(n)s days", "", ("%(dias)s días",)))
    assert problems_of(Message("<strong>Stop</strong> now", "", ("Pare ahora",)))
    assert problems_of(Message('<a href="/plan">plan</a>', "", ('<a href="/today">plan</a>',)))


def test_plural_forms_each_keep_the_placeholders() -> None:
    ok = Message("One day", "%(counter)s days", ("Un día", "%(counter)s días"))
    assert problems_of(ok) == []
    bad = Message("One day", "%(counter)s days", ("Un día", "muchos días"))
    assert problems_of(bad)


def test_a_marked_string_missing_from_the_catalog_is_a_problem() -> None:
    found = problems_of(Message("Save", "", ("Guardar",)), wanted=("Save", "Cancel"))
    assert found == ["es: not in the catalog: 'Cancel'"]


def test_forbidden_words_are_refused_in_every_language() -> None:
    assert problems_of(Message("Your hip", "", ("Su cadera está desalineada",)))
    assert problems_of(Message("Your hip", "", ("hipalign diagnostica su cadera",)))
    assert problems_of(Message("Your hip", "", ("Your hip is misaligned",)), language="en")
    # Saying what the product is not stays allowed.
    assert problems_of(Message("not a diagnosis", "", ("no es un diagnóstico",))) == []
