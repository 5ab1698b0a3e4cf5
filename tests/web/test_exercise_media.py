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
from tests.web.conftest import streamed
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
    body = streamed(served)
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
    whole = streamed(owner_client.get(url))

    part = owner_client.get(url, headers={"Range": "bytes=4-11"})

    assert part.status_code == 206 and streamed(part) == whole[4:12]
    assert part["Content-Range"] == f"bytes 4-11/{len(whole)}"
    assert part["Content-Security-Policy"].startswith("sandbox")
    assert owner_client.get(url, headers={"Range": f"bytes={len(whole)}-"}).status_code == 416
    assert other_client.get(url, headers={"Range": "bytes=0-"}).status_code == 404


def _stored_files() -> set[str]:
    from pathlib import Path

    from hipalign.services.kernel.files import CLINIC_MEDIA, store

    folder = Path(store(CLINIC_MEDIA).path(""))
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_the_caption_shows_under_the_photo_beside_the_drawing_for_the_linked_patient(
    clinician_client: Client, owner_client: Client
) -> None:
    added = clinician_client.post(
        f"/exercises/{EXERCISE}/media",
        {"media": SimpleUploadedFile("b.png", _png()), "caption": "Heels <b>under</b> knees"},
    )
    assert added.status_code == 302

    page = owner_client.get(f"/exercises/{EXERCISE}").content.decode()

    assert 'data-testid="demo-figure"' in page
    assert (
        '<figcaption data-testid="clinic-media-caption">Heels &lt;b&gt;under&lt;/b&gt; knees'
        in page
    )  # escaped: the clinician's words are text, never markup
    assert 'alt="Heels &lt;b&gt;under&lt;/b&gt; knees"' in page


def test_a_caption_too_long_answers_422_under_the_caption_field_and_stores_nothing(
    clinician_client: Client, owner_client: Client
) -> None:
    before = _stored_files()
    long = "a" * 201

    refused = clinician_client.post(
        f"/exercises/{EXERCISE}/media",
        {"media": SimpleUploadedFile("b.png", _png()), "caption": long},
    )

    page = refused.content.decode()
    assert refused.status_code == 422
    assert 'data-testid="clinic-media-caption-error"' in page
    assert 'data-testid="clinic-media-error"' not in page  # the file itself was fine
    assert "Caption: at most 200 characters (this one has 201)" in visible_text(page)
    assert 'aria-invalid="true"' in page and f'value="{long}"' in page  # what was typed, kept
    assert ClinicMedia.objects.count() == 0 and _stored_files() == before
    assert (
        'data-testid="clinic-media-item"'
        not in owner_client.get(f"/exercises/{EXERCISE}").content.decode()
    )


def test_a_corrupted_photo_is_refused_and_leaves_no_file(clinician_client: Client) -> None:
    before = _stored_files()
    broken = _png()[:40]  # a PNG header and then nothing: it cannot be decoded

    refused = _add(clinician_client, broken)

    assert refused.status_code == 422
    assert "Photo or video: the photo cannot be read" in visible_text(refused.content.decode())
    assert ClinicMedia.objects.count() == 0 and _stored_files() == before


def test_another_clinicians_patient_gets_404_for_the_file(
    clinician_client: Client, other: User, other_clinician: User, other_client: Client
) -> None:
    from tests.services.factories import make_link

    make_link(other_clinician, other)
    _add(clinician_client, _png())
    url = f"/exercises/{EXERCISE}/media/{ClinicMedia.objects.get().id}"

    assert other_client.get(url).status_code == 404
    assert url not in other_client.get(f"/exercises/{EXERCISE}").content.decode()


def test_a_spanish_clinician_reads_the_media_form_in_spanish(
    clinician: User, clinician_client: Client
) -> None:
    from hipalign.services.kernel.languages import language_set

    language_set(clinician, language="es")

    text = visible_text(clinician_client.get(f"/exercises/{EXERCISE}").content.decode())

    for words in ("Las fotos y los vídeos de su clínica", "Foto o vídeo", "Pie de foto", "Añadir"):
        assert words in text, words
    assert "Your clinic's photos and videos" not in text and "Caption" not in text


def test_the_player_shows_the_caption_under_the_clinics_photo_for_the_linked_patient(
    clinician: User, clinician_client: Client, owner_client: Client, owner_plan: Any
) -> None:
    import json
    import re

    first = owner_client.get("/today").content.decode()
    found = re.search(r'<script id="player-data" type="application/json">(.*?)</script>', first)
    assert found is not None
    steps = json.loads(found.group(1))["script"]["steps"]
    exercise = next(s["exercise"] for s in steps if s["kind"] in ("reps", "hold"))
    clinician_client.post(
        f"/exercises/{exercise}/media",
        {"media": SimpleUploadedFile("b.png", _png()), "caption": "Slow on the way down"},
    )

    html = owner_client.get("/today").content.decode()

    template = re.search(rf'<template data-media-exercise="{exercise}"[^>]*>(.*?)</template>', html)
    assert template is not None
    assert (
        '<p class="player-media-caption" data-testid="player-media-caption">Slow on the way down</p>'
        in template.group(1)
    )
