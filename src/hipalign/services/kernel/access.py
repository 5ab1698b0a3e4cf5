"""The one place that decides who may touch which record: `authorize`, the only reader of the
permission table in `core/access.py`.

A record that exists but belongs to someone else answers exactly like a record that does not
exist (404), so ids leak nothing (RELIABILITY.md 5: wrong owner -> 404, not 403).

Roles (issue 5): a person owns their data; a clinician sees a person's data only while an active
care link joins them, checked on every call so access ends the moment the link does (ASVS 8.3.2);
an admin runs the install and reads the audit log but sees no one's health data without a link.
Every read or write of a person's health data by someone else is audited (ASVS 16.3.2).
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from hipalign.adapters.db.models import CareLink, Profile
from hipalign.core.access import (
    SECOND_FACTOR_ROLES,
    Action,
    Decision,
    Relation,
    Role,
    audit_purpose,
    decide,
    role_refused,
)
from hipalign.services.kernel.audit import audit_record

ROLES: tuple[Role, ...] = tuple(Role)

Actor = AbstractBaseUser | AnonymousUser


class NotFound(LookupError):
    """No such record for this person (whether it exists for someone else is not said)."""


class Forbidden(PermissionError):
    """The caller's role may not do this at all (a function-level check, not an object one)."""


def owned[M: Model](model: type[M], user: Actor, pk: Any) -> M:
    if not user.is_authenticated:
        raise NotFound(model.__name__)
    try:
        key = uuid.UUID(str(pk))
    except ValueError as exc:
        raise NotFound(model.__name__) from exc
    found = model._default_manager.filter(pk=key, user_id=user.pk).first()
    if found is None:
        raise NotFound(model.__name__)
    return found


# The profile row (role, language, time zone, public id) is read once per request: the web edge
# opens a scope per request (web/middleware.ProfileReadOnceMiddleware) and every reader below
# takes the row from it. A request that writes a profile drops it from the scope (the signal
# handlers below), so the request reads its own write; the next request opens a new scope, so a
# role an admin changes applies at the person's next request (ASVS 8.3.2). Outside a request
# (services called directly, the worker, the command line) there is no scope: every call reads.
_PROFILES: ContextVar[dict[Any, Profile | None] | None] = ContextVar("profiles", default=None)


@contextmanager
def profiles_read_once() -> Iterator[None]:
    """Within this block, each user's profile row is read from the database at most once."""
    token = _PROFILES.set({})
    try:
        yield
    finally:
        _PROFILES.reset(token)


def profiles_forget() -> None:
    """Drop every profile row read so far in this scope (after a write signals cannot see)."""
    cache = _PROFILES.get()
    if cache is not None:
        cache.clear()


def _profile_written(sender: Any, instance: Profile, **kwargs: Any) -> None:
    cache = _PROFILES.get()
    if cache is not None:
        cache.pop(instance.user_id, None)


post_save.connect(_profile_written, sender=Profile, dispatch_uid="hipalign-profile-read-once")
post_delete.connect(_profile_written, sender=Profile, dispatch_uid="hipalign-profile-gone")


def profile_row(user_id: Any) -> Profile | None:
    """The user's profile row, or None when the account has none (made before roles existed):
    once per request inside a scope, else a read on every call. Read, never mutate: writers go
    through profile_of and save."""
    cache = _PROFILES.get()
    if cache is not None and user_id in cache:
        return cache[user_id]
    found = Profile.objects.filter(user_id=user_id).first()
    if cache is not None:
        cache[user_id] = found
    return found


def role_of(user: Actor) -> Role | None:
    """The caller's role, read on every request so a change applies at once; None when
    anonymous."""
    if not user.is_authenticated:
        return None
    profile = profile_row(user.pk)
    if profile is None:
        return Role.ADMIN if getattr(user, "is_superuser", False) else Role.PERSON
    return Role(profile.role)


def needs_second_factor(user: Actor) -> bool:
    """Whether this caller's role signs in with a second factor (core.access)."""
    return role_of(user) in SECOND_FACTOR_ROLES


def profile_of(user: User) -> Profile:
    """The person's profile, made on first use (accounts made before roles existed have none)."""
    found = profile_row(user.pk)
    if found is not None:
        return found
    profile, _ = Profile.objects.get_or_create(
        user_id=user.pk, defaults={"role": Role.ADMIN if user.is_superuser else Role.PERSON}
    )
    return profile


def link_active(clinician_id: Any, patient_id: Any) -> bool:
    return CareLink.objects.filter(
        clinician_id=clinician_id, patient_id=patient_id, status="active"
    ).exists()


@dataclass(frozen=True)
class Grant:
    """An allowed call: who asked, as what, and whose data it is about."""

    user: User  # the caller
    role: Role
    relation: Relation
    subject: User  # the person whose data it is (the caller for actions without a subject)


def _refuse(decision: Decision, action: Action) -> None:
    if decision is Decision.FORBIDDEN:
        raise Forbidden(f"the action {action.value} is not open to this role")
    if decision is Decision.NOT_FOUND:
        raise NotFound("patient")


def _person(public_id: Any) -> User:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound("patient") from exc
    profile = Profile.objects.filter(public_id=key).select_related("user").first()
    if profile is None:
        raise NotFound("patient")
    return profile.user


def _relation(actor: User, role: Role, person: User) -> Relation:
    if person.pk == actor.pk:
        return Relation.SELF
    if role is Role.CLINICIAN and link_active(actor.pk, person.pk):
        return Relation.LINKED
    return Relation.NONE


def authorize(
    *, actor: Actor, action: Action, subject: Any = None, target: str | None = None
) -> Grant:
    """The caller's grant for `action` on `subject`, or NotFound / Forbidden as the table says.

    `subject` is None (the caller's own account or role tools), a person's public id, or a
    person already found (a User). The role is read on every call so a change applies at once,
    and a care link counts only while it is active (ASVS 8.3.2). An allowed call on someone
    else's data is audited with the table's purpose and `target` (default: the person's public
    id), never health data (ASVS 16.3.2).
    """
    role = role_of(actor)
    refused = role_refused(action, role)
    if refused is not None:
        _refuse(refused, action)
    assert role is not None  # anonymous callers have no grant (role_refused)
    user: User = actor  # type: ignore[assignment]  # authenticated: role_of said so
    if subject is None:
        person = user
    elif isinstance(subject, User):
        person = subject
    else:
        person = _person(subject)
    relation = _relation(user, role, person)
    _refuse(decide(action, role, relation), action)
    purpose = audit_purpose(action, relation)
    if purpose is not None:
        public = target if target is not None else str(_public_id(person, subject))
        audit_record(int(user.pk), purpose, public, subject_id=int(person.pk))
    return Grant(user=user, role=role, relation=relation, subject=person)


def _public_id(person: User, subject: Any) -> uuid.UUID:
    if not isinstance(subject, User) and subject is not None:
        return uuid.UUID(str(subject))
    return profile_of(person).public_id
