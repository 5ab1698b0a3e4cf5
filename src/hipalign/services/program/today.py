"""The Today read model: what a person does today, the dose now of each exercise, what is
stopped until a review, and whether a check-in is due. The clock is passed in."""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.contrib.auth.models import User

from hipalign.adapters.db.models import (
    CareEpisode,
    CheckInRecord,
    DecisionRecord,
    PlanRecord,
    SessionRecord,
)
from hipalign.core.i18n import SOURCE_LANGUAGE
from hipalign.core.library import default_library
from hipalign.core.planning.document import Day, Review
from hipalign.core.planning.planner import script_item
from hipalign.core.progression import (
    ReviewResult,
    review_check,
    stopped_until_review,
)
from hipalign.core.session_script import Script, SideDose, build_script
from hipalign.core.vocab import Weekday
from hipalign.services.program import checkins, doses, episodes, plans


@dataclass(frozen=True)
class Today:
    plan: PlanRecord
    day: Day | None
    weekday: Weekday
    items: list[doses.ItemNow]
    script: Script | None
    reviews_due: list[Review]
    week: int
    next_morning_for: SessionRecord | None
    done_today: bool
    # At a review point: pain now (last check-in) against the plan's starting pain.
    review: ReviewResult | None = None
    checkin_due: bool = False
    # The last check-in, when it found something that needs a doctor before exercising again.
    checkin_alert: CheckInRecord | None = None
    # Exercises of today's session stopped until a review (issue 13 item 5): left out of the
    # session, shown with the reasons.
    stopped: list[doses.ItemNow] = field(default_factory=list)
    # Safety questions added after the intake was stored and not yet answered at a check-in:
    # the check-in is due until they are (plain question texts).
    unanswered: list[str] = field(default_factory=list)
    # What the rest of the page needs too, read once here (the reminder, the safety card and
    # the scores read them from this; tests/web/test_today_queries.py counts the queries).
    last_checkin: CheckInRecord | None = None
    episode: CareEpisode | None = None
    # Session numbers of today with at least one log.
    logged_sessions: frozenset[int] = frozenset()


def _split_stopped(
    plan: PlanRecord,
    items: list[doses.ItemNow],
    latest: dict[tuple[str, str | None], DecisionRecord],
) -> tuple[list[doses.ItemNow], list[doses.ItemNow]]:
    """(items to do, items stopped until a review): stopped when a side's newest decision
    stopped it after this plan was made (a new plan is the review that brings it back)."""
    go: list[doses.ItemNow] = []
    stopped: list[doses.ItemNow] = []
    for n in items:
        decs = [latest.get((n.exercise.id, s.side)) for s in n.sides]
        halt = any(
            d is not None
            and stopped_until_review(d.action, decided_after_plan=d.created_at > plan.created_at)
            for d in decs
        )
        (stopped if halt else go).append(n)
    return go, stopped


def session_today(
    user: User, today: date, session: int = 1, *, language: str = SOURCE_LANGUAGE
) -> Today | None:
    """Today for `user`; the exercises' words (and so the player's names) in `language` where
    translated, the doses and ids the same in every language."""
    plan = plans.plan_current(user)
    if plan is None:
        return None
    doc = plans.plan_document(plan)
    episode = episodes.episode_current(user)
    start = plans.program_start_of(plan, episode)
    week = (today - start).days // 7 + 1
    last_checkin = checkins.checkin_latest(user)
    unanswered = [] if plan.withheld else checkins.unanswered_questions(plan, last_checkin)
    logged = _logged_sessions(user, today)
    bare = Today(
        plan,
        None,
        plans.weekday_of(today),
        [],
        None,
        [],
        week,
        _next_morning_for(user, today),
        session in logged,
        checkin_due=checkins.checkin_due_for(plan, last_checkin, today) or bool(unanswered),
        checkin_alert=(
            last_checkin
            if last_checkin and last_checkin.referral_level in checkins.ALERT_LEVELS
            else None
        ),
        last_checkin=last_checkin,
        episode=episode,
        logged_sessions=logged,
    )
    if doc.plan is None:
        return bare
    reviews = [r for r in doc.plan.reviews if r.week <= week <= (r.until_week or r.week)]
    at_review = replace(
        bare,
        reviews_due=reviews,
        review=_review(plan, start, last_checkin) if reviews else None,
        unanswered=unanswered,
    )
    day = next((d for d in doc.plan.days if d.day == bare.weekday and d.session == session), None)
    if day is None:
        return at_review
    latest = doses._latest_decisions(user, [it.exercise for it in day.items])
    lib = default_library(language)
    items = [
        doses._item_now(it, lib[it.exercise], latest) for it in day.items if it.exercise in lib
    ]
    items, stopped = _split_stopped(plan, items, latest)
    return replace(at_review, day=day, items=items, script=_script(items, day), stopped=stopped)


def _next_morning_for(user: User, today: date) -> SessionRecord | None:
    """The newest session of the two days before today still waiting for its next-morning
    pain answer."""
    return (
        SessionRecord.objects.filter(
            user_id=user.pk, performed_on__lt=today, performed_on__gte=today - timedelta(days=2)
        )
        .filter(pain_next_morning__isnull=True)
        .order_by("-performed_on")
        .first()
    )


def _logged_sessions(user: User, today: date) -> frozenset[int]:
    """Today's session numbers with at least one log."""
    return frozenset(
        SessionRecord.objects.filter(user_id=user.pk, performed_on=today, logs__isnull=False)
        .order_by()  # no default ordering: its columns would join the DISTINCT
        .values_list("session", flat=True)
        .distinct()
    )


def _script(items: list[doses.ItemNow], day: Day) -> Script | None:
    """The player's script of the doses now; the warm-up phase opens the session."""
    if not items:
        return None
    return build_script(
        [
            script_item(
                n.exercise,
                [SideDose(side=s.side, sets=s.sets, reps=s.reps, hold_s=s.hold_s) for s in n.sides],
            )
            for n in items
        ],
        day.warm_up.moves if day.warm_up else None,
    )


def _review(plan: PlanRecord, start: date, last: CheckInRecord | None) -> ReviewResult | None:
    if last is None or last.performed_on < start:
        return None
    week = (last.performed_on - start).days // 7 + 1
    baseline = int(plan.intake.document.get("pain", {}).get("now", 0))
    return review_check(week, baseline, last.pain_now)
