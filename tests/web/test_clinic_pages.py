"""Care links pages, the clinician's patient pages (overview, assessment, timeline) and the
person's own timeline: what each actor gets, and that every denial changes nothing."""

import re
import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import AssessmentRecord, AuditEvent, CareLink, PlanRecord
from tests.services.factories import MONDAY, make_plan, person_models, public_id
from tests.web.conftest import logged_in

PAGES = ["", "/assessment", "/timeline"]


def patient_url(user: User, tail: str = "") -> str:
    return f"/clinic/patients/{public_id(user)}{tail}"


def snapshot(user_id: object) -> dict[str, list[str]]:
    """Every row the person owns, for before/after comparisons (keyed by pk: Profile has no id)."""
    return {
        m.__name__: sorted(repr(row) for row in m._default_manager.filter(user_id=user_id).values())
        for m in person_models()
    }


def body(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


# --- who gets what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/care", "/timeline", "/clinic/links", "PATIENT", "PATIENT/assessment", "PATIENT/timeline"],
)
def test_anonymous_visitors_are_sent_to_log_in(url: str, owner: User) -> None:
    url = url.replace("PATIENT", patient_url(owner))

    r = Client().get(url)

    assert r.status_code == 302 and r["Location"].startswith("/login")


@pytest.mark.parametrize("tail", PAGES)
def test_a_linked_clinician_sees_the_patient_pages(
    tail: str, clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    r = clinician_client.get(patient_url(owner, tail))

    assert r.status_code == 200
    assert owner.get_username() in body(r)


@pytest.mark.parametrize("who", ["owner", "other", "other_clinician", "admin"])
@pytest.mark.parametrize("tail", PAGES)
def test_anyone_but_a_linked_clinician_gets_404(
    who: str,
    tail: str,
    request: pytest.FixtureRequest,
    owner: User,
    owner_plan: PlanRecord,
    clinician: User,
) -> None:
    c = logged_in(request.getfixturevalue(who))
    before = snapshot(owner.pk)

    got = c.get(patient_url(owner, tail))
    posted = c.post(patient_url(owner, "/assessment"), {"performed_on": "2026-03-02"})

    assert (got.status_code, posted.status_code) == (404, 404)
    assert snapshot(owner.pk) == before


def test_a_person_id_that_does_not_exist_is_404(clinician_client: Client) -> None:
    assert clinician_client.get(f"/clinic/patients/{uuid.uuid4()}").status_code == 404
    assert clinician_client.get("/clinic/patients/not-an-id/timeline").status_code == 404


@pytest.mark.parametrize("tail", PAGES)
def test_access_ends_the_moment_the_link_ends(
    tail: str,
    clinician_client: Client,
    owner_client: Client,
    owner: User,
    owner_plan: PlanRecord,
    clinician: User,
) -> None:
    assert clinician_client.get(patient_url(owner, tail)).status_code == 200
    link = CareLink.objects.get(clinician=clinician, patient=owner)

    ended = owner_client.post("/care", {"action": "end", "link_id": str(link.id)})

    assert ended.status_code == 302
    assert clinician_client.get(patient_url(owner, tail)).status_code == 404


def test_every_clinician_page_read_is_audited_without_health_data(
    clinician_client: Client,
    owner: User,
    owner_plan: PlanRecord,
    clinician: User,
) -> None:
    before = AuditEvent.objects.count()

    for tail in PAGES:
        clinician_client.get(patient_url(owner, tail))

    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert [r.action for r in rows] == ["read:overview", "read:assessment", "read:timeline"]
    assert {(r.actor_id, r.subject_id, r.target) for r in rows} == {
        (clinician.pk, owner.pk, public_id(owner))
    }


# --- care links -------------------------------------------------------------------------------


def test_a_person_shares_with_a_clinician_by_code(
    owner_client: Client, other_clinician_client: Client, owner: User
) -> None:
    made = owner_client.post("/care", {"action": "create"})
    code = re.search(r'class="link-code">([A-Z0-9-]{11})<', body(made))

    assert made.status_code == 200 and code is not None
    assert "It works once, until" in body(made)
    redeemed = other_clinician_client.post(
        "/clinic/links", {"action": "redeem", "code": code.group(1)}
    )
    assert redeemed.status_code == 302
    page = other_clinician_client.get("/clinic/links")
    assert owner.get_username() in body(page)
    assert other_clinician_client.get(patient_url(owner)).status_code == 200


def test_a_clinicians_invite_link_prefills_the_persons_form(
    other_clinician_client: Client, owner_client: Client, owner: User
) -> None:
    made = other_clinician_client.post("/clinic/links", {"action": "create"})
    link = re.search(r'href="(http://testserver/care\?code=([A-Z0-9-]{11}))"', body(made))
    assert link is not None

    form = owner_client.get(f"/care?code={link.group(2)}")
    assert f'value="{link.group(2)}"' in body(form)
    done = owner_client.post("/care", {"action": "redeem", "code": link.group(2)})

    assert done.status_code == 302
    assert other_clinician_client.get(patient_url(owner)).status_code == 200


def test_a_wrong_code_is_named_and_links_nothing(owner_client: Client, owner: User) -> None:
    r = owner_client.post("/care", {"action": "redeem", "code": "AAAAA-BBBBB"})

    assert r.status_code == 422
    assert "Code (10 letters and digits): not valid or expired" in body(r)
    assert "code: not valid" not in body(r)  # the page names the field by its label
    assert not CareLink.objects.filter(patient=owner).exists()


def test_the_care_page_lists_clinicians_with_an_end_button(
    owner_client: Client, clinician: User
) -> None:
    r = owner_client.get("/care")

    assert clinician.get_username() in body(r)
    assert "End sharing" in body(r) and "csrfmiddlewaretoken" in body(r)


def test_a_clinician_ends_a_link_from_their_page(
    clinician_client: Client, owner: User, clinician: User
) -> None:
    link = CareLink.objects.get(clinician=clinician, patient=owner)

    clinician_client.post("/clinic/links", {"action": "end", "link_id": str(link.id)})

    link.refresh_from_db()
    assert link.status == "ended"


@pytest.mark.parametrize("who", ["other", "other_clinician"])
def test_no_one_else_can_end_a_link(
    who: str, request: pytest.FixtureRequest, owner: User, clinician: User
) -> None:
    link = CareLink.objects.get(clinician=clinician, patient=owner)
    url = "/care" if who == "other" else "/clinic/links"

    r = logged_in(request.getfixturevalue(who)).post(
        url, {"action": "end", "link_id": str(link.id)}
    )

    link.refresh_from_db()
    assert r.status_code == 404
    assert link.status == "active"


def test_the_link_forms_need_the_csrf_token(owner: User) -> None:
    c = logged_in(owner, enforce_csrf_checks=True)

    assert c.post("/care", {"action": "create"}).status_code == 403
    assert not CareLink.objects.filter(patient=owner).exists()


def test_a_clinician_on_the_care_page_goes_to_their_links_and_an_admin_gets_404(
    clinician_client: Client, admin_client: Client
) -> None:
    assert clinician_client.get("/care")["Location"] == "/clinic/links"
    assert admin_client.get("/care").status_code == 404
    assert admin_client.get("/clinic/links").status_code == 404


def test_a_person_cannot_open_the_clinicians_links_page(owner_client: Client) -> None:
    assert owner_client.get("/clinic/links").status_code == 404
    assert owner_client.post("/clinic/links", {"action": "create"}).status_code == 404


# --- assessment -------------------------------------------------------------------------------


def _form(version: int, **extra: str) -> dict[str, str]:
    return {
        "plan_version": str(version),
        "performed_on": "2026-03-02",
        "method": "in_person",
        "cleared_by_clinician": "no",
        "tests.thomas.left.thigh_deg": "5",
        "tests.thomas.left.knee_deg": "80",
        "tests.single_leg_stance.right.seconds": "12,5",
        "tests.trendelenburg.right.result": "positive",
        "tests.trendelenburg.right.lateral_pain": "yes",
        **extra,
    }


def test_the_assessment_form_has_left_and_right_columns_per_test(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    r = clinician_client.get(patient_url(owner, "/assessment"))

    html = body(r)
    assert (
        'name="tests.thomas.left.knee_deg"' in html and 'name="tests.thomas.right.knee_deg"' in html
    )
    assert 'name="tests.plank.seconds"' in html
    assert 'name="plan_version" value="1"' in html
    assert 'value="2026-03-02"' in html  # the date is pre-filled with today


def test_saving_an_assessment_shows_the_derived_findings_and_a_link_to_the_plan(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    saved = clinician_client.post(patient_url(owner, "/assessment"), _form(owner_plan.version))

    assert saved.status_code == 302
    rec = AssessmentRecord.objects.get(user=owner)
    assert rec.document["tests"]["single_leg_stance"] == {"right": {"seconds": 12.5}}
    page = clinician_client.get(saved["Location"])
    html = body(page)
    assert "plan version 2 was made from it" in html
    assert "hip_flexor_tight" in html and "lateral_pain_in_stance" in html
    assert f'href="{patient_url(owner, "/plan")}"' in html


def test_a_value_out_of_range_is_named_and_nothing_is_stored(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    r = clinician_client.post(
        patient_url(owner, "/assessment"),
        _form(owner_plan.version, **{"tests.thomas.left.knee_deg": "200"}),
    )

    assert r.status_code == 422
    # the service's refusal, by the cell's label on the page, once; never the form path
    label = "Thomas test (modified), Knee angle, left"
    cell = 'id="tests.thomas.left.knee_deg-error"'
    assert f"{cell}>{label}: give 0-180 degrees" in body(r)  # and in the summary above
    assert f"{label}: {label}" not in body(r)
    assert "tests.thomas.left.knee_deg:" not in body(r)
    assert 'value="200"' in body(r)  # what was typed stays in the form
    assert not AssessmentRecord.objects.exists()
    assert PlanRecord.objects.filter(user=owner).count() == 1


def test_a_word_where_a_number_belongs_is_named(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    r = clinician_client.post(
        patient_url(owner, "/assessment"),
        _form(owner_plan.version, **{"tests.plank.seconds": "long"}),
    )

    assert r.status_code == 422
    # the cell named as the page names it, once, with what is allowed; never the form path
    said = "Plank, Time held: a number is needed; give 0-600 s"
    assert f'id="tests.plank.seconds-error">{said}' in body(r)
    assert "Plank, Time held: Plank, Time held" not in body(r)
    assert "tests.plank.seconds:" not in body(r)
    assert not AssessmentRecord.objects.exists()


def test_the_date_is_required(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    r = clinician_client.post(
        patient_url(owner, "/assessment"), _form(owner_plan.version, performed_on="")
    )

    assert r.status_code == 422
    assert body(r).count("Date (YYYY-MM-DD):") == 1 and "performed_on:" not in body(r)
    assert not AssessmentRecord.objects.exists()


def test_an_assessment_on_a_plan_changed_meanwhile_is_refused_with_a_clear_message(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    make_plan(owner, MONDAY, age=52)  # the person changed their answers after the form loaded

    r = clinician_client.post(patient_url(owner, "/assessment"), _form(owner_plan.version))

    assert r.status_code == 409
    assert "you edited version 1, but the plan is now version 2" in body(r)
    assert not AssessmentRecord.objects.exists()
    assert 'name="plan_version" value="2"' in body(r)  # a resend after reading the change works


# --- timelines --------------------------------------------------------------------------------


def test_the_clinician_timeline_filters_by_kind_and_pages(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    clinician_client.post(patient_url(owner, "/assessment"), _form(owner_plan.version))

    plans = clinician_client.get(patient_url(owner, "/timeline?kind=plan"))
    first = clinician_client.get(patient_url(owner, "/timeline?kind=plan&kind=assessment"))

    assert "Plan version 2 by the clinician" in body(plans)
    assert "Assessment by" not in body(plans)
    assert "Assessment by" in body(first)
    bad = clinician_client.get(patient_url(owner, "/timeline?kind=nope"))
    assert bad.status_code == 422 and "kind: nope unknown" in body(bad)


def test_the_timeline_tags_each_entry_in_words_not_its_code(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    from hipalign.services.followup import timeline

    clinician_client.post(patient_url(owner, "/assessment"), _form(owner_plan.version))

    page = body(clinician_client.get(patient_url(owner, "/timeline")))
    tags = set(re.findall(r'<span class="tag">([^<]*)</span>', page))

    assert {"plan", "assessment"} <= tags
    assert tags <= {str(t) for t in timeline.KIND_TAGS.values()}, tags
    assert set(timeline.KIND_TAGS) == set(timeline.KINDS)  # a new kind gets its tag


def test_the_timeline_links_to_older_entries(
    owner_client: Client,
    owner: User,
    owner_plan: PlanRecord,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hipalign.services.followup import timeline

    monkeypatch.setattr(timeline, "DEFAULT_LIMIT", 1)

    first = owner_client.get("/timeline")
    older = re.search(r'href="(/timeline\?cursor=[^"]+)"', body(first))

    assert older is not None
    second = owner_client.get(older.group(1).replace("&amp;", "&"))
    titles = [re.findall(r"<strong>([^<]+)</strong>", body(p)) for p in (first, second)]
    assert second.status_code == 200
    assert len(titles[0]) == len(titles[1]) == 1 and titles[0] != titles[1]


def test_a_person_sees_their_own_timeline(
    owner_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    r = owner_client.get("/timeline")

    assert r.status_code == 200
    assert "Plan version 1 by the person" in body(r)


def test_a_persons_timeline_never_shows_someone_elses_data(
    other_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    r = other_client.get("/timeline")

    assert r.status_code == 200
    assert "Plan version" not in body(r)


# --- deleting a log made by mistake (issue 12, item 2) -------------------------------------


def _a_log(plan: PlanRecord) -> str:
    from hipalign.services.program import recording
    from tests.services.factories import LOG_TODAY, log_payload

    return recording.log_record(plan.user, log_payload(plan), today=LOG_TODAY).log_id


def test_the_timeline_offers_to_delete_a_log_and_asks_first(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    log_id = _a_log(owner_plan)

    timeline = body(owner_client.get("/timeline"))
    confirm = owner_client.get(f"/logs/{log_id}/delete")

    assert f'href="/logs/{log_id}/delete"' in timeline
    assert confirm.status_code == 200 and "Delete this log?" in body(confirm)
    from hipalign.adapters.db.models import ExerciseLogRecord

    assert ExerciseLogRecord.objects.filter(pk=log_id).exists()  # asking deletes nothing


def test_confirming_deletes_the_log_and_says_so(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    from hipalign.adapters.db.models import ExerciseLogRecord

    log_id = _a_log(owner_plan)

    r = owner_client.post(f"/logs/{log_id}/delete", follow=True)

    assert r.status_code == 200 and "The log was deleted" in body(r)
    assert not ExerciseLogRecord.objects.filter(pk=log_id).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_persons_log_answers_404_and_stays(
    method: str, other_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    log_id = _a_log(owner_plan)
    before = snapshot(owner.pk)

    r = getattr(other_client, method)(f"/logs/{log_id}/delete")

    assert r.status_code == 404
    assert snapshot(owner.pk) == before


def test_a_clinician_timeline_offers_no_delete(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    _a_log(owner_plan)

    assert "/delete" not in body(clinician_client.get(patient_url(owner, "/timeline")))


@pytest.mark.django_db
def test_the_patient_list_shows_sessions_done_last_7_days_as_progress_counts(
    owner: User, clinician_client: Client
) -> None:
    from datetime import timedelta

    from hipalign.core.adherence import sessions_text
    from hipalign.services.followup.adherence import weeks_of
    from hipalign.web import clock
    from tests.services.factories import log_exercises, session_exercises

    today = clock.today()  # pinned for web tests
    plan = make_plan(owner, today=today - timedelta(days=14))
    day = next(
        d for d in (today - timedelta(days=n) for n in range(1, 8)) if session_exercises(plan, d)
    )
    # Two runs of the same day, one exercise each: one session, part done.
    log_exercises(plan, day, session_exercises(plan, day)[:2], today=today, runs=2)
    (week,) = weeks_of(owner, [today - timedelta(days=7)])

    page = body(clinician_client.get("/clinic/patients"))

    assert "Sessions done, last 7 days" in page
    cell = re.search(r'data-testid="patient-sessions">([^<]*)<', page)
    assert cell and cell.group(1) == f"{sessions_text(week.done)} of {week.planned}"
    assert 0 < week.done < 1


def test_the_assessment_form_names_each_tests_source_as_a_reference(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    from django.utils.html import escape

    from hipalign.core.references import reference

    html = body(clinician_client.get(patient_url(owner, "/assessment")))

    assert escape(reference("physiohub_faber").title) in html
    assert escape(reference("bohannon2006").title) in html
    assert "CLINICAL.md" not in html


def test_a_patients_flags_name_their_sources_as_references(
    owner: User, owner_plan: PlanRecord, clinician_client: Client
) -> None:
    from django.utils.html import escape

    from hipalign.core.references import reference
    from hipalign.services.program import recording
    from hipalign.web import clock
    from tests.services.factories import log_payload

    recording.log_record(
        owner,
        log_payload(owner_plan, pain_during=8),
        today=clock.today(),
    )

    page = body(clinician_client.get("/clinic/patients"))

    assert "Pain up to 8/10" in page
    assert escape(reference("silbernagel2007").title) in page
    assert "CLINICAL.md" not in page
