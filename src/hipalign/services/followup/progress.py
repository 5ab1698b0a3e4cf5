"""What a person sees on the progress page: adherence, pain trend, per-side progress."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db.models import Avg, Count, Max

from hipalign.adapters.db.models import (
    CheckInRecord,
    ExerciseLogRecord,
    HabitCheck,
    SessionRecord,
)
from hipalign.core.adherence import DIGITS
from hipalign.core.dates import shift
from hipalign.core.library import default_library
from hipalign.services.followup.adherence import WeekAdherence, weeks_of
from hipalign.services.followup.habits import habits_planned_in_week
from hipalign.services.program.plans import plan_current

WEEKS_SHOWN = 8
POINTS_PER_SIDE = 20


@dataclass(frozen=True)
class PainPoint:
    on: date
    value: float
    kind: str  # "during" (mean of a session's logs), "next_morning" or "check-in"


@dataclass(frozen=True)
class SidePoint:
    on: date
    reps: int
    hold_s: int
    rung: int


@dataclass(frozen=True)
class SideSeries:
    exercise: str
    name: str
    side: str | None
    kind: str  # "hold" or "reps": which number shows progress
    points: list[SidePoint]


@dataclass(frozen=True)
class Progress:
    weeks: list[WeekAdherence]
    pain: list[PainPoint]
    sides: list[SideSeries]
    sessions_done: float  # planned sessions done in the weeks shown, as fractions
    # Lifestyle items ticked off against what a week asks for (issue 7: counted like exercises).
    habit_weeks: list[WeekAdherence]
    sessions_planned: int = 0  # in the weeks shown


def progress_summary(user: User, today: date) -> Progress:
    plan = plan_current(user)
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=WEEKS_SHOWN - 1)
    # Planned sessions done as fractions, same-day runs merged (issue 14 item 3).
    weeks = weeks_of(user, [first + timedelta(weeks=i) for i in range(WEEKS_SHOWN)])
    sessions = (
        SessionRecord.objects.filter(
            user_id=user.pk, performed_on__gte=first, pain_next_morning__isnull=False
        )
        .annotate(n=Count("logs"))
        .filter(n__gt=0)
        .values_list("performed_on", "pain_next_morning")
    )
    pain: list[PainPoint] = [
        PainPoint(shift(on, 1), float(next_morning), "next_morning")
        for on, next_morning in sessions
        if next_morning is not None
    ]
    during = (
        ExerciseLogRecord.objects.filter(user_id=user.pk, performed_on__gte=first)
        .values("performed_on")
        .annotate(avg=Avg("pain_during"))
        .values_list("performed_on", "avg")
    )
    pain += [PainPoint(on, round(float(avg), 1), "during") for on, avg in during]
    pain += [
        PainPoint(on, float(v), "check-in")
        for on, v in CheckInRecord.objects.filter(
            user_id=user.pk, performed_on__gte=first
        ).values_list("performed_on", "pain_now")
    ]
    pain.sort(key=lambda p: (p.on, p.kind))
    habit_done: dict[date, int] = defaultdict(int)  # check-offs, counted as before
    for on in HabitCheck.objects.filter(user_id=user.pk, performed_on__gte=first).values_list(
        "performed_on", flat=True
    ):
        habit_done[shift(on, -on.weekday())] += 1
    habit_weeks = [
        WeekAdherence(
            w.starts_on, habits_planned_in_week(plan, w.starts_on), habit_done[w.starts_on]
        )
        for w in weeks
    ]
    total = round(sum(w.done for w in weeks), DIGITS)
    planned = sum(w.planned for w in weeks)
    return Progress(weeks, pain, _side_series(user), total, habit_weeks, planned)


def _side_series(user: User) -> list[SideSeries]:
    lib = default_library()
    # Best of each day per exercise and side, the last POINTS_PER_SIDE days that have logs.
    rows = (
        ExerciseLogRecord.objects.filter(user_id=user.pk, skipped=False)  # a skip is no point
        .values("exercise_id", "side", "performed_on")
        .annotate(reps=Max("reps_done"), hold=Max("hold_s_done"), rung=Max("rung"))
        .order_by("exercise_id", "side", "-performed_on")
    )
    grouped: dict[tuple[str, str | None], list[SidePoint]] = defaultdict(list)
    for r in rows:
        key = (r["exercise_id"], r["side"])
        if len(grouped[key]) < POINTS_PER_SIDE:
            grouped[key].append(SidePoint(r["performed_on"], r["reps"], r["hold"], r["rung"]))
    out = []
    for (ex_id, side), points in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        ex = lib.get(ex_id)
        kind = "hold" if ex is not None and ex.dose.kind == "hold" else "reps"
        out.append(SideSeries(ex_id, ex.name if ex else ex_id, side, kind, points[::-1]))
    return out
