"""The clinician's patient list, ordered by what needs attention (issue 5).

Eleven queries for the whole list, each over the linked patients at once and limited to their
newest rows or the last weeks, so the cost grows with the number of patients, not with the
length of their histories (bench/clinic_speed.py). The rules themselves live in core.attention.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Max, Q

from hipalign.adapters.db.models import (
    CareEpisode,
    CareLink,
    CheckInRecord,
    CurrentDose,
    ExerciseLogRecord,
    OutcomeRecord,
    PlanRecord,
    SessionRecord,
)
from hipalign.core.access import Action
from hipalign.core.attention import Flag, Signals, attention_flags, attention_key
from hipalign.services.followup.adherence import WeekAdherence, weeks_of_many
from hipalign.services.kernel.access import Actor, authorize, profile_of
from hipalign.services.kernel.audit import audit_record
from hipalign.services.messages.conversations import message_signals


@dataclass(frozen=True)
class PatientRow:
    public_id: str
    username: str
    linked_since: datetime | None
    plan_version: int | None
    plan_author_role: str | None
    last_session_on: date | None
    flags: list[Flag]
    # Sessions planned and done in the 7 days before today and the 7 before those, older first.
    recent_weeks: list[WeekAdherence] = field(default_factory=list)


RECENT_DAYS = 60  # "last session" looks this far back; older shows as "not recently"
# Check-ins are weekly; the two newest within 5 weeks are what the rules read. A person silent
# for longer still shows through adherence and review points, and their own page keeps the flag.
CHECKIN_DAYS = 35


def _by_user(rows: Iterable[Any]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["user_id"], []).append(r)
    return out


def _public_id_for(uid: int) -> str:
    """Accounts made before roles existed get their profile (and public id) on first use."""
    return str(profile_of(User.objects.get(pk=uid)).public_id)


def patients_attention(actor: Actor, today: date) -> list[PatientRow]:
    """The clinician's active patients, most pressing first."""
    clinician = authorize(actor=actor, action=Action.CLINIC_OPEN).user
    active = CareLink.objects.filter(clinician_id=clinician.pk, status="active")
    links = list(
        active.values(
            "patient_id", "accepted_at", "patient__username", "patient__profile__public_id"
        )
    )
    # A subquery rather than a list of 1,000 ids: the database joins, Django builds no params.
    ids = active.values("patient_id")
    week_ago, fortnight_ago = today - timedelta(days=7), today - timedelta(days=14)
    # Plans: a few versions per person; the first per user is the current one.
    plans = _by_user(
        PlanRecord.objects.filter(user_id__in=ids)
        .order_by("user_id", "-version")
        .values(
            "user_id",
            "version",
            "starts_on",
            "withheld",
            "author_role",
            "created_at",
        )
    )
    # The two newest check-ins per person within the window, picked while reading rows sorted
    # newest first (a window function costs SQLite more than it saves here).
    checkins: dict[int, list[dict[str, Any]]] = {}
    for uid, on, level, pain_now in (
        CheckInRecord.objects.filter(
            user_id__in=ids, performed_on__gte=today - timedelta(days=CHECKIN_DAYS)
        )
        .order_by("user_id", "-performed_on", "-created_at")
        .values_list("user_id", "performed_on", "referral_level", "pain_now")
    ):
        got = checkins.setdefault(uid, [])
        if len(got) < 2:
            got.append({"performed_on": on, "referral_level": level, "pain_now": pain_now})
    # Recent windows only, each answered from the (user, date) indexes: the cost follows the
    # number of patients and a fortnight of rows, not the length of the histories.
    pain = {
        r["user_id"]: r["m"]
        for r in ExerciseLogRecord.objects.filter(user_id__in=ids, performed_on__gte=week_ago)
        .values("user_id")
        .annotate(m=Max("pain_during"))
    }
    recent = {
        r["user_id"]: r
        for r in SessionRecord.objects.filter(
            user_id__in=ids, performed_on__gte=today - timedelta(days=RECENT_DAYS)
        )
        .values("user_id")
        .annotate(last=Max("performed_on"))
    }
    # Planned sessions done in the two weeks before today, as Progress counts them (issue 14
    # item 3): three more queries for the whole list (services.adherence).
    fortnight = weeks_of_many(ids, [fortnight_ago, week_ago])
    nprs = _by_user(
        OutcomeRecord.objects.filter(user_id__in=ids, measure="nprs")
        .order_by("user_id", "performed_on", "created_at")
        .values("user_id", "episode_id", "total")
    )
    # Each person's current episode of care (the newest): its scores are compared, whatever
    # plan version they were given under (issue 14, item 1).
    episodes: dict[int, Any] = {}
    episode_starts: dict[int, date] = {}
    for uid, episode_id, started_on in (
        CareEpisode.objects.filter(user_id__in=ids)
        .order_by("user_id", "created_at")
        .values_list("user_id", "id", "started_on")
    ):
        episodes[uid], episode_starts[uid] = episode_id, started_on
    doses = {
        r["user_id"]: r
        for r in CurrentDose.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(
            regressions=Count(
                "id", filter=Q(decision__action="regress", decision__review_suggested=True)
            ),
            last_stop=Max("decision__created_at", filter=Q(decision__action="stop_and_review")),
        )
    }
    # Unread messages and those marked as needing a reply (issue 18): one more query.
    talk = message_signals(clinician=clinician, patient_ids=ids)
    out: list[PatientRow] = []
    for link in links:
        uid = int(link["patient_id"])
        plan = plans[uid][0] if uid in plans else None
        cks = checkins.get(uid, [])
        last_ck = cks[0] if cks else None
        prev_ck = cks[1] if len(cks) > 1 else None
        sess: dict[str, Any] = dict(recent.get(uid, {}))
        own_nprs = [
            r["total"] for r in nprs.get(uid, []) if plan and r["episode_id"] == episodes.get(uid)
        ]
        cur: dict[str, Any] = dict(doses.get(uid, {}))
        # The weekly check-in asks NPRS now; it is the regular reading when there is one.
        latest = float(last_ck["pain_now"]) if last_ck else (own_nprs[-1] if own_nprs else None)
        before, last_week = fortnight.get(
            uid, [WeekAdherence(fortnight_ago, 0, 0.0), WeekAdherence(week_ago, 0, 0.0)]
        )
        signals = Signals(
            plan_starts_on=plan["starts_on"] if plan else None,
            episode_starts_on=episode_starts.get(uid),
            plan_withheld=bool(plan and plan["withheld"]),
            sessions_planned_last_week=last_week.planned,
            sessions_planned_week_before=before.planned,
            sessions_last_week=last_week.done,
            sessions_week_before=before.done,
            checkin_on=last_ck["performed_on"] if last_ck else None,
            checkin_level=last_ck["referral_level"] if last_ck else None,
            checkin_pain=last_ck["pain_now"] if last_ck else None,
            previous_checkin_pain=prev_ck["pain_now"] if prev_ck else None,
            max_pain_during_7d=pain.get(uid),
            baseline_nprs=own_nprs[0] if own_nprs else None,
            latest_nprs=latest,
            two_regressions=cur.get("regressions", 0) > 0,
            unread_messages=talk.get(uid, (0, 0))[0],
            messages_needing_reply=talk.get(uid, (0, 0))[1],
            # Stopped until a review: a stop after the current plan (a new plan, from a
            # prescription or a new intake, is the review that brings the exercise back).
            stop_and_review=bool(
                cur.get("last_stop") and plan and cur["last_stop"] > plan["created_at"]
            ),
        )
        out.append(
            PatientRow(
                public_id=str(link["patient__profile__public_id"] or _public_id_for(uid)),
                username=link["patient__username"],
                linked_since=link["accepted_at"],
                plan_version=plan["version"] if plan else None,
                plan_author_role=plan["author_role"] if plan else None,
                last_session_on=sess.get("last"),
                flags=attention_flags(signals, today),
                recent_weeks=[before, last_week],
            )
        )
    out.sort(key=lambda r: attention_key(r.flags, r.username))
    # One audit row for the list: it shows each patient's status, which is health data.
    audit_record(int(clinician.pk), "read:patients.list", f"{len(out)} patients")
    return out


def patients_filter(rows: list[PatientRow], query: str) -> list[PatientRow]:
    """Rows whose username contains the query (case-insensitive)."""
    q = query.strip().lower()
    return [r for r in rows if q in r.username.lower()] if q else rows
