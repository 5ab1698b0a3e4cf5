"""The clinician's patient list and prescription editor, and what the person sees of it."""

import html
import re
from typing import Any

from django.test import Client

from hipalign.adapters.db.models import PlanRecord
from hipalign.services.program import plans
from tests.services.factories import make_plan, public_id
from tests.web.conftest import logged_in


def _form(client: Client, pid: str) -> dict[str, Any]:
    """The editor's fields as the browser would send them unchanged."""
    page = client.get(f"/clinic/patients/{pid}/plan")
    assert page.status_code == 200
    ctx = page.context
    data: dict[str, Any] = {"version": ctx["version"], "rows": len(ctx["rows"]), "note": ""}
    for r in ctx["rows"]:
        p = f"item-{r['n']}-"
        if r["new"]:
            data[p + "new"] = "1"
            continue
        data |= {
            p + "exercise": r["exercise"],
            p + "side": r["side"] or "",
            p + "sets": r["sets"],
            p + "reps": r["reps"],
            p + "hold_s": r["hold_s"],
            p + "days": r["days"],
        }
    return data


def _snapshot(user: Any) -> list[tuple[int, str]]:
    return list(PlanRecord.objects.filter(user=user).values_list("version", "author_role"))


def test_patient_list_shows_linked_patients_only(
    owner: Any, other: Any, clinician_client: Client
) -> None:
    make_plan(owner)
    make_plan(other)
    page = clinician_client.get("/clinic/patients")
    assert page.status_code == 200
    assert owner.get_username() in page.content.decode()
    assert other.get_username() not in page.content.decode()


def test_patient_list_is_not_for_persons_or_admins(
    owner_client: Client, admin_client: Client, client: Client
) -> None:
    assert owner_client.get("/clinic/patients").status_code == 404
    assert admin_client.get("/clinic/patients").status_code == 404
    assert client.get("/clinic/patients").status_code == 302  # to login


def test_unlinked_clinician_list_is_empty(owner: Any, other_clinician_client: Client) -> None:
    make_plan(owner)
    page = other_clinician_client.get("/clinic/patients")
    assert owner.get_username() not in page.content.decode()


def test_clinician_changes_a_dose_and_the_person_sees_it(
    owner: Any, clinician_client: Client, owner_client: Client
) -> None:
    make_plan(owner)
    pid = public_id(owner)
    data = _form(clinician_client, pid)
    data["item-0-sets"] = int(data["item-0-sets"]) + 1
    data["note"] = "One more set while it feels easy."

    saved = clinician_client.post(f"/clinic/patients/{pid}/plan", data)

    assert saved.status_code == 302
    assert _snapshot(owner) == [(2, "clinician"), (1, "person")]
    plan_page = owner_client.get("/plan").content.decode()
    assert "Changed by your clinician" in plan_page
    assert "One more set while it feels easy." in plan_page
    assert ": dose from " in plan_page  # the dose change in words, "from 1 × 8 to 2 × 8"
    assert "-&gt;" not in plan_page


def test_a_ruled_out_exercise_needs_a_reason_and_nothing_is_stored_without_it(
    owner: Any, clinician_client: Client
) -> None:
    make_plan(owner, limitations=["cannot_lie_prone"])
    pid = public_id(owner)
    data = _form(clinician_client, pid)
    n = data["rows"] - 1  # a blank "add" row
    data |= {
        f"item-{n}-exercise": "prone_hip_extension",
        f"item-{n}-side": "both",
        f"item-{n}-sets": 2,
        f"item-{n}-reps": 10,
        f"item-{n}-hold_s": 0,
        f"item-{n}-days": ["mon"],
    }

    refused = clinician_client.post(f"/clinic/patients/{pid}/plan", data)

    assert refused.status_code == 422
    page = refused.content.decode().replace("&#x27;", "'")
    # The field by the exercise's name and its label on the page, never its path.
    assert "Reason to override a safety rule: Bent-knee hip lift lying face down is done" in page, (
        page
    )
    assert "override_reason:" not in page and "items[" not in page
    assert _snapshot(owner) == [(1, "person")]
    data[f"item-{n}-override_reason"] = "Checked lying face down on a pillow in clinic: fine."
    assert clinician_client.post(f"/clinic/patients/{pid}/plan", data).status_code == 302
    rec = PlanRecord.objects.get(user=owner, version=2)
    assert rec.overrides[0]["exercise"] == "prone_hip_extension"
    assert "pillow" in rec.overrides[0]["reason"]


def test_a_stale_edit_is_refused_and_keeps_the_entries(
    owner: Any, clinician_client: Client
) -> None:
    make_plan(owner)
    pid = public_id(owner)
    data = _form(clinician_client, pid)
    current = plans.plan_current(owner)
    assert current is not None
    plans.intake_submit(owner, _intake(), current.starts_on, expected_version=1)
    data["item-0-sets"] = 9

    refused = clinician_client.post(f"/clinic/patients/{pid}/plan", data)

    assert refused.status_code == 409
    body = refused.content.decode()
    assert "version 1" in body and "version 2" in body
    assert 'value="9"' in body  # what the clinician typed is still there
    assert _snapshot(owner) == [(2, "person"), (1, "person")]


def _intake() -> dict[str, Any]:
    from tests.core.conftest import intake_doc

    return intake_doc()


def test_unlinked_clinician_and_others_get_404_and_change_nothing(
    owner: Any, other: Any, other_clinician: Any, admin: Any, clinician_client: Client
) -> None:
    make_plan(owner)
    pid = public_id(owner)
    data = _form(clinician_client, pid)
    data["item-0-sets"] = 5
    for user in (other, other_clinician, admin):
        c = logged_in(user)
        assert c.get(f"/clinic/patients/{pid}/plan").status_code == 404
        assert c.post(f"/clinic/patients/{pid}/plan", data).status_code == 404
    assert _snapshot(owner) == [(1, "person")]


def test_ended_link_closes_the_editor_at_once(owner: Any, clinician_client: Client) -> None:
    from hipalign.adapters.db.models import CareLink

    make_plan(owner)
    pid = public_id(owner)
    assert clinician_client.get(f"/clinic/patients/{pid}/plan").status_code == 200
    CareLink.objects.filter(patient=owner).update(status="ended")
    assert clinician_client.get(f"/clinic/patients/{pid}/plan").status_code == 404


def test_persons_own_replan_after_a_clinician_edit_is_refused_and_keeps_answers(
    owner: Any, owner_client: Client, clinician: Any
) -> None:
    from hipalign.services.care import prescribe

    make_plan(owner)
    page = owner_client.get("/onboarding")
    assert 'name="plan_version" value="1"' in page.content.decode()
    ed = prescribe.plan_editor(clinician, public_id(owner))
    rx = ed.prescription.model_dump()
    rx["items"][0]["sets"] += 1
    prescribe.plan_prescribe(clinician, public_id(owner), rx, 1)
    answers = _onboarding_answers() | {"plan_version": "1"}

    refused = owner_client.post("/onboarding", answers)

    assert refused.status_code == 200
    assert "now version 2" in refused.content.decode()
    assert _snapshot(owner) == [(2, "clinician"), (1, "person")]


def _onboarding_answers() -> dict[str, Any]:
    from tests.web.test_onboarding import onboarding_form

    return onboarding_form()


def test_the_editor_shows_each_exercises_figure_beside_it(
    owner: Any, clinician_client: Client
) -> None:
    plan = make_plan(owner)
    exercises = {it.exercise for d in plans.plan_document(plan).plan.days for it in d.items}  # type: ignore[union-attr]

    page = clinician_client.get(f"/clinic/patients/{public_id(owner)}/plan").content.decode()

    figures = page.count('data-testid="rx-figure"')
    assert figures == len(exercises) > 0
    assert page.count("<svg") >= figures


def test_a_dose_that_is_not_a_number_is_refused_by_the_exercise_and_label_not_the_path(
    owner: Any, clinician_client: Client
) -> None:
    make_plan(owner)
    pid = public_id(owner)
    data = _form(clinician_client, pid)
    first = clinician_client.get(f"/clinic/patients/{pid}/plan").context["rows"][0]
    name = {c.exercise: c.name for c in plans_choices(clinician_client, pid)}[first["exercise"]]
    data["item-0-sets"] = "lots"

    refused = clinician_client.post(f"/clinic/patients/{pid}/plan", data)

    page = refused.content.decode().replace("&#x27;", "'")
    assert refused.status_code == 422
    assert f"{name}, Sets: give a whole number (got 'lots')" in page, page
    assert "items[" not in page
    assert _snapshot(owner) == [(1, "person")]


def plans_choices(client: Client, pid: str) -> list[Any]:
    """The exercises the editor offers, with the names it shows."""
    return list(client.get(f"/clinic/patients/{pid}/plan").context["editor"].choices)


def test_beside_each_figure_the_editor_leads_to_the_clinics_own_photos_of_that_exercise(
    owner: Any, clinician: Any, clinician_client: Client
) -> None:
    from hipalign.services.library import clinic_media
    from tests.web.test_exercise_media import _png

    plan = make_plan(owner)
    exercises = sorted(
        {it.exercise for d in plans.plan_document(plan).plan.days for it in d.items}  # type: ignore[union-attr]
    )
    with_photo = exercises[0]
    data = _png()
    clinic_media.media_add(actor=clinician, exercise_id=with_photo, size=len(data), chunks=[data])

    page = clinician_client.get(f"/clinic/patients/{public_id(owner)}/plan").content.decode()

    assert page.count('data-testid="rx-media"') == page.count('data-testid="rx-figure"') > 1
    links = {
        href: html.unescape(words)
        for href, words in re.findall(
            r'<a href="/exercises/([a-z_0-9]+)#media-h">([^<]*)</a>', page
        )
    }
    assert links[with_photo] == "Your clinic's photo or video of it (1)"
    for ex in exercises[1:]:
        assert links[ex] == "Add your clinic's photo or video of it"
