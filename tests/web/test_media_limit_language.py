"""A refused photo's size limit written as the page's language writes numbers (issue 20): an
English clinician reads '8,192 pixels', a Spanish one '8 192' (Django's number formats), not an
English comma on a Spanish page. The sentence itself is still English."""

import html

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hipalign.services.kernel.languages import language_set
from tests.adapters.media import long_side_png

pytestmark = pytest.mark.django_db


def _refused_text(client: Client) -> str:
    wide = SimpleUploadedFile("wide.png", long_side_png(9000, 1))
    refused = client.post("/exercises/glute_bridge/media", {"media": wide})
    assert refused.status_code == 422
    return html.unescape(refused.content.decode())


def test_a_spanish_clinician_reads_the_limit_with_spanish_grouping(
    clinician: User, clinician_client: Client
) -> None:
    language_set(clinician, language="es")

    page = _refused_text(clinician_client)

    assert "each side may be at most 8\xa0192 pixels" in page
    assert "8,192" not in page


def test_an_english_clinician_reads_the_limit_with_a_comma(clinician_client: Client) -> None:
    page = _refused_text(clinician_client)

    assert "each side may be at most 8,192 pixels" in page
