"""The public JSON API under /api/v1 (issue 5), described at /api/v1/openapi.json.

Callers sign in with `Authorization: Bearer <token>` (tokens are made on the account page) or
with the browser session (CSRF enforced on writes). Either way the request acts as that user and
goes through the same services and `services.access` checks as the pages: another person's
records answer 404 exactly like missing ones; 403 only when the caller's role may not use an
endpoint at all (a person asking for a clinician's patient list).

Plans are versioned. GET answers `ETag: "<version>"`; a write that replaces a plan must send that
value back in `If-Match`. A stale one answers 412 (someone else changed the plan since), and a
missing one 428 when a plan already exists, so the person's re-plan and a clinician's
prescription never silently overwrite each other.
"""

import dataclasses
import re
import uuid
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.params.functions import Header, Query
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BaseModel, ConfigDict, Field

from hipalign.adapters.db.models import ExerciseLogRecord, PlanRecord
from hipalign.core.access import Action
from hipalign.core.attention import Flag
from hipalign.core.errors import InputError
from hipalign.core.intake import Intake
from hipalign.core.messages import MAX_CHARS as MESSAGE_MAX
from hipalign.core.planning.document import PlanDocument
from hipalign.core.planning.prescription import Prescription
from hipalign.core.progression import Decision
from hipalign.services.care import clinic, prescribe
from hipalign.services.followup import outcome_records, progress
from hipalign.services.followup import outcomes as outcome_measures
from hipalign.services.identity import tokens
from hipalign.services.kernel import time_zones
from hipalign.services.kernel.access import (
    Forbidden,
    NotFound,
    authorize,
    needs_second_factor,
    profile_of,
    role_of,
)
from hipalign.services.messages import conversations as talk
from hipalign.services.program import doses, logs, plans, recording
from hipalign.services.program import plan_view as plan_views
from hipalign.services.program.plan_view import PlanView
from hipalign.web import clock, denials, throttle
from hipalign.web.edge import problem_body
from hipalign.web.middleware import MFA_SESSION_KEY

PAGE_DEFAULT = 20


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = tokens.api_token_authenticate(token, timezone.now())
        if user is not None:
            # The session middleware saw no one: a token's "today" is its person's too.
            timezone.activate(ZoneInfo(time_zones.time_zone_of(user)))
        return user


class BrowserSession(APIKeyCookie):
    """The signed-in browser session, CSRF checked on unsafe methods (ninja's cookie auth).

    Unlike ninja's SessionAuth, a request without a session is simply not authenticated (401),
    rather than failing the CSRF check first (403)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        # MfaRequiredMiddleware already stops such a session; checked again so this API never
        # depends on the middleware order.
        if needs_second_factor(user) and not request.session.get(MFA_SESSION_KEY):
            return None
        return user


class _StrictSchemaAPI(NinjaAPI):
    """The OpenAPI document as strict as the server (issue 12, item 17): what the services check
    beyond the pydantic types is written into the schemas, so a client generated from it (or
    schemathesis) sends only what is accepted. The checks themselves stay in the core models."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        _strict(schema["components"]["schemas"])
        return schema


def _strict(schemas: dict[str, Any]) -> None:
    from hipalign.core.library import default_library
    from hipalign.core.screening.catalog import QUESTION_IDS

    exercise_ids = sorted(default_library())  # the ids of the exercise library (DESIGN.md 3)
    for name in ("LogBody", "PrescribedItem"):
        if name in schemas:
            schemas[name]["properties"]["exercise"] = {
                "title": "Exercise",
                "type": "string",
                "enum": exercise_ids,
                "description": "an exercise id of the library (`hipalign library list`)",
            }
    if "PrescribedItem" in schemas:
        schemas["PrescribedItem"]["properties"]["days"]["uniqueItems"] = True
    if "Prescription" in schemas:
        schemas["Prescription"]["properties"]["items"]["description"] = "each exercise at most once"
    if "Intake" in schemas:
        intake = schemas["Intake"]["properties"]
        intake["screening"] = {
            "title": "Screening",
            "type": "object",
            "description": "every safety question answered true or false "
            "(`hipalign screening list`)",
            "properties": {q: {"type": "boolean"} for q in QUESTION_IDS},
            "required": list(QUESTION_IDS),
            "additionalProperties": False,
        }
        for key in ("symptoms", "equipment", "limitations"):
            if key in intake and intake[key].get("type") == "array":
                intake[key]["uniqueItems"] = True


api_v1 = _StrictSchemaAPI(
    title="hipalign API",
    version="1",
    description=(
        "Intake, plans, session logs and progress for a person; linked patients for a "
        "clinician. Send `Authorization: Bearer <token>` (make a token on the account page). "
        'Plans carry `ETag: "<version>"`; send it back as `If-Match` when you replace a plan.'
    ),
    urls_namespace="api_v1",
    auth=[BearerToken(), BrowserSession()],
    docs_url=None,  # the spec is public at /api/v1/openapi.json; no interactive docs page
    openapi_url="/openapi.json",
)


# --- responses ---------------------------------------------------------------------------


class FieldProblem(BaseModel):
    field: str = Field(description="the field at fault ('answers.pain'); empty when none is")
    message: str = Field(description="what is wrong with it and what is allowed")


class ApiError(BaseModel):
    error: str = Field(description="what went wrong, naming the field when one is at fault")
    problems: list[str] = Field(default=[], description="one line per field: 'field: message'")
    fields: list[FieldProblem] = Field(
        default=[], description="the same problems as (field, message), nothing to split"
    )


class StaleError(BaseModel):
    error: str
    current_version: int = Field(description="the plan version now current (its ETag)")


class Me(BaseModel):
    username: str
    role: Literal["person", "clinician", "admin"]
    public_id: uuid.UUID = Field(description="names this person to a linked clinician")


class PlanSummary(BaseModel):
    id: uuid.UUID
    version: int = Field(description="1 for the first plan; the ETag of this plan")
    author_role: str = Field(description="who made this version: person or clinician")
    created_at: datetime
    starts_on: date
    referral_level: str
    withheld: bool = Field(description="true when the safety screen withheld the exercises")
    changes: list[dict[str, Any]] = Field(description="what changed against the plan before")
    overrides: list[dict[str, Any]] = Field(description="safety rules a clinician overrode, why")
    note: str


class PlanOut(PlanSummary):
    document: PlanDocument = Field(description="the plan document hipalign.plan/1")


class Page(BaseModel):
    total: int
    limit: int
    offset: int


class PlanPage(Page):
    items: list[PlanSummary]


class LogCreated(BaseModel):
    log_id: uuid.UUID
    created: bool = Field(description="false when this client_id was stored before (a resend)")
    decision: Decision | None = Field(description="progress, hold or step back, and why")
    # Extension (issue 14.7): the decision in the product's words, as every page says it, so a
    # client shows it without rebuilding dose text ("Step up: next time 3 × 12").
    decision_text: str | None = Field(
        default=None, description="the decision and next dose in words, for people"
    )
    advice: list[str]


class LogOut(BaseModel):
    id: uuid.UUID
    client_id: str
    session_id: uuid.UUID
    performed_on: date
    exercise: str
    side: str | None
    rung: int
    sets_done: int
    reps_done: int
    hold_s_done: int
    pain_during: int | None = Field(description="absent only on a skipped exercise")
    pain_next_morning: int | None
    effort: int | None
    sharp_pain: bool
    new_numbness: bool
    skipped: bool = Field(description="the exercise was skipped: the numbers are what was done")
    counted_by: str = Field(
        default="person", description="'camera' when the camera coach counted the reps or hold"
    )


class LogPage(Page):
    items: list[LogOut]


class WeekOut(BaseModel):
    starts_on: date
    planned: int
    done: float = Field(
        description="planned sessions done, each counted as the share of its exercises "
        "logged that day (skips count nothing); runs on the same day merge into one session"
    )


class PainOut(BaseModel):
    on: date
    value: float
    kind: Literal["during", "next_morning", "check-in"]


class SidePointOut(BaseModel):
    on: date
    reps: int
    hold_s: int
    rung: int


class SideSeriesOut(BaseModel):
    exercise: str
    name: str
    side: str | None
    kind: Literal["hold", "reps"]
    points: list[SidePointOut]


class ProgressOut(BaseModel):
    weeks: list[WeekOut] = Field(description="sessions done against planned, last 8 weeks")
    pain: list[PainOut]
    sides: list[SideSeriesOut]
    sessions_done: float
    habit_weeks: list[WeekOut]
    sessions_planned: int


class PatientOut(BaseModel):
    public_id: uuid.UUID
    username: str
    linked_since: datetime | None
    plan_version: int | None
    plan_author_role: str | None
    last_session_on: date | None
    flags: list[Flag] = Field(description="what needs attention, most pressing first")
    recent_weeks: list[WeekOut] = Field(
        description="sessions planned and done in the 7 days before today and in the 7 before "
        "those (older first), counted as on Progress"
    )


class PatientPage(Page):
    items: list[PatientOut]


class LogBody(recording.LogIn):
    """One exercise log for one side. `client_id` is made by the client: resending it stores
    nothing new. The owner is the caller; owner fields in the body are refused."""

    model_config = ConfigDict(extra="forbid", strict=True, title="LogIn")


def _errors(*codes: int) -> dict[int, type[BaseModel]]:
    return {c: (StaleError if c in (412, 428) else ApiError) for c in codes}


_LIMIT: Any = Query(
    PAGE_DEFAULT, ge=1, le=logs.PAGE_MAX, description=f"items per page, 1-{logs.PAGE_MAX}"
)
_OFFSET: Any = Query(0, ge=0, le=1_000_000, description="items to skip")
_IF_MATCH: Any = Header(
    None,
    alias="If-Match",
    description='the ETag of the plan you are replacing, e.g. "3" (required once a plan exists)',
)
_ETAG = {"ETag": {"description": 'the plan version, quoted: "3"', "schema": {"type": "string"}}}


# --- errors ------------------------------------------------------------------------------


def _answer(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api_v1.create_response(request, body, status=status)


@api_v1.exception_handler(InputError)
def _bad_input(request: HttpRequest, exc: InputError) -> HttpResponse:
    return _answer(request, 422, problem_body(exc.message, exc.problems))


def _loc(parts: list[Any]) -> str:
    # ninja prefixes where the value came from ("body", "query", ...) and the parameter name.
    rest = list(parts[2:]) if parts and parts[0] == "body" else list(parts[1:])
    out = ""
    for p in rest:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or (str(parts[-1]) if parts else "(document)")


@api_v1.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        msg = str(err.get("msg", "not valid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "unknown field; remove it (the owner is always the caller)"
        problems.append(f"{_loc(list(err.get('loc', [])))}: {msg}")
    return _answer(request, 422, problem_body(InputError("request", problems).message, problems))


@api_v1.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _answer(
        request,
        401,
        {"error": "Authorization: send 'Bearer <token>' with a live token, or sign in"},
    )
    response["WWW-Authenticate"] = 'Bearer realm="hipalign"'
    return response


@api_v1.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _answer(request, exc.status_code, {"error": str(exc)})


@api_v1.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    denials.mark(request, exc)
    return _answer(request, 404, {"error": "not found"})


@api_v1.exception_handler(Forbidden)
def _forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    denials.mark(request, exc)
    return _answer(request, 403, {"error": str(exc)})


@api_v1.exception_handler(recording.LogConflict)
def _conflict(request: HttpRequest, exc: recording.LogConflict) -> HttpResponse:
    return _answer(
        request,
        422,
        {"error": "client_id: already used for a different log; make a new id for a new log"},
    )


class _PreconditionRequired(Exception):
    def __init__(self, current: int) -> None:
        self.current = current


@api_v1.exception_handler(_PreconditionRequired)
def _precondition_required(request: HttpRequest, exc: _PreconditionRequired) -> HttpResponse:
    return _answer(
        request,
        428,
        {
            "error": f'If-Match: required; send the ETag of the plan you changed (now "{exc.current}")',
            "current_version": exc.current,
        },
    )


@api_v1.exception_handler(plans.StalePlan)
def _stale(request: HttpRequest, exc: plans.StalePlan) -> HttpResponse:
    now = 0 if exc.current is None else exc.current.version
    response = _answer(request, 412, {"error": str(exc), "current_version": now})
    response["ETag"] = f'"{now}"'
    return response


# --- helpers -----------------------------------------------------------------------------


_ETAG_VALUE = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def _expected_version(if_match: str | None) -> int | None:
    """The plan version named by If-Match; -1 (matches no version) when it names none."""
    if if_match is None:
        return None
    m = _ETAG_VALUE.match(if_match)
    return int(m.group(1)) if m else -1


def _plan_out(view: PlanView, response: HttpResponse) -> PlanOut:
    response["ETag"] = f'"{view.rec.version}"'
    return PlanOut(**_summary(view.rec).model_dump(), document=view.doc)


def _stored_plan_out(owner: User, rec: PlanRecord, response: HttpResponse) -> PlanOut:
    """A plan version just stored, which is the owner's current plan."""
    return _plan_out(plan_views.plan_view_of(owner, rec, current=rec), response)


def _summary(rec: PlanRecord) -> PlanSummary:
    return PlanSummary(
        id=rec.id,
        version=rec.version,
        author_role=rec.author_role,
        created_at=rec.created_at,
        starts_on=rec.starts_on,
        referral_level=rec.referral_level,
        withheld=rec.withheld,
        changes=list(rec.changes or []),
        overrides=list(rec.overrides or []),
        note=rec.note,
    )


def _current_plan(user: User, response: HttpResponse) -> PlanOut:
    view = plan_views.plan_view(user)
    if view is None:
        raise NotFound("plan")
    return _plan_out(view, response)


def _log_out(rec: ExerciseLogRecord) -> LogOut:
    return LogOut(
        id=rec.id,
        client_id=rec.client_id,
        session_id=rec.session_id,
        performed_on=rec.performed_on,
        exercise=rec.exercise_id,
        side=rec.side,
        rung=rec.rung,
        sets_done=rec.sets_done,
        reps_done=rec.reps_done,
        hold_s_done=rec.hold_s_done,
        pain_during=rec.pain_during,
        pain_next_morning=rec.session.pain_next_morning,
        effort=rec.effort,
        sharp_pain=rec.sharp_pain,
        new_numbness=rec.new_numbness,
        skipped=rec.skipped,
        counted_by=rec.counted_by,
    )


def _logs(user: User, limit: int, offset: int) -> LogPage:
    page = logs.logs_page(user, limit=limit, offset=offset)
    return LogPage(
        total=page.total, limit=limit, offset=offset, items=[_log_out(r) for r in page.items]
    )


def _progress(user: User) -> ProgressOut:
    return ProgressOut.model_validate(
        dataclasses.asdict(progress.progress_summary(user, clock.today()))
    )


def _caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


# --- the caller's own data ---------------------------------------------------------------


@api_v1.get("/me", response={200: Me, **_errors(401)}, tags=["account"])
def me(request: HttpRequest) -> Me:
    """Who the token or session acts for."""
    user = _caller(request)
    return Me(
        username=user.get_username(),
        role=role_of(user) or "person",
        public_id=profile_of(user).public_id,
    )


@api_v1.post(
    "/intake",
    response={201: PlanOut, **_errors(400, 401, 403, 412, 422, 428)},
    by_alias=True,
    tags=["plan"],
    openapi_extra={"responses": {201: {"headers": _ETAG}}},
)
def intake_create(
    request: HttpRequest,
    response: HttpResponse,
    intake: Intake,
    if_match: str | None = _IF_MATCH,
) -> Status[PlanOut]:
    """Answer the intake again (a `hipalign.intake/1` document) and get the new plan.

    Once you have a plan, send its ETag as If-Match: a plan changed since (by your clinician,
    say) answers 412 and stores nothing; no If-Match answers 428."""
    expected = _expected_version(if_match)
    try:
        rec = plans.intake_submit(
            _caller(request),
            intake.model_dump(mode="json", by_alias=True, exclude_none=True),
            clock.today(),
            expected_version=0 if expected is None else expected,
        )
    except plans.StalePlan as exc:
        if expected is None:
            raise _PreconditionRequired(0 if exc.current is None else exc.current.version) from None
        raise
    return Status(201, _stored_plan_out(_caller(request), rec, response))


@api_v1.get(
    "/plan",
    response={200: PlanOut, **_errors(401, 404)},
    by_alias=True,
    tags=["plan"],
    openapi_extra={"responses": {200: {"headers": _ETAG}}},
)
def plan_get(request: HttpRequest, response: HttpResponse) -> PlanOut:
    """Your current plan, with its version, who made it and what changed."""
    return _current_plan(_caller(request), response)


@api_v1.get("/plans", response={200: PlanPage, **_errors(401, 422)}, tags=["plan"])
def plans_list(request: HttpRequest, limit: int = _LIMIT, offset: int = _OFFSET) -> PlanPage:
    """Your plans, newest first (without their documents)."""
    history = plans.plan_history(_caller(request))
    return PlanPage(
        total=len(history),
        limit=limit,
        offset=offset,
        items=[_summary(r) for r in history[offset : offset + limit]],
    )


@api_v1.post(
    "/logs",
    response={200: LogCreated, 201: LogCreated, **_errors(400, 401, 403, 404, 422)},
    tags=["logs"],
)
def logs_create(request: HttpRequest, log: LogBody) -> Status[LogCreated]:
    """Store one exercise log for one side. 201 when stored; resending the same `client_id`
    with the same body answers 200 with the stored result; with another body, 422."""
    return log_write(_caller(request), log.model_dump(mode="json"))


def log_write(user: User, payload: dict[str, Any]) -> Status[LogCreated]:
    """The one log write behind POST /api/v1/logs and its alias POST /api/logs (web/api.py, the
    player's session-auth route): 201 when stored, 200 for a resend of the same client_id."""
    result = recording.log_record(user, payload, today=clock.today())
    d = result.decision
    body = LogCreated(
        log_id=uuid.UUID(result.log_id),
        created=result.created,
        decision=d,
        decision_text=None if d is None else doses.decision_text(d),
        advice=result.stop_advice,
    )
    return Status(201 if result.created else 200, body)


@api_v1.get("/logs", response={200: LogPage, **_errors(401, 422)}, tags=["logs"])
def logs_list(request: HttpRequest, limit: int = _LIMIT, offset: int = _OFFSET) -> LogPage:
    """Your exercise logs, newest first."""
    return _logs(_caller(request), limit, offset)


@api_v1.get("/progress", response={200: ProgressOut, **_errors(401)}, tags=["progress"])
def progress_get(request: HttpRequest) -> ProgressOut:
    """Adherence, pain and per-side progress, as the progress page shows them."""
    return _progress(_caller(request))


# --- a clinician's patients ----------------------------------------------------------------


@api_v1.get("/patients", response={200: PatientPage, **_errors(401, 403, 422)}, tags=["clinic"])
def patients_list(request: HttpRequest, limit: int = _LIMIT, offset: int = _OFFSET) -> PatientPage:
    """The clinician's linked patients, what needs attention first (403 for anyone else)."""
    rows = clinic.patients_attention(_caller(request), clock.today())
    return PatientPage(
        total=len(rows),
        limit=limit,
        offset=offset,
        items=[
            PatientOut.model_validate(dataclasses.asdict(r)) for r in rows[offset : offset + limit]
        ],
    )


@api_v1.get(
    "/patients/{public_id}/plan",
    response={200: PlanOut, **_errors(401, 404, 422)},
    by_alias=True,
    tags=["clinic"],
    openapi_extra={"responses": {200: {"headers": _ETAG}}},
)
def patient_plan_get(request: HttpRequest, response: HttpResponse, public_id: uuid.UUID) -> PlanOut:
    """A linked patient's current plan (404 unless an active link joins you)."""
    patient = authorize(
        actor=_caller(request), action=Action.PATIENT_PLAN_API, subject=public_id
    ).subject
    return _current_plan(patient, response)


@api_v1.put(
    "/patients/{public_id}/plan",
    response={200: PlanOut, **_errors(400, 401, 403, 404, 412, 422, 428)},
    by_alias=True,
    tags=["clinic"],
    openapi_extra={"responses": {200: {"headers": _ETAG}}},
)
def patient_plan_put(
    request: HttpRequest,
    response: HttpResponse,
    public_id: uuid.UUID,
    prescription: Prescription,
    if_match: str | None = _IF_MATCH,
) -> PlanOut:
    """Prescribe a linked patient's plan: exercises, doses, sides and days. If-Match is required
    (428 without it); 412 when the plan changed since the version you edited. A contraindicated
    exercise needs `override_reason`, which is kept with the plan."""
    expected = _expected_version(if_match)
    try:
        # Without If-Match, -1 matches no version: the service runs every check (role, link,
        # prescription) and refuses with StalePlan, answered as 428 with the current version.
        rec = prescribe.plan_prescribe(
            _caller(request),
            str(public_id),
            prescription.model_dump(mode="json"),
            -1 if expected is None else expected,
        )
    except plans.StalePlan as exc:
        if expected is None:
            raise _PreconditionRequired(0 if exc.current is None else exc.current.version) from None
        raise
    return _stored_plan_out(rec.user, rec, response)


@api_v1.get(
    "/patients/{public_id}/progress",
    response={200: ProgressOut, **_errors(401, 404, 422)},
    tags=["clinic"],
)
def patient_progress_get(request: HttpRequest, public_id: uuid.UUID) -> ProgressOut:
    """A linked patient's adherence, pain and per-side progress."""
    grant = authorize(actor=_caller(request), action=Action.PATIENT_PROGRESS_API, subject=public_id)
    return _progress(grant.subject)


@api_v1.get(
    "/patients/{public_id}/logs",
    response={200: LogPage, **_errors(401, 404, 422)},
    tags=["clinic"],
)
def patient_logs_list(
    request: HttpRequest, public_id: uuid.UUID, limit: int = _LIMIT, offset: int = _OFFSET
) -> LogPage:
    """A linked patient's exercise logs, newest first."""
    grant = authorize(actor=_caller(request), action=Action.PATIENT_LOGS_API, subject=public_id)
    return _logs(grant.subject, limit, offset)


# --- messages (issue 18) -----------------------------------------------------------------


class AboutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["exercise", "log", "outcome"]
    ref: str = Field(
        min_length=1,
        max_length=64,
        description="an exercise id, or the id of one of the person's logs or scores",
    )


class MessageBody(BaseModel):
    """One message. `client_id` is made by the client: resending it stores nothing new."""

    model_config = ConfigDict(extra="forbid")

    client_id: str = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="made per message"
    )
    body: str = Field(
        min_length=1, max_length=MESSAGE_MAX, description="plain text; links are not rendered"
    )
    about: AboutIn | None = Field(default=None, description="what the message is about")


class AboutOut(BaseModel):
    kind: Literal["exercise", "log", "outcome"]
    ref: str
    label: str = Field(description='in words: "Clamshell, Thu 3 Dec 2026"')
    href: str | None = Field(description="the page about it for the caller; null once deleted")


class MessageOut(BaseModel):
    id: uuid.UUID
    client_id: str
    from_me: bool
    author: str
    body: str
    created_at: datetime
    read_at: datetime | None = Field(description="when the other side read it")
    needs_reply: bool = Field(description="the clinician marked it as waiting for an answer")
    about: AboutOut | None


class MessageSent(BaseModel):
    created: bool = Field(description="false when this client_id was stored before (a resend)")
    message: MessageOut


class ConversationOut(BaseModel):
    link_id: uuid.UUID = Field(description="the care link the conversation belongs to")
    with_name: str
    open: bool = Field(description="false once the care link ended: readable, closed to new")
    unread: int
    messages: int
    last_at: datetime | None


class ConversationDetail(BaseModel):
    link_id: uuid.UUID
    with_name: str
    open: bool
    messages: list[MessageOut]


def _message_out(m: Any) -> MessageOut:
    return MessageOut.model_validate(dataclasses.asdict(m))


@api_v1.exception_handler(talk.MessageConflict)
def _message_conflict(request: HttpRequest, exc: talk.MessageConflict) -> HttpResponse:
    return _answer(
        request,
        422,
        {
            "error": "client_id: already used for a different message; make a new id for a "
            "new message"
        },
    )


class _TooManyMessages(Exception):
    def __init__(self, refusal: throttle.Refusal) -> None:
        self.refusal = refusal


@api_v1.exception_handler(_TooManyMessages)
def _too_many_messages(request: HttpRequest, exc: _TooManyMessages) -> HttpResponse:
    r = exc.refusal
    response = _answer(request, 429, {"error": r.message, "retry_after": r.retry_after})
    response["Retry-After"] = str(r.retry_after)
    return response


@api_v1.get(
    "/conversations", response={200: list[ConversationOut], **_errors(401)}, tags=["messages"]
)
def conversations_list(request: HttpRequest) -> list[ConversationOut]:
    """Your conversations: a person's with each clinician (ended links stay readable), a
    clinician's with each linked person."""
    return [
        ConversationOut.model_validate(dataclasses.asdict(c))
        for c in talk.conversations_list(actor=_caller(request))
    ]


@api_v1.get(
    "/conversations/{link_id}/messages",
    response={200: ConversationDetail, **_errors(401, 404, 422)},
    tags=["messages"],
)
def conversation_get(request: HttpRequest, link_id: uuid.UUID) -> ConversationDetail:
    """One conversation, oldest first; what the other side wrote is marked read. 404 unless it
    is yours (a clinician's only while the care link is active)."""
    conv = talk.conversation_read(actor=_caller(request), link_id=str(link_id), now=timezone.now())
    return ConversationDetail(
        link_id=uuid.UUID(conv.link_id),
        with_name=conv.with_name,
        open=conv.open,
        messages=[_message_out(m) for m in conv.messages],
    )


@api_v1.post(
    "/conversations/{link_id}/messages",
    response={200: MessageSent, 201: MessageSent, **_errors(400, 401, 403, 404, 422, 429)},
    tags=["messages"],
)
def message_create(
    request: HttpRequest, link_id: uuid.UUID, message: MessageBody
) -> Status[MessageSent]:
    """Send a message. 201 when stored; resending the same `client_id` with the same text
    answers 200 with the stored message; with other text, 422. 429 past the per-sender limit
    (pages and API together), with Retry-After."""
    user = _caller(request)
    talk.conversation_check(actor=user, link_id=str(link_id))
    refused = throttle.messages_refused(request, sender_id=int(user.pk))
    if refused is not None:
        raise _TooManyMessages(refused)
    about = f"{message.about.kind}:{message.about.ref}" if message.about else ""
    sent = talk.message_send(
        actor=user,
        link_id=str(link_id),
        client_id=message.client_id,
        body=message.body,
        about=about,
        now=timezone.now(),
    )
    return Status(
        201 if sent.created else 200,
        MessageSent(created=sent.created, message=_message_out(sent.view)),
    )


# --- outcome measures (issue 15: measures end to end as data) ------------------------------


class MeasureItemOut(BaseModel):
    id: str = Field(description="the key of its answer in POST /outcomes")
    text: str = Field(description="the question, in the install's words")


class MeasureOut(BaseModel):
    id: str
    name: str
    what: str = Field(description="what it asks and how it is scored, in plain words")
    recall: str = Field(description='the period the answers are about: "the last 24 hours"')
    answer: Literal["whole", "number"] = Field(description="what one answer takes")
    low: int = Field(description="the lowest answer allowed")
    high: int = Field(description="the highest answer allowed")
    items: list[MeasureItemOut] = Field(
        description="the fixed items; empty when the person names their own (own_items)"
    )
    own_items: tuple[int, int] | None = Field(
        description="fewest and most activities a person names and rates (PSFS), else null"
    )
    higher_is_better: bool
    mcid: float | None = Field(description="the smallest change that matters; null: none known")
    mcid_fraction: float | None = Field(description="the change must also reach this share")
    mcid_source: str
    due_weeks: list[int] = Field(description="the weeks of an episode of care it is asked in")
    source: str


class OutcomeBody(BaseModel):
    """One filled questionnaire. `client_id` is made by the client: resending it stores nothing
    new."""

    model_config = ConfigDict(extra="forbid")

    client_id: str = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="made per score"
    )
    measure: str = Field(min_length=1, max_length=16, description="an id from GET /measures")
    answers: dict[str, Any] = Field(
        description="item id -> answer (PSFS: activity -> rating); null or left out: unanswered"
    )


class OutcomeCreated(BaseModel):
    id: uuid.UUID
    client_id: str
    created: bool = Field(description="false when this client_id was stored before (a resend)")
    measure: str
    performed_on: date
    total: float | None = Field(description="null for measures scored per part (HOOS)")
    scales: dict[str, float]
    answers: dict[str, float]


def _measure_out(m: Any) -> MeasureOut:
    ids = m.item_ids() if m.own_items is None else []
    texts = {i.id: i.text for i in m.item}
    return MeasureOut(
        id=m.id,
        name=m.name,
        what=m.what,
        recall=m.recall,
        answer=m.answer,
        low=m.scale[0],
        high=m.scale[1],
        items=[MeasureItemOut(id=i, text=texts[i]) for i in ids],
        own_items=m.own_items,
        higher_is_better=m.higher_is_better,
        mcid=m.mcid,
        mcid_fraction=m.mcid_fraction,
        mcid_source=m.mcid_source,
        due_weeks=list(m.due_weeks),
        source=m.source,
    )


@api_v1.get("/measures", response={200: list[MeasureOut], **_errors(401)}, tags=["outcomes"])
def measures_list(request: HttpRequest) -> list[MeasureOut]:
    """The outcome measures a person can fill in on this install (their wording is shipped or
    installed), with their items, answer type and range, recall period and MCID."""
    _caller(request)
    return [_measure_out(m) for m in outcome_measures.measures_fillable()]


@api_v1.post(
    "/outcomes",
    response={200: OutcomeCreated, 201: OutcomeCreated, **_errors(400, 401, 403, 422)},
    tags=["outcomes"],
)
def outcome_create(request: HttpRequest, outcome: OutcomeBody) -> Status[OutcomeCreated]:
    """Score and store one questionnaire in your current episode of care. 201 when stored;
    resending the same `client_id` with the same answers answers 200 with the stored score;
    with other answers, 422. Bad answers answer 422 naming each field (`answers.pain`) and
    store nothing."""
    written = outcome_records.outcome_write(
        user=_caller(request),
        measure_id=outcome.measure,
        answers=outcome.answers,
        client_id=outcome.client_id,
        today=clock.today(),
    )
    body = OutcomeCreated.model_validate({**dataclasses.asdict(written), "id": written.id})
    return Status(201 if written.created else 200, body)
