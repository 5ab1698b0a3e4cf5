"""schemathesis over /api/v1/openapi.json, in-process against the WSGI app, plus a replay of
every object-taking request under every other identity (cross-user reads and writes).

The database holds two people (each with a plan, a log and a canary string only they may
see), a clinician linked to the first, an unlinked clinician and an admin, each with a token.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hipalign.adapters.db.models import PlanRecord
from hipalign.services.program import plans as plan_versions
from hipalign.services.program import recording
from tests.services.factories import (
    LOG_TODAY,
    all_counts,
    log_payload,
    make_link,
    make_plan,
    make_role,
    make_user,
    public_id,
    staff_token,
)

# The fuzzer sends thousands of requests per token in one test: above the API rate limits, which
# tests/web/test_throttle.py proves; here the limits are raised so every answer is the endpoint's.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_no_api_limits"),
]


@pytest.fixture
def _no_api_limits(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "", "api_ip": ""}


SPEC = "/api/v1/openapi.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    ignored_auth,
]
# Examples per operation and generation mode; keeps the whole file well under a minute.
POSITIVE_EXAMPLES = 20
NEGATIVE_EXAMPLES = 10


@dataclass(frozen=True)
class Identity:
    name: str
    user: User
    headers: dict[str, str]
    canary: str  # appears only in this identity's own data ("" when it has none)


@dataclass(frozen=True)
class World:
    ids: dict[str, Identity]
    pids: dict[str, str]  # public ids of the people with data
    plans: dict[str, PlanRecord]
    # who may see whose data: the person themself and a linked clinician
    allowed: dict[str, set[str]]


def _token(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_token(user, 'fuzz')}"}


@pytest.fixture
def world(db: None) -> World:
    ann = make_user("ann_person")
    bea = make_user("bea_person")
    cleo = make_role("cleo_linked", "clinician")
    carl = make_role("carl_unlinked", "clinician")
    ada = make_role("ada_admin", "admin", is_staff=True, is_superuser=True)
    make_link(cleo, ann)
    plans = {}
    for name, user in (("ann", ann), ("bea", bea)):
        plan = make_plan(user)
        PlanRecord.objects.filter(pk=plan.pk).update(note=f"canary-{name}-note")
        recording.log_record(
            user, log_payload(plan, client_id=f"canary-{name}-log"), today=LOG_TODAY
        )
        plans[name] = plan
    users = {"ann": ann, "bea": bea, "cleo": cleo, "carl": carl, "ada": ada}
    ids = {
        n: Identity(n, u, _token(u), f"canary-{n}" if n in plans else "") for n, u in users.items()
    }
    return World(
        ids=ids,
        pids={n: public_id(users[n]) for n in ("ann", "bea")},
        plans=plans,
        allowed={"ann": {"ann", "cleo"}, "bea": {"bea"}},
    )


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The real WSGI app; Django's per-request connection closing is paused (as its test client
    does), or the first request would close the test's transaction and lose its data."""
    from hipalign.web.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_errors_and_no_schema_violations(
    world: World, wsgi_app: Any
) -> None:
    schema = schemathesis.openapi.from_wsgi(SPEC, wsgi_app)
    operations = [r.ok() for r in schema.get_all_operations()]  # type: ignore[union-attr]  # an Err would raise here, as wanted
    assert len(operations) >= 11
    ran: Counter[str] = Counter()
    statuses: Counter[int] = Counter()

    for operation in operations:
        for mode, examples in (
            (GenerationMode.POSITIVE, POSITIVE_EXAMPLES),
            (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES),
        ):
            _fuzz(operation, mode, examples, world, ran, statuses)

    print(f"\nschemathesis: {sum(ran.values())} cases over {len(ran)} operations")
    print("statuses:", dict(sorted(statuses.items())))
    assert len(ran) == len(operations)
    assert not any(code >= 500 for code in statuses)
    # The fuzzing reached real data, not only the 401/404 walls.
    assert statuses[200] > 0


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    examples: int,
    world: World,
    ran: Counter[str],
    statuses: Counter[int],
) -> None:
    """`examples` generated requests to one operation, each as a drawn identity; a positive
    request to a patient's data names one of the real people (or an unknown id) so the checks
    see real bodies, not only 404s."""
    takes_pid = "{public_id}" in operation.path
    checks = [*CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CHECKS
    who = st.sampled_from(["anonymous", *world.ids])
    pid = st.sampled_from([*world.pids.values(), "00000000-0000-4000-8000-000000000000"])

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), name=who, chosen=pid)
    def run(case: Any, name: str, chosen: str) -> None:
        if takes_pid and mode is GenerationMode.POSITIVE:
            case.path_parameters = {**(case.path_parameters or {}), "public_id": chosen}
        headers = {} if name == "anonymous" else world.ids[name].headers
        response = case.call_and_validate(headers=headers, checks=checks)
        ran[operation.label] += 1
        statuses[response.status_code] += 1

    run()


# --- object-level authorization: every object id under every identity ---------------------


def _canaries_not_allowed(world: World, name: str) -> list[str]:
    return [world.ids[o].canary for o, seers in world.allowed.items() if name not in seers]


def test_no_identity_reads_or_writes_another_persons_objects(world: World) -> None:
    """Every operation that takes a person's id, replayed with every identity's token: only the
    person and their linked clinician get a 2xx, and no body carries another person's canary."""
    spec = Client().get(SPEC).json()
    c = Client()
    cross_2xx: list[str] = []
    leaks: list[str] = []
    cases = 0
    before = all_counts()
    for path, ops in spec["paths"].items():
        if "{public_id}" not in path:
            continue
        for method in ops:
            for owner, pid in world.pids.items():
                url = path.replace("{public_id}", pid)
                for name, ident in world.ids.items():
                    if name in world.allowed[owner] or method != "get":
                        continue
                    response = c.generic(method.upper(), url, headers=ident.headers)
                    cases += 1
                    if 200 <= response.status_code < 300:
                        cross_2xx.append(f"{name} {method} {url}")
                    if world.ids[owner].canary in response.content.decode():
                        leaks.append(f"{name} {method} {url}")
    # Writes: a prescription for each person by everyone but their linked clinician, and a log
    # against each person's plan by every other identity.
    for owner, pid in world.pids.items():
        plan = world.plans[owner]
        for name, ident in world.ids.items():
            if name == owner:
                continue
            put = c.put(
                f"/api/v1/patients/{pid}/plan",
                _rx(plan),
                content_type="application/json",
                headers={**ident.headers, "If-Match": '"1"'},
            )
            log = c.post(
                "/api/v1/logs",
                _json(log_payload(plan)),
                content_type="application/json",
                headers=ident.headers,
            )
            cases += 2
            for r, what in ((put, "PUT plan"), (log, "POST log")):
                allowed_write = what == "PUT plan" and name in world.allowed[owner]
                if 200 <= r.status_code < 300 and not allowed_write:
                    cross_2xx.append(f"{name} {what} of {owner}")
                if world.ids[owner].canary in r.content.decode() and not allowed_write:
                    leaks.append(f"{name} {what} of {owner}")
    # Lists: each identity's own views never show a canary it may not see.
    for name, ident in world.ids.items():
        for path in ("/me", "/plan", "/plans", "/logs", "/progress", "/patients"):
            body = c.get(f"/api/v1{path}", headers=ident.headers).content.decode()
            cases += 1
            leaks += [
                f"{name} {path}: {x}" for x in _canaries_not_allowed(world, name) if x in body
            ]

    print(f"\ncross-user replay: {cases} requests")
    assert cross_2xx == []
    assert leaks == []
    after = all_counts()
    # Only the linked clinician's one allowed prescription was stored (and its audit rows).
    assert after["PlanRecord"] == before["PlanRecord"] + 1
    assert after["ExerciseLogRecord"] == before["ExerciseLogRecord"]


def _json(body: Any) -> str:
    import json

    return json.dumps(body)


def _rx(plan: PlanRecord) -> str:
    from hipalign.core.planning.prescription import prescription_from

    rx = prescription_from(plan_versions.plan_document(plan))
    assert rx is not None
    body = rx.model_dump(mode="json")
    body["items"][0]["sets"] = 3
    return _json(body)
