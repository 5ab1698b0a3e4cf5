"""Who may do what to whose data: the matrix of tests/web/permission_matrix.py, one test per
route x method x actor (x Bearer token or session on /api/v1), RELIABILITY.md A1, A2, A4, A5.

Every path names the owner's objects, seeded with canary strings. A cell checks the exact status;
for anyone but the owner (and whoever the entry allows), that the owner's rows, care links and
account are unchanged; for a refusal, that no row of any table changed and the audit log gained exactly one row
naming the actor and the target (none for anonymous callers); and
that no canary the actor may not see is in the answer. Routes missing from the matrix fail
test_every_route_has_expected_statuses, so a new route cannot slip past."""

import json
import re
import types
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hipalign.adapters.db.models import (
    AssessmentRecord,
    AuditEvent,
    CareLink,
    ClinicMedia,
    ExerciseLogRecord,
    PostureUpload,
)
from hipalign.core.access import Decision
from hipalign.services.care import links as care
from hipalign.services.care import prescribe
from hipalign.services.followup import outcome_records
from hipalign.services.identity import roles, tokens
from hipalign.services.kernel.files import CLINIC_MEDIA, store
from hipalign.services.library import education
from hipalign.services.messages import conversations
from hipalign.services.posture.uploads import upload_dir
from hipalign.services.program import checkins, recording
from hipalign.services.program import plans as plan_versions
from hipalign.web import views as web_views
from hipalign.web.api_v1 import api_v1
from tests.services.factories import (
    LOG_TODAY,
    MONDAY,
    TUESDAY,
    log_payload,
    make_link,
    make_plan,
    make_role,
    make_user,
    person_models,
    public_id,
    staff_token,
)
from tests.web.conftest import SetToday, logged_in
from tests.web.permission_matrix import (
    ACCOUNT,
    ACTORS,
    ADMIN,
    ANON,
    EXEMPT,
    IDS,
    LINK,
    LINKED,
    LOGIN,
    MATRIX,
    OTHER,
    OWNER,
    ROUTE_ACTIONS,
    TEXT,
    UNLINKED,
    UNSERVED,
    Entry,
    Status,
    To,
    World,
    prescription,
    table_answer,
)

pytestmark = pytest.mark.django_db

LOG_CANARY = "CANARY-owner-log-7f3a"
PSFS_CANARY = "CANARY psfs climbing the attic ladder"
NOTE_CANARY = "CANARY-plan-note-from-cleo"
ASSESSMENT_CANARY = "CANARY-assessment-note-91c2"
TOKEN_CANARY = "CANARY-token-name-55e0"
MESSAGE_CANARY = "CANARY-message-to-cleo-3b7d"
OTHER_LOG = "other-persons-own-log-0001"  # the other person's own data: their pages are full

POSTURE_OK = {
    "status": "ok",
    "reasons": [],
    "metrics": {
        "hip_tilt_deg": {"value": 1.5, "uncertainty": 2.4},
        "shoulder_tilt_deg": {"value": -0.5, "uncertainty": 2.7},
        "trunk_lean_deg": {"value": 0.2, "uncertainty": 0.9},
        "lateral_shift_pct": {"value": -0.3, "uncertainty": 1.6},
    },
    "high_side": "left",
    "frames": 1,
    "frames_used": 1,
    "model": "pose_landmarker_full",
    "wording": "The left hip sits a little higher in this photo.",
}
# A 1x1 PNG: the overlay only has to exist for the owner's 200.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
DENIED = (401, 403, 404, 405)
Response = Any  # the test client's response (django-stubs names a private class)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class Stage:
    """The world plus the accounts of each actor, their signed-in sessions and API tokens."""

    def __init__(
        self,
        world: World,
        users: dict[str, Any],
        sessions: dict[str, str],
        secrets: dict[str, str],
        overlay: Path,
        media: Path,
    ):
        self.world = world
        self.users = users
        self.sessions = sessions
        self.secrets = secrets
        self.overlay = overlay
        self.media = media  # the linked clinician's clinic photo of the exercise
        self._clients: dict[tuple[str, str], Client] = {}

    def client(self, actor: str, mode: str = "session") -> Client:
        """The actor's client, with only its session cookie (or only its token).

        Clients are kept for the module: each new one loads the middleware again, and
        WhiteNoise then scans every static file (most of the run time otherwise)."""
        key = (actor, mode)
        if key not in self._clients:
            headers = {}
            if mode == "bearer":
                secret = self.secrets.get(actor, "hpa_not-a-live-token")
                headers = {"Authorization": f"Bearer {secret}"}
            self._clients[key] = Client(headers=headers)
        c = self._clients[key]
        c.cookies.clear()
        if actor != ANON and mode == "session":
            c.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[actor]
        return c


def _other_browser(user: User) -> Any:
    """Another signed-in browser of `user`, as the Account page lists it."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from hipalign.services.identity.sessions import session_seen

    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    session_seen(
        user_id=int(user.pk),
        session_key=str(store.session_key),
        user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        now=timezone.now(),
    )
    from hipalign.adapters.db.models import BrowserSession

    return BrowserSession.objects.get(session_key=store.session_key)


def _build() -> Stage:
    """The owner: three plan versions (the last prescribed by the linked clinician, with a
    note), a logged session, a check-in, PSFS scores, an assessment, a measured photo with its
    overlay, an API token. `other` has a plan and a log; `unlinked` is linked to `other`."""
    # Any: the services take django's User, the factories give the abstract user.
    owner: Any = make_user("ann_owner")
    other: Any = make_user("bea_other")
    clinician: Any = make_role("cleo_clinician", "clinician")
    make_link(clinician, owner)
    other_clinician: Any = make_role("carl_unlinked", "clinician")
    admin: Any = make_role("ada_admin", "admin", is_staff=True, is_superuser=True)

    pid = public_id(owner)
    old = make_plan(owner, age=41)
    make_plan(owner)
    rx = prescription_from_current(owner)
    rx["note"] = NOTE_CANARY
    current = prescribe.plan_prescribe(clinician, pid, rx, plan_versions.plan_version_now(owner))
    logged = recording.log_record(
        owner, log_payload(current, client_id=LOG_CANARY), today=LOG_TODAY
    )
    session_id = str(ExerciseLogRecord.objects.get(pk=logged.log_id).session_id)
    screening = dict.fromkeys(current.intake.document["screening"], False)
    checkin, _ = checkins.checkin_record(owner, screening, 4, 6, MONDAY)
    outcome = outcome_records.outcome_record(
        owner,
        "psfs",
        {PSFS_CANARY: 4, "walking to town": 5, "gardening": 6},
        MONDAY,
    )
    assessment = AssessmentRecord.objects.create(
        user=owner,
        clinician=clinician,
        performed_on=MONDAY,
        intake=current.intake,
        document={
            "schema": "hipalign.assessment/1",
            "performed_on": MONDAY.isoformat(),
            "notes": ASSESSMENT_CANARY,
        },
    )
    upload = PostureUpload.objects.create(
        user=owner, kind="photo", status="done", result=POSTURE_OK
    )
    upload.overlay_name = f"{upload.id.hex}-overlay.png"
    upload.save()
    token = tokens.api_token_create(owner, TOKEN_CANARY)
    browser = _other_browser(owner)
    media = ClinicMedia.objects.create(
        clinician=clinician,
        exercise_id="glute_bridge",
        kind="photo",
        content_type="image/png",
        stored_name=f"{uuid.uuid4().hex}.png",
        size=len(PNG),
    )
    link = CareLink.objects.get(clinician=clinician, patient=owner, status="active")
    sent = conversations.message_send(
        actor=owner,
        link_id=str(link.id),
        client_id="owner-msg-0001",
        body=MESSAGE_CANARY,
        about=f"log:{logged.log_id}",
        now=datetime(2026, 1, 6, 8, 0, tzinfo=UTC),
    )

    other_plan = make_plan(other)
    recording.log_record(other, log_payload(other_plan, client_id=OTHER_LOG), today=LOG_TODAY)
    make_link(other_clinician, other)

    users = {
        OWNER: owner,
        OTHER: other,
        LINKED: clinician,
        UNLINKED: other_clinician,
        ADMIN: admin,
    }
    # Signed in once (clinicians and admins past the TOTP step); each test sends the cookie.
    sessions = {
        a: logged_in(u).cookies[settings.SESSION_COOKIE_NAME].value for a, u in users.items()
    }
    secrets = {OWNER: token.secret} | {
        a: staff_token(u, "matrix") for a, u in users.items() if a != OWNER
    }
    world = World(
        params={
            "plan_id": str(current.id),
            "old_plan_id": str(old.id),
            "session_id": session_id,
            "log_id": logged.log_id,
            "upload_id": str(upload.id),
            "token_id": str(token.token.id),
            "browser_session_id": str(browser.id),
            "public_id": pid,
            "exercise_id": "glute_bridge",
            "lesson_id": education.lesson_list()[0].id,
            "measure": "psfs",
            "link_id": str(link.id),
            "message_id": str(sent.message.id),
            "media_id": str(media.id),
            "side": "left",
        },
        plan=current,
        plans={OWNER: current, OTHER: other_plan},
        session_id=session_id,
        link_id=str(link.id),
        canaries={
            TEXT: [
                LOG_CANARY,
                PSFS_CANARY,
                NOTE_CANARY,
                ASSESSMENT_CANARY,
                TOKEN_CANARY,
                MESSAGE_CANARY,
            ],
            IDS: [
                str(current.id),
                str(old.id),
                str(current.intake_id),
                session_id,
                logged.log_id,
                str(checkin.id),
                str(outcome.id),
                str(assessment.id),
                str(upload.id),
                str(token.token.id),
                str(sent.message.id),
            ],
            ACCOUNT: [owner.get_username(), pid],
            LINK: [str(link.id)],
        },
    )
    media_path = Path(store(CLINIC_MEDIA).path(media.stored_name))
    return Stage(world, users, sessions, secrets, upload_dir() / upload.overlay_name, media_path)


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[Stage]:
    """The world is built once for the module inside a transaction that is rolled back at its
    end; each test runs in a savepoint of it (pytest-django), so a test's writes are undone."""
    with django_db_blocker.unblock(), transaction.atomic():
        stage = _build()
        yield stage
        transaction.set_rollback(True)
    stage.overlay.unlink(missing_ok=True)
    stage.media.unlink(missing_ok=True)


@pytest.fixture
def stage(built: Stage, set_today: SetToday) -> Stage:
    set_today(TUESDAY)  # the morning after: the owner's /today asks about the owner's session
    if not built.overlay.exists():  # files are not rolled back with the rows
        built.overlay.write_bytes(PNG)
    if not built.media.exists():
        built.media.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        built.media.write_bytes(PNG)
    return built


def prescription_from_current(user: User) -> dict[str, Any]:
    from hipalign.core.planning.prescription import prescription_from

    rec = plan_versions.plan_current(user)
    assert rec is not None
    rx = prescription_from(plan_versions.plan_document(rec))
    assert rx is not None
    return rx.model_dump(mode="json")


# --- what must not change --------------------------------------------------------------------


def _tables() -> list[tuple[str, list[str]]]:
    """Every table a request could change, with the columns compared: the hipalign models
    (the exercise library aside: no matrix route edits it) and the accounts. Audit rows are left
    out: a refusal is itself audited (issue 12, item 14), and the cells check that it adds
    exactly that row (denial_rows); so is a token's last-used time, bookkeeping of whoever
    used it, and the list of signed-in browsers, which every signed-in request keeps (its
    denials: tests/web/test_browser_sessions.py)."""
    models = [
        m
        for m in apps.get_app_config("hipalign").get_models()
        if m.__name__ not in ("AuditEvent", "BrowserSession")
    ] + [get_user_model()]
    return [
        (
            m._meta.db_table,
            [
                str(f.column)
                for f in m._meta.concrete_fields
                if f.name not in ("last_used_at", "last_login")
            ],
        )
        for m in models
    ]


def guarded(stage: Stage) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table that holds anyone's data, read with plain SQL (the ORM version
    of the same, factories.snapshot and all_counts, is most of the run time at ~1,000 cells),
    and whether the owner's overlay file is still there."""
    state: dict[str, list[dict[str, Any]]] = {}
    with connection.cursor() as cur:
        for table, columns in _tables():
            cur.execute(f"SELECT {', '.join(columns)} FROM {table}")
            state[table] = sorted(
                (dict(zip(columns, row, strict=True)) for row in cur.fetchall()), key=repr
            )
    state["overlay"] = [{"exists": stage.overlay.exists()}]
    return state


def owners_part(state: dict[str, list[dict[str, Any]]], owner_id: Any) -> dict[str, Any]:
    """What belongs to the owner: an actor working on their own data changes only their rows."""

    def theirs(row: dict[str, Any]) -> bool:
        keys = ("user_id", "patient_id", "clinician_id")
        return any(row.get(k) == owner_id for k in keys) or (
            "username" in row and row["id"] == owner_id
        )

    return {t: [r for r in rows if t == "overlay" or theirs(r)] for t, rows in state.items()}


def audit_mark() -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {AuditEvent._meta.db_table}")
        return int(cur.fetchone()[0] or 0)


def denials_since(mark: int) -> list[tuple[Any, str]]:
    """The audit rows written since `mark` (plain SQL, as `guarded`): (actor, "action target")."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT actor_id, action, target FROM {AuditEvent._meta.db_table} "
            "WHERE id > %s ORDER BY id",
            [mark],
        )
        return [(a, f"{action} {target}") for a, action, target in cur.fetchall()]


def denial_rows(stage: "Stage", actor: str, response: Response) -> list[tuple[Any, str]]:
    """What a refusal must add to the audit log, and all it may add (issue 12, item 14): one
    `denied.*` row naming the signed-in actor and the target for a 403 or 404 (the guard's
    not_found, a refused role); nothing for anonymous callers (sent to log in, or 401) or a
    405. Compared with the action's kind masked: which kind is the guard's to say."""
    req = response.wsgi_request
    # Identified: a session, or a token the API accepted (a bearer token sent to a route
    # that reads none, like a missing page, identifies no one).
    known = req.user.is_authenticated or getattr(req, "auth", None) is not None
    if actor == ANON or not known or response.status_code not in (403, 404):
        return []
    target = f"{response.status_code} {req.method} {req.path}"[:80]
    return [(stage.users[actor].pk, f"denied.* {target}")]


def masked(rows: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    kinds = ("denied.role ", "denied.not_found ", "denied.forbidden ")
    return [(a, "denied.* " + t.split(" ", 1)[1] if t.startswith(kinds) else t) for a, t in rows]


# --- requests --------------------------------------------------------------------------------


def fill(entry: Entry, w: World) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: w.params[entry.use.get(m[1], m[1])], entry.path)


def send(client: Client, entry: Entry, w: World, actor: str) -> Response:
    path = fill(entry, w)
    headers = entry.headers(w) if entry.headers else {}
    method = entry.method.lower()
    if entry.json is not None:
        return getattr(client, method)(
            path, json.dumps(entry.json(w, actor)), content_type="application/json", headers=headers
        )
    data = entry.form(w, actor) if entry.form is not None else {}
    if method in ("get", "post"):
        return getattr(client, method)(path, data, headers=headers)
    return getattr(client, method)(path, headers=headers)


def body_of(response: Response) -> str:
    """The answer's text, and where it redirects (without its query: a log-in page's `next`
    only echoes the path the caller sent)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    where = str(response.get("Location", "")).split("?")[0]
    return str(raw.decode("utf-8", "replace")) + " " + where


def matches(response: Response, expected: Status) -> bool:
    if isinstance(expected, To):
        where = response.get("Location", "")
        exact = where == expected.prefix or where.startswith(expected.prefix + "?")
        prefix = (expected.starts or expected.prefix.endswith(("=", "=/"))) and where.startswith(
            expected.prefix
        )
        return bool(response.status_code == 302 and (exact or prefix))
    return bool(response.status_code == expected)


def refused(response: Response) -> bool:
    return bool(response.status_code in DENIED or matches(response, LOGIN))


def leaked(w: World, body: str, may_see: frozenset[str]) -> list[str]:
    return [c for kind, cs in w.canaries.items() if kind not in may_see for c in cs if c in body]


# --- the matrix: one test per cell -----------------------------------------------------------


def _cells() -> Iterator[Any]:
    for entry in MATRIX:
        for actor in ACTORS:
            for mode in ("bearer", "session") if entry.v1 else ("session",):
                yield pytest.param(entry, actor, mode, id=f"{entry.id}-{actor}-{mode}")


@pytest.mark.parametrize(("entry", "actor", "mode"), list(_cells()))
def test_matrix_cell(stage: Stage, entry: Entry, actor: str, mode: str) -> None:
    w = stage.world
    owner_id = stage.users[OWNER].pk
    client = stage.client(actor, mode)
    watch = actor != OWNER
    before = guarded(stage) if watch else {}
    mark = audit_mark()

    response = send(client, entry, w, actor)

    expected = entry.expect[actor]
    body = body_of(response)
    assert matches(response, expected), (
        f"{entry.id} as {actor} ({mode}): expected {expected}, got {response.status_code} "
        f"{response.get('Location', '')} {body[:300]}"
    )
    if not watch:
        return
    assert leaked(w, body, entry.sees.get(actor, frozenset())) == []
    if refused(response):
        # Nothing changes, but the audit log gains exactly the row saying who was refused what.
        assert guarded(stage) == before
        assert masked(denials_since(mark)) == denial_rows(stage, actor, response)
    elif actor not in entry.allowed:
        assert owners_part(guarded(stage), owner_id) == owners_part(before, owner_id)


@pytest.mark.parametrize("entry", MATRIX, ids=lambda e: e.id)
def test_every_actor_has_an_expected_status(entry: Entry) -> None:
    assert set(entry.expect) == set(ACTORS)
    assert all(isinstance(s, int | To) for s in entry.expect.values())


def test_entries_are_unique() -> None:
    ids = [e.id for e in MATRIX]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# --- coverage: a new route without an entry fails ---------------------------------------------


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def normalized(route: str) -> str:
    """A resolver route as the matrix names it: "plans/<str:plan_id>" -> "/plans/{plan_id}"."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def exempt(path: str) -> bool:
    return any(path == k or (k.endswith("/") and k != "/" and path.startswith(k)) for k in EXEMPT)


def resolver_routes(urlconf: Any = None) -> list[str]:
    return sorted({normalized(r) for r in _walk(get_resolver(urlconf).url_patterns)})


def openapi_operations() -> list[tuple[str, str]]:
    schema = api_v1.get_openapi_schema(path_prefix="/api/v1/")
    return sorted((m.upper(), p) for p, ops in schema["paths"].items() for m in ops)


def routes_without_entries(urlconf: Any = None) -> list[str]:
    covered = {e.path for e in MATRIX}
    return [
        f"route {r} has no expected statuses"
        for r in resolver_routes(urlconf)
        if not exempt(r) and r not in covered
    ]


def test_every_route_has_expected_statuses() -> None:
    assert routes_without_entries() == []


def test_every_api_operation_has_expected_statuses() -> None:
    covered = {(e.method, e.path) for e in MATRIX}
    missing = [
        f"operation {m} {p} has no expected statuses"
        for m, p in openapi_operations()
        if (m, p) not in covered
    ]
    assert missing == []


def test_the_matrix_names_only_routes_that_exist() -> None:
    routes = set(resolver_routes())
    assert sorted({e.path for e in MATRIX} - routes) == []
    assert [k for k in EXEMPT if not any(r == k or r.startswith(k) for r in routes)] == []


def test_a_route_added_without_an_entry_is_reported() -> None:
    """The coverage check is not vacuous: the project's routes plus one new one."""
    from django.urls import path

    from hipalign.web import urls

    urlconf = types.ModuleType("urls_with_a_new_route")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        *urls.urlpatterns,
        path("clinic/patients/<str:public_id>/notes", web_views.home),
    ]

    assert routes_without_entries(urlconf) == [
        "route /clinic/patients/{public_id}/notes has no expected statuses"
    ]
    assert exempt("/reset/a-secret-link") and not exempt("/admin/")


# --- the matrix against the core permission table (core/access.py) ---------------------------


def entries_without_actions(matrix: list[Entry]) -> list[str]:
    return [
        f"{e.method} {e.path} has no action in the permission table"
        for e in matrix
        if (e.method, e.path) not in ROUTE_ACTIONS and (e.method, e.path) not in UNSERVED
    ]


def test_every_route_maps_to_actions_of_the_permission_table() -> None:
    assert entries_without_actions(MATRIX) == []
    named = {(e.method, e.path) for e in MATRIX}
    assert sorted(set(ROUTE_ACTIONS) - named) == []


def test_a_route_without_an_action_is_reported() -> None:
    new = Entry("GET", "/clinic/patients/{public_id}/notes", MATRIX[0].expect)
    assert entries_without_actions([*MATRIX, new]) == [
        "GET /clinic/patients/{public_id}/notes has no action in the permission table"
    ]


def _table_cells() -> Iterator[Any]:
    for entry in MATRIX:
        if (entry.method, entry.path) in UNSERVED:
            continue
        for actor in ACTORS:
            if actor != ANON:
                yield pytest.param(entry, actor, id=f"{entry.id}-{actor}")


@pytest.mark.parametrize(("entry", "actor"), list(_table_cells()))
def test_each_expected_answer_is_the_permission_tables(entry: Entry, actor: str) -> None:
    """The statuses test_matrix_cell observes are the table's: a refusal where the table refuses
    (403 for a forbidden role in /api/v1, 404 otherwise), and no refusal where it allows. A 404
    is allowed then only when every action is about the caller's own records (the id in the path
    is not one of theirs)."""
    actions = ROUTE_ACTIONS[(entry.method, entry.path)]
    answer = table_answer(actions, actor)
    expected = entry.expect[actor]
    if answer is Decision.FORBIDDEN:
        assert expected == (403 if entry.v1 else 404)
    elif answer is Decision.NOT_FOUND:
        assert expected == 404
    else:
        assert expected not in (401, 403)
        if any(scope != "caller" for _, scope in actions):
            assert expected != 404


@pytest.mark.django_db
def test_the_django_admin_site_is_not_served_and_registers_no_person_data() -> None:
    """Issue 15: the library is the data files, and accounts are managed in /admin-area; the
    Django admin is not mounted, and no model holding a person's data is registered in it."""
    person = {m.__name__ for m in person_models()} | {"CareLink", "AuditEvent", "User", "Profile"}
    registered = {m.__name__ for m in django_admin.site._registry}
    assert registered & person == set()
    assert Client().get("/admin/").status_code == 404
    assert Client().get("/admin/login/").status_code == 404


# --- methods the matrix does not list are refused -----------------------------------------------


def _unlisted() -> Iterator[Any]:
    listed: dict[str, set[str]] = {}
    for e in MATRIX:
        listed.setdefault(e.path, set()).add(e.method)
    for path, methods in sorted(listed.items()):
        for m in METHODS:
            if m not in methods:
                yield pytest.param(path, m, id=f"{m} {path}")


@pytest.mark.parametrize(("path", "method"), list(_unlisted()))
def test_a_method_not_in_the_matrix_is_refused_and_changes_nothing(
    stage: Stage, path: str, method: str
) -> None:
    w = stage.world
    entry = Entry(method, path, {})
    before = guarded(stage)

    got, denials = {}, []
    for a in ACTORS:
        mark = audit_mark()
        got[a] = send(stage.client(a), entry, w, a)
        denials.append((masked(denials_since(mark)), denial_rows(stage, a, got[a])))

    assert {a: r.status_code for a, r in got.items() if not refused(r)} == {}
    assert guarded(stage) == before
    assert [d for d, expected in denials if d != expected] == []


# --- lists show each caller only theirs (A2) -----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "mode"),
    [
        ("/clinic/patients", "session"),
        ("/api/v1/patients", "session"),
        ("/api/v1/patients", "bearer"),
    ],
)
def test_each_clinicians_patient_list_holds_their_patients_only(
    stage: Stage, path: str, mode: str
) -> None:
    w = stage.world
    owner_pid = w.params["public_id"]
    other_pid = public_id(stage.users[OTHER])

    linked = body_of(stage.client(LINKED, mode).get(path))
    unlinked = body_of(stage.client(UNLINKED, mode).get(path))

    assert owner_pid in linked and other_pid not in linked
    assert other_pid in unlinked  # a full list, not an empty one
    assert leaked(w, unlinked, frozenset()) == []


def test_a_persons_lists_hold_their_own_records_only(stage: Stage) -> None:
    w = stage.world
    for mode in ("session", "bearer"):
        c = stage.client(OTHER, mode)
        logs = body_of(c.get("/api/v1/logs"))
        plans = body_of(c.get("/api/v1/plans"))
        assert OTHER_LOG in logs and str(w.plans[OTHER].id) in plans
        assert leaked(w, logs + plans, frozenset()) == []
    page = stage.client(OTHER)
    for path in ("/plans", "/timeline", "/account/export.json", "/account/tokens", "/care"):
        assert leaked(w, body_of(page.get(path)), frozenset()) == [], path
    assert OTHER_LOG in body_of(page.get("/account/export.json"))


def test_the_admin_sees_accounts_and_the_audit_log_but_no_health_data(stage: Stage) -> None:
    w = stage.world
    c = stage.client(ADMIN)
    people = body_of(c.get("/admin-area/people"))
    audit = body_of(c.get("/admin-area/audit"))
    about_owner = body_of(
        c.get("/admin-area/audit", {"subject": stage.users[OWNER].get_username()})
    )

    assert stage.users[OWNER].get_username() in people
    assert "plan.prescribe" in about_owner  # the linked clinician's write shows, with its target
    assert leaked(w, people + audit + about_owner, frozenset({IDS, ACCOUNT, LINK})) == []


def test_the_canaries_are_visible_to_the_owner_and_the_linked_clinician(stage: Stage) -> None:
    """The absence checks can fail: every canary does show up for those who may see it."""
    w = stage.world
    pid = w.params["public_id"]
    owner = stage.client(OWNER)
    mine = "".join(
        body_of(owner.get(p))
        for p in ("/account/export.json", "/account/tokens", "/care", "/plans", "/today")
    )
    linked = stage.client(LINKED)
    theirs = "".join(
        body_of(linked.get(f"/clinic/patients/{pid}{tail}"))
        for tail in ("", "/timeline", "/plan", "/assessment", "/fhir.json")
    ) + body_of(linked.get("/clinic/links"))

    assert [c for cs in w.canaries.values() for c in cs if c not in mine] == []
    # The log's client id is the player's own key: shown to no clinician, only exported.
    assert [c for c in (PSFS_CANARY, NOTE_CANARY, ASSESSMENT_CANARY) if c not in theirs] == []
    assert pid in theirs and stage.users[OWNER].get_username() in theirs


# --- ending the link ends access at once (A5) ---------------------------------------------------

PATIENT_ROUTES = [
    e for e in MATRIX if "{public_id}" in e.path and e.expect[LINKED] != 404 and LINKED in e.sees
]


def _revocation_cells() -> Iterator[Any]:
    for e in PATIENT_ROUTES:
        for mode in ("bearer", "session") if e.v1 else ("session",):
            yield pytest.param(e, mode, id=f"{e.id}-{mode}")


@pytest.mark.parametrize(("entry", "mode"), list(_revocation_cells()))
def test_after_the_link_ends_the_clinician_gets_404(stage: Stage, entry: Entry, mode: str) -> None:
    w = stage.world
    client = stage.client(LINKED, mode)  # signed in, or holding a token, while linked
    assert not refused(send(client, entry, w, LINKED))
    care.link_end(stage.users[OWNER], w.link_id, datetime.now(UTC))
    before = guarded(stage)
    mark = audit_mark()

    response = send(client, entry, w, LINKED)

    assert response.status_code == 404
    assert leaked(w, body_of(response), frozenset()) == []
    assert guarded(stage) == before
    assert masked(denials_since(mark)) == denial_rows(stage, LINKED, response)
    assert denials_since(mark)[0][1].startswith("denied.not_found ")


@pytest.mark.parametrize(
    ("path", "mode"), [("/clinic/patients", "session"), ("/api/v1/patients", "bearer")]
)
def test_after_the_link_ends_the_patient_leaves_the_clinicians_list(
    stage: Stage, path: str, mode: str
) -> None:
    w = stage.world
    client = stage.client(LINKED, mode)
    assert w.params["public_id"] in body_of(client.get(path))

    care.link_end(stage.users[LINKED], w.link_id, datetime.now(UTC))

    assert leaked(w, body_of(client.get(path)), frozenset()) == []


def test_a_demoted_clinician_loses_access_at_once(stage: Stage) -> None:
    """An admin makes the linked clinician a person: their token is revoked (issue 12 item 6)
    and their session is ended (RELIABILITY.md A5: unassign, then replay session and token)."""
    w = stage.world
    pid = w.params["public_id"]
    session, token = stage.client(LINKED), stage.client(LINKED, "bearer")
    assert session.get(f"/clinic/patients/{pid}").status_code == 200

    roles.role_change(stage.users[ADMIN], public_id(stage.users[LINKED]), "person")

    for tail in ("plan", "progress", "logs"):
        assert token.get(f"/api/v1/patients/{pid}/{tail}").status_code == 401
    assert token.get("/api/v1/patients").status_code == 401
    assert matches(session.get(f"/clinic/patients/{pid}"), LOGIN)


def test_a_revoked_token_is_refused_at_once(stage: Stage) -> None:
    owner = stage.client(OWNER, "bearer")
    assert owner.get("/api/v1/plan").status_code == 200

    tokens.api_token_revoke(stage.users[OWNER], stage.world.params["token_id"], datetime.now(UTC))

    assert owner.get("/api/v1/plan").status_code == 401


@pytest.mark.parametrize(
    "path", ["/plan", "/plans/{plan_id}", "/account/export.json", "/clinic/patients/{public_id}"]
)
def test_a_token_is_no_log_in_for_the_pages(stage: Stage, path: str) -> None:
    """Bearer tokens are for /api/v1 only; a page sent one alone asks to log in."""
    for actor in (OWNER, LINKED):
        response = send(stage.client(actor, "bearer"), Entry("GET", path, {}), stage.world, actor)
        assert matches(response, LOGIN), (actor, response.status_code)


# --- owner fields in a body are refused (A4) -----------------------------------------------------


@pytest.mark.parametrize("key", ["user", "user_id", "owner", "patient"])
def test_owner_fields_in_an_api_log_are_refused_and_store_nothing(stage: Stage, key: str) -> None:
    w = stage.world
    before = guarded(stage)
    body = {**log_payload(w.plans[OTHER]), key: stage.users[OWNER].pk}

    response = stage.client(OTHER, "bearer").post(
        "/api/v1/logs", json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 422
    assert any(p.startswith(key) for p in response.json()["problems"])
    assert guarded(stage) == before


def test_a_prescription_cannot_name_another_patient(stage: Stage) -> None:
    """The patient is the one in the path; a `patient` or `public_id` in the body is refused."""
    w = stage.world
    body = {**prescription(w, LINKED), "public_id": public_id(stage.users[OTHER])}
    before = guarded(stage)

    response = stage.client(UNLINKED, "bearer").put(
        f"/api/v1/patients/{public_id(stage.users[OTHER])}/plan",
        json.dumps(body),
        content_type="application/json",
        headers={"If-Match": f'"{w.plans[OTHER].version}"'},
    )

    assert response.status_code == 422
    assert guarded(stage) == before


def test_importing_the_owners_export_into_another_account_leaves_the_owner_alone(
    stage: Stage, set_today: Any
) -> None:
    """The export carries the owner's record ids; an import keeps none that is taken and owns
    every row it makes (A4: no row owned by or linked to someone else)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    set_today(timezone.localdate())  # the export's rows are stamped now, not on the pinned day

    owner_id = stage.users[OWNER].pk
    export = stage.client(OWNER).get("/account/export.json").content
    newcomer: Any = make_user("dan_newcomer")
    before = guarded(stage)

    response = logged_in(newcomer).post(
        "/account/import", {"file": SimpleUploadedFile("export.json", export)}
    )

    assert matches(response, To("/plan"))
    after = guarded(stage)
    assert owners_part(after, owner_id) == owners_part(before, owner_id)
    made = {t: [r for r in rows if r not in before[t]] for t, rows in after.items()}
    strangers = [
        (t, r)
        for t, rows in made.items()
        for r in rows
        if t != "auth_user"
        and any(k in r and r[k] not in (None, newcomer.pk) for k in ("user_id", "patient_id"))
    ]
    assert strangers == []
    assert sum(len(rows) for rows in made.values()) > 5  # the import did store the data
