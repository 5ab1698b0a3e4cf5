"""The exercise page shows the person's own dose and a way back to the plan (issue 14.8)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.core.library import default_library
from hipalign.core.words import dose_words
from hipalign.services.program import doses, plans
from tests.services.factories import make_plan
from tests.web.test_page_words import visible_text

pytestmark = pytest.mark.django_db

LIB = default_library()


def test_a_person_sees_their_own_dose_per_side_and_a_link_back_to_the_plan(
    owner: User, owner_client: Client
) -> None:
    rec = make_plan(owner)
    items = doses.plan_items_now(owner, plans.plan_document(rec))
    ex_id, now = next((e, n) for e, n in items.items() if any(s.side for s in n.sides))
    ex = LIB[ex_id]

    page = owner_client.get(f"/exercises/{ex_id}").content.decode()
    text = " ".join(visible_text(page).split())

    assert 'data-testid="my-dose"' in page and 'data-testid="library-dose"' not in page
    assert f'href="/plan#ex-{ex_id}"' in page
    assert "Back to your plan" in text
    for s in now.sides:
        words = dose_words(
            kind=ex.dose.kind, sets=s.sets, reps=s.reps, hold_s=s.hold_s, load=s.load
        )
        assert f"{(s.side or '').title()}: {words}" in text


def test_an_exercise_not_in_the_plan_shows_the_library_dose_labelled_as_such(
    owner: User, owner_client: Client
) -> None:
    rec = make_plan(owner)
    in_plan = set(doses.plan_items_now(owner, plans.plan_document(rec)))
    ex = next(e for e in LIB.values() if e.id not in in_plan)
    start = ex.start_step

    text = " ".join(visible_text(owner_client.get(f"/exercises/{ex.id}").content.decode()).split())

    assert "Your dose" not in text
    assert "Library dose" in text and "not in your plan" in text
    assert (
        dose_words(
            kind=ex.dose.kind,
            sets=start.sets,
            reps=start.reps,
            hold_s=start.hold_s,
            load=start.load,
        )
        in text
    )
    assert "Back to your plan" in text


def test_someone_without_a_plan_sees_the_library_dose_and_no_link_to_a_plan(
    clinician_client: Client,
) -> None:
    page = clinician_client.get("/exercises/glute_bridge").content.decode()

    assert 'data-testid="library-dose"' in page
    assert 'data-testid="my-dose"' not in page and 'data-testid="back-to-plan"' not in page
