"""Who may do what to whose data (RELIABILITY.md A1, A2, A4), as one matrix kept as data:
every person-data route x verb x {anonymous, owner, other person}.

The owner's records carry canary strings (ids, the client id, the username). The other person
has data of their own, so their pages are full pages, not empty states; none of the owner's
canaries may appear in anything they get back, and nothing the owner has may change."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import AuditEvent, ExerciseLogRecord, PlanRecord
from hipalign.services.program import checkins, plans, recording
from tests.services.factories import (
    LOG_TODAY,
    MONDAY,
    TUESDAY,
    all_counts,
    log_payload,
    make_plan,
    snapshot,
)
from tests.web.conftest import SetToday, logged_in, no_answers, post_log

pytestmark = pytest.mark.django_db

OWNER_CLIENT_ID = "CANARY-owner-log-0001"


@dataclass
class World:
    owner: User
    other: User
    plan: PlanRecord
    other_plan: PlanRecord
    session_id: str
    canaries: list[str] = field(default_factory=list)


@pytest.fixture
def world(owner: User, other: User, set_today: SetToday) -> World:
    plan = make_plan(owner)
    make_plan(owner, age=41)  # an older version too, so plan history has two of the owner's
    plan = plans.plan_current(owner)  # type: ignore[assignment]
    first = PlanRecord.objects.filter(user=owner).exclude(pk=plan.pk).get()
    logged = recording.log_record(
        owner, log_payload(plan, client_id=OWNER_CLIENT_ID), today=LOG_TODAY
    )
    session_id = str(ExerciseLogRecord.objects.get(pk=logged.log_id).session_id)
    checkin, _ = checkins.checkin_record(owner, {k[2:]: False for k in no_answers()}, 4, 6, MONDAY)
    other_plan = make_plan(other)
    recording.log_record(
        other, log_payload(other_plan), today=LOG_TODAY
    )  # the other person's own session
    set_today(TUESDAY)  # the morning after: the owner's /today asks about the owner's session
    canaries = [
        str(plan.id),
        str(first.id),
        str(plan.intake_id),
        session_id,
        logged.log_id,
        OWNER_CLIENT_ID,
        str(checkin.id),
        owner.get_username(),
    ]
    return World(owner, other, plan, other_plan, session_id, canaries)


def _log_to_owners_plan(w: World, me: User) -> dict[str, Any]:
    return log_payload(w.plan)


def _log_to_owners_session(w: World, me: User) -> dict[str, Any]:
    mine = plans.plan_current(me)
    assert mine is not None
    return log_payload(mine, session_id=w.session_id)


@dataclass(frozen=True)
class Cell:
    name: str
    method: str
    path: str  # {plan} and {session} are the owner's ids
    owner_status: int
    other_status: int
    form: dict[str, str] | None = None
    json: Callable[[World, User], dict[str, Any]] | None = None

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")


MATRIX = [
    Cell("current-plan", "GET", "/plan", 200, 200),
    Cell("plan-history", "GET", "/plans", 200, 200),
    Cell("plan-by-id", "GET", "/plans/{plan}", 200, 404),
    Cell("today", "GET", "/today", 200, 200),
    Cell("progress", "GET", "/progress", 200, 200),
    Cell("onboarding", "GET", "/onboarding", 200, 200),
    Cell("checkin-page", "GET", "/checkin", 200, 200),
    Cell(
        "checkin-save",
        "POST",
        "/checkin",
        200,
        200,
        form={**no_answers(), "pain_now": "1", "pain_worst_week": "2"},
    ),
    Cell("account", "GET", "/account", 200, 200),
    Cell(
        "account-delete-wrong-password",
        "POST",
        "/account",
        200,
        200,
        form={"password": "not my password"},
    ),
    Cell("export", "GET", "/account/export.json", 200, 200),
    Cell(
        "next-morning",
        "POST",
        "/sessions/{session}/next-morning",
        200,
        404,
        form={"pain_next_morning": "2"},
    ),
    Cell("log-to-plan", "POST", "/api/logs", 201, 404, json=_log_to_owners_plan),
    Cell("log-to-session", "POST", "/api/logs", 201, 404, json=_log_to_owners_session),
]
IDENTITIES = ["anonymous", "owner", "other"]


def _request(client: Client, cell: Cell, w: World, me: User | None) -> Any:
    path = cell.path.format(plan=w.plan.id, session=w.session_id)
    if cell.json is not None:
        return post_log(client, cell.json(w, me or w.owner))
    if cell.method == "POST":
        return client.post(path, cell.form or {})
    return client.get(path)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("cell", MATRIX, ids=lambda c: c.name)
def test_authorization_matrix(world: World, cell: Cell, identity: str) -> None:
    me = {"anonymous": None, "owner": world.owner, "other": world.other}[identity]
    client = Client() if me is None else logged_in(me)
    owner_before = snapshot(world.owner.pk)
    counts_before = all_counts()
    mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = _request(client, cell, world, me)

    if identity == "anonymous":
        if cell.api:
            assert response.status_code in (401, 403)
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/login?next=/")
        assert all_counts() == counts_before
        assert snapshot(world.owner.pk) == owner_before
    elif identity == "owner":
        assert response.status_code == cell.owner_status, response.content[:500]
    else:
        assert response.status_code == cell.other_status, response.content[:500]
        body = response.content.decode()
        leaked = [c for c in world.canaries if c in body]
        assert leaked == []
        assert snapshot(world.owner.pk) == owner_before
        if cell.other_status == 404:
            # Nothing changes but one audit row saying who was refused what (issue 12, 14).
            after = all_counts()
            assert after.pop("AuditEvent") == counts_before.pop("AuditEvent") + 1
            assert after == counts_before
            req = response.wsgi_request
            denial = AuditEvent.objects.filter(id__gt=mark).values_list(
                "actor_id", "action", "target"
            )
            assert list(denial) == [
                (me.pk, "denied.not_found", f"404 {req.method} {req.path}")  # type: ignore[union-attr]
            ]


def test_the_canaries_are_visible_to_their_owner(world: World) -> None:
    """The matrix's absence checks can fail: the same strings do show up for the owner."""
    client = logged_in(world.owner)

    export = client.get("/account/export.json").content.decode()
    history = client.get("/plans").content.decode()
    today = client.get("/today").content.decode()

    assert [c for c in world.canaries if c not in export] == []
    assert str(world.plan.id) in history
    assert world.session_id in today


def test_other_persons_plan_answers_404_like_a_plan_that_does_not_exist(world: World) -> None:
    client = logged_in(world.other)

    theirs = client.get(f"/plans/{world.plan.id}")
    missing = client.get("/plans/00000000-0000-4000-8000-000000000000")
    garbage = client.get("/plans/not-a-uuid")

    assert theirs.status_code == missing.status_code == garbage.status_code == 404
    # Byte for byte, apart from the per-render CSRF token that every styled page carries.
    assert _without_csrf(theirs.content) == _without_csrf(missing.content)
    assert b"csrf-token" in theirs.content  # the masking below has something to mask


def _without_csrf(page: bytes) -> bytes:
    """The page with its per-response values blanked: the CSRF tokens (meta tag, htmx headers,
    log-out form; Django masks the token anew at each use) and the CSP script nonce."""
    return re.sub(
        rb'(csrf-token" content="|"X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")'
        rb'[^"]+',
        rb"\1",
        page,
    )


def test_other_persons_next_morning_answers_404_and_stays_unchanged(world: World) -> None:
    client = logged_in(world.other)
    before = snapshot(world.owner.pk)

    response = client.post(f"/sessions/{world.session_id}/next-morning", {"pain_next_morning": "9"})

    assert response.status_code == 404
    assert snapshot(world.owner.pk) == before


@pytest.mark.parametrize(
    "extra",
    [{"user": "other"}, {"user_id": "other"}, {"user": {"id": "other"}}, {"owner": "other"}],
)
def test_owner_keys_in_a_log_payload_are_refused_and_create_nothing(
    world: World, extra: dict[str, Any]
) -> None:
    client = logged_in(world.owner)
    other_pk = world.other.pk
    extra = {k: (other_pk if v == "other" else {"id": other_pk}) for k, v in extra.items()}
    before = all_counts()

    response = post_log(client, {**log_payload(world.plan), **extra})

    assert response.status_code == 422
    (key,) = extra
    assert f"{key}:" in response.json()["error"]
    assert all_counts() == before


def test_a_log_always_belongs_to_the_caller(world: World) -> None:
    client = logged_in(world.other)
    body = log_payload(world.other_plan)

    response = post_log(client, body)

    assert response.status_code == 201
    log = ExerciseLogRecord.objects.get(pk=response.json()["log_id"])
    assert log.user_id == world.other.pk
    assert log.session.user_id == world.other.pk
