"""Adherence counts planned sessions, not page runs (issue 14 item 3), and Progress, the
progress report, the clinician's list and the FHIR bundle show the same numbers for the same
data (they all count through services.adherence)."""

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.timezone import localdate

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.adherence import sessions_text
from hipalign.services.care import clinic
from hipalign.services.followup import progress
from hipalign.services.followup.adherence import weeks_of
from hipalign.services.portability import fhir
from tests.services.factories import log_exercises, make_plan, session_exercises

pytestmark = pytest.mark.django_db


def _planned_days(plan: PlanRecord, start: date, days: int) -> list[date]:
    return [
        start + timedelta(d) for d in range(days) if session_exercises(plan, start + timedelta(d))
    ]


def test_three_short_runs_on_one_day_count_as_one_session_done_in_parts(
    owner: User,
) -> None:
    today = date(2026, 3, 30)
    plan = make_plan(owner, today=today - timedelta(days=14))
    day = _planned_days(plan, today - timedelta(days=7), 7)[0]
    exercises = session_exercises(plan, day)
    assert len(exercises) >= 3

    # Three runs, one exercise each: one session a third or so done, not three sessions.
    log_exercises(plan, day, exercises[:3], today=today, runs=3)
    (week,) = weeks_of(owner, [day - timedelta(days=day.weekday())])
    assert week.done == round(3 / len(exercises), 2)

    # The rest of it in a fourth run: the session is done, once.
    log_exercises(plan, day, exercises[3:], today=today)
    (week,) = weeks_of(owner, [day - timedelta(days=day.weekday())])
    assert week.done == 1.0


def test_skipped_exercises_count_nothing(owner: User) -> None:
    today = date(2026, 3, 30)
    plan = make_plan(owner, today=today - timedelta(days=14))
    day = _planned_days(plan, today - timedelta(days=7), 7)[0]

    log_exercises(plan, day, session_exercises(plan, day), today=today, skipped=True)

    (week,) = weeks_of(owner, [day - timedelta(days=day.weekday())])
    assert (week.planned > 0, week.done) == (True, 0.0)


def _report_done_column(client: Client) -> list[str]:
    html = client.get("/report").content.decode()
    table = html[html.index("<h2>Adherence</h2>") :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    return [row[1] for row in re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", table)]


def test_progress_report_clinician_list_and_fhir_agree(owner: User, clinician: User) -> None:
    today = localdate()  # the report and the FHIR bundle read the clock
    plan = make_plan(owner, today=today - timedelta(days=21))
    full_day, part_day = _planned_days(plan, today - timedelta(days=14), 7)[:2]
    log_exercises(plan, full_day, session_exercises(plan, full_day), today=today, runs=3)
    part = session_exercises(plan, part_day)
    log_exercises(plan, part_day, part[:1], today=today)
    log_exercises(plan, part_day, part[1:2], today=today, skipped=True)
    expected = round(1 + 1 / len(part), 2)

    weeks = progress.progress_summary(owner, today).weeks
    (row,) = clinic.patients_attention(clinician, today)
    client = Client()
    client.force_login(owner)
    report = _report_done_column(client)
    bundle = json.loads(fhir.fhir_render(owner, owner))
    ratios = {
        r["effectivePeriod"]["start"]: (
            r["valueRatio"]["numerator"]["value"],
            r["valueRatio"]["denominator"]["value"],
        )
        for r in (e["resource"] for e in bundle["entry"])
        if r["resourceType"] == "Observation" and "valueRatio" in r
    }

    # Progress: the two days in the weeks they fall in, 1 + 1/n in all.
    assert round(sum(w.done for w in weeks), 2) == expected
    # The report prints Progress's weeks.
    assert report == [sessions_text(w.done) for w in weeks]
    # FHIR: the same ratio for every week Progress shows with something planned.
    assert {w.starts_on.isoformat(): (w.done, w.planned) for w in weeks if w.planned} == {
        k: v for k, v in ratios.items() if k >= weeks[0].starts_on.isoformat()
    }
    # The clinician's list: the 7 days before the last 7 held both days, counted the same way.
    before, last = row.recent_weeks
    assert before.done == expected and last.done == 0.0
    assert before.planned == len(_planned_days(plan, today - timedelta(days=14), 7))


def test_logs_count_on_their_own_day_when_their_session_is_dated_another_day(
    owner: User,
) -> None:
    from hipalign.adapters.db.models import SessionRecord

    today = date(2026, 3, 30)
    plan = make_plan(owner, today=today - timedelta(days=14))
    day = _planned_days(plan, today - timedelta(days=7), 7)[0]
    log_exercises(plan, day, session_exercises(plan, day), today=today)
    # The session row carries a date outside the window (a replayed or moved session): the
    # session numbers are read by date first, so this one is found by its id instead.
    SessionRecord.objects.filter(user_id=owner.pk).update(performed_on=day - timedelta(days=30))

    (week,) = weeks_of(owner, [day - timedelta(days=day.weekday())])
    assert week.done == 1.0


# --- the clinician's list keeps what it computed per program version (issue 19) ---


def _kept_and_fresh(user: User, starts: list[date]) -> tuple[list[Any] | None, list[Any] | None]:
    from hipalign.services.followup.adherence import weeks_of_many, weeks_of_many_kept

    ids = [int(user.pk)]
    return weeks_of_many_kept(ids, starts).get(ids[0]), weeks_of_many(ids, starts).get(ids[0])


def _fortnight(today: date) -> list[date]:
    return [today - timedelta(days=14), today - timedelta(days=7)]


def test_kept_windows_are_reused_while_the_program_is_unchanged(
    owner: User,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hipalign.services.followup.adherence import weeks_of_many_kept
    from hipalign.services.kernel.access import profile_of

    profile_of(owner)
    today = date(2026, 3, 30)
    plan = make_plan(owner, today=today - timedelta(days=21))
    day = _planned_days(plan, today - timedelta(days=7), 7)[0]
    log_exercises(plan, day, session_exercises(plan, day), today=today)
    first = weeks_of_many_kept([int(owner.pk)], _fortnight(today))

    with CaptureQueriesContext(connection) as queries:
        again = weeks_of_many_kept([int(owner.pk)], _fortnight(today))

    assert again == first and first[int(owner.pk)][1].done == 1.0
    assert len(queries) == 1  # the versions only: no plan or log read again


def test_kept_windows_follow_every_write_that_changes_adherence(
    owner: User,
) -> None:
    from hipalign.adapters.db.models import ExerciseLogRecord
    from hipalign.services.kernel.access import profile_of
    from hipalign.services.program import logs

    profile_of(owner)
    today = date(2026, 3, 30)
    plan = make_plan(owner, today=today - timedelta(days=21))
    day = _planned_days(plan, today - timedelta(days=7), 7)[0]
    exercises = session_exercises(plan, day)
    starts = _fortnight(today)
    seen = [_kept_and_fresh(owner, starts)]

    log_exercises(plan, day, exercises[:2], today=today)  # a log stored
    seen.append(_kept_and_fresh(owner, starts))
    newest = ExerciseLogRecord.objects.filter(user_id=owner.pk).latest("created_at")
    logs.log_delete(owner, log_id=str(newest.id))  # a log deleted
    seen.append(_kept_and_fresh(owner, starts))
    make_plan(owner, today=today - timedelta(days=8))  # a new plan version (starts in the window)
    seen.append(_kept_and_fresh(owner, starts))

    for kept, fresh in seen:
        assert kept == fresh
    dones = [kept[1].done for kept, _ in seen]  # type: ignore[index]
    assert dones[0] == 0.0 and dones[1] > dones[2] > 0.0


def test_a_write_committed_while_the_rows_are_computed_is_recomputed_next_time(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hipalign.services.followup import adherence
    from hipalign.services.kernel.access import profile_of

    profile_of(owner)
    today = date(2026, 3, 30)
    plan = make_plan(owner, today=today - timedelta(days=21))
    day = _planned_days(plan, today - timedelta(days=7), 7)[0]
    exercises = session_exercises(plan, day)
    log_exercises(plan, day, exercises[:1], today=today)
    real = adherence.weeks_of_many

    def rows_then_a_write(*args: object, **kwargs: object) -> object:
        # Another request commits a log once the rows are read, before they are kept.
        rows = real(*args, **kwargs)  # type: ignore[arg-type]
        log_exercises(plan, day, exercises[1:], today=today)
        monkeypatch.setattr(adherence, "weeks_of_many", real)
        return rows

    monkeypatch.setattr(adherence, "weeks_of_many", rows_then_a_write)
    racing = adherence.weeks_of_many_kept([int(owner.pk)], _fortnight(today))[int(owner.pk)]
    later, fresh = _kept_and_fresh(owner, _fortnight(today))

    assert racing is not None and racing[1].done < 1.0  # read before it
    # Kept under the version read before the rows, so the write's newer one is recomputed.
    assert later == fresh and later is not None and later[1].done == 1.0


def test_a_person_without_a_profile_row_is_computed_every_time(owner: User) -> None:
    from hipalign.adapters.db.models import ExerciseLogRecord, Profile

    today = date(2026, 3, 30)
    plan = make_plan(owner, today=today - timedelta(days=21))
    day = _planned_days(plan, today - timedelta(days=7), 7)[0]
    log_exercises(plan, day, session_exercises(plan, day), today=today)
    Profile.objects.filter(user_id=owner.pk).delete()
    before, _ = _kept_and_fresh(owner, _fortnight(today))
    # Rows changed behind the services' back: only a fresh computation can see it.
    ExerciseLogRecord.objects.filter(user_id=owner.pk).delete()
    after, fresh = _kept_and_fresh(owner, _fortnight(today))

    assert before != after and after == fresh


# --- the list reads each plan's week, never its document (issue 19) ---


def test_a_stored_plan_keeps_its_week_beside_the_document(owner: User) -> None:
    from hipalign.core.adherence import planned_week

    plan = make_plan(owner)

    plan.refresh_from_db()
    assert plan.week and plan.week == planned_week(plan.document)


def test_windows_of_many_read_no_plan_document(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hipalign.services.followup import adherence

    today = date(2026, 3, 30)
    plan = make_plan(owner, today=today - timedelta(days=21))
    day = _planned_days(plan, today - timedelta(days=7), 7)[0]
    log_exercises(plan, day, session_exercises(plan, day), today=today)
    monkeypatch.setattr(adherence, "_SESSIONS", type(adherence._SESSIONS)())  # a new process

    with CaptureQueriesContext(connection) as queries:
        got = adherence.weeks_of_many([int(owner.pk)], _fortnight(today))

    assert got[int(owner.pk)][1].done == 1.0
    assert not [q["sql"] for q in queries if '"document"' in q["sql"]]


def test_a_plan_stored_without_its_week_counts_from_its_document(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hipalign.adapters.db.models import PlanRecord
    from hipalign.services.followup import adherence

    today = date(2026, 3, 30)
    plan = make_plan(owner, today=today - timedelta(days=21))
    day = _planned_days(plan, today - timedelta(days=7), 7)[0]
    log_exercises(plan, day, session_exercises(plan, day)[:2], today=today)
    monkeypatch.setattr(adherence, "_SESSIONS", type(adherence._SESSIONS)())
    with_week = adherence.weeks_of_many([int(owner.pk)], _fortnight(today))
    PlanRecord.objects.filter(pk=plan.pk).update(week=None)  # a row from before migration 0032
    monkeypatch.setattr(adherence, "_SESSIONS", type(adherence._SESSIONS)())

    without = adherence.weeks_of_many([int(owner.pk)], _fortnight(today))

    assert without == with_week and with_week[int(owner.pk)][1].done > 0.0


def test_the_migration_fills_the_week_of_plans_stored_before_it(owner: User) -> None:
    import importlib

    from django.apps import apps

    from hipalign.adapters.db.models import PlanRecord
    from hipalign.core.adherence import planned_week

    plan = make_plan(owner)
    PlanRecord.objects.filter(pk=plan.pk).update(week=None)
    migration = importlib.import_module("hipalign.adapters.db.migrations.0032_plan_week")

    migration.fill_weeks(apps, None)

    plan.refresh_from_db()
    assert plan.week and plan.week == planned_week(plan.document)
