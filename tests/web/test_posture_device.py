"""POST /api/posture: a posture measurement made on the device (issue 17), numbers only."""

import base64
import io
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from hipalign.adapters.db.models import PostureUpload
from hipalign.core.posture.geometry import FrameMetrics
from hipalign.core.posture.views import MIRRORED, PHOTO, combine_views
from hipalign.services.posture.device import DEVICE_MODEL
from tests.web.conftest import streamed

pytestmark = pytest.mark.django_db


def view(**values: float) -> dict[str, float]:
    base = {
        "hip_tilt_deg": 5.0,
        "shoulder_tilt_deg": 10.1,
        "trunk_lean_deg": 6.5,
        "lateral_shift_pct": -11.3,
        "ankle_tilt_deg": 6.0,
        "trunk_length_px": 180.0,
        "hip_width_px": 60.0,
        "shoulder_width_px": 120.0,
    }
    return base | values


def body(**changes: Any) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "photo": view(),
        "mirrored": view(hip_tilt_deg=0.7, shoulder_tilt_deg=11.5),
    } | changes


def post(client: Client, doc: dict[str, Any]) -> Any:
    return client.post("/api/posture", json.dumps(doc), content_type="application/json")


def test_the_numbers_are_combined_by_the_core_and_a_resend_stores_nothing_twice(
    owner_client: Client,
) -> None:
    doc = body()
    first = post(owner_client, doc)
    assert first.status_code == 201
    rec = PostureUpload.objects.get()
    want = combine_views(
        {PHOTO: [FrameMetrics(**doc["photo"])], MIRRORED: [FrameMetrics(**doc["mirrored"])]},
        model=DEVICE_MODEL,
    )
    assert rec.result == want.model_dump(mode="json")
    assert rec.result["metrics"]["hip_tilt_deg"]["reliable"] is False  # 5.0 against 0.7
    assert rec.status == "done" and rec.stored_name == "" and rec.overlay_name == ""
    again = post(owner_client, doc)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert PostureUpload.objects.count() == 1
    page = owner_client.get("/posture").content.decode()
    assert "measured on your device" in page and "could not measure reliably" in page


def test_the_same_client_id_with_other_numbers_is_refused_and_changes_nothing(
    owner_client: Client,
) -> None:
    doc = body()
    post(owner_client, doc)
    before = PostureUpload.objects.get().result
    response = post(owner_client, doc | {"photo": view(hip_tilt_deg=1.0)})
    assert response.status_code == 422
    assert "client_id: already used" in response.json()["error"]
    assert PostureUpload.objects.get().result == before


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (body(mirrored=None), "mirrored"),
        (body(photo=view(hip_tilt_deg=400.0)), "photo"),
        (body(client_id="not-an-id"), "client_id"),
        (body(landmarks=[[0.1, 0.2]]), "landmarks"),  # never accepted, never stored
        (body(photo={"refused": "bored"}), "photo"),
        (body(overlay_png="not base64!"), "overlay_png"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    owner_client: Client, doc: dict[str, Any], field: str
) -> None:
    response = post(owner_client, doc)
    assert response.status_code == 422
    assert field in response.json()["error"]
    assert PostureUpload.objects.count() == 0


def test_a_refused_picture_is_stored_as_could_not_measure(owner_client: Client) -> None:
    response = post(owner_client, body(photo={"refused": "turned"}, mirrored=None))
    assert response.status_code == 201
    result = PostureUpload.objects.get().result
    assert result is not None
    assert result["status"] == "could_not_measure" and "turned" in result["reasons"][0]


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_the_overlay_only_when_sent_re_encoded_and_only_for_its_owner(
    owner_client: Client, other_client: Client
) -> None:
    response = post(owner_client, body(overlay_png=_png()))
    assert response.status_code == 201
    rec = PostureUpload.objects.get()
    mine = owner_client.get(f"/posture/{rec.id}/overlay.png")
    assert mine.status_code == 200 and mine["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(streamed(mine))) as im:
        assert im.size == (40, 30)
    assert other_client.get(f"/posture/{rec.id}/overlay.png").status_code == 404
    assert other_client.post(f"/posture/{rec.id}/delete").status_code == 404
    assert PostureUpload.objects.filter(pk=rec.id).exists()


def test_a_client_id_is_per_person(owner_client: Client, other_client: Client) -> None:
    doc = body()
    assert post(owner_client, doc).status_code == 201
    assert post(other_client, doc).status_code == 201  # their own record, not the owner's
    assert PostureUpload.objects.count() == 2


def test_anonymous_cannot_post() -> None:
    assert post(Client(), body()).status_code == 401
    assert PostureUpload.objects.count() == 0
