"""The one place that decides who may touch which record.

A record that exists but belongs to someone else answers exactly like a record that does not
exist (404), so ids leak nothing (RELIABILITY.md 5: wrong owner -> 404, not 403).

Roles (issue 5): a person owns their data; a clinician sees a person's data only while an active
care link joins them, checked on every call so access ends the moment the link does (ASVS 8.3.2);
an admin runs the install and reads the audit log but sees no one's health data without a link.
Every read or write of a person's health data by someone else is audited (ASVS 16.3.2).
"""

import uuid
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Model

from hipalign.adapters.db.models import CareLink, Profile
from hipalign.services.kernel.audit import audit_record

Role = Literal["person", "clinician", "admin"]
ROLES: tuple[Role, ...] = ("person", "clinician", "admin")

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


def role_of(user: Actor) -> Role | None:
    """The caller's role, read on every call so a change applies at once; None when anonymous."""
    if not user.is_authenticated:
        return None
    role = Profile.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
    if role is None:
        return "admin" if getattr(user, "is_superuser", False) else "person"
    return role  # type: ignore[return-value]


def profile_of(user: User) -> Profile:
    """The person's profile, made on first use (accounts made before roles existed have none)."""
    profile, _ = Profile.objects.get_or_create(
        user_id=user.pk, defaults={"role": "admin" if user.is_superuser else "person"}
    )
    return profile


def require_role(user: Actor, *roles: Role) -> User:
    """The signed-in user when their role is one of `roles`; Forbidden otherwise."""
    if role_of(user) not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)}")
    return user  # type: ignore[return-value]


def link_active(clinician_id: Any, patient_id: Any) -> bool:
    return CareLink.objects.filter(
        clinician_id=clinician_id, patient_id=patient_id, status="active"
    ).exists()


def patient_for(actor: Actor, public_id: Any, *, purpose: str, write: bool = False) -> User:
    """The person named by `public_id` when the actor may act on their health data.

    The person themself always may; a clinician only through an active care link. Anyone else,
    admins included, gets NotFound. A clinician's access is written to the audit log, with the
    purpose ("timeline", "plan.prescribe"...) and no health data.
    """
    if not actor.is_authenticated:
        raise NotFound("patient")
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound("patient") from exc
    profile = Profile.objects.filter(public_id=key).select_related("user").first()
    if profile is None:
        raise NotFound("patient")
    patient = profile.user
    if patient.pk == actor.pk:
        return patient
    if role_of(actor) != "clinician" or not link_active(actor.pk, patient.pk):
        raise NotFound("patient")
    audit_record(
        int(actor.pk),
        f"{'write' if write else 'read'}:{purpose}"[:40],
        str(key),
        subject_id=int(patient.pk),
    )
    return patient
