"""A person's timeline: everything that happened in their program, newest first, one typed entry
per event. The same service serves the person (their own /timeline) and a linked clinician, whose
every read by someone else is audited by services.kernel.access.authorize.

Paging is by cursor: the sort key of the last entry shown. Each source is read in two small
queries (the cursor's own day in full, then at most `limit + 1` older rows), so a page costs the
same whatever the length of the history."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, get_args

from django.contrib.auth.models import User
from django.core import signing
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy, pgettext_lazy
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hipalign.adapters.db.models import (
    AssessmentRecord,
    CareLink,
    CheckInRecord,
    DecisionRecord,
    ExerciseLogRecord,
    OutcomeRecord,
    PlanRecord,
    PostureUpload,
    SessionRecord,
)
from hipalign.core.access import Action
from hipalign.core.adherence import sessions_text
from hipalign.core.clinical_tests import Assessment, assessment_derive
from hipalign.core.dates import shift as shift_day
from hipalign.core.errors import InputError
from hipalign.core.library import default_library
from hipalign.services.followup.progress import progress_summary
from hipalign.services.kernel.access import Actor, authorize
from hipalign.services.program.logs import log_detail
from hipalign.services.program.plans import plan_current

Kind = Literal[
    "log",
    "next_morning",
    "checkin",
    "decision",
    "outcome",
    "posture",
    "plan",
    "assessment",
    "adherence",
]
KINDS: tuple[Kind, ...] = get_args(Kind)
# The filter's names, shown in the reader's language (lazy: read when the page renders).
KIND_NAMES: dict[str, str | Promise] = {
    "log": gettext_lazy("Exercise logs"),
    "next_morning": gettext_lazy("Next-morning pain"),
    "checkin": gettext_lazy("Check-ins"),
    "decision": gettext_lazy("Progression decisions"),
    "outcome": gettext_lazy("Outcome scores"),
    "posture": gettext_lazy("Posture measurements"),
    "plan": gettext_lazy("Plan changes"),
    "assessment": gettext_lazy("Assessments"),
    "adherence": gettext_lazy("Weekly adherence"),
}
# The short tag beside each entry (the filter above uses KIND_NAMES); the page showed the code
# itself, "nextmorning" and "adherence", in every language.
KIND_TAGS: dict[str, str | Promise] = {
    "log": pgettext_lazy("timeline tag", "log"),
    "next_morning": pgettext_lazy("timeline tag", "next morning"),
    "checkin": pgettext_lazy("timeline tag", "check-in"),
    "decision": pgettext_lazy("timeline tag", "decision"),
    "outcome": pgettext_lazy("timeline tag", "score"),
    "posture": pgettext_lazy("timeline tag", "posture"),
    "plan": pgettext_lazy("timeline tag", "plan"),
    "assessment": pgettext_lazy("timeline tag", "assessment"),
    "adherence": pgettext_lazy("timeline tag", "week"),
}
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Entry:
    on: date
    kind: Kind
    title: str
    detail: str
    side: str | None = None
    value: float | None = None
    # Sort key within a day (the row's creation time) and a tiebreak, for newest-first paging.
    at: str = ""
    key: str = ""

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.on.isoformat(), self.at, self.kind, self.key)


@dataclass(frozen=True)
class Timeline:
    patient: User
    entries: list[Entry]
    next_cursor: str | None
    kinds: tuple[Kind, ...]


# Cursors are signed (django.core.signing, keyed by the install's secret) and read back as typed
# values: a crafted one ([1,2,3,4], a day at the end of the calendar, a huge nested document)
# answers "start again" instead of reaching a query or a date sum (issue 12, item 4).
CURSOR_SALT = "hipalign.timeline.cursor"
# A signed cursor of this module is about 200 characters; anything far longer is not one.
CURSOR_MAX = 400


class _Cursor(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)

    day: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    at: str = Field(max_length=40)
    kind: Literal[Kind, ""]
    key: str = Field(max_length=64)


def _encode(key: tuple[str, str, str, str]) -> str:
    return signing.dumps(list(key), salt=CURSOR_SALT, compress=True)


def _decode(cursor: str) -> tuple[str, str, str, str]:
    refused = InputError("cursor", ["cursor: not a page of this timeline; start again"])
    if len(cursor) > CURSOR_MAX:
        raise refused
    try:
        parts = signing.loads(cursor, salt=CURSOR_SALT)
        if not (isinstance(parts, list) and len(parts) == 4):
            raise ValueError
        c = _Cursor(day=parts[0], at=parts[1], kind=parts[2], key=parts[3])
        date.fromisoformat(c.day)
    except (signing.BadSignature, ValueError, ValidationError, UnicodeDecodeError):
        raise refused from None
    return (c.day, c.at, c.kind, c.key)


def _at(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def _page[M: Model](
    qs: QuerySet[M], day_field: str, cursor_day: date | None, limit: int, shift: int = 0
) -> Iterable[M]:
    """Rows on or before the cursor's day: that whole day, then `limit + 1` older ones (an entry
    dated `shift` days after its row's day field is sorted by that later day)."""
    # A day derived from the creation time sorts as the creation time itself.
    newest = (
        ["-created_at"] if day_field == "created_at__date" else [f"-{day_field}", "-created_at"]
    )
    if cursor_day is None:
        return list(qs.order_by(*newest)[: limit + 1])
    row_day = shift_day(cursor_day, -shift)
    same = list(qs.filter(**{day_field: row_day}))
    older = list(qs.filter(**{f"{day_field}__lt": row_day}).order_by(*newest)[: limit + 1])
    return same + older


def _logs(u: User, day: date | None, limit: int) -> list[Entry]:
    lib = default_library()
    out = []
    for r in _page(ExerciseLogRecord.objects.filter(user_id=u.pk), "performed_on", day, limit):
        ex = lib.get(r.exercise_id)
        flags = [
            w for w, on in (("sharp pain", r.sharp_pain), ("new numbness", r.new_numbness)) if on
        ]
        out.append(
            Entry(
                r.performed_on,
                "log",
                ex.name if ex else r.exercise_id,
                log_detail(r) + (f"; {', '.join(flags)}" if flags else ""),
                r.side,
                None if r.pain_during is None else float(r.pain_during),
                _at(r.created_at),
                str(r.id),
            )
        )
    return out


def _next_mornings(u: User, day: date | None, limit: int) -> list[Entry]:
    qs = SessionRecord.objects.filter(user_id=u.pk, pain_next_morning__isnull=False)
    return [
        Entry(
            shift_day(r.performed_on, 1),
            "next_morning",
            "Next-morning pain",
            f"{r.pain_next_morning}/10 the morning after the session of {r.performed_on:%a %d %b}",
            None,
            float(r.pain_next_morning or 0),
            _at(r.created_at),
            str(r.id),
        )
        for r in _page(qs, "performed_on", day, limit, shift=1)
    ]


def _checkins(u: User, day: date | None, limit: int) -> list[Entry]:
    return [
        Entry(
            r.performed_on,
            "checkin",
            "Weekly check-in",
            f"pain now {r.pain_now}/10, worst this week {r.pain_worst_week}/10; "
            f"flag level: {r.referral_level}",
            None,
            float(r.pain_now),
            _at(r.created_at),
            str(r.id),
        )
        for r in _page(CheckInRecord.objects.filter(user_id=u.pk), "performed_on", day, limit)
    ]


def _decisions(u: User, day: date | None, limit: int) -> list[Entry]:
    lib = default_library()
    qs = DecisionRecord.objects.filter(user_id=u.pk).select_related("log")
    out = []
    for r in _page(qs, "log__performed_on", day, limit):
        ex = lib.get(r.exercise_id)
        out.append(
            Entry(
                r.log.performed_on,
                "decision",
                f"{r.action.replace('_', ' ')}: {ex.name if ex else r.exercise_id}",
                " ".join(r.reasons) + (" A review is suggested." if r.review_suggested else ""),
                r.side,
                float(r.rung),
                _at(r.created_at),
                str(r.id),
            )
        )
    return out


def _outcomes(u: User, day: date | None, limit: int) -> list[Entry]:
    out = []
    for r in _page(OutcomeRecord.objects.filter(user_id=u.pk), "performed_on", day, limit):
        scales = ", ".join(f"{k} {v:g}" for k, v in sorted(r.scales.items()) if v is not None)
        out.append(
            Entry(
                r.performed_on,
                "outcome",
                f"Score: {r.measure.upper()}",
                (f"score {r.total:g}" if r.total is not None else "not scored")
                + (f"; {scales}" if scales else ""),
                None,
                r.total,
                _at(r.created_at),
                str(r.id),
            )
        )
    return out


def _postures(u: User, day: date | None, limit: int) -> list[Entry]:
    qs = PostureUpload.objects.filter(user_id=u.pk, status="done", result__isnull=False)
    out = []
    for r in _page(qs, "created_at__date", day, limit):
        res: dict[str, Any] = r.result or {}
        hip = (res.get("metrics") or {}).get("hip_tilt_deg") or {}
        value = hip.get("value")
        # Issue 17: a result stored before the mirror check has no "reliable" (it was one view).
        measured = res.get("status") == "ok" and value is not None and hip.get("reliable", True)
        unsure = res.get("status") == "ok" and not measured
        out.append(
            Entry(
                localdate(r.created_at),
                "posture",
                f"Posture {r.kind}",
                (
                    f"hip line {value:+.1f}°, high side {res.get('high_side') or 'none'}"
                    if measured
                    else "hip line: could not measure reliably"
                    if unsure
                    else "could not measure: " + "; ".join(res.get("reasons") or [])
                ),
                res.get("high_side") if measured else None,
                float(value) if measured and value is not None else None,
                _at(r.created_at),
                str(r.id),
            )
        )
    return out


def _plans(u: User, day: date | None, limit: int) -> list[Entry]:
    qs = PlanRecord.objects.filter(user_id=u.pk).select_related("author")
    out = []
    for r in _page(qs, "starts_on", day, limit):
        who = r.author.username if r.author is not None else "a deleted account"
        changes = "; ".join(str(c.get("text") or c.get("what") or "") for c in r.changes or [])
        overrides = len(r.overrides or [])
        out.append(
            Entry(
                r.starts_on,
                "plan",
                f"Plan version {r.version} by the {r.author_role} ({who})",
                (changes or "no changes listed")
                + (f"; {overrides} safety rule(s) overridden with a reason" if overrides else "")
                + ("; plan withheld until a review" if r.withheld else ""),
                None,
                float(r.version),
                _at(r.created_at),
                str(r.id),
            )
        )
    return out


def _assessments(u: User, day: date | None, limit: int) -> list[Entry]:
    qs = AssessmentRecord.objects.filter(user_id=u.pk).select_related("clinician")
    out = []
    for r in _page(qs, "performed_on", day, limit):
        derived = assessment_derive(Assessment.model_validate(r.document))
        shown = "; ".join(f"{d.side + ' ' if d.side else ''}{d.text}" for d in derived)
        who = r.clinician.username if r.clinician is not None else "a deleted account"
        out.append(
            Entry(
                r.performed_on,
                "assessment",
                f"Assessment by {who}",
                shown or "no test results recorded",
                None,
                None,
                _at(r.created_at),
                str(r.id),
            )
        )
    return out


def _adherence(u: User, day: date | None, limit: int, today: date) -> list[Entry]:
    out = []
    for w in progress_summary(u, today).weeks:
        if not (w.planned or w.done):
            continue
        on = min(w.starts_on + timedelta(days=6), today)
        if day is not None and on > day:
            continue
        out.append(
            Entry(
                on,
                "adherence",
                f"Week of {w.starts_on:%d %b}: {sessions_text(w.done)} of {w.planned} sessions",
                "sessions done against the plan"
                + (
                    " (week in progress)"
                    if on == today and w.starts_on + timedelta(6) > today
                    else ""
                ),
                None,
                float(w.done),
                # "~" sorts after any timestamp: the week's summary leads its last day.
                "~",
                w.starts_on.isoformat(),
            )
        )
    return out


Source = Callable[[User, date | None, int], list[Entry]]
SOURCES: dict[str, Source] = {
    "log": _logs,
    "next_morning": _next_mornings,
    "checkin": _checkins,
    "decision": _decisions,
    "outcome": _outcomes,
    "posture": _postures,
    "plan": _plans,
    "assessment": _assessments,
}


def _kinds(kinds: Iterable[str] | None) -> tuple[Kind, ...]:
    wanted = [k for k in (kinds or []) if k]
    unknown = sorted(set(wanted) - set(KINDS))
    if unknown:
        raise InputError(
            "kind", [f"kind: {', '.join(unknown)} unknown; give one of {', '.join(KINDS)}"]
        )
    return tuple(k for k in KINDS if k in wanted) or KINDS


def timeline_for(
    actor: Actor,
    public_id: str,
    today: date,
    *,
    kinds: Iterable[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Timeline:
    """One page of the person's timeline, newest first, and the cursor of the next page."""
    patient = authorize(actor=actor, action=Action.PATIENT_TIMELINE, subject=public_id).subject
    chosen = _kinds(kinds)
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError("limit", [f"limit: give 1-{MAX_LIMIT}"])
    after = _decode(cursor) if cursor else None
    day = date.fromisoformat(after[0]) if after else None
    entries: list[Entry] = []
    for kind in chosen:
        if kind == "adherence":
            entries += _adherence(patient, day, limit, today)
        else:
            entries += SOURCES[kind](patient, day, limit)
    if after is not None:
        entries = [e for e in entries if e.sort_key() < after]
    entries.sort(key=Entry.sort_key, reverse=True)
    page = entries[:limit]
    more = len(entries) > limit
    return Timeline(patient, page, _encode(page[-1].sort_key()) if more else None, chosen)


@dataclass(frozen=True)
class Overview:
    patient: User
    public_id: str
    linked_since: datetime | None  # None when the person looks at their own overview
    plan: PlanRecord | None
    plan_author: str
    last_checkin: CheckInRecord | None
    last_assessment: AssessmentRecord | None


def overview_for(actor: Actor, public_id: str) -> Overview:
    """Who the person is to the clinician: since when linked, the current plan and who made it,
    the last check-in and assessment."""
    patient = authorize(actor=actor, action=Action.PATIENT_OVERVIEW, subject=public_id).subject
    link = (
        CareLink.objects.filter(clinician_id=actor.pk, patient_id=patient.pk, status="active")
        .order_by("-accepted_at")
        .first()
    )
    plan = plan_current(patient)
    author = ""
    if plan is not None:
        name = plan.author.username if plan.author is not None else "a deleted account"
        author = f"the {plan.author_role} ({name})"
    return Overview(
        patient=patient,
        public_id=str(public_id),
        linked_since=link.accepted_at if link is not None else None,
        plan=plan,
        plan_author=author,
        last_checkin=CheckInRecord.objects.filter(user_id=patient.pk)
        .order_by("-performed_on", "-created_at")
        .first(),
        last_assessment=AssessmentRecord.objects.filter(user_id=patient.pk)
        .order_by("-performed_on", "-created_at")
        .first(),
    )
