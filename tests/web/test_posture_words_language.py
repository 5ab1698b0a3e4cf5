"""The posture page in the reader's language (issue 20): its headings, labels and buttons, and the
result the core words in English (the lines' labels, the higher hip, the change against the
baseline, the fixed caveats and a refusal's reason). A Spanish person reads it in Spanish with
the English gone; an English person reads exactly the English of before."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import PostureUpload
from hipalign.core.posture import geometry
from hipalign.services.kernel.languages import language_set

pytestmark = pytest.mark.django_db


def _frame(hip: float) -> geometry.FrameMetrics:
    return geometry.FrameMetrics(
        hip_tilt_deg=hip,
        shoulder_tilt_deg=-1.0,
        trunk_lean_deg=0.5,
        lateral_shift_pct=-0.8,
        ankle_tilt_deg=0.0,
        trunk_length_px=300.0,
        hip_width_px=120.0,
        shoulder_width_px=160.0,
    )


def _uploads(owner: User) -> None:
    """A baseline, a later picture 4.5 degrees off it, and one with nobody in it."""
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    results = [
        geometry.aggregate([_frame(0.5)], model="m"),
        geometry.aggregate([_frame(5.0)], model="m"),
        geometry.aggregate([geometry.Refusal(code="no_person", reason="no person was found")]),
    ]
    for i, result in enumerate(results):
        rec = PostureUpload.objects.create(
            user=owner, kind="photo", status="done", result=result.model_dump(mode="json")
        )
        PostureUpload.objects.filter(pk=rec.pk).update(created_at=start + timedelta(days=i))


ENGLISH = [
    "Posture from a photo",
    "How to take the picture",
    "Or upload the picture to the server",
    "Measure</button>",
    "Hip line (°, + = left side higher)",
    "Sideways shift (% of trunk length)",
    "higher hip",
    "<dd>left</dd>",
    "This is your baseline: later pictures are compared with it.",
    "Hip line +4.5° against your baseline: a change worth showing to your physiotherapist.",
    "This is a screening measurement from a picture, not a diagnosis",
    "A tilted camera tilts every line by the same amount",
    "Could not measure:",
    "no person was found",
    "Delete this picture and its result",
]
SPANISH = [
    "Postura a partir de una foto",
    "Cómo hacer la foto",
    "O suba la imagen al servidor",
    "Medir</button>",
    "Línea de las caderas (°, + = lado izquierdo más alto)",
    "Desplazamiento lateral (% de la longitud del tronco)",
    "cadera más alta",
    "<dd>la izquierda</dd>",
    "Esta es su referencia: las imágenes posteriores se comparan con ella.",
    "Línea de las caderas +4,5° respecto a su referencia: un cambio que merece la pena enseñar",
    "Es una medición orientativa a partir de una imagen, no un diagnóstico",
    "Una cámara inclinada inclina todas las líneas lo mismo",
    "No se pudo medir:",
    "no se encontró a ninguna persona",
    "Borrar esta imagen y su resultado",
]


def _page(client: Client) -> str:
    """The page without the rules the on-device measuring script reads (id posture-rules): that
    script still words its own result in the core's English (not this slice)."""
    page = html.unescape(client.get("/posture").content.decode())
    return re.sub(r'<script id="posture-rules"[^>]*>.*?</script>', "", page, flags=re.S)


def test_a_spanish_person_reads_the_posture_page_in_spanish(
    owner: User, owner_client: Client
) -> None:
    _uploads(owner)
    language_set(owner, language="es")

    page = _page(owner_client)

    for words in SPANISH:
        assert words in page, words
    for words in ENGLISH:
        assert words not in page, words


def test_an_english_person_reads_the_same_english_posture_page(
    owner: User, owner_client: Client
) -> None:
    _uploads(owner)

    page = _page(owner_client)

    for words in ENGLISH:
        assert words in page, words
    for words in SPANISH:
        assert words not in page, words
