"""Builders shared by the service, web and adapter tests: people, plans, logs, row counts.

Dates are fixed (the services take `today`); MONDAY starts every plan unless a test says so."""

import uuid
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.vocab import WEEKDAYS
from hipalign.services.program import plans, recording
from tests.core.conftest import intake_doc

MONDAY = date(2026, 3, 2)
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
THURSDAY = MONDAY + timedelta(days=3)
FRIDAY = MONDAY + timedelta(days=4)
# The server's "today" for storing test logs: late enough that every test day is in the past of
# it, near enough that all fall in the window of entered dates (core.dates.ENTERED).
LOG_TODAY = MONDAY + timedelta(days=365)
PASSWORD = "correct horse battery staple"

# glute_bridge is in every default plan, planned at rung 1 (1 set x 8 reps, 2 s hold at the top).
EXERCISE = "glute_bridge"
RUNG = 1
FULL_DOSE = {"sets_done": 1, "reps_done": 8, "hold_s_done": 2}


def make_user(username: str, password: str = PASSWORD, **extra: Any) -> User:
    return get_user_model()._default_manager.create_user(
        username=username, password=password, **extra
    )


def make_role(username: str, role: str, **extra: Any) -> User:
    """An account with a role (person, clinician or admin) and its profile."""
    from hipalign.adapters.db.models import Profile

    user = make_user(username, **extra)
    Profile.objects.update_or_create(user_id=user.pk, defaults={"role": role})
    return user


def make_totp(user: User) -> Any:
    """A confirmed second factor for a clinician or admin (their API tokens need one)."""
    from datetime import UTC, datetime

    import pyotp

    from hipalign.adapters.db.models import TotpDevice

    device, _ = TotpDevice.objects.get_or_create(
        user_id=user.pk,
        defaults={
            "secret": pyotp.random_base32(),
            "confirmed_at": datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        },
    )
    return device


def staff_token(user: User, name: str = "test") -> str:
    """A token's secret; a clinician or admin gets the second factor their token needs."""
    from hipalign.services.identity import tokens
    from hipalign.services.kernel.access import role_of

    if role_of(user) in ("clinician", "admin"):
        make_totp(user)
    return tokens.api_token_create(user, name).secret


def make_link(clinician: User, patient: User) -> Any:
    """An active care link between a clinician and a person."""
    from datetime import UTC, datetime, timedelta

    from hipalign.adapters.db.models import CareLink
    from hipalign.services.kernel.access import profile_of

    profile_of(patient)
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return CareLink.objects.create(
        clinician=clinician,
        patient=patient,
        created_by="clinician",
        status="active",
        expires_at=now + timedelta(days=7),
        accepted_at=now,
    )


def public_id(user: User) -> str:
    """The id that names a person in clinician pages and the API."""
    from hipalign.services.kernel.access import profile_of

    return str(profile_of(user).public_id)


def make_plan(user: User, today: date = MONDAY, **overrides: Any) -> PlanRecord:
    """A plan from the minimal intake (every safety answer no), deep-merged with `overrides`."""
    return plans.intake_submit(user, intake_doc(**overrides), today)


def log_payload(plan: PlanRecord, **overrides: Any) -> dict[str, Any]:
    """A log of the full glute-bridge dose with pain 1, as the player sends it (JSON types).
    `client_id`, `session_id` (str or UUID) and `performed_on` (a date) are made when not given;
    any other override replaces that field of the body."""
    client_id: str | None = overrides.pop("client_id", None)
    session_id: str | uuid.UUID | None = overrides.pop("session_id", None)
    performed_on: date = overrides.pop("performed_on", MONDAY)
    body: dict[str, Any] = {
        "client_id": client_id or f"log-{uuid.uuid4().hex}",
        "session_id": str(session_id or uuid.uuid4()),
        "plan_id": str(plan.id),
        "day": WEEKDAYS[performed_on.weekday()],
        "session": 1,
        "performed_on": performed_on.isoformat(),
        "exercise": EXERCISE,
        "rung": RUNG,
        **FULL_DOSE,
        "pain_during": 1,
    }
    body.update(overrides)
    return body


def person_models() -> list[Any]:
    """Every model of the hipalign app that holds rows owned by one person (has a `user`).

    BrowserSession is left out: it is the list of signed-in browsers, which every signed-in
    request keeps current, not the person's data (tests/web/test_browser_sessions.py)."""
    return [
        m
        for m in apps.get_app_config("hipalign").get_models()
        if any(f.name == "user" for f in m._meta.get_fields()) and m.__name__ != "BrowserSession"
    ]


def owned_counts(user_id: Any) -> dict[str, int]:
    return {m.__name__: m._default_manager.filter(user_id=user_id).count() for m in person_models()}


def all_counts() -> dict[str, int]:
    return {
        m.__name__: m._default_manager.count()
        for m in apps.get_app_config("hipalign").get_models()
        if m.__name__ != "BrowserSession"  # bookkeeping of signed-in requests, see person_models
    }


def snapshot(user_id: Any) -> dict[str, list[dict[str, Any]]]:
    """Every field of every row this person owns, for before/after comparisons."""
    return {
        m.__name__: sorted(
            (dict(row) for row in m._default_manager.filter(user_id=user_id).values()),
            key=lambda r, pk=m._meta.pk.attname: str(r[pk]),  # type: ignore[misc]  # Profile is keyed by user_id
        )
        for m in person_models()
    }


def only_the_denial_added(before: dict[str, int], action: str) -> bool:
    """Nothing stored but one audit row, the refusal itself with `action` (issue 12, item 14).
    `before` is an all_counts() taken before the refused request."""
    from hipalign.adapters.db.models import AuditEvent

    after, before = dict(all_counts()), dict(before)
    added = after.pop("AuditEvent") - before.pop("AuditEvent", 0)
    last = AuditEvent.objects.order_by("-id").values_list("action", flat=True).first()
    return after == before and (added, last) == (1, action)


def session_exercises(plan: PlanRecord, on: date) -> list[str]:
    """The exercises of the plan's first session on the weekday of `on` ([] on a rest day)."""
    from hipalign.services.program.plans import plan_document

    body = plan_document(plan).plan
    day = (
        next((d for d in body.days if d.day == WEEKDAYS[on.weekday()] and d.session == 1), None)
        if body
        else None
    )
    return [it.exercise for it in day.items] if day else []


def log_exercises(
    plan: PlanRecord,
    on: date,
    exercises: list[str],
    *,
    today: date,
    runs: int = 1,
    skipped: bool = False,
) -> None:
    """Log each exercise (every side, at rung 0) on `on`, spread over `runs` player runs (each
    its own session id, as a fresh page or device makes)."""
    from hipalign.core.library import default_library

    lib = default_library()
    sessions = [uuid.uuid4() for _ in range(runs)]
    for i, ex_id in enumerate(exercises):
        sides = ["left", "right"] if lib[ex_id].sidedness == "per_side" else [None]
        for side in sides:
            body = log_payload(
                plan,
                session_id=sessions[i % runs],
                performed_on=on,
                exercise=ex_id,
                side=side,
                rung=0,
                skipped=skipped,
            )
            recording.log_record(plan.user, body, today=today)
