"""The authorization matrix as data (RELIABILITY.md 1, A1/A2/A4): every route of the URL resolver
and every /api/v1 operation of the OpenAPI document, by method, with the status each of six
actors must get when the path names the owner's objects. tests/web/test_permission_matrix.py
makes one test per cell and fails when a route has no entry here.

Actors: `anonymous`; `owner`, the person whose canary-seeded data every path names; `other`, a
person with data of their own; `linked`, a clinician with an active care link to the owner;
`unlinked`, a clinician linked to `other` only; `admin`, who runs the install.

Path parameters ({plan_id}, {public_id}, ...) are filled with the owner's objects (World.params).
A wrong owner gets 404, exactly like a missing record (RELIABILITY.md 5); 403 only where the
caller's role may not use an API endpoint at all; anonymous gets the log-in page (pages) or 401
(API)."""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.access import Action, Decision, Relation, Role, decide
from hipalign.core.planning.prescription import prescription_from
from hipalign.services.program import plans
from tests.core.conftest import intake_doc
from tests.services.factories import log_payload

ANON, OWNER, OTHER, LINKED, UNLINKED, ADMIN = (
    "anonymous",
    "owner",
    "other",
    "linked",
    "unlinked",
    "admin",
)
ACTORS = (ANON, OWNER, OTHER, LINKED, UNLINKED, ADMIN)

# Canary kinds (World.canaries): health content, record ids, the account's name and public id,
# and the id of the owner's care link (known to both of its sides).
TEXT, IDS, ACCOUNT, LINK = "text", "ids", "account", "link"
ALL_KINDS = frozenset({TEXT, IDS, ACCOUNT, LINK})


@dataclass(frozen=True)
class To:
    """A redirect (302) whose Location starts with `prefix`."""

    prefix: str
    # Any Location starting with `prefix` (a path that ends in an id the matrix cannot spell,
    # such as the conversation a sent message returns to).
    starts: bool = False

    def __str__(self) -> str:
        return f"302->{self.prefix}{'*' if self.starts else ''}"


LOGIN = To("/login?next=/")
Status = int | To

# Routes that are about no one's data, with the reason. Everything else needs entries.
EXEMPT: dict[str, str] = {
    "/healthz": "database liveness for monitors; answers the same to everyone, no data",
    "/readyz": "readiness for load balancers (a rolled-back write, free space); the same to "
    "everyone, no data",
    "/setup": "first-run account creation; redirects away once any account exists",
    "/signup": "creates a new, empty account; reads no one's data",
    "/login": "authentication form; the lockout tests cover it (test_accounts)",
    "/logout": "ends the caller's own session only",
    "/sw.js": "the service worker script, the same static text for everyone",
    "/manifest.webmanifest": "the web app manifest, the same static document for everyone",
    "/api/v1/openapi.json": "the public API description (issue 5: published at a stable URL)",
    "/reset/": "an admin's one-time password-reset link: the random secret in the path is the "
    "credential (tests/web/test_password_reset.py); a wrong one changes nothing and shows no account",
    "/forgot-password": "public: asks for a reset email and answers the same whether or not an "
    "account has the address (tests/web/test_reach_email.py)",
    "/email/verify/": "the link of an address-verification email: the random secret in the path "
    "is the credential, used once (tests/web/test_reach_email.py)",
    "/unsubscribe/": "an email's one-click unsubscribe link: the signed token in the path is the "
    "credential and can only turn one email list off (tests/web/test_reach_pages.py)",
}
# Static files are served by the static handler (not the URL resolver) and are public.


@dataclass
class World:
    """The owner's seeded objects, and what each actor owns (filled by the test fixture)."""

    params: dict[str, str]
    plan: PlanRecord  # the owner's current plan (prescribed by the linked clinician)
    plans: dict[str, PlanRecord]  # actor -> that actor's current plan (people only)
    session_id: str
    link_id: str
    canaries: dict[str, list[str]]  # kind -> strings only the owner (and linked) may see

    @property
    def version(self) -> int:
        return self.plan.version


Body = Callable[[World, str], dict[str, Any]]
Headers = Callable[[World], dict[str, str]]


@dataclass(frozen=True)
class Entry:
    method: str
    path: str  # as the resolver/OpenAPI name it: "/plans/{plan_id}"
    expect: Mapping[str, Status]
    case: str = ""  # tells several bodies for one route and method apart
    form: Body | None = None
    json: Body | None = None
    headers: Headers | None = None
    # Who may change the owner's data through this request (besides the owner). Everyone else
    # leaves the owner's rows, links, tokens and profile exactly as they were.
    allowed: frozenset[str] = frozenset()
    # Canary kinds an actor other than the owner may see in the answer (default: none).
    sees: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Path parameters filled from another World.params key than their own name.
    use: Mapping[str, str] = field(default_factory=dict)

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def v1(self) -> bool:
        return self.path.startswith("/api/v1/")

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.case}]" if self.case else "")


def _expect(
    anonymous: Status,
    owner: Status,
    other: Status,
    linked: Status,
    unlinked: Status,
    admin: Status,
) -> dict[str, Status]:
    return {
        ANON: anonymous,
        OWNER: owner,
        OTHER: other,
        LINKED: linked,
        UNLINKED: unlinked,
        ADMIN: admin,
    }


def own_page(
    owner: Status = 200,
    *,
    other: Status | None = None,
    clinicians: Status = 200,
    admin: Status | None = None,
) -> dict[str, Status]:
    """A page about the caller's own data: each actor gets their own (never the owner's)."""
    return _expect(
        LOGIN,
        owner,
        owner if other is None else other,
        clinicians,
        clinicians,
        clinicians if admin is None else admin,
    )


def owners_object(owner: Status, *, anonymous: Status = LOGIN) -> dict[str, Status]:
    """A path naming one of the owner's records: everyone else gets 404."""
    return _expect(anonymous, owner, 404, 404, 404, 404)


def patient_page(linked: Status, *, owner: Status = 404) -> dict[str, Status]:
    """/clinic/patients/{public_id}/...: the linked clinician only."""
    return _expect(LOGIN, owner, 404, linked, 404, 404)


def clinician_page(status: Status) -> dict[str, Status]:
    return _expect(LOGIN, 404, 404, status, status, 404)


def staff_page(status: Status) -> dict[str, Status]:
    return _expect(LOGIN, 404, 404, status, status, status)


def admin_page(status: Status) -> dict[str, Status]:
    return _expect(LOGIN, 404, 404, 404, 404, status)


def api(
    owner: int,
    *,
    other: int | None = None,
    linked: int | None = None,
    unlinked: int | None = None,
    admin: int | None = None,
) -> dict[str, Status]:
    """An API operation: anonymous 401; unnamed actors answer like the owner."""
    return _expect(
        401,
        owner,
        owner if other is None else other,
        owner if linked is None else linked,
        owner if unlinked is None else unlinked,
        owner if admin is None else admin,
    )


# --- bodies ----------------------------------------------------------------------------------


def _mine_or_owners(w: World, actor: str) -> PlanRecord:
    return w.plans.get(actor, w.plan)


def log_to_owners_plan(w: World, actor: str) -> dict[str, Any]:
    return log_payload(w.plan)


def outcome_score(w: World, actor: str) -> dict[str, Any]:
    return {"client_id": f"matrix-{actor}-nprs", "measure": "nprs", "answers": {"pain": 3}}


def posture_numbers(w: World, actor: str) -> dict[str, Any]:
    one = {
        "hip_tilt_deg": 1.0,
        "shoulder_tilt_deg": 2.0,
        "trunk_lean_deg": 0.5,
        "lateral_shift_pct": -0.9,
        "ankle_tilt_deg": 0.0,
        "trunk_length_px": 200.0,
        "hip_width_px": 80.0,
        "shoulder_width_px": 150.0,
    }
    return {"client_id": str(uuid.uuid4()), "photo": one, "mirrored": one}


def log_to_owners_session(w: World, actor: str) -> dict[str, Any]:
    """The actor's own plan (when they have one) with the owner's session id."""
    return log_payload(_mine_or_owners(w, actor), session_id=w.session_id)


def prescription(w: World, actor: str) -> dict[str, Any]:
    rx = prescription_from(plans.plan_document(w.plan))
    assert rx is not None
    body = rx.model_dump(mode="json")
    body["items"][0]["sets"] = 3
    body["note"] = "matrix edit"
    return body


def if_match(w: World) -> dict[str, str]:
    return {"If-Match": f'"{w.version}"'}


def intake(w: World, actor: str) -> dict[str, Any]:
    return intake_doc()


def no_answers(w: World, actor: str) -> dict[str, Any]:
    from hipalign.core.screening.catalog import QUESTION_IDS

    return {**{f"q_{q}": "no" for q in QUESTION_IDS}, "pain_now": "1", "pain_worst_week": "2"}


def psfs(w: World, actor: str) -> dict[str, Any]:
    return {
        "activity_0": "matrix stairs",
        "rating_0": "5",
        "activity_1": "matrix walking",
        "rating_1": "6",
        "activity_2": "matrix lifting",
        "rating_2": "7",
    }


def end_owners_link(w: World, actor: str) -> dict[str, Any]:
    return {"action": "end", "link_id": w.link_id}


def habit_on_owners_plan(w: World, actor: str) -> dict[str, Any]:
    return {"plan_id": str(w.plan.id), "item_id": "matrix-item", "slot": ""}


def editor_form_with_a_bad_number(w: World, actor: str) -> dict[str, Any]:
    """A prescription form the linked clinician gets back with a named problem (422)."""
    return {
        "version": str(w.version),
        "rows": "1",
        "item-0-exercise": "glute_bridge",
        "item-0-sets": "three",
        "item-0-reps": "8",
        "note": "matrix",
    }


def assessment_without_a_date(w: World, actor: str) -> dict[str, Any]:
    return {"performed_on": "", "plan_version": str(w.version), "notes": "matrix"}


def message_form(w: World, actor: str) -> dict[str, Any]:
    return {"body": "matrix message", "client_id": "matrix-msg-01"}


def message_json(w: World, actor: str) -> dict[str, Any]:
    return {"client_id": "matrix-msg-02", "body": "matrix message"}


def reply_needed_on_owners_message(w: World, actor: str) -> dict[str, Any]:
    return {"message_id": w.params["message_id"], "needed": "yes"}


def form(**values: str) -> Body:
    return lambda w, actor: dict(values)


# --- the matrix ------------------------------------------------------------------------------

_PATIENT_SEES = {LINKED: ALL_KINDS}
_ADMIN_SEES = {ADMIN: frozenset({IDS, ACCOUNT, LINK})}  # accounts, audit targets; no content

OLDER = "an older version"

_HOME = _expect(
    To("/login"),
    To("/today"),
    To("/today"),
    To("/clinic/patients"),
    To("/clinic/patients"),
    To("/onboarding"),
)

MATRIX: list[Entry] = [
    # The front door only redirects, whatever the method: it has no method guard, reads the
    # caller's role and plan and changes nothing (which the unsafe-method cells check).
    *(Entry(m, "/", _HOME) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")),
    # The caller's own pages: every actor gets their own; the owner's never shows up.
    Entry("GET", "/onboarding", own_page()),
    Entry("POST", "/onboarding", own_page(), case="empty form", form=form()),
    # The card of a stopped onboarding; no one in this world stopped, so all go home.
    Entry("GET", "/onboarding/stop", own_page(To("/"), clinicians=To("/"))),
    Entry("GET", "/plan", own_page(clinicians=To("/onboarding"))),
    Entry("GET", "/plans", own_page()),
    Entry("GET", "/exercises/{exercise_id}", own_page()),
    # Issue 16: a plan card's moving figure; library data, the same drawing for everyone.
    Entry("GET", "/exercises/{exercise_id}/figure/{side}.svg", own_page()),
    # Issue 16: a clinic's own media, owned by the linked clinician (World.params media_id).
    # Any clinician may add to their own clinic's library (an empty form: 422, nothing stored);
    # the file is seen by its clinic and the patients linked to it; only its clinic removes it.
    Entry(
        "POST",
        "/exercises/{exercise_id}/media",
        _expect(LOGIN, 404, 404, 422, 422, 404),
        case="no file",
        form=form(),
    ),
    Entry(
        "GET",
        "/exercises/{exercise_id}/media/{media_id}",
        _expect(LOGIN, 200, 404, 200, 404, 404),
    ),
    Entry(
        "POST",
        "/exercises/{exercise_id}/media/{media_id}/remove",
        _expect(LOGIN, 404, 404, To("/exercises/glute_bridge"), 404, 404),
    ),
    Entry("GET", "/today", own_page(clinicians=To("/onboarding"))),
    Entry("GET", "/learn", own_page()),
    Entry("GET", "/learn/{lesson_id}", own_page()),
    Entry("GET", "/checkin", own_page()),
    Entry("POST", "/checkin", own_page(), form=no_answers),
    Entry("GET", "/progress", own_page()),
    Entry("GET", "/outcomes", own_page()),
    Entry("GET", "/outcomes/{measure}", own_page()),
    Entry("POST", "/outcomes", own_page(422, clinicians=422), case="no answers", form=form()),
    Entry("POST", "/outcomes/{measure}", own_page(To("/outcomes"), clinicians=422), form=psfs),
    Entry("GET", "/report", own_page(clinicians=To("/onboarding"))),
    # A new episode of care: each person their own; staff have no plan, so no episode (422).
    Entry("GET", "/episode/new", own_page()),
    Entry(
        "POST",
        "/episode/new",
        own_page(To("/outcomes"), clinicians=422),
        case="confirmed",
        form=form(confirm="yes"),
    ),
    Entry("POST", "/episode/new", own_page(422, clinicians=422), case="not confirmed", form=form()),
    Entry("GET", "/posture", own_page()),
    Entry("POST", "/posture", own_page(422, clinicians=422), case="no file", form=form()),
    Entry("GET", "/account", own_page()),
    Entry("POST", "/account", own_page(), case="wrong password", form=form(password="nope")),
    # A clinician's own export lists their care links: the link, the patient's name and id.
    Entry("GET", "/account/export.json", own_page(), sees={LINKED: frozenset({ACCOUNT, LINK})}),
    Entry(
        "POST",
        "/account/import",
        own_page(To("/account"), clinicians=To("/account")),
        case="no file",
        form=form(),
    ),
    Entry("GET", "/account/fhir.json", own_page()),
    Entry("GET", "/plan/handout.pdf", own_page(clinicians=To("/plan"))),
    Entry("GET", "/plan/calendar.ics", own_page(clinicians=To("/plan"))),
    Entry("GET", "/timeline", own_page()),
    Entry("GET", "/account/tokens", own_page()),
    Entry("GET", "/account/password", own_page()),
    Entry(
        "POST",
        "/account/password",
        own_page(422, clinicians=422),
        case="wrong current password",
        form=form(
            old_password="nope", new_password1="violet ferry copper lantern", new_password2="x"
        ),
    ),
    Entry("POST", "/account/tokens", own_page(), form=form(name="matrix token")),
    # Reminders (issue 18): each actor's own settings and devices.
    Entry("GET", "/account/reminders", own_page()),
    Entry(
        "POST",
        "/account/reminders",
        own_page(422, clinicians=422),
        case="a time that is not one",
        form=form(reminder_time="25:00"),
    ),
    Entry(
        "POST",
        "/account/reminders/push",
        own_page(422, clinicians=422),
        case="no keys",
        json=lambda w, actor: {"endpoint": "https://push.example/device"},
    ),
    Entry(
        "POST",
        "/account/email",
        own_page(422, clinicians=422),
        case="not an address",
        form=form(email="not an address"),
    ),
    Entry(
        "POST",
        "/account/email/remove",
        own_page(To("/account/reminders"), clinicians=To("/account/reminders")),
    ),
    Entry(
        "POST",
        "/account/reminders/push/remove",
        own_page(),
        json=lambda w, actor: {"endpoint": "https://push.example/device"},
    ),
    # The owner's records named in the path or the body: the owner only.
    Entry("GET", "/plans/{plan_id}", owners_object(200)),
    Entry(
        "GET", "/plans/{plan_id}", owners_object(200), case=OLDER, use={"plan_id": "old_plan_id"}
    ),
    Entry("POST", "/habits/check", owners_object(422), form=habit_on_owners_plan),
    Entry(
        "POST",
        "/sessions/{session_id}/next-morning",
        owners_object(200),
        form=form(pain_next_morning="2"),
    ),
    Entry("GET", "/posture/{upload_id}/overlay.png", owners_object(200)),
    Entry("POST", "/posture/{upload_id}/use", owners_object(To("/plan"))),
    Entry("POST", "/posture/{upload_id}/delete", owners_object(To("/posture"))),
    Entry("GET", "/logs/{log_id}/delete", owners_object(200)),
    Entry("POST", "/logs/{log_id}/delete", owners_object(To("/timeline"))),
    Entry("POST", "/account/tokens/{token_id}/revoke", owners_object(To("/account/tokens"))),
    # Signed-in browsers (issue 12 item 8): the owner's other browser, by its row's public id.
    Entry("POST", "/account/sessions/{browser_session_id}/end", owners_object(To("/account"))),
    Entry(
        "POST", "/account/sessions/end-others", own_page(To("/account"), clinicians=To("/account"))
    ),
    # Care links: the person's page and the clinician's, ending the owner's link by its id.
    Entry("GET", "/care", own_page(clinicians=To("/clinic/links"), admin=404)),
    Entry(
        "POST",
        "/care",
        own_page(To("/care"), other=404, clinicians=To("/clinic/links"), admin=404),
        case="end the owner's link",
        form=end_owners_link,
    ),
    Entry("GET", "/clinic/links", clinician_page(200), sees=_PATIENT_SEES),
    Entry(
        "POST",
        "/clinic/links",
        _expect(LOGIN, 404, 404, To("/clinic/links"), 404, 404),
        case="end the owner's link",
        form=end_owners_link,
        allowed=frozenset({LINKED}),
    ),
    # A clinician's patients: the linked clinician only; the list shows each clinician theirs.
    Entry("GET", "/clinic/patients", clinician_page(200), sees=_PATIENT_SEES),
    Entry("GET", "/clinic/patients/{public_id}", patient_page(200), sees=_PATIENT_SEES),
    Entry("GET", "/clinic/patients/{public_id}/plan", patient_page(200), sees=_PATIENT_SEES),
    Entry(
        "POST",
        "/clinic/patients/{public_id}/plan",
        patient_page(422),
        case="a word for a number",
        form=editor_form_with_a_bad_number,
        allowed=frozenset({LINKED}),
        sees=_PATIENT_SEES,
    ),
    Entry("GET", "/clinic/patients/{public_id}/assessment", patient_page(200), sees=_PATIENT_SEES),
    Entry(
        "POST",
        "/clinic/patients/{public_id}/assessment",
        patient_page(422),
        case="no date",
        form=assessment_without_a_date,
        allowed=frozenset({LINKED}),
        sees=_PATIENT_SEES,
    ),
    Entry("GET", "/clinic/patients/{public_id}/timeline", patient_page(200), sees=_PATIENT_SEES),
    Entry("GET", "/clinic/patients/{public_id}/episode", patient_page(200), sees=_PATIENT_SEES),
    Entry(
        "POST",
        "/clinic/patients/{public_id}/episode",
        patient_page(422),
        case="not confirmed",
        form=form(),
        allowed=frozenset({LINKED}),
        sees=_PATIENT_SEES,
    ),
    # Downloads under /clinic/patients/ go through services.kernel.access.authorize, which lets
    # the person themself through: their own data, so 200 for the owner too.
    Entry(
        "GET",
        "/clinic/patients/{public_id}/handout.pdf",
        patient_page(200, owner=200),
        sees=_PATIENT_SEES,
    ),
    Entry(
        "GET",
        "/clinic/patients/{public_id}/calendar.ics",
        patient_page(200, owner=200),
        sees=_PATIENT_SEES,
    ),
    Entry(
        "GET",
        "/clinic/patients/{public_id}/fhir.json",
        patient_page(200, owner=200),
        sees=_PATIENT_SEES,
    ),
    # Messages (issue 18): one conversation per care link, by the link's id. The person reads
    # theirs (also after the link ends); the linked clinician while it is active; anyone else
    # 404. Each actor's list shows their own conversations.
    Entry("GET", "/messages", own_page(), sees={LINKED: frozenset({ACCOUNT, LINK})}),
    Entry(
        "GET",
        "/messages/{link_id}",
        _expect(LOGIN, 200, 404, 200, 404, 404),
        allowed=frozenset({LINKED}),  # opening marks the owner's message read
        sees=_PATIENT_SEES,
    ),
    Entry(
        "POST",
        "/messages/{link_id}",
        _expect(
            LOGIN,
            To("/messages/", starts=True),
            404,
            To("/messages/", starts=True),
            404,
            404,
        ),
        case="a message",
        form=message_form,
        allowed=frozenset({LINKED}),
        sees=_PATIENT_SEES,
    ),
    Entry(
        "POST",
        "/messages/{link_id}/reply-needed",
        _expect(LOGIN, 404, 404, To("/messages/", starts=True), 404, 404),
        case="on the owner's message",
        form=reply_needed_on_owners_message,
        allowed=frozenset({LINKED}),
        sees=_PATIENT_SEES,
    ),
    # The second factor of clinicians and admins (their own): absent for people.
    Entry("GET", "/account/security", staff_page(200)),
    # Staff in the matrix have set up their second factor (their API tokens need it, issue 12
    # item 6), so setting up again sends them to the security page.
    Entry("GET", "/account/security/setup", staff_page(To("/account/security"))),
    Entry(
        "POST",
        "/account/security/setup",
        staff_page(To("/account/security")),
        case="already set up",
        form=form(code="000000"),
    ),
    Entry("GET", "/account/security/verify", staff_page(To("/"))),
    Entry("POST", "/account/security/verify", staff_page(To("/")), form=form(code="000000")),
    Entry(
        "POST",
        "/account/security/recovery-codes",
        staff_page(To("/account/security")),
        case="wrong code",
        form=form(code="000000"),
    ),
    # The admin area: accounts and the audit log, no health data.
    Entry("GET", "/admin-area/people", admin_page(200), sees=_ADMIN_SEES),
    Entry(
        "POST",
        "/admin-area/people/{public_id}/role",
        admin_page(To("/admin-area/people")),
        case="the role they have",
        form=form(role="person"),
        allowed=frozenset({ADMIN}),
    ),
    Entry(
        "POST",
        "/admin-area/people/{public_id}/mfa-reset",
        admin_page(To("/admin-area/people")),
        allowed=frozenset({ADMIN}),
    ),
    Entry(
        "POST",
        "/admin-area/people/{public_id}/reset-link",
        admin_page(200),
        allowed=frozenset({ADMIN}),
        sees=_ADMIN_SEES,
    ),
    Entry("GET", "/admin-area/audit", admin_page(200), sees=_ADMIN_SEES),
    Entry("POST", "/admin-area/audit/verify", admin_page(To("/admin-area/audit"))),
    Entry("GET", "/admin-area/audit/export.jsonl", admin_page(200), sees=_ADMIN_SEES),
    # The player's JSON endpoint (session only).
    Entry(
        "POST",
        "/api/logs",
        _expect(401, 201, 404, 404, 404, 404),
        case="to the owner's plan",
        json=log_to_owners_plan,
    ),
    Entry(
        "POST",
        "/api/logs",
        _expect(401, 201, 404, 404, 404, 404),
        case="to the owner's session",
        json=log_to_owners_session,
    ),
    # Posture measured on the device (issue 17): each actor stores a record of their own; the
    # record's own routes (/posture/{upload_id}/...) answer 404 to everyone else.
    Entry(
        "POST",
        "/api/posture",
        _expect(401, 201, 201, 201, 201, 201),
        case="numbers of one picture",
        json=posture_numbers,
    ),
    Entry("GET", "/api/", _expect(404, 404, 404, 404, 404, 404), case="no docs page"),
    # /api/v1, with a Bearer token and with the session.
    Entry("GET", "/api/v1/", _expect(404, 404, 404, 404, 404, 404), case="no docs page"),
    Entry("GET", "/api/v1/me", api(200)),
    Entry(
        "POST",
        "/api/v1/intake",
        api(201, other=412, linked=412, unlinked=412, admin=412),
        case="If-Match of the owner's plan",
        json=intake,
        headers=if_match,
    ),
    Entry("GET", "/api/v1/plan", api(200, linked=404, unlinked=404, admin=404)),
    Entry("GET", "/api/v1/plans", api(200)),
    Entry("GET", "/api/v1/logs", api(200)),
    Entry(
        "POST",
        "/api/v1/logs",
        api(201, other=404, linked=404, unlinked=404, admin=404),
        case="to the owner's plan",
        json=log_to_owners_plan,
    ),
    Entry(
        "POST",
        "/api/v1/logs",
        api(201, other=404, linked=404, unlinked=404, admin=404),
        case="to the owner's session",
        json=log_to_owners_session,
    ),
    Entry("GET", "/api/v1/progress", api(200)),
    # Outcome measures: the list is the install's; a score goes to the caller's own episode
    # (staff have no plan to score against: 422, nothing stored).
    Entry("GET", "/api/v1/measures", api(200)),
    Entry(
        "POST",
        "/api/v1/outcomes",
        api(201, linked=422, unlinked=422, admin=422),
        json=outcome_score,
    ),
    Entry("GET", "/api/v1/conversations", api(200), sees={LINKED: frozenset({ACCOUNT, LINK})}),
    Entry(
        "GET",
        "/api/v1/conversations/{link_id}/messages",
        api(200, other=404, linked=200, unlinked=404, admin=404),
        allowed=frozenset({LINKED}),
        sees=_PATIENT_SEES,
    ),
    Entry(
        "POST",
        "/api/v1/conversations/{link_id}/messages",
        api(201, other=404, linked=201, unlinked=404, admin=404),
        case="a message",
        json=message_json,
        allowed=frozenset({LINKED}),
        sees=_PATIENT_SEES,
    ),
    Entry("GET", "/api/v1/patients", api(403, linked=200, unlinked=200), sees=_PATIENT_SEES),
    Entry(
        "GET",
        "/api/v1/patients/{public_id}/plan",
        api(200, other=404, linked=200, unlinked=404, admin=404),
        sees=_PATIENT_SEES,
    ),
    Entry(
        "PUT",
        "/api/v1/patients/{public_id}/plan",
        # The role check comes first: people and admins may not prescribe at all (403).
        api(403, linked=200, unlinked=404),
        json=prescription,
        headers=if_match,
        allowed=frozenset({LINKED}),
        sees=_PATIENT_SEES,
    ),
    Entry(
        "GET",
        "/api/v1/patients/{public_id}/progress",
        api(200, other=404, linked=200, unlinked=404, admin=404),
        sees=_PATIENT_SEES,
    ),
    Entry(
        "GET",
        "/api/v1/patients/{public_id}/logs",
        api(200, other=404, linked=200, unlinked=404, admin=404),
        sees=_PATIENT_SEES,
    ),
]


# --- each route's actions in the core permission table (core/access.py) ----------------------
# A route's answer is the first refusal of its actions, in order. Scope says whom the action is
# about: "caller" (the caller's own account; every actor is `self`), "owner" (the owner named in
# the path or body: the owner is `self`, the linked clinician `linked`, everyone else `none`),
# "link" (the owner's care link: both of its sides are `self`).

Scope = str
CALLER, OWNERS, LINKS = "caller", "owner", "link"
RouteActions = tuple[tuple[Action, Scope], ...]


def _a(*pairs: tuple[Action, Scope]) -> RouteActions:
    return pairs


_OR = ((Action.OWN_READ, CALLER),)
_OW = ((Action.OWN_WRITE, CALLER),)
_RECORD_R = ((Action.OWN_READ, OWNERS),)
_RECORD_W = ((Action.OWN_WRITE, OWNERS),)


def _clinic(action: Action) -> RouteActions:
    return ((Action.CLINIC_OPEN, CALLER), (action, OWNERS))


_OWN_READS = [
    "/onboarding",
    "/onboarding/stop",
    "/plan",
    "/plans",
    "/exercises/{exercise_id}",
    "/exercises/{exercise_id}/figure/{side}.svg",
    "/today",
    "/learn",
    "/learn/{lesson_id}",
    "/checkin",
    "/progress",
    "/outcomes",
    "/outcomes/{measure}",
    "/report",
    "/posture",
    "/account",
    "/account/export.json",
    "/account/fhir.json",
    "/plan/handout.pdf",
    "/plan/calendar.ics",
    "/account/tokens",
    "/account/password",
    "/account/reminders",
    "/messages",
    "/api/v1/me",
    "/api/v1/plan",
    "/api/v1/plans",
    "/api/v1/logs",
    "/api/v1/progress",
    "/api/v1/measures",
    "/api/v1/conversations",
]
_OWN_WRITES = [
    "/onboarding",
    "/checkin",
    "/outcomes",
    "/outcomes/{measure}",
    "/posture",
    "/account",
    "/account/import",
    "/account/password",
    "/account/tokens",
    "/account/reminders",
    "/account/reminders/push",
    "/account/email",
    "/account/email/remove",
    "/account/reminders/push/remove",
    "/account/sessions/end-others",
    "/api/posture",
    "/api/v1/intake",
    "/api/v1/outcomes",
]

ROUTE_ACTIONS: dict[tuple[str, str], RouteActions] = {
    **{(m, "/"): _OR for m in ("GET", "POST", "PUT", "PATCH", "DELETE")},
    **{("GET", p): _OR for p in _OWN_READS},
    **{("POST", p): _OW for p in _OWN_WRITES},
    ("GET", "/timeline"): _a((Action.PATIENT_TIMELINE, CALLER)),
    ("GET", "/episode/new"): _a((Action.PATIENT_EPISODE_READ, CALLER)),
    ("POST", "/episode/new"): _a((Action.PATIENT_EPISODE_START, CALLER)),
    ("GET", "/plans/{plan_id}"): _RECORD_R,
    ("POST", "/habits/check"): _RECORD_W,
    ("POST", "/sessions/{session_id}/next-morning"): _RECORD_W,
    ("GET", "/posture/{upload_id}/overlay.png"): _RECORD_R,
    ("POST", "/posture/{upload_id}/use"): _RECORD_W,
    ("POST", "/posture/{upload_id}/delete"): _RECORD_W,
    ("GET", "/logs/{log_id}/delete"): _RECORD_R,
    ("POST", "/logs/{log_id}/delete"): _RECORD_W,
    ("POST", "/account/tokens/{token_id}/revoke"): _RECORD_W,
    ("POST", "/account/sessions/{browser_session_id}/end"): _RECORD_W,
    ("POST", "/api/logs"): _RECORD_W,
    ("POST", "/api/v1/logs"): _RECORD_W,
    # A clinician is sent to their own links page before the link is looked at.
    ("GET", "/care"): _a((Action.CARE_CODES, CALLER)),
    ("POST", "/care"): _a((Action.CARE_CODES, CALLER)),
    ("GET", "/clinic/links"): _a((Action.CLINIC_OPEN, CALLER)),
    # Clinic media (issue 16): the clinician's own; seen by both sides of their care links.
    ("POST", "/exercises/{exercise_id}/media"): _a((Action.CLINIC_OPEN, CALLER)),
    ("GET", "/exercises/{exercise_id}/media/{media_id}"): _a((Action.OWN_READ, LINKS)),
    ("POST", "/exercises/{exercise_id}/media/{media_id}/remove"): _a(
        (Action.CLINIC_OPEN, CALLER), (Action.OWN_WRITE, LINKS)
    ),
    ("POST", "/clinic/links"): _a((Action.CLINIC_OPEN, CALLER), (Action.OWN_WRITE, LINKS)),
    ("GET", "/clinic/patients"): _a((Action.CLINIC_OPEN, CALLER)),
    ("GET", "/api/v1/patients"): _a((Action.CLINIC_OPEN, CALLER)),
    ("GET", "/clinic/patients/{public_id}"): _clinic(Action.PATIENT_OVERVIEW),
    ("GET", "/clinic/patients/{public_id}/plan"): _clinic(Action.PATIENT_PLAN_EDITOR),
    ("POST", "/clinic/patients/{public_id}/plan"): _clinic(Action.PATIENT_PLAN_PRESCRIBE),
    ("GET", "/clinic/patients/{public_id}/assessment"): _clinic(Action.PATIENT_ASSESSMENT_READ),
    ("POST", "/clinic/patients/{public_id}/assessment"): _clinic(Action.PATIENT_ASSESSMENT_WRITE),
    ("GET", "/clinic/patients/{public_id}/timeline"): _clinic(Action.PATIENT_TIMELINE),
    ("GET", "/clinic/patients/{public_id}/episode"): _clinic(Action.PATIENT_EPISODE_READ),
    ("POST", "/clinic/patients/{public_id}/episode"): _clinic(Action.PATIENT_EPISODE_START),
    ("GET", "/clinic/patients/{public_id}/handout.pdf"): _a((Action.PATIENT_HANDOUT, OWNERS)),
    ("GET", "/clinic/patients/{public_id}/calendar.ics"): _a((Action.PATIENT_CALENDAR, OWNERS)),
    ("GET", "/clinic/patients/{public_id}/fhir.json"): _a((Action.PATIENT_FHIR, OWNERS)),
    ("GET", "/messages/{link_id}"): _a((Action.MESSAGES_READ, OWNERS)),
    ("POST", "/messages/{link_id}"): _a((Action.MESSAGES_WRITE, OWNERS)),
    ("POST", "/messages/{link_id}/reply-needed"): _a(
        (Action.CLINIC_OPEN, CALLER), (Action.MESSAGES_FLAG, OWNERS)
    ),
    ("GET", "/api/v1/conversations/{link_id}/messages"): _a((Action.MESSAGES_READ, OWNERS)),
    ("POST", "/api/v1/conversations/{link_id}/messages"): _a((Action.MESSAGES_WRITE, OWNERS)),
    **{
        (m, p): _a((Action.MFA_MANAGE, CALLER))
        for m, p in [
            ("GET", "/account/security"),
            ("GET", "/account/security/setup"),
            ("POST", "/account/security/setup"),
            ("GET", "/account/security/verify"),
            ("POST", "/account/security/verify"),
            ("POST", "/account/security/recovery-codes"),
        ]
    },
    ("GET", "/admin-area/people"): _a((Action.ACCOUNTS_READ, CALLER)),
    ("POST", "/admin-area/people/{public_id}/role"): _a((Action.ACCOUNTS_WRITE, CALLER)),
    ("POST", "/admin-area/people/{public_id}/mfa-reset"): _a((Action.ACCOUNTS_WRITE, CALLER)),
    ("POST", "/admin-area/people/{public_id}/reset-link"): _a((Action.ACCOUNTS_WRITE, CALLER)),
    ("GET", "/admin-area/audit"): _a((Action.AUDIT_READ, CALLER)),
    ("POST", "/admin-area/audit/verify"): _a((Action.AUDIT_VERIFY, CALLER)),
    ("GET", "/admin-area/audit/export.jsonl"): _a((Action.AUDIT_READ, CALLER)),
    ("GET", "/api/v1/patients/{public_id}/plan"): _a((Action.PATIENT_PLAN_API, OWNERS)),
    ("PUT", "/api/v1/patients/{public_id}/plan"): _a((Action.PATIENT_PLAN_PRESCRIBE, OWNERS)),
    ("GET", "/api/v1/patients/{public_id}/progress"): _a((Action.PATIENT_PROGRESS_API, OWNERS)),
    ("GET", "/api/v1/patients/{public_id}/logs"): _a((Action.PATIENT_LOGS_API, OWNERS)),
}

# Matrix entries that serve nothing, so no action applies, with the reason.
UNSERVED: dict[tuple[str, str], str] = {
    ("GET", "/api/"): "django-ninja's docs page is switched off: 404 for everyone",
    ("GET", "/api/v1/"): "django-ninja's docs page is switched off: 404 for everyone",
}

ROLE_OF: dict[str, Role] = {
    OWNER: Role.PERSON,
    OTHER: Role.PERSON,
    LINKED: Role.CLINICIAN,
    UNLINKED: Role.CLINICIAN,
    ADMIN: Role.ADMIN,
}


def relation_of(actor: str, scope: Scope) -> Relation:
    if scope == CALLER or actor == OWNER:
        return Relation.SELF
    if actor == LINKED:
        return Relation.SELF if scope == LINKS else Relation.LINKED
    return Relation.NONE


def table_answer(actions: RouteActions, actor: str) -> Decision:
    """The permission table's answer for one actor: the first refusal of the route's actions."""
    for action, scope in actions:
        decision = decide(action, ROLE_OF[actor], relation_of(actor, scope))
        if decision is not Decision.ALLOW:
            return decision
    return Decision.ALLOW
