"""The figures in the person's language (issue 20): a Spanish figure has its title, drawn side
label and key frame labels in Spanish and keeps no English words of its source; the English
figure is the one it always was; the SVG stays valid and left and right stay mirrors."""

import re
import xml.etree.ElementTree as ET

from hipalign.core.figure import figure_svg
from hipalign.core.figure.hip_diagram import BACK, FRONT, FRONT_BONES, hip_diagram_svg
from hipalign.core.figure.words import WORDS, side_label, side_words, word_problems
from hipalign.core.library import default_library
from hipalign.core.library.catalog import default_demos

SVG = "{http://www.w3.org/2000/svg}"


def _figure(language: str, **kw: object) -> ET.Element:
    ex, demo = default_library(language)["clamshell"], default_demos(language)["clamshell"]
    return ET.fromstring(figure_svg(demo, ex, **kw, language=language))  # type: ignore[arg-type]


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}


def test_a_spanish_figure_has_a_spanish_title_side_label_and_frame_labels() -> None:
    still = _figure("es", side="left", frame=1)
    title = still.findtext(f"{SVG}title") or ""
    assert title == (
        "Dibujo de Almeja, lado izquierdo: La rodilla de arriba se separa como una almeja que "
        "se abre, con los pies juntos."
    )
    assert still.findtext(f"{SVG}text") == "Lado izquierdo"
    moving = _figure("es", side="right", animate=True).findtext(f"{SVG}title") or ""
    assert moving.startswith("Dibujo en movimiento de Almeja, lado derecho: De lado, caderas")
    spanish = [f.label for f in default_demos("es")["clamshell"].frames]
    english = [f.label for f in default_demos()["clamshell"].frames]
    assert all(label in moving for label in spanish if label != spanish[-1])
    # Not one English word of the source (labels, the figure's own words) is left in.
    source = _words(" ".join(english) + " Drawing Moving left right side sides")
    assert not source & _words(title + " " + moving + " " + "Lado izquierdo")


def test_the_english_figure_is_unchanged() -> None:
    still = _figure("en", side="left", frame=1)
    assert still.findtext(f"{SVG}title") == (
        "Drawing of Clamshell, left side: Top knee lifted like a clam opening, feet together."
    )
    assert still.findtext(f"{SVG}text") == "Left side"
    assert side_words("right", "bilateral") == "both sides"
    assert side_label("right", "bilateral") == "Both sides"


def test_left_and_right_spanish_figures_are_mirrors_but_for_their_side() -> None:
    ex, demo = default_library("es")["clamshell"], default_demos("es")["clamshell"]
    left = figure_svg(demo, ex, side="left", frame=1, language="es")
    right = figure_svg(demo, ex, side="right", frame=1, language="es")
    assert left.count("<") == right.count("<")
    assert "lado izquierdo" in left and "lado derecho" in right


def test_a_frame_label_with_markup_characters_is_escaped() -> None:
    ex, demo = default_library("es")["clamshell"], default_demos("es")["clamshell"]
    frames = [f.model_copy(update={"label": "Rodilla <arriba> & pies"}) for f in demo.frames]
    odd = demo.model_copy(update={"frames": frames})
    root = ET.fromstring(figure_svg(odd, ex, frame=1, language="es"))
    assert "Rodilla <arriba> & pies" in (root.findtext(f"{SVG}title") or "")


def test_the_spanish_hip_diagram_labels_and_text_alternative_are_spanish() -> None:
    svg = hip_diagram_svg({"gluteus_medius"}, language="es")
    root = ET.fromstring(svg)
    title = root.findtext(f"{SVG}title") or ""
    assert title.startswith("Dibujo de la pelvis y las dos caderas.")
    assert "Resaltados, los músculos que trabaja su plan: Glúteo medio y menor." in title
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "Vista de frente" in texts and "Isquiotibiales" in texts
    for english in ("From the front", "From behind", "Hamstrings", "Highlighted", "Sacrum"):
        assert english not in svg


def test_the_english_words_of_the_hip_diagram_are_its_labels() -> None:
    # The table's English entries are the labels drawn: a check against the English is a
    # check against what the diagram shows.
    for part in FRONT + FRONT_BONES + BACK:
        key = f"hip.{part.key or part.muscles[0]}"
        assert WORDS["en"][key].split("\n") == list(part.label), key


def test_spanish_has_every_figure_word_and_a_missing_one_is_a_problem(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert word_problems("es") == []
    trimmed = {k: v for k, v in WORDS["es"].items() if k != "side.left"}
    monkeypatch.setitem(WORDS, "es", trimmed)
    assert word_problems("es") == ["figure words es: side.left: untranslated"]


def test_every_language_s_hip_labels_fit_the_margins_like_the_english() -> None:
    longest = max(
        len(line)
        for k, v in WORDS["en"].items()
        if k.startswith("hip.")
        for line in v.split("\n")
        if k not in ("hip.alt", "hip.mine", "hip.front", "hip.back")
    )
    for language, words in WORDS.items():
        for key, text in words.items():
            if key.startswith("hip.") and key not in (
                "hip.alt",
                "hip.mine",
                "hip.front",
                "hip.back",
            ):
                lines = text.split("\n")
                assert len(lines) <= 3 and max(map(len, lines)) <= longest, (language, key)
