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
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext, pgettext_lazy
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
from hipalign.core.words import short_day_words, weekday_words
from hipalign.services.followup.progress import progress_summary
from hipalign.services.kernel.access import Actor, authorize
from hipalign.services.kernel.languages import language_active
from hipalign.services.program import plan_words
from hipalign.services.program.logs import log_words
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


# The entries' words are composed here, in the language of the request that reads the timeline
# (issue 20); outside a request that is English, the words the page showed before. The FHIR
# export keeps its own English note (program.logs.log_detail).
ACTION_WORDS: dict[str, str | Promise] = {
    "progress": pgettext_lazy("progression decision", "progress"),
    "hold": pgettext_lazy("progression decision", "hold"),
    "regress": pgettext_lazy("progression decision", "regress"),
    "stop_and_review": pgettext_lazy("progression decision", "stop and review"),
}
ROLE_WORDS: dict[str, str | Promise] = {
    "clinician": pgettext_lazy("plan author", "clinician"),
    "person": pgettext_lazy("plan author", "person"),
}
POSTURE_VIEWS: dict[str, str | Promise] = {
    "photo": pgettext_lazy("posture upload", "photo"),
    "clip": pgettext_lazy("posture upload", "clip"),
}
# A check-in's referral level in words ("see doctor", as the entry read before).
LEVEL_WORDS: dict[str, str | Promise] = {
    "emergency": pgettext_lazy("referral level", "emergency"),
    "urgent": pgettext_lazy("referral level", "urgent"),
    "see_doctor": pgettext_lazy("referral level", "see doctor"),
    "see_physio": pgettext_lazy("referral level", "see physio"),
    "none": pgettext_lazy("referral level", "none"),
}


def _level(level: str) -> str:
    return str(LEVEL_WORDS.get(level) or level.replace("_", " "))


HIGH_SIDE_WORDS: dict[str, str | Promise] = {
    "left": pgettext_lazy("high side", "left"),
    "right": pgettext_lazy("high side", "right"),
}


def _name(lib: Any, exercise_id: str) -> str:
    ex = lib.get(exercise_id)
    return str(ex.name) if ex else exercise_id


def _deleted() -> str:
    return gettext("a deleted account")


def _logs(u: User, day: date | None, limit: int) -> list[Entry]:
    lib = default_library(language_active())
    kinds = default_library()
    out = []
    for r in _page(ExerciseLogRecord.objects.filter(user_id=u.pk), "performed_on", day, limit):
        source = kinds.get(r.exercise_id)
        flags = [
            w
            for w, on in (
                (gettext("sharp pain"), r.sharp_pain),
                (gettext("new numbness"), r.new_numbness),
            )
            if on
        ]
        out.append(
            Entry(
                r.performed_on,
                "log",
                _name(lib, r.exercise_id),
                log_words(r, source.dose.kind if source else "reps")
                + (f"; {', '.join(flags)}" if flags else ""),
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
            gettext("Next-morning pain"),
            gettext("%(pain)s/10 the morning after the session of %(day)s")
            % {
                "pain": r.pain_next_morning,
                "day": weekday_words(r.performed_on, language=language_active()),
            },
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
            gettext("Weekly check-in"),
            gettext("pain now %(now)s/10, worst this week %(worst)s/10; flag level: %(level)s")
            % {"now": r.pain_now, "worst": r.pain_worst_week, "level": _level(r.referral_level)},
            None,
            float(r.pain_now),
            _at(r.created_at),
            str(r.id),
        )
        for r in _page(CheckInRecord.objects.filter(user_id=u.pk), "performed_on", day, limit)
    ]


def _decisions(u: User, day: date | None, limit: int) -> list[Entry]:
    lib = default_library(language_active())
    qs = DecisionRecord.objects.filter(user_id=u.pk).select_related("log")
    out = []
    for r in _page(qs, "log__performed_on", day, limit):
        action = ACTION_WORDS.get(r.action) or r.action.replace("_", " ")
        out.append(
            Entry(
                r.log.performed_on,
                "decision",
                f"{action}: {_name(lib, r.exercise_id)}",
                # The reasons were stored in English when the decision was made: worded again
                # in the reader's language (program/plan_words).
                " ".join(plan_words.text_words(reason) for reason in r.reasons)
                + (" " + gettext("A review is suggested.") if r.review_suggested else ""),
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
                gettext("Score: %(measure)s") % {"measure": r.measure.upper()},
                (
                    gettext("score %(total)s") % {"total": f"{r.total:g}"}
                    if r.total is not None
                    else gettext("not scored")
                )
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
                gettext("Posture %(view)s") % {"view": POSTURE_VIEWS.get(r.kind) or r.kind},
                (
                    gettext("hip line %(angle)s°, high side %(side)s")
                    % {
                        "angle": f"{value:+.1f}",
                        "side": HIGH_SIDE_WORDS.get(res.get("high_side") or "")
                        or pgettext("high side", "none"),
                    }
                    if measured
                    else gettext("hip line: could not measure reliably")
                    if unsure
                    # The reasons were stored in English with the result.
                    else gettext("could not measure: %(reasons)s")
                    % {"reasons": "; ".join(res.get("reasons") or [])}
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
        who = r.author.username if r.author is not None else _deleted()
        changes = "; ".join(str(c.get("text") or c.get("what") or "") for c in r.changes or [])
        overrides = len(r.overrides or [])
        out.append(
            Entry(
                r.starts_on,
                "plan",
                gettext("Plan version %(version)s by the %(role)s (%(who)s)")
                % {
                    "version": r.version,
                    "role": ROLE_WORDS.get(r.author_role) or r.author_role,
                    "who": who,
                },
                (changes or gettext("no changes listed"))
                + (
                    ngettext(
                        "; %(n)s safety rule overridden with a reason",
                        "; %(n)s safety rules overridden with a reason",
                        overrides,
                    )
                    % {"n": overrides}
                    if overrides
                    else ""
                )
                + (gettext("; plan withheld until a review") if r.withheld else ""),
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
        who = r.clinician.username if r.clinician is not None else _deleted()
        out.append(
            Entry(
                r.performed_on,
                "assessment",
                gettext("Assessment by %(who)s") % {"who": who},
                # The tests' findings are the core's English sentences (still to translate).
                shown or gettext("no test results recorded"),
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
                ngettext(
                    "Week of %(day)s: %(done)s of %(planned)s session",
                    "Week of %(day)s: %(done)s of %(planned)s sessions",
                    w.planned,
                )
                % {
                    "day": short_day_words(w.starts_on, language=language_active()),
                    "done": sessions_text(w.done),
                    "planned": w.planned,
                },
                gettext("sessions done against the plan")
                + (
                    " " + gettext("(week in progress)")
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
        name = plan.author.username if plan.author is not None else _deleted()
        role = ROLE_WORDS.get(plan.author_role) or plan.author_role
        # Spanish carries the article in the role's words ("el profesional").
        author = gettext("the %(role)s (%(who)s)") % {"role": role, "who": name}
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
