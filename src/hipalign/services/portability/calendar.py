"""The planned sessions as an iCalendar file (RFC 5545), for any calendar app.

One all-day event per planned session of the week, repeating weekly (RRULE FREQ=WEEKLY;BYDAY=..)
from the plan's start for the plan's weeks. All-day, because a plan names days, not hours. Each
event's UID is made from the plan id, day and session, so importing the file again updates the
events instead of adding copies; a new plan has new UIDs (its events are new ones).
"""

from datetime import UTC, date, timedelta

from django.contrib.auth.models import User
from django.utils.translation import gettext
from icalendar import Alarm, Calendar, Event, vRecur

from hipalign.adapters.db.models import ReachPreference
from hipalign.core.dates import shift
from hipalign.core.education.coaching import to_minutes
from hipalign.core.errors import InputError
from hipalign.core.progression import ACCEPTABLE_MAX
from hipalign.core.vocab import WEEKDAYS
from hipalign.services.kernel.languages import speaking
from hipalign.services.portability.exports import (
    dose_text,
    export_audit,
    plan_view,
    weekday_name,
)
from hipalign.services.program.plan_view import PlanView

PRODID = "-//hipalign//planned sessions//EN"
ICAL_DAYS = {d: d[:2].upper() for d in WEEKDAYS}  # "mon" -> "MO"


def _first_on_or_after(start: date, weekday: str) -> date:
    return shift(start, (WEEKDAYS.index(weekday) - start.weekday()) % 7)


def calendar_build(view: PlanView, *, alarm_after_midnight: int | None = None) -> bytes:
    """The calendar's bytes; the same plan gives the same file (DTSTAMP is the plan's creation).
    With `alarm_after_midnight` (minutes, may be negative), each session rings then (VALARM).
    The words are in the active language (calendar_render makes it the person's)."""
    body = view.doc.plan
    if body is None:
        raise InputError(
            "plan",
            ["plan: no exercise plan is given yet, so there are no sessions to put in a calendar"],
        )
    rec = view.rec
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", gettext("hipalign sessions"))
    stamp = rec.created_at.astimezone(UTC)
    for d in body.days:
        first = _first_on_or_after(rec.starts_on, d.day)
        lines = []
        for it in d.items:
            now = view.items.get(it.exercise)
            doses = "; ".join(dose_text(now.exercise, s) for s in now.sides) if now else it.name
            lines.append(f"- {now.exercise.name if now else it.name}: {doses}")
        ev = Event()
        ev.add("uid", f"{rec.id}-{d.day}-{d.session}@hipalign")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", first)
        ev.add("dtend", shift(first, 1))
        # Every weekday of the plan falls once in each of its weeks, starting in week 1.
        ev.add("rrule", vRecur({"FREQ": "WEEKLY", "BYDAY": ICAL_DAYS[d.day], "COUNT": body.weeks}))
        second = " " + gettext("(2nd session)") if d.session > 1 else ""
        minutes = f"{d.minutes:.0f}"
        ev.add(
            "summary",
            gettext("Hip exercises%(second)s, %(minutes)s min")
            % {"second": second, "minutes": minutes},
        )
        ev.add(
            "description",
            gettext("%(day)s%(second)s: about %(minutes)s minutes.")
            % {"day": weekday_name(d.day), "second": second, "minutes": minutes}
            + "\n"
            + "\n".join(lines)
            + "\n"
            + gettext(
                "Doses as of the day this file was made; they change as you progress, and the "
                "app shows today's."
            )
            + "\n"
            + gettext("Stop an exercise if pain goes above %(max)s out of 10.")
            % {"max": ACCEPTABLE_MAX},
        )
        ev.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
        if alarm_after_midnight is not None:
            # An all-day event starts at the day's local midnight (RFC 5545 3.6.6: a TRIGGER is
            # relative to DTSTART), so the person's time less the lead time is an offset from it.
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", gettext("Hip exercises%(second)s today") % {"second": second})
            alarm.add("trigger", timedelta(minutes=alarm_after_midnight))
            ev.add_component(alarm)
        cal.add_component(ev)
    return bytes(cal.to_ical())


def _alarm_of(patient: User) -> int | None:
    """The person's alarm (issue 18, Account > Reminders): their lead time before their daily
    reminder time, as minutes after midnight; None when they chose no alarm."""
    row = (
        ReachPreference.objects.filter(user_id=patient.pk)
        .values_list("alarm_minutes", "reminder_time")
        .first()
    )
    if row is None:
        return None
    lead, hhmm = row
    return None if lead is None else to_minutes(hhmm) - lead


def calendar_render(patient: User, actor: User) -> bytes:
    """The current plan's sessions as .ics bytes; audited as `export.calendar`."""
    view = plan_view(patient)
    with speaking(patient):  # the person's words, whoever downloads it
        data = calendar_build(view, alarm_after_midnight=_alarm_of(patient))
    export_audit(actor, patient, "export.calendar", str(view.rec.id))
    return data
