"""The calendar file's alarms (issue 18): each session rings at the person's chosen lead time
before their daily reminder time; no alarm unless they chose one."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from icalendar import Calendar

from hipalign.adapters.db.models import ReachPreference
from hipalign.services.portability import calendar
from tests.services.factories import make_plan

pytestmark = pytest.mark.django_db


def _alarms(data: bytes) -> list[list[object]]:
    return [list(ev.walk("VALARM")) for ev in Calendar.from_ical(data).walk("VEVENT")]


def test_each_session_rings_the_chosen_minutes_before_the_reminder_time(
    owner: User,
) -> None:
    make_plan(owner)
    ReachPreference.objects.create(user=owner, reminder_time="08:30", alarm_minutes=15)
    per_event = _alarms(calendar.calendar_render(owner, owner))
    assert per_event
    for alarms in per_event:
        [alarm] = alarms
        assert str(alarm["ACTION"]) == "DISPLAY"  # type: ignore[index]
        assert alarm["TRIGGER"].dt == timedelta(hours=8, minutes=15)  # type: ignore[index]
        assert str(alarm["DESCRIPTION"]).startswith("Hip exercises")  # type: ignore[index]


def test_a_lead_time_past_midnight_rings_the_evening_before(owner: User) -> None:
    make_plan(owner)
    ReachPreference.objects.create(user=owner, reminder_time="00:30", alarm_minutes=60)
    [alarm] = _alarms(calendar.calendar_render(owner, owner))[0]
    assert alarm["TRIGGER"].dt == timedelta(minutes=-30)  # type: ignore[index]


def test_no_alarm_unless_the_person_chose_one(owner: User) -> None:
    make_plan(owner)
    assert all(a == [] for a in _alarms(calendar.calendar_render(owner, owner)))
    ReachPreference.objects.create(user=owner, reminder_time="08:30", alarm_minutes=None)
    assert all(a == [] for a in _alarms(calendar.calendar_render(owner, owner)))
