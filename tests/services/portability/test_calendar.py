"""The iCalendar file: one weekly event per planned session, for the plan's weeks, that calendar
apps read back the same way."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from icalendar import Calendar

from hipalign.adapters.db.models import AuditEvent
from hipalign.core.errors import InputError
from hipalign.services.portability import calendar
from hipalign.services.program import plans
from tests.services.factories import MONDAY, WEDNESDAY, make_plan

pytestmark = pytest.mark.django_db


def _events(data: bytes) -> list[object]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_one_weekly_event_per_planned_day_for_the_plans_weeks(owner: User) -> None:
    plan = make_plan(owner, today=WEDNESDAY)  # starts mid-week
    body = plans.plan_document(plan).plan
    assert body is not None

    events = _events(calendar.calendar_render(owner, owner))

    assert len(events) == len(body.days)
    for day, ev in zip(body.days, events, strict=True):
        start: date = ev["DTSTART"].dt  # type: ignore[index]
        rule = ev["RRULE"]  # type: ignore[index]
        assert rule["FREQ"] == ["WEEKLY"] and rule["COUNT"] == [body.weeks]
        assert rule["BYDAY"] == [day.day[:2].upper()]
        assert start.strftime("%a").lower() == day.day
        assert WEDNESDAY <= start < WEDNESDAY + timedelta(days=7)  # the first one in week 1
        names = [it.name for it in day.items]
        assert all(n in str(ev["DESCRIPTION"]) for n in names)  # type: ignore[index]
        assert str(ev["UID"]) == f"{plan.id}-{day.day}-{day.session}@hipalign"  # type: ignore[index]


def test_the_same_plan_gives_the_same_file(owner: User) -> None:
    make_plan(owner)

    first = calendar.calendar_render(owner, owner)
    second = calendar.calendar_render(owner, owner)

    assert first == second  # stable UIDs and stamps: a re-import updates, never duplicates


def test_a_new_plan_gives_new_uids(owner: User) -> None:
    make_plan(owner)
    before = {str(e["UID"]) for e in _events(calendar.calendar_render(owner, owner))}  # type: ignore[index]
    make_plan(owner, age=60)

    after = {str(e["UID"]) for e in _events(calendar.calendar_render(owner, owner))}  # type: ignore[index]

    assert before.isdisjoint(after)


def test_a_withheld_plan_has_no_sessions_to_export(owner: User) -> None:
    make_plan(owner, screening={"saddle_numbness_bladder_bowel": True})

    with pytest.raises(InputError) as exc:
        calendar.calendar_render(owner, owner)

    assert exc.value.problems[0].startswith("plan:")
    assert not AuditEvent.objects.filter(action="export.calendar").exists()


def test_calendar_export_is_audited(owner: User) -> None:
    plan = make_plan(owner, today=MONDAY)

    calendar.calendar_render(owner, owner)

    event = AuditEvent.objects.get(action="export.calendar")
    assert (event.actor_id, event.target) == (owner.pk, str(plan.id))
