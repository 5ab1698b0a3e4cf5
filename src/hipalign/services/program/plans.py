"""Intake and plan versions in the database: store, read, and the stored plan document.
The clock is passed in (`today`), never read here."""

import uuid
from collections import OrderedDict
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from hipalign.adapters.db.models import (
    CareEpisode,
    IntakeRecord,
    OutcomeRecord,
    PlanRecord,
)
from hipalign.core.adherence import planned_week
from hipalign.core.errors import validate_document
from hipalign.core.intake import Intake
from hipalign.core.library import default_library
from hipalign.core.outcomes.episode import onboarding_pain_is_baseline
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.planner import generate_plan
from hipalign.core.stored import read_intake, read_plan, stamp_intake, stamp_plan
from hipalign.core.vocab import WEEKDAYS, Weekday
from hipalign.services.kernel.access import owned
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.versions import program_changed
from hipalign.services.program.episodes import episode_current, episode_for_scores


def _uid(user: User) -> int:
    return int(user.pk)


class StalePlan(Exception):
    """The plan changed since the editor loaded it: refuse, say who changed it, lose nothing."""

    def __init__(self, current: PlanRecord | None, expected: int | None) -> None:
        self.current = current
        self.expected = expected
        who = (
            ""
            if current is None
            else f" by {current.author_role} on {current.created_at:%Y-%m-%d %H:%M} UTC"
        )
        now = 0 if current is None else current.version
        super().__init__(
            f"plan: you edited version {expected}, but the plan is now version {now} (changed{who}); "
            "reload it, look at the change, and edit again"
        )


def plan_version_now(user: User) -> int:
    """The version of the person's current plan; 0 before the first plan."""
    got = (
        PlanRecord.objects.filter(user_id=user.pk)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return got or 0


def plan_store(
    user: User,
    intake_rec: IntakeRecord,
    plan: PlanDocument,
    today: date,
    *,
    expected_version: int | None,
    author: User | None = None,
    author_role: str = "person",
    changes: list[dict[str, Any]] | None = None,
    overrides: list[dict[str, Any]] | None = None,
    note: str = "",
) -> PlanRecord:
    """Store a new current plan as version `expected_version + 1`, inside the caller's transaction.

    Two edits from the same base both claim the same version; the unique (user, version)
    constraint lets exactly one insert win and the other raises StalePlan (RELIABILITY.md H2).
    `expected_version=None` takes whatever is current (a first plan, or a caller without a base).
    """
    now = plan_version_now(user)
    base = now if expected_version is None else expected_version
    if base != now:
        raise StalePlan(plan_current(user), expected_version)
    document = stamp_plan(plan.model_dump(mode="json", by_alias=True))
    try:
        with transaction.atomic():
            program_changed(user_id=int(user.pk))  # undone with the plan if it loses the race
            return PlanRecord.objects.create(
                user=user,
                intake=intake_rec,
                starts_on=today,
                referral_level=plan.referral.level,
                withheld=plan.plan is None,
                document=document,
                week=planned_week(document),
                version=base + 1,
                author=author or user,
                author_role=author_role,
                changes=changes or [],
                overrides=overrides or [],
                note=note,
                sessions_per_week=0 if plan.plan is None else len(plan.plan.days),
            )
    except IntegrityError:
        raise StalePlan(plan_current(user), expected_version) from None


def intake_submit(
    user: User,
    document: dict[str, Any],
    today: date,
    *,
    expected_version: int | None = None,
    author: User | None = None,
) -> PlanRecord:
    """Store a new intake version and the plan made from it; earlier versions stay.

    `expected_version` is the plan version the person (or clinician) was looking at: when the
    plan changed since, nothing is stored and StalePlan says so.
    """
    intake = validate_document(Intake, document, "intake")
    plan = generate_plan(intake, default_library())
    with transaction.atomic():
        rec = IntakeRecord.objects.create(
            user=user,
            document=stamp_intake(intake.model_dump(mode="json", by_alias=True, exclude_none=True)),
        )
        by_other = author is not None and author.pk != user.pk
        made = plan_store(
            user,
            rec,
            plan,
            today,
            expected_version=expected_version,
            author=author,
            author_role="clinician" if by_other else "person",
            changes=[{"what": "intake", "text": "New plan generated from an updated intake."}],
        )
        if plan.plan is not None:
            # The pain given at onboarding is the NPRS baseline of the episode of care (issue 6),
            # once: a later intake of the same episode keeps its baseline (issue 14, item 1).
            episode = episode_for_scores(user, today=today)
            recorded = OutcomeRecord.objects.filter(episode_id=episode.pk).values_list(
                "measure", flat=True
            )
            if onboarding_pain_is_baseline(recorded):
                OutcomeRecord.objects.create(
                    user=user,
                    plan=made,
                    episode=episode,
                    measure="nprs",
                    performed_on=today,
                    answers={"pain": float(intake.pain.now)},
                    total=float(intake.pain.now),
                    scales={},
                )
        audit_record(
            int(author.pk) if author is not None else _uid(user),
            "plan.create",
            str(made.id),
            subject_id=_uid(user) if by_other else None,
        )
    return made


def intake_current(user: User) -> Intake | None:
    rec = IntakeRecord.objects.filter(user_id=user.pk).order_by("-created_at").first()
    return None if rec is None else read_intake(rec.document)


def plan_current(user: User) -> PlanRecord | None:
    # The stored document (tens of kB of JSON) is read only when plan_document has not parsed
    # this version yet: decoding it on every page cost more than the rest of /plan.
    # Its intake comes in the same query: Today, the reminder and the safety card all read it.
    return (
        PlanRecord.objects.filter(user_id=user.pk)
        .select_related("intake")
        .defer("document")
        .order_by("-version")
        .first()
    )


def plan_history(user: User) -> list[PlanRecord]:
    return list(PlanRecord.objects.filter(user_id=user.pk).order_by("-version"))


def plan_get(user: User, plan_id: str) -> PlanRecord:
    return owned(PlanRecord, user, plan_id)


def plan_document(rec: PlanRecord) -> PlanDocument:
    doc = _PLAN_CACHE.get(rec.id)
    if doc is None:
        doc = read_plan(rec.document)
        _PLAN_CACHE[rec.id] = doc
        if len(_PLAN_CACHE) > PLAN_CACHE_SIZE:
            _PLAN_CACHE.popitem(last=False)
    return doc


def weekday_of(d: date) -> Weekday:
    return WEEKDAYS[d.weekday()]


# Plans are never edited once stored (a re-plan adds a record), so a parsed document can be
# reused by id. Bounded: a clinic has many plans, each a few kB parsed.
_PLAN_CACHE: OrderedDict[uuid.UUID, PlanDocument] = OrderedDict()


PLAN_CACHE_SIZE = 512


def program_start(user: User, plan: PlanRecord) -> date:
    """The day the program's weeks count from: the current episode of care's start (a new plan
    version, such as an assessment's, does not restart the review points, issue 14 item 1), or
    the plan's start before any episode exists."""
    return program_start_of(plan, episode_current(user))


def program_start_of(plan: PlanRecord, episode: CareEpisode | None) -> date:
    """program_start for an episode the caller has read already (Today reads it once)."""
    return episode.started_on if episode is not None else plan.starts_on
