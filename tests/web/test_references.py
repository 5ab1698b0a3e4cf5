"""Sources on pages read as references (authors, year, title, link), never a Python repr or an
internal file name (issue 13 item 16, issue 14 item 5)."""

import re

import pytest
from django.test import Client
from django.utils.html import escape

from hipalign.core.library import default_library
from hipalign.core.references import reference
from tests.services.factories import make_plan

pytestmark = pytest.mark.django_db

INTERNAL = re.compile(
    r"\bref='|url=None|supports='|CLINICAL\.md|DESIGN\.md|\[rule\]|\.txt\b|seed 0"
)


@pytest.mark.parametrize("exercise_id", sorted(default_library()))
def test_the_exercise_page_lists_each_source_as_a_reference_with_its_link(
    owner_client: Client, exercise_id: str
) -> None:
    page = owner_client.get(f"/exercises/{exercise_id}").content.decode()
    assert INTERNAL.search(page) is None
    for s in default_library()[exercise_id].sources:
        ref = reference(s.cite)
        assert escape(ref.title) in page
        if ref.url:
            assert f'href="{escape(ref.url)}"' in page


def test_the_plan_page_shows_sources_as_linked_references(owner_client: Client, owner) -> None:  # type: ignore[no-untyped-def]
    make_plan(
        owner,
        findings={"thomas_test": {"left": "hip_flexor_tight", "right": "normal"}},
        lifestyle={"sitting_hours_per_day": 9},
    )
    page = owner_client.get("/plan").content.decode()
    assert INTERNAL.search(page) is None
    assert "Winters MV" in page and 'href="http://ptjournal.apta.org/content/84/9/800.long"' in page
    assert "hipalign&#x27;s rule, to be confirmed by your clinician" in page
