"""The person's reach settings (issue 18): the time of the day's reminder, email reminders, the
weekly summary, and the calendar alarm's lead time. A read model out, one command in."""

import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from hipalign.adapters.db.models import PushSubscription, ReachPreference
from hipalign.core.errors import InputError
from hipalign.services.kernel.access import Actor, NotFound

TIME_LABEL = "Daily reminder at"
ALARM_LABEL = "Calendar alarm"
# Lead times offered for the calendar alarm, in minutes before a session (0: at its start).
ALARM_CHOICES = (0, 5, 10, 15, 30, 60, 120)
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


@dataclass(frozen=True)
class ReachView:
    reminder_time: str
    email_reminders: bool
    weekly_summary: bool
    alarm_minutes: int | None
    email: str  # the verified address, or ""
    email_pending: str  # an address waiting for its link, or ""
    devices: int  # devices with push on


def _user(actor: Actor) -> User:
    if not actor.is_authenticated:
        raise NotFound("account")
    return actor  # type: ignore[return-value]


def reach_view(actor: Actor) -> ReachView:
    user = _user(actor)
    pref = ReachPreference.objects.filter(user_id=user.pk).first() or ReachPreference()
    return ReachView(
        reminder_time=pref.reminder_time,
        email_reminders=pref.email_reminders,
        weekly_summary=pref.weekly_summary,
        alarm_minutes=pref.alarm_minutes,
        email=user.email if pref.email_verified else "",
        email_pending=pref.email_pending,
        devices=PushSubscription.objects.filter(user_id=user.pk).count(),
    )


def alarm_minutes_of(user: User) -> int | None:
    """The lead time of the calendar file's alarms, or None for no alarm."""
    return (
        ReachPreference.objects.filter(user_id=user.pk)
        .values_list("alarm_minutes", flat=True)
        .first()
    )


def reach_set(
    actor: Actor,
    *,
    reminder_time: str,
    email_reminders: bool,
    weekly_summary: bool,
    alarm_minutes: str,
) -> ReachView:
    """Store the settings; bad input names its field and changes nothing. Email reminders and
    the summary need a verified address."""
    user = _user(actor)
    problems = []
    hhmm = reminder_time.strip()
    if not _HHMM.match(hhmm):
        problems.append(f"reminder_time: {TIME_LABEL}: use a time such as 09:00 (24-hour clock)")
    alarm: int | None = None
    if alarm_minutes.strip():
        try:
            alarm = int(alarm_minutes)
        except ValueError:
            alarm = -1
        if alarm not in ALARM_CHOICES:
            shown = ", ".join(str(m) for m in ALARM_CHOICES)
            problems.append(f"alarm_minutes: {ALARM_LABEL}: choose none or {shown} minutes before")
    with transaction.atomic():
        pref, _ = ReachPreference.objects.select_for_update().get_or_create(user_id=user.pk)
        if (email_reminders or weekly_summary) and not (pref.email_verified and user.email):
            problems.append(
                "email_reminders: Email reminders: add and verify an email address first"
            )
        if problems:
            raise InputError("reminders", problems)
        pref.reminder_time = hhmm
        pref.email_reminders = email_reminders
        pref.weekly_summary = weekly_summary
        pref.alarm_minutes = alarm
        pref.save()
    return reach_view(user)
