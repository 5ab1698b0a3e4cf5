"""The exercise page with a clinic's own photo or video (issue 16): a clinician adds and
removes it there, their linked patients see it beside the drawing, everyone else never."""

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hipalign.adapters.db.models import ClinicMedia
from tests.web.test_page_words import visible_text

pytestmark = pytest.mark.django_db
EXERCISE = "glute_bridge"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 200, 30)).save(out, format="PNG")
    return out.getvalue()


def _add(client: Client, data: bytes, name: str = "bridge.png") -> Any:
    return client.post(f"/exercises/{EXERCISE}/media", {"media": SimpleUploadedFile(name, data)})


def test_a_clinician_adds_a_photo_and_the_linked_patient_sees_it_beside_the_drawing(
    clinician_client: Client, owner_client: Client
) -> None:
    added = _add(clinician_client, _png())
    assert added.status_code == 302 and added["Location"] == f"/exercises/{EXERCISE}"
    media = ClinicMedia.objects.get()

    page = owner_client.get(f"/exercises/{EXERCISE}").content.decode()

    url = f"/exercises/{EXERCISE}/media/{media.id}"
    assert 'data-testid="demo-figure"' in page and 'data-testid="clinic-media"' in page
    assert f'<img src="{url}"' in page and "From your clinic" in visible_text(page)
    assert media.stored_name not in page  # never an internal file name
    assert 'data-testid="clinic-media-form"' not in page  # a person adds nothing
    assert 'data-testid="clinic-media-remove"' not in page
    served = owner_client.get(url)
    body = b"".join(served.streaming_content)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"].startswith("sandbox")
    with Image.open(io.BytesIO(body)) as im:
        assert im.size == (20, 10)


def test_people_and_clinicians_outside_the_link_see_no_media_and_get_404(
    clinician_client: Client, other_client: Client, other_clinician_client: Client
) -> None:
    _add(clinician_client, _png())
    url = f"/exercises/{EXERCISE}/media/{ClinicMedia.objects.get().id}"

    for client in (other_client, other_clinician_client):
        page = client.get(f"/exercises/{EXERCISE}").content.decode()
        assert url not in page and 'data-testid="clinic-media-item"' not in page
        assert client.get(url).status_code == 404


def test_a_refused_file_answers_422_naming_the_field_and_stores_nothing(
    clinician_client: Client,
) -> None:
    # A text file named like a photo: the type is read from the content.
    refused = _add(clinician_client, b"<html>hello</html>", name="photo.jpg")

    page = refused.content.decode()
    assert refused.status_code == 422
    assert 'data-testid="clinic-media-error"' in page and 'aria-invalid="true"' in page
    assert "Photo or video: this file is neither a photo nor a video" in visible_text(page)
    assert "JPEG, PNG or WebP" in visible_text(page)
    assert ClinicMedia.objects.count() == 0


def test_the_clinician_removes_it_and_the_patient_no_longer_sees_it(
    clinician_client: Client, owner_client: Client, other_clinician_client: Client
) -> None:
    _add(clinician_client, _png())
    media = ClinicMedia.objects.get()
    url = f"/exercises/{EXERCISE}/media/{media.id}"
    page = clinician_client.get(f"/exercises/{EXERCISE}").content.decode()
    assert f'action="{url}/remove"' in page

    assert other_clinician_client.post(f"{url}/remove").status_code == 404
    assert owner_client.post(f"{url}/remove").status_code == 404
    assert ClinicMedia.objects.filter(pk=media.id).exists()  # the refusals changed nothing

    removed = clinician_client.post(f"{url}/remove")

    assert removed.status_code == 302 and not ClinicMedia.objects.exists()
    assert owner_client.get(url).status_code == 404
    assert url not in owner_client.get(f"/exercises/{EXERCISE}").content.decode()


def test_a_person_cannot_add_media(owner: User, owner_client: Client) -> None:
    assert _add(owner_client, _png()).status_code == 404
    assert ClinicMedia.objects.count() == 0


def test_a_video_player_can_seek_the_file_by_byte_range_and_others_still_get_404(
    clinician_client: Client, owner_client: Client, other_client: Client
) -> None:
    _add(clinician_client, _png())
    url = f"/exercises/{EXERCISE}/media/{ClinicMedia.objects.get().id}"
    whole = b"".join(owner_client.get(url).streaming_content)

    part = owner_client.get(url, headers={"Range": "bytes=4-11"})

    assert part.status_code == 206 and b"".join(part.streaming_content) == whole[4:12]
    assert part["Content-Range"] == f"bytes 4-11/{len(whole)}"
    assert part["Content-Security-Policy"].startswith("sandbox")
    assert owner_client.get(url, headers={"Range": f"bytes={len(whole)}-"}).status_code == 416
    assert other_client.get(url, headers={"Range": "bytes=0-"}).status_code == 404
