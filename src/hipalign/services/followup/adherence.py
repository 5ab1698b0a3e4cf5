"""Sessions planned and done, from the stored plans and logs (issue 14 item 3).

The rule is core.adherence's; this module only reads what it needs: the plans in effect in the
windows asked for and the exercises logged in them, for one person or for many at once (the
clinician's list: three queries for the whole list). Progress, the report, the clinician's list
and the FHIR bundle all count through `weeks_of` / `weeks_of_many`, so they agree."""

from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet, StringAgg, Value

from hipalign.adapters.db.models import ExerciseLogRecord, PlanRecord, SessionRecord
from hipalign.core.adherence import (
    PlannedSession,
    PlanPeriod,
    adherence_logged,
    planned_week,
    sessions_of_week,
)
from hipalign.services.kernel.versions import KeptByVersion, Versions, program_versions


@dataclass(frozen=True)
class WeekAdherence:
    starts_on: date
    planned: int
    done: float  # planned sessions done, each as the fraction of its exercises logged


# Plans are never edited once stored (a change makes a new version), so their sessions can be
# kept by id: the clinician's list then reads no plan twice. Bounded, oldest out; sized above a
# clinic's 10,000 patients with a few plan versions each (4,096 made every list of 10,000 read
# every plan again, issue 19). Equal weeks are kept once (`_interned`): most people of a clinic
# share a handful of plans, so an entry costs its key and a pointer.
_SESSIONS: OrderedDict[Any, tuple[PlannedSession, ...]] = OrderedDict()
SESSIONS_CACHE_SIZE = 65_536
_INTERNED: dict[tuple[PlannedSession, ...], tuple[PlannedSession, ...]] = {}


def _interned(sessions: tuple[PlannedSession, ...]) -> tuple[PlannedSession, ...]:
    if len(_INTERNED) >= SESSIONS_CACHE_SIZE:  # bounded too: a clinic of all-different plans
        _INTERNED.clear()
    return _INTERNED.setdefault(sessions, sessions)


def _remember(plan_id: Any, sessions: tuple[PlannedSession, ...]) -> None:
    _SESSIONS[plan_id] = sessions
    while len(_SESSIONS) > SESSIONS_CACHE_SIZE:
        _SESSIONS.popitem(last=False)


def _read_sessions(plan_ids: list[Any]) -> dict[Any, tuple[PlannedSession, ...]]:
    """Each plan's sessions of the week from its `week` column; the few rows stored without
    one (none once migration 0032 has run; kept for safety) from their document."""
    out: dict[Any, tuple[PlannedSession, ...]] = {}
    without: list[Any] = []
    for pid, week in PlanRecord.objects.filter(pk__in=plan_ids).values_list("id", "week"):
        if week is None:
            without.append(pid)
        else:
            out[pid] = _interned(sessions_of_week(week))
    if without:
        for pid, document in PlanRecord.objects.filter(pk__in=without).values_list(
            "id", "document"
        ):
            out[pid] = _interned(sessions_of_week(planned_week(document)))
    return out


def _needed(plans: list[dict[str, Any]], first: date) -> list[dict[str, Any]]:
    """Of one person's plans (oldest version first, none starting after the last day), those
    that can be in effect from `first` on: the one in effect on `first` and any started later."""
    before = [p for p in plans if p["starts_on"] <= first]
    newest = max(before, key=lambda p: (p["starts_on"], p["version"])) if before else None
    return [p for p in plans if p is newest or p["starts_on"] > first]


def weeks_of_many(
    user_ids: Iterable[int] | QuerySet[Any], starts: Sequence[date], days: int = 7
) -> dict[int, list[WeekAdherence]]:
    """Per person: per window of `days` days from each start, sessions planned and done."""
    if not starts:
        return {}
    first, last = min(starts), max(starts) + timedelta(days=days - 1)
    ids = user_ids if isinstance(user_ids, QuerySet) else list(user_ids)
    by_user: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        PlanRecord.objects.filter(user_id__in=ids, starts_on__lte=last)
        .order_by("user_id", "version")
        .values("id", "user_id", "version", "starts_on", "withheld")
    ):
        by_user[row["user_id"]].append(dict(row))
    needed = {uid: _needed(rows, first) for uid, rows in by_user.items()}
    wanted = [p["id"] for rows in needed.values() for p in rows]
    # .get, not `in` then [ ]: another request thread may drop the entry in between.
    known = {i: got for i in wanted if (got := _SESSIONS.get(i)) is not None}
    missing = [i for i in wanted if i not in known]
    if missing:
        for pid, sessions in _read_sessions(missing).items():
            known[pid] = sessions
            _remember(pid, sessions)
    logged = _logged_many(ids, first, last)
    out: dict[int, list[WeekAdherence]] = {}
    for uid in set(by_user) | set(logged):
        periods = [
            PlanPeriod(starts_on=p["starts_on"], sessions=() if p["withheld"] else known[p["id"]])
            for p in needed.get(uid, [])
        ]
        out[uid] = [
            WeekAdherence(w.starts_on, w.planned, w.done)
            for w in adherence_logged(periods, logged.get(uid, {}), starts, days)
        ]
    return out


def _logged_many(
    ids: list[int] | QuerySet[Any], first: date, last: date
) -> dict[int, dict[date, dict[int, set[str]]]]:
    """Per person, day and session number: the exercises logged (not skipped) from `first` to
    `last`, in two or three queries for any number of people.

    The logs come one row per person, day and session with their exercises joined in SQL (a row
    per log was about 30 a person and week, most of the list's time on PostgreSQL, issue 19).
    The session numbers come from the sessions of the same days, found by the (date, person)
    index: joining logs to sessions made PostgreSQL hash every session of every history. A log
    stored under a session of another day (its own date wins) costs one more query by id.
    Exercise ids have no commas (core.library ids)."""
    rows = list(
        ExerciseLogRecord.objects.filter(
            user_id__in=ids, performed_on__gte=first, performed_on__lte=last, skipped=False
        )
        .values("user_id", "performed_on", "session_id")
        .annotate(done=StringAgg("exercise_id", Value(",")))
        .values_list("user_id", "performed_on", "session_id", "done")
    )
    numbers = dict(
        SessionRecord.objects.filter(
            user_id__in=ids, performed_on__gte=first, performed_on__lte=last
        ).values_list("id", "session")
    )
    other_days = {sid for _, _, sid, _ in rows if sid not in numbers}
    if other_days:
        numbers.update(SessionRecord.objects.filter(pk__in=other_days).values_list("id", "session"))
    out: dict[int, dict[date, dict[int, set[str]]]] = {}
    for uid, on, sid, exercises in rows:
        # Plain dicts filled by hand: three levels of defaultdict cost a third of this loop.
        runs = out.setdefault(uid, {}).setdefault(on, {})
        number = numbers[sid]
        if number in runs:
            runs[number].update(exercises.split(","))
        else:
            runs[number] = set(exercises.split(","))
    return out


# What `weeks_of_many_kept` computed, per person and windows (services/kernel/versions.py).
_KEPT: KeptByVersion[tuple[WeekAdherence, ...]] = KeptByVersion(50_000)


def weeks_of_many_kept(
    user_ids: Iterable[int] | QuerySet[Any],
    starts: Sequence[date],
    days: int = 7,
    *,
    versions: Versions | None = None,
) -> dict[int, list[WeekAdherence]]:
    """`weeks_of_many`, recomputing only the people whose program changed since this process
    last computed their windows (the clinician's list, issue 19: of 1,000 patients, those who
    logged since the list was last opened). The versions (`program_versions`, read here unless
    given) are read before the rows, so a write committing in between leaves an older version
    on what is kept, never a newer one. A person with no plan and no logs is absent from the
    answer, as from `weeks_of_many`."""
    if versions is None:
        versions = program_versions(user_ids=user_ids)
    key = (tuple(starts), days)
    found, stale = _KEPT.split(versions, key)
    out = {uid: list(weeks) for uid, weeks in found.items() if weeks}
    if not stale:
        return out
    # Everyone stale (a first request, a new day): the subquery, as weeks_of_many prefers.
    fresh = weeks_of_many(user_ids if len(stale) == len(versions) else stale, starts, days)
    _KEPT.keep(versions, key, {uid: tuple(fresh.get(uid, ())) for uid in stale})
    out.update({uid: fresh[uid] for uid in stale if uid in fresh})
    return out


def weeks_of(user: User, starts: Sequence[date], days: int = 7) -> list[WeekAdherence]:
    """One person's windows (nothing planned and nothing done where they have no data)."""
    got = weeks_of_many([int(user.pk)], starts, days).get(int(user.pk))
    return got if got is not None else [WeekAdherence(s, 0, 0.0) for s in starts]
