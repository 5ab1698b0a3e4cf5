"""The admin's account list: roles, and the reset of a lost second factor.

A role is read on every request (access.role_of), so a change applies at the user's next
request; their other sessions are ended and their API tokens revoked at once as well (ASVS 7:
sessions killed when permissions change; issue 12 item 6). The last admin cannot be demoted, or no one could run the install.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from hipalign.adapters.db.models import Profile, TotpDevice
from hipalign.core.access import Action, Role
from hipalign.core.errors import InputError
from hipalign.services.identity.tokens import api_tokens_revoke_all
from hipalign.services.kernel.access import ROLES, NotFound, authorize, profiles_forget
from hipalign.services.kernel.audit import audit_record

PAGE_SIZE = 50


@dataclass(frozen=True)
class PersonRow:
    public_id: str
    username: str
    role: str
    joined: datetime
    mfa: bool
    patients: int  # active care links, as a clinician


@dataclass(frozen=True)
class PeoplePage:
    rows: list[PersonRow]
    number: int
    pages: int
    total: int


def _ensure_profiles() -> None:
    # Accounts made before roles existed have no profile row; give them the role role_of reports.
    missing = User.objects.filter(profile__isnull=True).values_list("pk", "is_superuser")
    Profile.objects.bulk_create(
        [Profile(user_id=pk, role=Role.ADMIN if su else Role.PERSON) for pk, su in missing],
        ignore_conflicts=True,
    )
    profiles_forget()  # bulk_create sends no signals: rows read as missing this request exist now


def people_page(actor: Any, page: Any = 1) -> PeoplePage:
    """One page of accounts by username, with role, MFA state and linked patients."""
    authorize(actor=actor, action=Action.ACCOUNTS_READ)
    _ensure_profiles()
    qs = (
        User.objects.order_by("username")
        .annotate(
            has_mfa=Exists(
                TotpDevice.objects.filter(user_id=OuterRef("pk"), confirmed_at__isnull=False)
            ),
            n_patients=Count("patient_links", filter=Q(patient_links__status="active")),
        )
        .values(
            "username",
            "date_joined",
            "profile__role",
            "profile__public_id",
            "has_mfa",
            "n_patients",
        )
    )
    p = Paginator(qs, PAGE_SIZE).get_page(page)
    rows = [
        PersonRow(
            public_id=str(u["profile__public_id"]),
            username=u["username"],
            role=u["profile__role"],
            joined=u["date_joined"],
            mfa=bool(u["has_mfa"]),
            patients=int(u["n_patients"]),
        )
        for u in p.object_list
    ]
    return PeoplePage(rows, p.number, p.paginator.num_pages, p.paginator.count)


def sessions_end(user_id: int, *, keep: str | None = None) -> int:
    """End every session of this account but `keep`; how many were ended.

    Sessions are keyed by an opaque id, so an account's are found by decoding them."""
    ended = 0
    for s in Session.objects.all().iterator():
        if s.session_key != keep and str(s.get_decoded().get("_auth_user_id")) == str(user_id):
            s.delete()
            ended += 1
    return ended


def username_of(public_id: str) -> str:
    """The username of the account `public_id` ("" when there is none), for an admin's page."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return ""
    name = User.objects.filter(profile__public_id=key).values_list("username", flat=True).first()
    return name or ""


def _target(public_id: str) -> Profile:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound("account") from exc
    profile = Profile.objects.select_for_update().filter(public_id=key).first()
    if profile is None:
        raise NotFound("account")
    return profile


def role_change(actor: Any, public_id: str, role: str, *, keep_session: str | None = None) -> bool:
    """Give the account `public_id` the role `role`; False when it already had it.

    `keep_session` is the caller's own session key, kept when admins change their own role."""
    admin = authorize(actor=actor, action=Action.ACCOUNTS_WRITE).user
    if role not in ROLES:
        raise InputError("role", [f"role: choose one of {', '.join(ROLES)} (got {role[:20]!r})"])
    new = Role(role)
    with transaction.atomic():
        # Locking every admin row serialises two admins demoting each other at the same time.
        admins = list(Profile.objects.select_for_update().filter(role=Role.ADMIN))
        profile = _target(public_id)
        old = profile.role
        if old == new:
            return False
        if old == Role.ADMIN and len(admins) <= 1:
            raise InputError(
                "role",
                ["role: this is the last admin; make another account admin first"],
            )
        profile.role = new
        profile.save(update_fields=["role"])
        # The Django admin (/admin/) follows the role: a former admin keeps no way in there.
        User.objects.filter(pk=profile.user_id).update(
            is_staff=new is Role.ADMIN, is_superuser=new is Role.ADMIN
        )
        audit_record(int(admin.pk), "role.change", f"{old}->{new}", subject_id=profile.user_id)
        # A token made under the old role must not carry into the new one (a person promoted
        # to clinician would otherwise act as one without ever setting up two-step sign-in).
        api_tokens_revoke_all(profile.user_id, reason="role.change", now=timezone.now())
    sessions_end(profile.user_id, keep=keep_session if profile.user_id == admin.pk else None)
    return True


def mfa_reset(actor: Any, public_id: str) -> None:
    """Remove an account's second factor (a lost phone and lost recovery codes): the account
    sets up a new one at its next sign-in, and its sessions end and API tokens are revoked now."""
    admin = authorize(actor=actor, action=Action.ACCOUNTS_WRITE).user
    with transaction.atomic():
        profile = _target(public_id)
        deleted, _ = TotpDevice.objects.filter(user_id=profile.user_id).delete()
        if not deleted:
            raise InputError("account", ["account: has no two-step sign-in to reset"])
        audit_record(int(admin.pk), "mfa.reset", subject_id=profile.user_id)
        api_tokens_revoke_all(profile.user_id, reason="mfa.reset", now=timezone.now())
    sessions_end(profile.user_id)
