"""Dates at the ends of the calendar (issue 12, item 2): an entered date outside the window is
refused naming the field, and a row already stored at 9999-12-31 (with next-morning pain, so
pages add a day to it) breaks no page."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hipalign.adapters.db.models import ExerciseLogRecord, PlanRecord, SessionRecord
from hipalign.services.identity import accounts
from hipalign.services.program import plans, recording
from tests.services.factories import (
    LOG_TODAY,
    MONDAY,
    all_counts,
    log_payload,
    make_plan,
    make_user,
    owned_counts,
    public_id,
)
from tests.web.conftest import SetToday, logged_in, post_log

END = date(9999, 12, 31)


def _stored_at_the_end(plan: PlanRecord) -> None:
    """A log dated 9999-12-31 with next-morning pain, as an older install let it in."""
    user = plan.user
    result = recording.log_record(user, log_payload(plan, performed_on=END), today=END)
    session = ExerciseLogRecord.objects.get(pk=result.log_id).session_id
    recording.next_morning_record(user, str(session), 3)


PERSON_PAGES = ["/progress", "/report", "/timeline", "/account/fhir.json", "/api/v1/progress"]


@pytest.mark.parametrize("url", PERSON_PAGES)
def test_a_stored_log_at_the_end_of_the_calendar_breaks_no_page_of_the_person(
    url: str, owner_client: Client, owner_plan: PlanRecord
) -> None:
    _stored_at_the_end(owner_plan)

    r = owner_client.get(url)

    assert r.status_code == 200


@pytest.mark.parametrize("tail", ["/timeline", "/fhir.json", "/progress"])
def test_a_stored_log_at_the_end_of_the_calendar_breaks_no_page_of_the_clinician(
    tail: str, clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    _stored_at_the_end(owner_plan)
    base = "/api/v1/patients/" if tail == "/progress" else "/clinic/patients/"

    r = clinician_client.get(f"{base}{public_id(owner)}{tail}")

    assert r.status_code == 200


def test_the_timeline_pages_past_an_entry_at_the_end_of_the_calendar(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    _stored_at_the_end(owner_plan)
    for _ in range(60):  # more than one page (50 entries)
        recording.log_record(owner_plan.user, log_payload(owner_plan), today=LOG_TODAY)
    first = owner_client.get("/timeline").content.decode()
    cursor = first.split("?cursor=")[1].split('"')[0]

    assert owner_client.get(f"/timeline?cursor={cursor}").status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-03-04"])
def test_a_log_dated_outside_the_window_is_refused_naming_the_field(
    day: str, owner_client: Client, owner_plan: PlanRecord
) -> None:
    before = all_counts()

    r = post_log(owner_client, log_payload(owner_plan, performed_on=date.fromisoformat(day)))

    assert r.status_code == 422
    assert "performed_on: give a day from" in r.json()["problems"][0]
    assert all_counts() == before


def test_the_api_v1_refuses_a_log_dated_outside_the_window(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    before = all_counts()

    r = owner_client.post(
        "/api/v1/logs",
        json.dumps(log_payload(owner_plan, performed_on=END)),
        content_type="application/json",
    )

    assert r.status_code == 422 and "performed_on" in r.json()["problems"][0]
    assert all_counts() == before


def test_a_log_of_yesterday_and_of_tomorrow_is_stored(
    owner_client: Client, owner_plan: PlanRecord, set_today: SetToday
) -> None:
    set_today(date(2026, 3, 3))

    for day in (date(2026, 3, 2), date(2026, 3, 4)):
        assert post_log(owner_client, log_payload(owner_plan, performed_on=day)).status_code == 201


def test_an_assessment_dated_outside_the_window_is_refused_naming_the_field(
    clinician_client: Client, owner: User, owner_plan: PlanRecord
) -> None:
    before = owned_counts(owner.pk)

    r = clinician_client.post(
        f"/clinic/patients/{public_id(owner)}/assessment",
        {"performed_on": "9999-12-31", "plan_version": str(owner_plan.version)},
    )

    assert r.status_code == 422
    page = r.content.decode()
    assert "Date (YYYY-MM-DD): give a day from" in page  # the field by its label on the page
    assert "performed_on:" not in page
    assert owned_counts(owner.pk) == before


def test_an_import_with_a_day_at_the_end_of_the_calendar_is_a_message_and_stores_nothing(
    owner: User, set_today: SetToday
) -> None:
    make_plan(owner)
    recording.log_record(owner, log_payload(plans.plan_current(owner)), today=LOG_TODAY)  # type: ignore[arg-type]
    doc = accounts.account_export(owner)
    doc["exercise_logs"][0]["performed_on"] = "9999-12-31"
    doc["sessions"][0]["performed_on"] = "9999-12-31"
    newcomer = make_user("nina_new")
    set_today(LOG_TODAY)
    upload = SimpleUploadedFile("export.json", json.dumps(doc).encode(), "application/json")

    r = logged_in(newcomer).post("/account/import", {"file": upload}, follow=True)

    page = r.content.decode()
    assert r.status_code == 200 and "Nothing was imported" in page
    assert "exercise_logs[0].performed_on: give a day from" in page
    assert owned_counts(newcomer.pk)["PlanRecord"] == 0
    assert SessionRecord.objects.filter(user_id=newcomer.pk).count() == 0


def test_the_window_is_around_the_server_today(
    owner_client: Client, owner_plan: PlanRecord, set_today: SetToday
) -> None:
    set_today(MONDAY)
    late = post_log(owner_client, log_payload(owner_plan, performed_on=date(2026, 3, 4)))
    set_today(date(2026, 3, 4))
    on_time = post_log(owner_client, log_payload(owner_plan, performed_on=date(2026, 3, 4)))

    assert (late.status_code, on_time.status_code) == (422, 201)
