"""Care links between a clinician and a person (issue 5).

Either side makes a one-time code; the other side redeems it. A clinician's code invites a person
("invite"), a person's code shares their data with a clinician ("share"). Codes are random, shown
once, stored only as a sha256, and expire after a week. Either side can end a link; access ends
with it, because services.access checks the link on every call.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext

from hipalign.adapters.db.models import CareLink
from hipalign.core.access import Action, Role
from hipalign.core.errors import InputError
from hipalign.services.kernel.access import Actor, NotFound, authorize, profile_of
from hipalign.services.kernel.audit import audit_record

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud over the phone
CODE_LENGTH = 10  # 30^10 ~ 5.9e14 codes; redemption is rate-limited by the login throttle
CODE_DAYS = 7


@dataclass(frozen=True)
class NewCode:
    link: CareLink
    code: str  # shown once: "ABCDE-FGHJK"


def _hash(code: str) -> str:
    clean = "".join(c for c in code.upper() if c.isalnum())
    return hashlib.sha256(clean.encode()).hexdigest()


def link_code_create(actor: Actor, now: datetime) -> NewCode:
    """A clinician's invite for a person, or a person's share code for a clinician."""
    grant = authorize(actor=actor, action=Action.CARE_CODES)
    user, role = grant.user, grant.role
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    code = f"{raw[:5]}-{raw[5:]}"
    link = CareLink.objects.create(
        clinician=user if role is Role.CLINICIAN else None,
        patient=user if role is Role.PERSON else None,
        created_by=str(role),
        code_hash=_hash(code),
        expires_at=now + timedelta(days=CODE_DAYS),
    )
    profile_of(user)
    audit_record(
        int(user.pk), f"link.code.{'invite' if role is Role.CLINICIAN else 'share'}", str(link.id)
    )
    return NewCode(link=link, code=code)


def link_code_redeem(actor: Actor, code: str, now: datetime) -> CareLink:
    """Redeem the other side's code: the link becomes active at once."""
    grant = authorize(actor=actor, action=Action.CARE_CODES)
    user, role = grant.user, grant.role
    clean = "".join(c for c in code.upper() if c.isalnum())
    if len(clean) != CODE_LENGTH:
        raise InputError(
            "code",
            [
                "code: "
                + gettext("give the %(count)s letters and digits you were given")
                % {"count": CODE_LENGTH}
            ],
        )
    wanted = Role.CLINICIAN if role is Role.PERSON else Role.PERSON
    with transaction.atomic():
        link = (
            CareLink.objects.select_for_update()
            .filter(code_hash=_hash(clean), status="pending", created_by=wanted)
            .first()
        )
        if link is None or link.expires_at <= now:
            raise InputError(
                "code", ["code: " + gettext("not valid or expired; ask for a new one")]
            )
        if role is Role.PERSON:
            link.patient = user
        else:
            link.clinician = user
        if link.patient_id == link.clinician_id:
            raise InputError("code", ["code: " + gettext("this is your own code")])
        existing = CareLink.objects.filter(
            clinician_id=link.clinician_id, patient_id=link.patient_id, status="active"
        ).first()
        link.code_hash = None  # one use only
        if existing is not None:
            link.status = "ended"
            link.ended_at = now
            link.ended_by_id = int(user.pk)
            link.save()
            return existing
        link.status = "active"
        link.accepted_at = now
        try:
            link.save()
        except IntegrityError:  # a concurrent redeem for the same pair won
            raise InputError("code", ["code: " + gettext("you are already linked")]) from None
        profile_of(link.patient)  # type: ignore[arg-type]
        audit_record(int(user.pk), "link.accept", str(link.id), subject_id=link.patient_id)
    return link


def link_end(actor: Actor, link_id: str, now: datetime) -> CareLink:
    """End a link (either side) or withdraw an unused code (its maker)."""
    if not actor.is_authenticated:
        raise NotFound("link")
    try:
        key = uuid.UUID(str(link_id))
    except ValueError:
        raise NotFound("link") from None
    link = CareLink.objects.filter(
        Q(clinician_id=actor.pk) | Q(patient_id=actor.pk),
        pk=key,
        status__in=["pending", "active"],
    ).first()
    if link is None:
        raise NotFound("link")
    link.status = "ended"
    link.code_hash = None
    link.ended_at = now
    link.ended_by_id = int(actor.pk)
    link.save()
    audit_record(int(actor.pk), "link.end", str(link.id), subject_id=link.patient_id)
    return link


def links_list(actor: Actor) -> list[CareLink]:
    """The caller's links and unused codes, newest first, ended ones included for the record."""
    if not actor.is_authenticated:
        return []
    return list(
        CareLink.objects.filter(Q(clinician_id=actor.pk) | Q(patient_id=actor.pk))
        .select_related("clinician", "patient", "patient__profile")
        .order_by("-created_at")
    )


def patients_linked(actor: Actor) -> list[User]:
    """The clinician's patients with an active link."""
    user = authorize(actor=actor, action=Action.CLINIC_OPEN).user
    return list(
        User.objects.filter(
            clinician_links__clinician_id=user.pk, clinician_links__status="active"
        ).select_related("profile")
    )
