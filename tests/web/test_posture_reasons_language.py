"""A posture result's reasons made with numbers, body parts or another reason, worded in the
reader's language (issue 20, web/posture_words.py): produced by the core's own code paths
(core/posture/geometry.py, views.py), so a change of the core's words fails here."""

import pytest
from django.utils import translation

from hipalign.core.posture import geometry
from hipalign.core.posture.geometry import Landmark, Refusal
from hipalign.web import posture_words


def _hidden(*indices: int) -> Refusal:
    """The core's refusal of a frame where the key landmarks at `indices` are not visible."""
    landmarks = [Landmark(x=0.5, y=0.5, visibility=0.99) for _ in range(geometry.NUM_LANDMARKS)]
    for i in indices:
        landmarks[i] = Landmark(x=0.5, y=0.5, visibility=0.05)
    found = geometry._one_person_seen(landmarks, 1000, 1000, 1)
    assert isinstance(found, Refusal)
    return found


@pytest.mark.parametrize(
    ("indices", "spanish"),
    [
        ((geometry.LEFT_HIP,), "no se ve la cadera izquierda"),
        (
            (geometry.LEFT_HIP, geometry.RIGHT_ANKLE),
            "no se ven la cadera izquierda y el tobillo derecho",
        ),
    ],
)
def test_hidden_body_parts_are_named_in_spanish(indices: tuple[int, ...], spanish: str) -> None:
    reason = _hidden(*indices).reason

    with translation.override("es"):
        worded = posture_words.sentence(reason)

    assert worded.startswith(spanish), worded
    assert posture_words.sentence(reason) == reason  # English reads as the core wrote it


def test_a_clip_with_too_few_frames_and_its_left_out_frames_read_in_spanish() -> None:
    hidden = _hidden(geometry.LEFT_KNEE)
    failed = geometry.aggregate([hidden, hidden, hidden])

    with translation.override("es"):
        words = [posture_words.sentence(r) for r in failed.reasons]

    assert words[0].startswith("no se ve la rodilla izquierda")
    assert words[1] == "solo se pudieron medir 0 de 3 fotogramas; hacen falta al menos el 60 %"
    assert all(w != r for w, r in zip(words, failed.reasons, strict=True))


def test_the_left_out_frames_sentence_reads_in_spanish_with_its_reason() -> None:
    english = (
        "2 frames of 5 could not be measured and were left out (most often: the left hip is "
        "not visible: the whole body must be in the picture)"
    )

    with translation.override("es"):
        worded = posture_words.sentence(english)

    assert worded == (
        "2 de 5 fotogramas no se pudieron medir y se dejaron fuera (lo más frecuente: no se ve "
        "la cadera izquierda: todo el cuerpo debe salir en la imagen)"
    )
