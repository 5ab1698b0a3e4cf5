"""A person's program in the database: intake versions, plans, sessions, logs, decisions,
check-ins. Each function is one action; the clock is passed in (`today`), never read here."""

import hashlib
import json
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from hipalign.adapters.db.models import (
    CheckInRecord,
    CurrentDose,
    DecisionRecord,
    ExerciseLogRecord,
    IntakeRecord,
    OutcomeRecord,
    PlanRecord,
    SafetyStop,
    SessionRecord,
)
from hipalign.core.dates import ENTERED
from hipalign.core.errors import InputError, validate_document
from hipalign.core.intake import Intake
from hipalign.core.library import Exercise, default_library
from hipalign.core.library.model import LadderStep
from hipalign.core.outcomes.episode import onboarding_pain_is_baseline
from hipalign.core.planning.document import Day, Item, PlanDocument, Review
from hipalign.core.planning.planner import generate_plan, script_item
from hipalign.core.progression import (
    ACCEPTABLE_MAX,
    Action,
    Decision,
    ExerciseLog,
    ReviewResult,
    decide,
    dose_at_rung,
    review_check,
    stopped_until_review,
)
from hipalign.core.screening.catalog import QUESTIONS_BY_ID, Question, carried_over
from hipalign.core.screening.rules import Referral, screen, screen_answers
from hipalign.core.session_script import Script, SideDose, build_script
from hipalign.core.stored import read_intake, read_plan, stamp_intake, stamp_plan
from hipalign.core.vocab import WEEKDAYS, Side, Weekday
from hipalign.core.words import decision_words, dose_words
from hipalign.services.kernel.access import NotFound, owned
from hipalign.services.kernel.audit import audit_record
from hipalign.services.program.episodes import episode_current, episode_for_scores

# A check-in at these levels means: see a doctor before exercising again.
ALERT_LEVELS = frozenset({"emergency", "urgent", "see_doctor"})
# Logs read back to decide: the core looks at the last SESSIONS_TO_PROGRESS logs at most.
DECIDE_WINDOW = 3


def _uid(user: User) -> int:
    return int(user.pk)


# --- intake and plans --------------------------------------------------------------------


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
    try:
        with transaction.atomic():
            return PlanRecord.objects.create(
                user=user,
                intake=intake_rec,
                starts_on=today,
                referral_level=plan.referral.level,
                withheld=plan.plan is None,
                document=stamp_plan(plan.model_dump(mode="json", by_alias=True)),
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
    return PlanRecord.objects.filter(user_id=user.pk).defer("document").order_by("-version").first()


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


def decision_text(d: Decision) -> str:
    """A progression decision and its next dose in the product's words ("Step up: next time
    3 × 12"), for the player and the API (issue 14.7: no client rebuilds dose wording)."""
    ex = default_library().get(d.exercise)
    dose = dose_words(
        kind=ex.dose.kind if ex else "reps",
        sets=d.dose.sets,
        reps=d.dose.reps,
        hold_s=d.dose.hold_s,
        load=d.dose.load,
    )
    return decision_words(d.action, dose)


# --- today's session ---------------------------------------------------------------------


@dataclass(frozen=True)
class SideNow:
    side: Side | None
    rung: int
    sets: int
    reps: int
    hold_s: int
    load: str
    action: str | None  # the last decision for this side, if any
    reasons: list[str]
    review_suggested: bool


@dataclass(frozen=True)
class ItemNow:
    item: Item
    exercise: Exercise
    sides: list[SideNow]


@dataclass(frozen=True)
class Today:
    plan: PlanRecord
    day: Day | None
    weekday: Weekday
    items: list[ItemNow]
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
    stopped: list[ItemNow] = field(default_factory=list)
    # Safety questions added after the intake was stored and not yet answered at a check-in:
    # the check-in is due until they are (plain question texts).
    unanswered: list[str] = field(default_factory=list)


def weekday_of(d: date) -> Weekday:
    return WEEKDAYS[d.weekday()]


def _latest_decisions(
    user: User, exercises: list[str] | None = None
) -> dict[tuple[str, str | None], DecisionRecord]:
    """The newest decision per exercise and side (CurrentDose points at it)."""
    qs = CurrentDose.objects.filter(user_id=user.pk).select_related("decision")
    if exercises is not None:
        qs = qs.filter(exercise_id__in=exercises)
    return {(c.exercise_id, c.side or None): c.decision for c in qs}


def current_dose_set(user: User, decision: DecisionRecord) -> None:
    """Point the exercise and side at its newest decision (call inside the decision's transaction)."""
    CurrentDose.objects.update_or_create(
        user=user,
        exercise_id=decision.exercise_id,
        side=decision.side or "",
        defaults={"decision": decision},
    )


def current_dose_rebuild(user: User) -> int:
    """Rebuild CurrentDose from the decision history (after an import or a bulk load)."""
    newest = (
        DecisionRecord.objects.filter(user_id=user.pk)
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("exercise_id"), F("side")],
                order_by=[F("created_at").desc()],
            )
        )
        .filter(n=1)
    )
    with transaction.atomic():
        CurrentDose.objects.filter(user_id=user.pk).delete()
        rows = [
            CurrentDose(user=user, exercise_id=d.exercise_id, side=d.side or "", decision=d)
            for d in newest
        ]
        CurrentDose.objects.bulk_create(rows)
    return len(rows)


# Plans are never edited once stored (a re-plan adds a record), so a parsed document can be
# reused by id. Bounded: a clinic has many plans, each a few kB parsed.
_PLAN_CACHE: OrderedDict[uuid.UUID, PlanDocument] = OrderedDict()
PLAN_CACHE_SIZE = 512


Planned = tuple[Side | None, int, int, int, int, str]


def _planned_doses(item: Item, ex: Exercise) -> list[Planned]:
    """(side, rung, sets, reps, hold_s, load) as planned, the lead side first; the planner may
    have adapted the ladder dose (older adults: longer holds, more reps; the weaker side: one
    more set; balance: more sets), which dose_at_rung carries across decisions."""
    if not item.dose_by_side:
        return [(None, _planned_rung(item, ex), item.sets, item.reps, item.hold_s, item.load)]
    order = [item.lead_side] if item.lead_side else []
    order += [s for s in item.dose_by_side if s not in order]
    return [
        (s, d.rung, d.sets, d.reps, d.hold_s, d.load)
        for s in order
        if s is not None
        for d in [item.dose_by_side[s]]
    ]


def _dose_after(
    planned: Planned, ex: Exercise, decided_rung: int
) -> tuple[int, int, int, int, str]:
    """(rung, sets, reps, hold_s, load) once a decision moved this side to `decided_rung`."""
    _, rung, sets, reps, hold_s, _load = planned
    planned_step = ex.ladder[min(rung, len(ex.ladder) - 1)]
    rung = min(decided_rung, len(ex.ladder) - 1)
    step = ex.ladder[rung]
    sets, reps, hold_s = dose_at_rung(
        planned=(sets, reps, hold_s), planned_step=planned_step, step=step
    )
    return rung, sets, reps, hold_s, step.load


def _item_now(
    item: Item, ex: Exercise, latest: dict[tuple[str, str | None], DecisionRecord]
) -> ItemNow:
    sides: list[SideNow] = []
    # The plan's numbers are used until a progression decision moves the side to a ladder rung.
    for planned in _planned_doses(item, ex):
        side, rung, sets, reps, hold_s, load = planned
        dec = latest.get((ex.id, side))
        if dec is not None:
            rung, sets, reps, hold_s, load = _dose_after(planned, ex, dec.rung)
        sides.append(
            SideNow(
                side=side,
                rung=rung,
                sets=sets,
                reps=reps,
                hold_s=hold_s,
                load=load,
                action=dec.action if dec else None,
                reasons=list(dec.reasons) if dec else [],
                review_suggested=bool(dec and dec.review_suggested),
            )
        )
    return ItemNow(item=item, exercise=ex, sides=sides)


def _persons_dose(plan: PlanRecord | None, decision: Decision) -> Decision:
    """The decision with the person's own next dose (the plan's additions carried to the new
    rung), so the player's "next time" line says what Today will show; the ladder's dose when
    the exercise is not in the current plan."""
    if plan is None:
        return decision
    doc = plan_document(plan)
    ex = default_library().get(decision.exercise)
    items = [
        it
        for d in (doc.plan.days if doc.plan else [])
        for it in d.items
        if it.exercise == decision.exercise
    ]
    if ex is None or not items:
        return decision
    planned = next((p for p in _planned_doses(items[0], ex) if p[0] == decision.side), None)
    if planned is None:
        return decision
    _, sets, reps, hold_s, load = _dose_after(planned, ex, decision.rung)
    dose = LadderStep(sets=sets, reps=reps, hold_s=hold_s, load=load)  # type: ignore[arg-type]
    return decision.model_copy(update={"dose": dose})


def _planned_rung(item: Item, ex: Exercise) -> int:
    """The planned ladder rung of an item without per-side doses: the plan document gives the
    dose, and the rung is the ladder step with that dose (the planner always picks a step)."""
    for i, step in enumerate(ex.ladder):
        if (step.sets, step.reps, step.hold_s, step.load) == (
            item.sets,
            item.reps,
            item.hold_s,
            item.load,
        ):
            return i
    return ex.dose.start


def plan_items_now(user: User, doc: PlanDocument) -> dict[str, ItemNow]:
    """Every exercise of the plan at today's dose (after progression), keyed by exercise id."""
    lib = default_library()
    latest = _latest_decisions(user)
    out: dict[str, ItemNow] = {}
    if doc.plan is None:
        return out
    for d in doc.plan.days:
        for it in d.items:
            if it.exercise not in out and it.exercise in lib:
                out[it.exercise] = _item_now(it, lib[it.exercise], latest)
    return out


def unanswered_questions(plan: PlanRecord, last_checkin: CheckInRecord | None) -> list[str]:
    """Questions of the catalog the plan's stored intake has no answer for and no check-in since
    has answered (a question added after the intake was stored), as plain question texts."""
    missing = read_intake(plan.intake.document).unanswered
    if last_checkin is not None and last_checkin.created_at >= plan.intake.created_at:
        missing = [q for q in missing if q not in last_checkin.answers]
    return [QUESTIONS_BY_ID[q].question for q in missing]


def _split_stopped(
    plan: PlanRecord, items: list[ItemNow], latest: dict[tuple[str, str | None], DecisionRecord]
) -> tuple[list[ItemNow], list[ItemNow]]:
    """(items to do, items stopped until a review): stopped when a side's newest decision
    stopped it after this plan was made (a new plan is the review that brings it back)."""
    go: list[ItemNow] = []
    stopped: list[ItemNow] = []
    for n in items:
        decs = [latest.get((n.exercise.id, s.side)) for s in n.sides]
        halt = any(
            d is not None
            and stopped_until_review(d.action, decided_after_plan=d.created_at > plan.created_at)
            for d in decs
        )
        (stopped if halt else go).append(n)
    return go, stopped


def session_today(user: User, today: date, session: int = 1) -> Today | None:
    plan = plan_current(user)
    if plan is None:
        return None
    doc = plan_document(plan)
    weekday = weekday_of(today)
    week = (today - program_start(user, plan)).days // 7 + 1
    last_checkin = checkin_latest(user)
    unanswered = [] if plan.withheld else unanswered_questions(plan, last_checkin)
    due = _checkin_due(plan, last_checkin, today) or bool(unanswered)
    alert = last_checkin if last_checkin and last_checkin.referral_level in ALERT_LEVELS else None
    pending = (
        SessionRecord.objects.filter(
            user_id=user.pk, performed_on__lt=today, performed_on__gte=today - timedelta(days=2)
        )
        .filter(pain_next_morning__isnull=True)
        .order_by("-performed_on")
        .first()
    )
    done_today = SessionRecord.objects.filter(
        user_id=user.pk, performed_on=today, session=session, logs__isnull=False
    ).exists()
    if doc.plan is None:
        return Today(
            plan,
            None,
            weekday,
            [],
            None,
            [],
            week,
            pending,
            done_today,
            checkin_due=due,
            checkin_alert=alert,
        )
    reviews = [r for r in doc.plan.reviews if r.week <= week <= (r.until_week or r.week)]
    review = _review(user, plan, last_checkin) if reviews else None
    day = next((d for d in doc.plan.days if d.day == weekday and d.session == session), None)
    if day is None:
        return Today(
            plan,
            None,
            weekday,
            [],
            None,
            reviews,
            week,
            pending,
            done_today,
            review,
            checkin_due=due,
            checkin_alert=alert,
            unanswered=unanswered,
        )
    latest = _latest_decisions(user, [it.exercise for it in day.items])
    lib = default_library()
    items = [_item_now(it, lib[it.exercise], latest) for it in day.items if it.exercise in lib]
    items, stopped = _split_stopped(plan, items, latest)
    script = (
        None
        if not items
        else build_script(
            [
                script_item(
                    n.exercise,
                    [
                        SideDose(side=s.side, sets=s.sets, reps=s.reps, hold_s=s.hold_s)
                        for s in n.sides
                    ],
                )
                for n in items
            ],
            day.warm_up.moves if day.warm_up else None,  # the warm-up phase opens the session
        )
    )
    return Today(
        plan,
        day,
        weekday,
        items,
        script,
        reviews,
        week,
        pending,
        done_today,
        review,
        checkin_due=due,
        checkin_alert=alert,
        stopped=stopped,
        unanswered=unanswered,
    )


def program_start(user: User, plan: PlanRecord) -> date:
    """The day the program's weeks count from: the current episode of care's start (a new plan
    version, such as an assessment's, does not restart the review points, issue 14 item 1), or
    the plan's start before any episode exists."""
    episode = episode_current(user)
    return episode.started_on if episode is not None else plan.starts_on


def _review(user: User, plan: PlanRecord, last: CheckInRecord | None) -> ReviewResult | None:
    start = program_start(user, plan)
    if last is None or last.performed_on < start:
        return None
    week = (last.performed_on - start).days // 7 + 1
    baseline = int(plan.intake.document.get("pain", {}).get("now", 0))
    return review_check(week, baseline, last.pain_now)


# --- logging -----------------------------------------------------------------------------


class LogIn(BaseModel):
    """What the player sends after an exercise, for one side. Owner fields are never read from
    the payload: the person is the logged-in user (no mass assignment, RELIABILITY.md A4)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    client_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    session_id: str = Field(min_length=32, max_length=36)
    plan_id: str = Field(min_length=32, max_length=36)
    day: Weekday
    session: int = Field(default=1, ge=1, le=2)
    # JSON has no date type: the ISO string the player sends must parse despite strict=True.
    performed_on: date = Field(strict=False)
    exercise: str = Field(min_length=1, max_length=64)
    side: Side | None = None
    rung: int = Field(ge=0, le=20)
    sets_done: int = Field(ge=0, le=10)
    reps_done: int = Field(ge=0, le=100)
    hold_s_done: int = Field(default=0, ge=0, le=600)
    # Issue 14 item 2: the exercise was skipped; the numbers are what was done (often 0). Stored,
    # counted as skipped, never moves the dose. Absent (old clients) means done. Declared before
    # pain_during, whose check reads it.
    skipped: bool = Field(
        default=False,
        description="the exercise was skipped: the numbers are what was done (0 for nothing), "
        "pain_during may be left out, and the log never changes the dose",
    )
    # Issue 17: "camera" when the camera coach counted the reps or hold and the person saved its
    # numbers unchanged. Absent (every client before it) means the person counted.
    counted_by: Literal["person", "camera"] = Field(
        default="person",
        description="who counted the reps and holds: 'camera' when the player's camera coach "
        "counted them on the device and the person kept its numbers",
    )
    # Needed unless skipped; a client from before `skipped` always sends it.
    pain_during: int | None = Field(default=None, ge=0, le=10, validate_default=True)
    effort: int | None = Field(default=None, ge=0, le=10)
    sharp_pain: bool = False
    new_numbness: bool = False

    @field_validator("pain_during")
    @classmethod
    def _pain_unless_skipped(cls, value: int | None, info: ValidationInfo) -> int | None:
        # `missing`, as before skips existed: old and new clients get the same message.
        if value is None and not info.data.get("skipped", False):
            raise PydanticCustomError("missing", "Field required")
        return value


# The payload fields stored as they are on ExerciseLogRecord.
LOG_FIELDS = frozenset(
    {
        "side",
        "rung",
        "sets_done",
        "reps_done",
        "hold_s_done",
        "pain_during",
        "effort",
        "sharp_pain",
        "new_numbness",
        "skipped",
        "counted_by",
        "performed_on",
    }
)


class LogConflict(Exception):
    """The same client id was used before with a different payload (RFC draft idempotency: 422)."""


@dataclass(frozen=True)
class LogResult:
    created: bool
    log_id: str
    decision: Decision | None
    stop_advice: list[str] = field(default_factory=list)


def _payload_hash(payload: LogIn) -> str:
    body = payload.model_dump(mode="json")
    # A log that was not skipped hashes as it did before `skipped` existed, so a resend from an
    # outbox filled by an older player still matches its stored log (200, not 422).
    if not body["skipped"]:
        del body["skipped"]
    if body["counted_by"] == "person":  # likewise for logs from before issue 17
        del body["counted_by"]
    raw = json.dumps(body, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()


def _core_log(rec: ExerciseLogRecord, next_morning: int | None) -> ExerciseLog:
    return ExerciseLog(
        id=str(rec.client_id),
        side=rec.side,  # type: ignore[arg-type]  # stored values come from the Side literal
        rung=rec.rung,
        sets_done=rec.sets_done,
        reps_done=rec.reps_done,
        hold_s_done=rec.hold_s_done,
        pain_during=rec.pain_during,
        pain_next_morning=next_morning,
        effort=rec.effort,
        sharp_pain=rec.sharp_pain,
        new_numbness=rec.new_numbness,
        skipped=rec.skipped,
    )


def _decides(log: ExerciseLogRecord) -> bool:
    """Whether a log makes a decision: a skip does not, unless it reports a warning sign."""
    return not log.skipped or log.sharp_pain or log.new_numbness


def _decide_for(user: User, log: ExerciseLogRecord) -> Decision:
    """Run the core on the latest logs of this exercise and side; store the decision.

    Skipped logs are not read as history (the core would leave them out anyway, and they must
    not fill the window); only `log` itself may be a skip (with a warning sign, see _decides)."""
    ex = default_library()[log.exercise_id]
    recent = list(
        ExerciseLogRecord.objects.filter(
            user_id=user.pk, exercise_id=log.exercise_id, side=log.side
        )
        .filter(Q(skipped=False) | Q(pk=log.pk))
        .select_related("session")
        .order_by("-performed_on", "-created_at")[:DECIDE_WINDOW]
    )[::-1]
    previous: tuple[Action, ...] = tuple(
        DecisionRecord.objects.filter(user_id=user.pk, exercise_id=log.exercise_id, side=log.side)
        .exclude(log=log)
        .order_by("-created_at")
        .values_list("action", flat=True)[:2]
    )[::-1]  # type: ignore[assignment]  # stored values come from the Action literal
    intake = intake_current(user)
    equipment = frozenset(intake.equipment) if intake else frozenset()
    plan = plan_current(user)
    cur = (
        CurrentDose.objects.filter(
            user_id=user.pk, exercise_id=log.exercise_id, side=log.side or ""
        )
        .select_related("decision")
        .first()
    )
    # A stop lasts until a new plan (issue 13 item 5), whatever is logged meanwhile.
    stopped = bool(
        plan is not None
        and cur is not None
        and stopped_until_review(
            cur.decision.action, decided_after_plan=cur.decision.created_at > plan.created_at
        )
    )
    decision = decide(
        ex,
        [_core_log(r, r.session.pain_next_morning) for r in recent],
        equipment=equipment,
        previous_actions=previous,
        stopped=stopped,
    )
    stored = DecisionRecord.objects.create(
        user=user,
        log=log,
        exercise_id=log.exercise_id,
        side=log.side,
        action=decision.action,
        rung=decision.rung,
        reasons=decision.reasons,
        review_suggested=decision.review_suggested,
    )
    current_dose_set(user, stored)
    return _persons_dose(plan, decision)


def _stop_advice(payload: LogIn, decision: Decision | None) -> list[str]:
    advice = []
    if payload.pain_during is not None and payload.pain_during > ACCEPTABLE_MAX:
        advice.append(
            f"Pain of {payload.pain_during}/10 is above 5: stop this exercise for today and "
            "consider a review with a professional."
        )
    if decision is not None and decision.review_suggested:
        advice.append("A review with a professional is suggested before going on with this one.")
    return advice


def log_record(user: User, raw: dict[str, Any], *, today: date) -> LogResult:
    """Store one exercise log, once per client id, and decide the next dose.

    A resend with the same client id and payload returns the stored result (no second row); the
    same id with another payload raises LogConflict; a plan or session of another person is
    NotFound. `performed_on` must fall in core.dates.ENTERED around `today`."""
    payload = validate_document(LogIn, raw, "log")
    late = ENTERED.problem("performed_on", payload.performed_on, today)
    if late:
        raise InputError("log", [late])
    lib = default_library()
    if payload.exercise not in lib:
        raise InputError("log", [f"exercise: {payload.exercise!r} is not in the library"])
    ex = lib[payload.exercise]
    if payload.rung >= len(ex.ladder):
        raise InputError("log", [f"rung: must be 0-{len(ex.ladder) - 1} for {ex.id}"])
    digest = _payload_hash(payload)
    plan = owned(PlanRecord, user, payload.plan_id)
    # A resend is answered from a plain read, so replays never queue for the write lock; the
    # check is repeated inside the transaction for a resend racing its first send.
    existing = ExerciseLogRecord.objects.filter(
        user_id=user.pk, client_id=payload.client_id
    ).first()
    if existing is not None:
        return _replayed(existing, digest)
    with transaction.atomic():
        existing = ExerciseLogRecord.objects.filter(
            user_id=user.pk, client_id=payload.client_id
        ).first()
        if existing is not None:
            return _replayed(existing, digest)
        session = SessionRecord.objects.filter(pk=_uuid(payload.session_id)).first()
        if session is None:
            try:
                with transaction.atomic():
                    session = SessionRecord.objects.create(
                        id=_uuid(payload.session_id),
                        user=user,
                        plan=plan,
                        day=payload.day,
                        session=payload.session,
                        performed_on=payload.performed_on,
                    )
            except IntegrityError:
                # The first logs of one session sent at once (a double submit): on PostgreSQL
                # both insert the session and the later one fails here, once the other has
                # committed (SQLite's IMMEDIATE lock queues them instead). Use the stored one.
                session = SessionRecord.objects.filter(pk=_uuid(payload.session_id)).first()
                if session is None:
                    raise
        if session.user_id != user.pk:
            raise NotFound("SessionRecord")
        elif session.plan_id != plan.id:
            raise InputError(
                "log", ["plan_id: differs from the plan this session was started with"]
            )
        try:
            with transaction.atomic():
                log = ExerciseLogRecord.objects.create(
                    user=user,
                    client_id=payload.client_id,
                    payload_hash=digest,
                    session=session,
                    exercise_id=payload.exercise,
                    **payload.model_dump(include=set(LOG_FIELDS)),
                )
        except IntegrityError:
            # A concurrent request with the same client id committed first.
            existing = ExerciseLogRecord.objects.get(user_id=user.pk, client_id=payload.client_id)
            return _replayed(existing, digest)
        decision = _decide_for(user, log) if _decides(log) else None
    return LogResult(True, str(log.id), decision, _stop_advice(payload, decision))


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise InputError("log", ["session_id: must be a UUID made by the player"]) from exc


def _replayed(existing: ExerciseLogRecord, digest: str) -> LogResult:
    if existing.payload_hash != digest:
        raise LogConflict(existing.client_id)
    dec = existing.decisions.order_by("created_at").first()
    decision = None
    if dec is not None:
        ex = default_library()[dec.exercise_id]
        decision = Decision(
            exercise=dec.exercise_id,
            side=dec.side,
            action=dec.action,
            rung=dec.rung,
            dose=ex.ladder[dec.rung],
            reasons=list(dec.reasons),
            triggered_by=[existing.client_id],
            review_suggested=dec.review_suggested,
        )
    return LogResult(False, str(existing.id), decision)


def next_morning_record(user: User, session_id: str, pain: int) -> list[Decision]:
    """Record next-morning pain for a session and re-decide each exercise it logged."""
    if not 0 <= pain <= 10:
        raise InputError("pain_next_morning", ["must be a whole number 0-10"])
    session = owned(SessionRecord, user, session_id)
    with transaction.atomic():
        session.pain_next_morning = pain
        session.save(update_fields=["pain_next_morning"])
        last_per_side: dict[tuple[str, str | None], ExerciseLogRecord] = {}
        for log in session.logs.filter(skipped=False).order_by("created_at"):
            last_per_side[(log.exercise_id, log.side)] = log
        return [_decide_for(user, log) for log in last_per_side.values()]


# --- weekly check-in ---------------------------------------------------------------------


def checkin_record(
    user: User,
    answers: dict[str, bool],
    pain_now: int,
    pain_worst_week: int,
    today: date,
) -> tuple[CheckInRecord, Referral]:
    """The red-flag questions again, and pain, screened against the current intake.

    Before any intake, only after an onboarding that stopped at a warning sign: then the
    answers alone are screened (there is no age or pain history to apply the other rules to),
    and a check-in without one clears the stop (services.safety)."""
    intake = intake_current(user)
    if intake is None:
        if not SafetyStop.objects.filter(user_id=user.pk).exists():
            raise InputError("check-in", ["fill in the intake first"])
        referral = screen_answers(_full_answers(answers, pain_now, pain_worst_week))
    else:
        doc = intake.model_dump(mode="json", by_alias=True, exclude_none=True)
        doc["screening"] = answers
        doc["pain"] = {**doc.get("pain", {}), "now": pain_now, "worst_week": pain_worst_week}
        checked = validate_document(Intake, doc, "check-in")
        referral = screen(checked)
    with transaction.atomic():
        rec = CheckInRecord.objects.create(
            user=user,
            performed_on=today,
            answers=answers,
            pain_now=pain_now,
            pain_worst_week=pain_worst_week,
            referral_level=referral.level,
            referral=referral.model_dump(mode="json"),
        )
        audit_record(_uid(user), "checkin.create", str(rec.id))
    return rec, referral


def _full_answers(answers: dict[str, bool], pain_now: int, pain_worst_week: int) -> dict[str, bool]:
    """A check-in's answers when no intake is there to check them against: every question of
    the catalog answered yes or no, and pain on the 0-10 scale."""
    problems = [
        f"screening.{q}: not a question of the screening"
        for q in answers
        if q not in QUESTIONS_BY_ID
    ]
    problems += [
        f"screening.{q}: answer yes or no"
        for q in QUESTIONS_BY_ID
        if not isinstance(answers.get(q), bool)
    ]
    problems += [
        f"pain.{name}: a whole number from 0 to 10"
        for name, v in (("now", pain_now), ("worst_week", pain_worst_week))
        if not 0 <= v <= 10
    ]
    if problems:
        raise InputError("check-in", problems)
    return answers


def checkin_carried_over(user: User) -> tuple[Question, ...]:
    """The questions asked once that the intake answered no and no later check-in answered yes:
    the check-in asks only whether anything changed about them, and carries the no over."""
    intake = intake_current(user)
    if intake is None:
        return ()
    last = checkin_latest(user)
    # A yes at a check-in (after "something changed") outweighs the intake's no: asked in full.
    said_yes = {qid for qid, answer in (last.answers if last else {}).items() if answer is True}
    return tuple(q for q in carried_over(intake.screening) if q.id not in said_yes)


def checkin_latest(user: User) -> CheckInRecord | None:
    return CheckInRecord.objects.filter(user_id=user.pk).order_by("-created_at").first()


def checkin_due(user: User, today: date) -> bool:
    """A check-in is due once a week after the plan starts."""
    plan = plan_current(user)
    return plan is not None and _checkin_due(plan, checkin_latest(user), today)


def _checkin_due(plan: PlanRecord, last: CheckInRecord | None, today: date) -> bool:
    if plan.withheld:
        return False
    since = last.performed_on if last else plan.starts_on
    return (today - since).days >= 7
