"""The clinician's patient list, ordered by what needs attention (issue 5).

A fixed number of queries for the whole list (tests/services/care/test_clinic.py counts them),
each over the linked patients at once and limited to their newest rows or the last weeks, so the
cost grows with the number of patients, not with the length of their histories
(bench/clinic_speed.py). The rules themselves live in core.attention.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber

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
from hipalign.services.followup.adherence import WeekAdherence, weeks_of_many_kept
from hipalign.services.kernel.access import Actor, authorize, profile_of
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.time_zones import time_zone_default
from hipalign.services.kernel.versions import KeptByVersion, Versions, program_versions
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


# --- the list's reads: one query each for the whole list, named by the signal they give ---


def _current_plans(ids: Any) -> dict[int, dict[str, Any]]:
    """Each person's current plan (the highest version), picked in SQL by a window function."""
    rows = (
        PlanRecord.objects.filter(user_id__in=ids)
        .annotate(n=Window(RowNumber(), partition_by=[F("user_id")], order_by=F("version").desc()))
        .filter(n=1)
        .values("user_id", "version", "starts_on", "withheld", "author_role", "created_at")
    )
    return {r["user_id"]: dict(r) for r in rows}


def _recent_checkins(ids: Any, today: date) -> dict[int, list[dict[str, Any]]]:
    """The two newest check-ins per person within CHECKIN_DAYS, newest first."""
    rows = (
        CheckInRecord.objects.filter(
            user_id__in=ids, performed_on__gte=today - timedelta(days=CHECKIN_DAYS)
        )
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("user_id")],
                order_by=[F("performed_on").desc(), F("created_at").desc()],
            )
        )
        .filter(n__lte=2)
        .order_by("user_id", "n")
        .values("user_id", "performed_on", "referral_level", "pain_now")
    )
    return _by_user(rows)


def _max_pain(ids: Any, since: date) -> dict[int, int | None]:
    """The highest pain during an exercise logged since `since` (the (date, user) index)."""
    rows = (
        ExerciseLogRecord.objects.filter(user_id__in=ids, performed_on__gte=since)
        .values("user_id")
        .annotate(m=Max("pain_during"))
        .values_list("user_id", "m")
    )
    return dict(rows)


def _last_sessions(ids: Any, today: date) -> dict[int, date]:
    """The day of each person's last session within RECENT_DAYS (older: "not recently")."""
    rows = (
        SessionRecord.objects.filter(
            user_id__in=ids, performed_on__gte=today - timedelta(days=RECENT_DAYS)
        )
        .values("user_id")
        .annotate(last=Max("performed_on"))
        .values_list("user_id", "last")
    )
    return dict(rows)


def _current_episodes(ids: Any) -> dict[int, tuple[Any, date]]:
    """Each person's current (newest) episode of care: its id and the day it started. Its
    scores are compared, whatever plan version they were given under (issue 14, item 1)."""
    episodes: dict[int, tuple[Any, date]] = {}
    for uid, episode_id, started_on in (
        CareEpisode.objects.filter(user_id__in=ids)
        .order_by("user_id", "created_at")
        .values_list("user_id", "id", "started_on")
    ):
        episodes[uid] = (episode_id, started_on)
    return episodes


def _episode_nprs(ids: Any, episodes: dict[int, tuple[Any, date]]) -> dict[int, list[float | None]]:
    """Each person's NPRS scores of their current episode, oldest first."""
    out: dict[int, list[float | None]] = {}
    for uid, episode_id, total in (
        OutcomeRecord.objects.filter(user_id__in=ids, measure="nprs")
        .order_by("user_id", "performed_on", "created_at")
        .values_list("user_id", "episode_id", "total")
    ):
        # No episode yet: the scores stored without one are the person's current ones.
        if episode_id == (episodes[uid][0] if uid in episodes else None):
            out.setdefault(uid, []).append(total)
    return out


def _dose_signals(ids: Any) -> dict[int, dict[str, Any]]:
    """Per person, over the current doses: how many came from a second step back (with a review
    suggested), and the newest stop-and-review decision."""
    return {
        r["user_id"]: dict(r)
        for r in CurrentDose.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(
            regressions=Count(
                "id", filter=Q(decision__action="regress", decision__review_suggested=True)
            ),
            last_stop=Max("decision__created_at", filter=Q(decision__action="stop_and_review")),
        )
    }


@dataclass(frozen=True)
class _ListReads:
    """Everything the list read, per person id."""

    plans: dict[int, dict[str, Any]]
    checkins: dict[int, list[dict[str, Any]]]
    pain: dict[int, int | None]
    last_session: dict[int, date]
    fortnight: dict[int, list[WeekAdherence]]
    episodes: dict[int, tuple[Any, date]]
    nprs: dict[int, list[float | None]]
    doses: dict[int, dict[str, Any]]
    talk: dict[int, tuple[int, int]]


def _signals(uid: int, reads: _ListReads, weeks: list[WeekAdherence]) -> Signals:
    plan = reads.plans.get(uid)
    cks = reads.checkins.get(uid, [])
    last_ck = cks[0] if cks else None
    prev_ck = cks[1] if len(cks) > 1 else None
    own_nprs = reads.nprs.get(uid, []) if plan else []
    cur = reads.doses.get(uid, {})
    episode = reads.episodes.get(uid)
    before, last_week = weeks
    unread, reply = reads.talk.get(uid, (0, 0))
    return Signals(
        plan_starts_on=plan["starts_on"] if plan else None,
        episode_starts_on=episode[1] if episode else None,
        plan_withheld=bool(plan and plan["withheld"]),
        sessions_planned_last_week=last_week.planned,
        sessions_planned_week_before=before.planned,
        sessions_last_week=last_week.done,
        sessions_week_before=before.done,
        checkin_on=last_ck["performed_on"] if last_ck else None,
        checkin_level=last_ck["referral_level"] if last_ck else None,
        checkin_pain=last_ck["pain_now"] if last_ck else None,
        previous_checkin_pain=prev_ck["pain_now"] if prev_ck else None,
        max_pain_during_7d=reads.pain.get(uid),
        baseline_nprs=own_nprs[0] if own_nprs else None,
        # The weekly check-in asks NPRS now; it is the regular reading when there is one.
        latest_nprs=float(last_ck["pain_now"]) if last_ck else (own_nprs[-1] if own_nprs else None),
        two_regressions=cur.get("regressions", 0) > 0,
        unread_messages=unread,
        messages_needing_reply=reply,
        # Stopped until a review: a stop after the current plan (a new plan, from a
        # prescription or a new intake, is the review that brings the exercise back).
        stop_and_review=bool(
            cur.get("last_stop") and plan and cur["last_stop"] > plan["created_at"]
        ),
    )


# Sort memory for the list's reads on PostgreSQL: grouping a fortnight of logs of 1,000
# patients (about 60,000 rows) needs about 6.5 MB; the server's default work_mem (4 MB) sorted
# them on disk, about 25 ms of each request (EXPLAIN ANALYZE, bench/clinic_speed.py, issue 19).
LIST_WORK_MEM = "32MB"


@contextmanager
def _list_reads() -> Iterator[None]:
    """On PostgreSQL, the list's reads in one read transaction: one snapshot, so its signals
    agree with each other, and SET LOCAL gives its sorts memory for this transaction only.
    SQLite is left alone: its transactions take the write lock at BEGIN (settings.py)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f"SET LOCAL work_mem = '{LIST_WORK_MEM}'")
        yield


@dataclass(frozen=True, slots=True)
class _ProgramReads:
    """One person's signals read from their plans, sessions and logs: what their program
    version covers (services/kernel/versions.py), so kept while it is unchanged."""

    plan: dict[str, Any] | None
    pain: int | None
    last_session: date | None


# Per person and day of the list (the windows move with it).
_PROGRAM: KeptByVersion[_ProgramReads] = KeptByVersion(50_000)


def _program_reads(
    ids: Any, today: date, versions: Versions
) -> tuple[dict[int, dict[str, Any]], dict[int, int | None], dict[int, date]]:
    """The current plans, the week's highest pain and the last sessions, read again only for
    the people whose program changed since this process last built a list for `today`."""
    found, stale = _PROGRAM.split(versions, today)
    if stale:
        # Everyone stale (a first request, a new day): the subquery, which the database joins.
        who = ids if len(stale) == len(versions) else stale
        plans = _current_plans(who)
        pain = _max_pain(who, today - timedelta(days=7))
        last = _last_sessions(who, today)
        fresh = {u: _ProgramReads(plans.get(u), pain.get(u), last.get(u)) for u in stale}
        _PROGRAM.keep(versions, today, fresh)
        found.update(fresh)
    return (
        {u: r.plan for u, r in found.items() if r.plan is not None},
        {u: r.pain for u, r in found.items() if r.pain is not None},
        {u: r.last_session for u, r in found.items() if r.last_session is not None},
    )


def _read_all(clinician: User, ids: Any, today: date) -> _ListReads:
    """Every read of the list, one query each for all the patients (`ids`, a subquery); the
    reads of program rows only for the people whose program changed (issue 19)."""
    week_ago, fortnight_ago = today - timedelta(days=7), today - timedelta(days=14)
    # Read before the rows they stand for: a write committing meanwhile is recomputed next time.
    versions = program_versions(user_ids=ids)
    plans, pain, last_session = _program_reads(ids, today, versions)
    episodes = _current_episodes(ids)
    return _ListReads(
        plans=plans,
        checkins=_recent_checkins(ids, today),
        pain=pain,
        last_session=last_session,
        # Planned sessions done in the two weeks before today, as Progress counts them (issue
        # 14 item 3), from services.adherence.
        fortnight=weeks_of_many_kept(ids, [fortnight_ago, week_ago], versions=versions),
        episodes=episodes,
        nprs=_episode_nprs(ids, episodes),
        doses=_dose_signals(ids),
        # Unread messages and those marked as needing a reply (issue 18).
        talk=message_signals(clinician=clinician, patient_ids=ids),
    )


def patients_attention(actor: Actor, today: date) -> list[PatientRow]:
    """The clinician's active patients, most pressing first."""
    clinician = authorize(actor=actor, action=Action.CLINIC_OPEN).user
    active = CareLink.objects.filter(clinician_id=clinician.pk, status="active")
    # A subquery rather than a list of 1,000 ids: the database joins, Django builds no params.
    ids = active.values("patient_id")
    week_ago, fortnight_ago = today - timedelta(days=7), today - timedelta(days=14)
    with _list_reads():
        links = list(
            active.values(
                "patient_id", "accepted_at", "patient__username", "patient__profile__public_id"
            )
        )
        reads = _read_all(clinician, ids, today)
    nothing = [WeekAdherence(fortnight_ago, 0, 0.0), WeekAdherence(week_ago, 0, 0.0)]
    out: list[PatientRow] = []
    for link in links:
        uid = int(link["patient_id"])
        plan = reads.plans.get(uid)
        weeks = reads.fortnight.get(uid, nothing)
        out.append(
            PatientRow(
                public_id=str(link["patient__profile__public_id"] or _public_id_for(uid)),
                username=link["patient__username"],
                linked_since=link["accepted_at"],
                plan_version=plan["version"] if plan else None,
                plan_author_role=plan["author_role"] if plan else None,
                last_session_on=reads.last_session.get(uid),
                flags=attention_flags(_signals(uid, reads, weeks), today),
                recent_weeks=list(weeks),
            )
        )
    out.sort(key=lambda r: attention_key(r.flags, r.username))
    # One audit row for the list: it shows each patient's status, which is health data.
    audit_record(int(clinician.pk), "read:patients.list", f"{len(out)} patients")
    return out


# --- the day's first list, built ahead (issue 19) ---


def clinic_days(*, now: datetime) -> set[date]:
    """Today's date in the time zone of each clinician with an active patient: the days their
    lists are opened for (clock.today() under the clinician's zone, as the middleware sets)."""
    zones = set(
        CareLink.objects.filter(status="active")
        .values_list("clinician__profile__time_zone", flat=True)
        .distinct()
    )
    return {now.astimezone(ZoneInfo(z or time_zone_default())).date() for z in zones}


def patients_warm(*, today: date) -> int:
    """Compute and keep, for `today`, what a list keeps per patient (plans, the week's pain,
    the last session, the fortnight's adherence) for every actively linked patient, so the
    first list a clinician opens that day recomputes only those who changed since. Shows and
    returns nothing of anyone (so no audit row): the number of patients is for the log. The
    kept values are this process's (services/kernel/versions.py), so each process warms its own."""
    ids = CareLink.objects.filter(status="active").values("patient_id").distinct()
    week_ago, fortnight_ago = today - timedelta(days=7), today - timedelta(days=14)
    with _list_reads():
        versions = program_versions(user_ids=ids)
        _program_reads(ids, today, versions)
        weeks_of_many_kept(ids, [fortnight_ago, week_ago], versions=versions)
    return len(versions)


def patients_filter(rows: list[PatientRow], query: str) -> list[PatientRow]:
    """Rows whose username contains the query (case-insensitive)."""
    q = query.strip().lower()
    return [r for r in rows if q in r.username.lower()] if q else rows
