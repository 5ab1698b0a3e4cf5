"""The clinician's patient list: only linked patients, ordered by what needs attention."""

from datetime import timedelta
from typing import Any

import pytest

from hipalign.adapters.db.models import CheckInRecord
from hipalign.services.care import clinic
from hipalign.services.kernel.access import Forbidden
from hipalign.services.program import recording
from tests.services.factories import LOG_TODAY, MONDAY, log_payload, make_link, make_plan, make_user


def _checkin(user: Any, level: str, pain: int, on: Any) -> None:
    CheckInRecord.objects.create(
        user=user,
        performed_on=on,
        answers={},
        pain_now=pain,
        pain_worst_week=pain,
        referral_level=level,
        referral={"level": level, "reasons": []},
    )


def test_list_holds_only_linked_patients_with_red_flag_first(
    owner: Any, other: Any, clinician: Any
) -> None:
    make_plan(owner)
    calm = make_user("calm_person")
    make_plan(calm)
    make_link(clinician, calm)
    flagged = make_user("zed_flagged")
    make_plan(flagged)
    make_link(clinician, flagged)
    _checkin(flagged, "urgent", 3, MONDAY)

    rows = clinic.patients_attention(clinician, MONDAY + timedelta(days=1))

    names = [r.username for r in rows]
    assert names[0] == "zed_flagged"
    assert set(names) == {"zed_flagged", "calm_person", owner.get_username()}
    assert other.get_username() not in names
    assert rows[0].flags[0].kind == "red_flag"


def test_pain_above_five_in_a_log_raises_a_flag(owner: Any, clinician: Any) -> None:
    plan = make_plan(owner)
    recording.log_record(owner, log_payload(plan, pain_during=7), today=LOG_TODAY)
    rows = clinic.patients_attention(clinician, MONDAY + timedelta(days=1))
    assert [f.kind for f in rows[0].flags] == ["pain_high"]


def test_a_person_cannot_list_patients(owner: Any) -> None:
    with pytest.raises(Forbidden):
        clinic.patients_attention(owner, MONDAY)


def test_an_ended_link_drops_the_patient_at_once(owner: Any, clinician: Any) -> None:
    from hipalign.adapters.db.models import CareLink

    make_plan(owner)
    assert len(clinic.patients_attention(clinician, MONDAY)) == 1
    CareLink.objects.filter(patient=owner).update(status="ended")
    assert clinic.patients_attention(clinician, MONDAY) == []


def _linked_patient_with_history(clinician: Any, name: str) -> None:
    """A linked person with a plan, a logged session with pain and a check-in: every signal of
    the list has a row to read for them."""
    user = make_user(name)
    plan = make_plan(user)
    make_link(clinician, user)
    recording.log_record(user, log_payload(plan, pain_during=3), today=LOG_TODAY)
    _checkin(user, "none", 2, MONDAY)


def _list_queries(clinician: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        rows = clinic.patients_attention(clinician, MONDAY + timedelta(days=1))
    assert rows
    return len(q.captured_queries)


def test_the_list_costs_the_same_queries_for_two_patients_and_for_six(clinician: Any) -> None:
    for n in range(2):
        _linked_patient_with_history(clinician, f"few_{n}")
    few = _list_queries(clinician)
    for n in range(4):
        _linked_patient_with_history(clinician, f"more_{n}")

    assert _list_queries(clinician) == few


def test_a_second_look_with_nothing_changed_reads_no_program_rows_again(
    owner: Any, clinician: Any
) -> None:
    plan = make_plan(owner)
    recording.log_record(owner, log_payload(plan), today=LOG_TODAY)
    today = MONDAY + timedelta(days=1)
    first = clinic.patients_attention(clinician, today)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        again = clinic.patients_attention(clinician, today)
    tables = " ".join(x["sql"] for x in q.captured_queries)

    assert again == first
    # The versions are read; plans, sessions and logs are not (kept under those versions).
    for table in ("hipalign_planrecord", "hipalign_sessionrecord", "hipalign_exerciselogrecord"):
        assert table not in tables


def test_each_write_to_a_patients_program_shows_on_the_next_look(
    owner: Any, clinician: Any
) -> None:
    from hipalign.services.program import logs

    today = MONDAY + timedelta(days=1)
    plan = make_plan(owner)
    (calm,) = clinic.patients_attention(clinician, today)
    painful = recording.log_record(owner, log_payload(plan, pain_during=7), today=LOG_TODAY)
    (hurt,) = clinic.patients_attention(clinician, today)
    logs.log_delete(owner, log_id=painful.log_id)
    (undone,) = clinic.patients_attention(clinician, today)
    make_plan(owner)
    (replanned,) = clinic.patients_attention(clinician, today)

    assert "pain_high" not in [f.kind for f in calm.flags] and calm.last_session_on is None
    assert "pain_high" in [f.kind for f in hurt.flags] and hurt.last_session_on == MONDAY
    assert "pain_high" not in [f.kind for f in undone.flags] and undone.last_session_on is None
    assert (calm.plan_version, replanned.plan_version) == (1, 2)


# --- the day's first list, built ahead (issue 19) ---


def test_a_list_built_ahead_leaves_the_first_look_of_the_day_no_program_rows_to_read(
    owner: Any, clinician: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = make_plan(owner)
    recording.log_record(owner, log_payload(plan, pain_during=7), today=LOG_TODAY)
    today = MONDAY + timedelta(days=2)  # a day no list was built for yet

    assert clinic.patients_warm(today=today) == 1
    with CaptureQueriesContext(connection) as q:
        (row,) = clinic.patients_attention(clinician, today)
    tables = " ".join(x["sql"] for x in q.captured_queries)

    for table in ("hipalign_planrecord", "hipalign_sessionrecord", "hipalign_exerciselogrecord"):
        assert table not in tables
    # What was built ahead is what a fresh look shows: the painful log, the session day.
    assert "pain_high" in [f.kind for f in row.flags] and row.last_session_on == MONDAY


def test_a_write_after_the_list_was_built_ahead_shows_on_the_first_look(
    owner: Any, clinician: Any
) -> None:
    today = MONDAY + timedelta(days=3)
    plan = make_plan(owner)
    clinic.patients_warm(today=today)

    recording.log_record(owner, log_payload(plan, pain_during=8), today=LOG_TODAY)
    (row,) = clinic.patients_attention(clinician, today)

    assert "pain_high" in [f.kind for f in row.flags]


def test_building_ahead_reads_only_actively_linked_patients(owner: Any, clinician: Any) -> None:
    from hipalign.adapters.db.models import CareLink

    make_plan(owner)
    make_plan(make_user("not_linked"))
    assert clinic.patients_warm(today=MONDAY) == 1
    CareLink.objects.filter(patient=owner).update(status="ended")
    assert clinic.patients_warm(today=MONDAY) == 0


def test_clinic_days_are_each_linked_clinicians_own_today(owner: Any, clinician: Any) -> None:
    from datetime import UTC, date, datetime

    from hipalign.adapters.db.models import Profile
    from hipalign.services.kernel.access import profile_of

    tuesday_utc = datetime(2026, 3, 3, 10, 30, tzinfo=UTC)
    Profile.objects.filter(user=clinician).update(time_zone="Asia/Tokyo")  # Tuesday evening
    other = make_user("dr_other")
    profile_of(other)
    Profile.objects.filter(user=other).update(role="clinician", time_zone="Pacific/Pago_Pago")
    make_link(other, make_user("samoa_patient"))  # still Monday night there
    unlinked = make_user("dr_unlinked")  # Wednesday already there, but no patients
    profile_of(unlinked)
    Profile.objects.filter(user=unlinked).update(role="clinician", time_zone="Pacific/Kiritimati")

    assert clinic.clinic_days(now=tuesday_utc) == {date(2026, 3, 3), date(2026, 3, 2)}
