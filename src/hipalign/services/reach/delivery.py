"""The bundled reminder, delivered by the worker (issue 18): `deliver_due_reminders(now=...)`.

Plain typed functions with the clock passed in, so the worker loop (or a task queue wrapping
them) can run them as often as it likes:

- Each delivery is a `Delivery` row keyed by person + channel + kind + the person's local slot
  ("2026-03-29 09:00"); the row is made *before* sending, so a second worker, or the same one run
  twice, finds it and sends nothing (a DST fall-back that repeats 01:30 repeats no reminder).
- A send that failed cleanly (network, 429, 5xx) waits 1, 2, 4, 8, 16 minutes and tries again,
  while the slot is still fresh and the person's local time is not in quiet hours.
- A row left "sending" by a worker that died mid-send is dropped, not resent: whether the push
  service got it is unknown, and one missed reminder is kinder than two.
- Slots are counted in the person's own time zone (services/kernel/time_zones.py) with zoneinfo, so a
  09:00 reminder is 09:00 on both sides of a daylight-saving change.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext, ngettext

from hipalign.adapters.db.models import CheckInRecord, Delivery, PushSubscription, ReachPreference
from hipalign.core.education.coaching import inside_hours, to_minutes
from hipalign.core.reach import Bundle, backoff_minutes, bundle, day_slots
from hipalign.core.stored import read_intake
from hipalign.core.words import long_day_words
from hipalign.services.followup.adherence import weeks_of
from hipalign.services.followup.habits import WORKING_DAYS, habits_today, reminder_next
from hipalign.services.kernel.languages import language_active, speaking
from hipalign.services.kernel.time_zones import time_zone_of
from hipalign.services.messages.conversations import unread_count
from hipalign.services.program.plans import plan_current

# A slot is worth sending for this long after it is due (a worker that was down all morning
# sends the latest slot, not each one it missed).
FRESH = timedelta(minutes=60)
# A row still "sending" after this was left by a worker that stopped mid-send.
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
TITLE = "hipalign"
# The page each reason opens (the most pressing one's).
PATHS = {
    "session": "/today",
    "break": "/today",
    "checkin": "/checkin",
    "scores": "/outcomes",
    "message": "/messages",  # the conversations page (web/urls.py, issue 18 Messages)
}


def unread_messages(user: User) -> int:
    """The person's unread messages from their clinicians (services/messages)."""
    return unread_count(person=user)


@dataclass(frozen=True)
class Slot:
    label: str  # the person's local "YYYY-MM-DD HH:MM"
    due_at: datetime  # UTC
    minute: int  # minute of the local day


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0  # failed this time, waiting for a later try
    failed: int = 0  # given up
    dropped: int = 0  # nothing to say, stale, quiet hours, or left by a dead worker


def _preference(user: User) -> ReachPreference:
    return ReachPreference.objects.filter(user_id=user.pk).first() or ReachPreference(
        user_id=user.pk
    )


def _quiet(user: User):  # type: ignore[no-untyped-def]
    plan = plan_current(user)
    if plan is None:
        return None
    return read_intake(plan.intake.document).lifestyle.quiet_hours


def _local(now: datetime, zone: str) -> datetime:
    return now.astimezone(ZoneInfo(zone))


def slots_for(user: User, *, now: datetime, channel: str) -> list[Slot]:
    """Today's slots for a person on a channel, in their zone: the chosen reminder time, and on
    push each open movement-break time of a working day; moved out of quiet hours."""
    zone = ZoneInfo(time_zone_of(user))
    local = now.astimezone(zone)
    today = local.date()
    times = [_preference(user).reminder_time]
    if channel == "push" and today.weekday() < WORKING_DAYS:
        times += [
            slot
            for h in habits_today(user, today)
            if h.item.kind == "breaks"
            for slot, _ in h.slots
        ]
    out = []
    for hhmm in day_slots(times=times, quiet=_quiet(user)):
        minute = to_minutes(hhmm)
        # zoneinfo's fold=0: a time skipped by a spring-forward change reads with the earlier
        # offset (02:30 becomes 03:30 summer time); a repeated one is its first occurrence.
        due = datetime.combine(today, time(minute // 60, minute % 60), tzinfo=zone)
        out.append(Slot(f"{today.isoformat()} {hhmm}", due.astimezone(UTC), minute))
    return out


def reminder_bundle(user: User, *, slot: Slot) -> Bundle | None:
    """What the reminder for this slot says: the in-tab reminder's reasons at that minute of the
    person's day (services/habits.reminder_next, which is silent in quiet hours) and unread
    messages."""
    local_day = datetime.fromisoformat(slot.label[:10]).date()
    base = reminder_next(user, local_day, slot.minute)
    if base is None and inside_hours(slot.minute, _quiet(user)):
        return None
    if base is None and plan_current(user) is None:
        return None
    return bundle(
        base_kinds=list(base.kinds) if base else [],
        base_text=base.text if base else "",
        unread=unread_messages(user),
        paths=PATHS,
        unread_text=_unread_text,
    )


def _unread_text(unread: int) -> str:
    return ngettext(
        "You have %(count)s unread message.", "You have %(count)s unread messages.", unread
    ) % {"count": unread}


def _send(user: User, channel: str, kind: str, text: str, path: str) -> tuple[str, str]:
    """("sent" | "retry" | "gone", error)."""
    if channel == "push":
        from hipalign.services.reach.push import push_send

        out = push_send(user, title=TITLE, body=text, path=path)
        if out.sent:
            return "sent", ""
        if out.failed:
            return "retry", out.error
        return "gone", "every device's subscription is gone"
    from hipalign.services.reach.mail import mail_reminder

    return mail_reminder(user, kind=kind, text=text, path=path)


def _finish(row: Delivery, result: str, error: str, now: datetime) -> str:
    row.attempts += 1
    if result == "sent":
        row.status, row.sent_at, row.error = "sent", now, ""
    elif result == "retry" and row.attempts < MAX_ATTEMPTS:
        row.status = "retry"
        row.next_try_at = now + timedelta(minutes=backoff_minutes(row.attempts))
        row.error = error[:200]
    else:
        row.status, row.error = ("failed" if result == "retry" else "dropped"), error[:200]
    row.save(update_fields=["status", "attempts", "sent_at", "next_try_at", "error"])
    return row.status


def _claim(user: User, channel: str, kind: str, slot: Slot, now: datetime) -> Delivery | None:
    """The slot's row, made by this call; None when a row exists already (sent, sending or
    settled by another worker or an earlier run)."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                user=user,
                channel=channel,
                kind=kind,
                slot=slot.label,
                due_at=slot.due_at,
                status="sending",
                claimed_at=now,
            )
    except IntegrityError:
        return None


def _channels(user: User) -> list[str]:
    out = []
    if PushSubscription.objects.filter(user_id=user.pk).exists():
        out.append("push")
    pref = ReachPreference.objects.filter(user_id=user.pk).first()
    if (
        settings.EMAIL_ENABLED
        and pref is not None
        and pref.email_reminders
        and pref.email_verified
        and user.email
    ):
        out.append("email")
    return out


def people_reached() -> list[User]:
    """Everyone who turned a channel on: a device for push, or email reminders with a verified
    address (and email configured). Nobody else is ever looked at."""
    q = Q(push_subscriptions__isnull=False)
    if settings.EMAIL_ENABLED:
        q |= Q(reach__email_reminders=True, reach__email_verified=True)
        q |= Q(reach__weekly_summary=True, reach__email_verified=True)
    return list(User.objects.filter(q, is_active=True).distinct().order_by("pk"))


def _retry_due(now: datetime) -> DeliveryReport:
    sent = retried = failed = dropped = 0
    # A worker that died mid-send: drop (see the module's note).
    dropped += Delivery.objects.filter(status="sending", claimed_at__lt=now - LEASE).update(
        status="dropped", error="the worker stopped while sending"
    )
    for row in list(Delivery.objects.filter(status="retry", next_try_at__lte=now)):
        # Take the row only if no other worker did (a conditional update is the lock).
        if not Delivery.objects.filter(pk=row.pk, status="retry").update(
            status="sending", claimed_at=now
        ):
            continue
        row.refresh_from_db()
        user = row.user
        local = _local(now, time_zone_of(user))
        quiet = _quiet(user)
        if now - row.due_at > FRESH or inside_hours(local.hour * 60 + local.minute, quiet):
            row.status, row.error = "dropped", "too late to be useful, or quiet hours began"
            row.save(update_fields=["status", "error"])
            dropped += 1
            continue
        with speaking(user):  # the mail's own words; the text is the stored one
            status = _finish(row, *_send(user, row.channel, row.kind, row.text, row.path), now)
        sent += status == "sent"
        retried += status == "retry"
        failed += status == "failed"
        dropped += status == "dropped"
    return DeliveryReport(sent=sent, retried=retried, failed=failed, dropped=dropped)


def summary_text(user: User, *, week_start: date) -> str:
    """The weekly summary: the week's planned sessions done (counted as Progress counts them)
    and the latest check-in's pain."""
    [week] = weeks_of(user, [week_start])
    end = week_start + timedelta(days=6)
    language = language_active()  # the person's, in the worker (speaking)
    values = {
        "start": long_day_words(week_start, language=language),
        "end": long_day_words(end, language=language),
    }
    if week.planned:
        done = f"{week.done:.1f}".rstrip("0").rstrip(".")
        lines = [
            gettext(
                "Last week (%(start)s to %(end)s) you did %(done)s of your %(planned)s planned sessions."
            )
            % {**values, "done": done, "planned": week.planned}
        ]
    else:
        lines = [gettext("Last week (%(start)s to %(end)s) had no planned sessions.") % values]
    last = CheckInRecord.objects.filter(user_id=user.pk).order_by("-performed_on").first()
    if last is not None:
        lines.append(
            gettext("Your pain at your last check-in (%(day)s): %(pain)s out of 10.")
            % {"day": long_day_words(last.performed_on, language=language), "pain": last.pain_now}
        )
    lines.append(gettext("Progress in the app shows the whole picture."))
    return "\n".join(lines)


def _deliver_summaries(now: datetime) -> DeliveryReport:
    """On each person's Monday, at their reminder time (out of quiet hours), last week's
    summary by email, once."""
    if not settings.EMAIL_ENABLED:
        return DeliveryReport()
    sent = retried = failed = dropped = 0
    people = User.objects.filter(
        is_active=True, reach__weekly_summary=True, reach__email_verified=True
    ).exclude(email="")
    for user in people.order_by("pk"):
        local = _local(now, time_zone_of(user))
        if local.weekday() != 0:
            continue
        due = [s for s in slots_for(user, now=now, channel="email") if s.due_at <= now]
        if not due or now - due[-1].due_at > FRESH:
            continue
        row = _claim(user, "email", "summary", due[-1], now)
        if row is None:
            continue
        with speaking(user):
            row.text = summary_text(user, week_start=local.date() - timedelta(days=7))
            row.path = "/progress"
            row.save(update_fields=["text", "path"])
            status = _finish(row, *_send(user, "email", "summary", row.text, row.path), now)
        sent += status == "sent"
        retried += status == "retry"
        failed += status == "failed"
        dropped += status == "dropped"
    return DeliveryReport(sent=sent, retried=retried, failed=failed, dropped=dropped)


def deliver_due_reminders(*, now: datetime) -> DeliveryReport:
    """Send each opted-in person's reminder for their latest slot that is due and still fresh,
    once per channel; then the retries that are due. Safe to run any number of times, from any
    number of workers at once."""
    report = _retry_due(now)
    weekly = _deliver_summaries(now)
    sent, retried, failed, dropped = (
        report.sent + weekly.sent,
        report.retried + weekly.retried,
        report.failed + weekly.failed,
        report.dropped + weekly.dropped,
    )
    for user in people_reached():
        for channel in _channels(user):  # email here only for reminders; summaries above
            due = [s for s in slots_for(user, now=now, channel=channel) if s.due_at <= now]
            if not due or now - due[-1].due_at > FRESH:
                continue
            slot = due[-1]  # at most one at a time: a missed earlier slot is not sent late
            row = _claim(user, channel, "reminder", slot, now)
            if row is None:
                continue
            with speaking(user):  # in the person's language, as their pages are
                what = reminder_bundle(user, slot=slot)
                if what is None:
                    row.status, row.error = "dropped", "nothing due"
                    row.save(update_fields=["status", "error"])
                    dropped += 1
                    continue
                row.text, row.path = what.text, what.path  # a retry sends the same words
                row.save(update_fields=["text", "path"])
                status = _finish(row, *_send(user, channel, "reminder", what.text, what.path), now)
            sent += status == "sent"
            retried += status == "retry"
            failed += status == "failed"
            dropped += status == "dropped"
    return DeliveryReport(sent=sent, retried=retried, failed=failed, dropped=dropped)
