"""The Today page's database work does not grow with the person's history (issue 16, /today
at 50 users): a person with one week of logs and one with a year of them cost the same number
of queries."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.vocab import WEEKDAYS
from hipalign.services.program.plans import plan_document
from tests.services.factories import MONDAY, log_payload, make_plan, make_user
from tests.web.conftest import logged_in


def _planned_days(plan: PlanRecord) -> set[str]:
    body = plan_document(plan).plan
    assert body is not None
    return {d.day for d in body.days if d.session == 1}


def _person_with_history(name: str, weeks: int) -> User:
    """A person whose plan started `weeks` weeks before MONDAY and who did the glute bridge on
    every planned day since, each log written through the log service on its own day."""
    from hipalign.services.program import recording

    user = make_user(name)
    start = MONDAY - timedelta(weeks=weeks)
    plan = make_plan(user, today=start)
    days = _planned_days(plan)
    on: date = start
    while on < MONDAY:
        if WEEKDAYS[on.weekday()] in days:
            recording.log_record(user, log_payload(plan, performed_on=on), today=on)
        on += timedelta(days=1)
    return user


def _queries_of_today(user: User) -> list[str]:
    client = logged_in(user)
    client.get("/today")  # the first render fills the per-process caches (library, figures)
    with CaptureQueriesContext(connection) as q:
        r = client.get("/today")
    assert r.status_code == 200
    assert b"data-player" in r.content or b"player" in r.content
    return [x["sql"] for x in q.captured_queries]


@pytest.mark.django_db
def test_today_costs_the_same_queries_after_a_week_and_after_a_year() -> None:
    week = _queries_of_today(_person_with_history("wendy_week", 1))
    year = _queries_of_today(_person_with_history("yara_year", 52))

    assert len(week) == len(year), "\n".join(year)


# The whole page: session and user (2), the profile row once (role, time zone and language:
# services.kernel.access reads it once per request), the plan with its intake, the episode, the
# last check-in, the pending next-morning session, today's logged sessions, the current doses,
# the onboarding stop, the episode's scores, the player's clinic photo or video (the person's
# active clinicians, issue 16) and the menu's unread messages.
# A new read on Today must raise this on purpose.
TODAY_QUERIES = 13


@pytest.mark.django_db
def test_today_reads_each_record_once() -> None:
    queries = _queries_of_today(_person_with_history("nina_new", 1))

    assert len(queries) <= TODAY_QUERIES, "\n".join(queries)
    profile_reads = [q for q in queries if 'FROM "hipalign_profile"' in q]
    assert len(profile_reads) == 1, "\n".join(profile_reads)
