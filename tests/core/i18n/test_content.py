"""Translations as data: only the words at a kind's paths change, and a translation keeps the
English file's keys, placeholders and markup, and none of the forbidden words (issue 20)."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hipalign.core.i18n import ContentKind, apply_translation, translatable_texts
from hipalign.core.i18n import translation_problems as problems

KIND = ContentKind("test", ("name", "steps.*", "item.*.text", "dose.seed"))
ENGLISH: dict[str, Any] = {
    "id": "clamshell",
    "name": "Clamshell",
    "position": "side_lying",
    "steps": ["Lie on your side.", "Lift the top knee {n} times."],
    "item": [{"id": "pain", "text": "Rate your pain."}, {"id": "sleep", "text": "Sleep?"}],
    "dose": {"kind": "reps", "seed": "10 lifts"},
}


def test_texts_are_keyed_by_item_id_and_list_position() -> None:
    texts = translatable_texts(ENGLISH, KIND)
    assert texts == {
        "name": "Clamshell",
        "steps.0": "Lie on your side.",
        "steps.1": "Lift the top knee {n} times.",
        "item.pain.text": "Rate your pain.",
        "item.sleep.text": "Sleep?",
        "dose.seed": "10 lifts",
    }


def test_a_translation_replaces_words_and_keeps_everything_else() -> None:
    spanish = {"name": "Almeja", "item": [{"id": "sleep", "text": "¿Duerme?"}]}
    out = apply_translation(ENGLISH, spanish, KIND)
    assert out["name"] == "Almeja"
    assert out["item"][1]["text"] == "¿Duerme?" and out["item"][0]["text"] == "Rate your pain."
    assert out["steps"] == ENGLISH["steps"] and out["dose"] == ENGLISH["dose"]
    assert out["id"] == "clamshell" and out["position"] == "side_lying"


def test_a_translation_cannot_change_a_code() -> None:
    hostile = {"id": "plank", "position": "standing", "dose": {"kind": "hold", "seed": "10"}}
    out = apply_translation(ENGLISH, hostile, KIND)
    assert (out["id"], out["position"], out["dose"]["kind"]) == ("clamshell", "side_lying", "reps")
    assert out["dose"]["seed"] == "10"


def test_items_are_matched_by_id_not_by_order() -> None:
    reordered = {"item": [{"id": "sleep", "text": "B"}, {"id": "pain", "text": "A"}]}
    out = apply_translation(ENGLISH, reordered, KIND)
    assert [i["text"] for i in out["item"]] == ["A", "B"]


def test_a_complete_and_clean_translation_has_no_problems() -> None:
    spanish = {
        "name": "Almeja",
        "steps": ["Túmbese de lado.", "Levante la rodilla de arriba {n} veces."],
        "item": [{"id": "pain", "text": "Puntúe su dolor."}, {"id": "sleep", "text": "¿Duerme?"}],
        "dose": {"seed": "10 elevaciones"},
    }
    assert problems(ENGLISH, spanish, KIND, language="es", where="x") == ([], [])


def test_untranslated_keys_are_listed_not_failed() -> None:
    found, missing = problems(ENGLISH, {"name": "Almeja"}, KIND, language="es", where="x")
    assert found == []
    assert missing == ["dose.seed", "item.pain.text", "item.sleep.text", "steps.0", "steps.1"]


def test_a_lost_placeholder_is_a_problem() -> None:
    spanish = {"steps": ["Túmbese de lado.", "Levante la rodilla varias veces."]}
    found, _ = problems(ENGLISH, spanish, KIND, language="es", where="f")
    assert len(found) == 1 and found[0].startswith("f: steps.1: placeholders")


def test_an_unknown_id_and_an_empty_text_are_problems() -> None:
    spanish = {"name": " ", "item": [{"id": "painn", "text": "Dolor"}]}
    found, _ = problems(ENGLISH, spanish, KIND, language="es", where="f")
    assert "f: item.painn.text: no such text in the English file" in found
    assert "f: name: empty translation" in found


def test_the_forbidden_words_are_checked_in_spanish() -> None:
    found, _ = problems(
        ENGLISH, {"name": "Su cadera está desalineada"}, KIND, language="es", where="f"
    )
    assert len(found) == 1 and "forbidden" in found[0]


@given(st.dictionaries(st.sampled_from(["name", "id", "position", "other"]), st.text()))
def test_whatever_a_translation_holds_the_codes_stay(translation: dict[str, str]) -> None:
    out = apply_translation(ENGLISH, translation, KIND)
    assert out["id"] == "clamshell" and out["position"] == "side_lying"
    assert set(out) == set(ENGLISH)
