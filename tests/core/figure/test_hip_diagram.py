"""The lesson's hip diagram: labelled, both views, the plan's muscles highlighted, readable."""

import xml.etree.ElementTree as ET

from hipalign.core.figure.hip_diagram import (
    BACK,
    FONT,
    FRONT,
    WIDTH,
    _mirror,
    hip_diagram_svg,
    targeted_words,
    text_alternative,
)
from hipalign.core.vocab import Muscle

NS = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [" ".join(t.itertext()) for t in root.iter(f"{NS}text")]


def test_the_diagram_labels_the_pelvis_the_joint_and_the_muscle_groups() -> None:
    texts = " | ".join(_texts(hip_diagram_svg()))
    for words in (
        "From the front",
        "From behind",
        "Pelvis (ilium)",
        "Hip joint: ball and cup",
        "Thigh bone (femur)",
        "Gluteus medius and minimus",
        "Gluteus maximus",
        "Hip flexors: iliopsoas",
        "Adductors (inner thigh)",
        "Piriformis",
    ):
        assert words in texts, words


def test_every_muscle_the_library_targets_has_a_place_on_the_diagram() -> None:
    drawn = {m for p in FRONT + BACK for m in p.muscles}
    assert set(Muscle.__args__) <= drawn  # type: ignore[attr-defined]


def test_the_plans_muscles_are_highlighted_and_named_in_the_text_alternative() -> None:
    plain = hip_diagram_svg()
    mine = hip_diagram_svg({"gluteus_medius", "adductors"})
    assert 'font-weight="700">' not in plain.split("From behind")[0].split("From the front")[1]
    assert mine.count('fill="#b93d0c"') == 2
    assert plain.count('fill="#b93d0c"') == 0
    assert targeted_words({"gluteus_minimus"}) == ["Gluteus medius and minimus"]
    alt = text_alternative({"gluteus_medius", "adductors"})
    assert "your plan works: Adductors (inner thigh), Gluteus medius and minimus" in alt
    assert "your plan" not in text_alternative(())
    title = ET.fromstring(mine).find(f"{NS}title")
    assert title is not None and title.text == alt


def test_labels_are_readable_at_phone_width() -> None:
    # A 340-pixel phone column shows the 360-unit drawing at 0.94: labels stay about 12 px.
    assert FONT * 340 / WIDTH >= 12
    root = ET.fromstring(hip_diagram_svg())
    assert root.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    for text in root.iter(f"{NS}text"):
        assert float(text.get("font-size", "0")) >= FONT


def test_bones_are_mirrored_across_the_midline() -> None:
    assert _mirror("M100 66 C92 92 102 118 118 136 Z") == "M 260 66 C 268 92 258 118 242 136 Z"
