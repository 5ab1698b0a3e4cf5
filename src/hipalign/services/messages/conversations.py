"""One conversation per care link (issue 18): commands and queries, each typed and keyword-only.

Who may see what, decided here only (`_conversation_for`):
- the link's person reads their conversation while the link is active and after it ended (it is
  their record), and writes while it is active;
- the link's clinician reads and writes only while the link is active: from the request after
  the link ends, the conversation answers NotFound, like one that does not exist;
- anyone else gets NotFound. Every clinician read and write is in the audit log, with the
  person as its subject (ASVS 16.3.2), and no message text.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext

from hipalign.adapters.db.models import CareLink, Message
from hipalign.core.access import Action, Role
from hipalign.core.errors import InputError
from hipalign.core.messages import client_id_check, message_body
from hipalign.services.kernel.access import (
    Actor,
    Forbidden,
    NotFound,
    authorize,
    profile_of,
    role_of,
)
from hipalign.services.kernel.audit import audit_record
from hipalign.services.messages.about import About, about_options, about_parse, about_view

Side = Literal["person", "clinician"]


class MessageConflict(ValueError):
    """The client id was used before for a different message from this side."""


@dataclass(frozen=True)
class MessageView:
    id: str
    client_id: str
    from_me: bool
    author: str  # the writer's account name
    body: str
    created_at: datetime
    read_at: datetime | None
    needs_reply: bool
    about: About | None


@dataclass(frozen=True)
class Conversation:
    link_id: str
    me_as: Side
    with_name: str
    patient_public_id: str
    open: bool  # the care link is active: both sides may write
    messages: list[MessageView]
    unread_on_opening: int  # how many from the other side were new to this reader


@dataclass(frozen=True)
class ConversationSummary:
    link_id: str
    me_as: Side
    with_name: str
    open: bool
    unread: int
    messages: int
    last_at: datetime | None


@dataclass(frozen=True)
class Sent:
    message: Message
    created: bool  # False: this client id was stored before (a resend)
    view: MessageView  # as the sender sees it


@dataclass(frozen=True)
class _Access:
    link: CareLink
    me_as: Side
    patient: User


def _link_key(link_id: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(link_id))
    except ValueError:
        raise NotFound("conversation") from None


def _conversation_for(actor: Actor, link_id: Any, *, action: Action, write: bool) -> _Access:
    """The one permission check of messages (module docstring): the link's person (also after
    it ended), or its clinician while it is active; authorize audits the clinician's access."""
    if not actor.is_authenticated:
        raise NotFound("conversation")
    link = (
        CareLink.objects.filter(pk=_link_key(link_id), status__in=["active", "ended"])
        .select_related("patient", "clinician")
        .first()
    )
    if link is None or link.patient is None or link.clinician is None:
        raise NotFound("conversation")
    if link.patient_id == actor.pk:
        authorize(actor=actor, action=action, subject=link.patient)
        if write and link.status != "active":
            raise InputError(
                "message",
                [
                    "Message: "
                    + gettext(
                        "this conversation ended with the care link; it can be read, not added to"
                    )
                ],
            )
        return _Access(link, "person", link.patient)
    if link.clinician_id != actor.pk or link.status != "active":
        raise NotFound("conversation")
    try:
        authorize(actor=actor, action=action, subject=link.patient, target=str(link.id))
    except Forbidden as exc:  # a former clinician of this link: as if there were no link
        raise NotFound("conversation") from exc
    return _Access(link, "clinician", link.patient)


def _mine(link_qs: QuerySet[CareLink], actor: User) -> QuerySet[CareLink]:
    """The caller's conversations: a person's links (active or ended), a clinician's active."""
    if role_of(actor) is Role.CLINICIAN:
        return link_qs.filter(clinician_id=actor.pk, status="active")
    return link_qs.filter(patient_id=actor.pk, status__in=["active", "ended"])


def _view(m: Message, access: _Access, public_id: str) -> MessageView:
    link = access.link
    mine = m.from_person == (access.me_as == "person")
    writer = link.patient if m.from_person else link.clinician
    return MessageView(
        id=str(m.id),
        client_id=m.client_id,
        from_me=mine,
        author=writer.get_username() if writer is not None else "",
        body=m.body,
        created_at=m.created_at,
        read_at=m.read_at,
        needs_reply=m.needs_reply,
        about=about_view(
            m.about_kind,
            m.about_ref,
            patient=access.patient,
            clinician_view=access.me_as == "clinician",
            patient_public_id=public_id,
        ),
    )


# --- queries -----------------------------------------------------------------------------


def conversations_list(*, actor: Actor) -> list[ConversationSummary]:
    """The caller's conversations, those with unread messages first, then the newest."""
    if not actor.is_authenticated:
        raise NotFound("conversation")
    user: User = actor  # type: ignore[assignment]
    clinician = role_of(user) is Role.CLINICIAN
    from_other = Q(messages__from_person=clinician)
    links = (
        _mine(CareLink.objects.all(), user)
        .select_related("patient", "clinician")
        .annotate(
            unread=Count("messages", filter=from_other & Q(messages__read_at__isnull=True)),
            count=Count("messages"),
            last=Max("messages__created_at"),
        )
    )
    out = [
        ConversationSummary(
            link_id=str(link.id),
            me_as="clinician" if clinician else "person",
            with_name=(link.patient if clinician else link.clinician).get_username(),
            open=link.status == "active",
            unread=link.unread,
            messages=link.count,
            last_at=link.last,
        )
        for link in links
        if link.patient is not None and link.clinician is not None
    ]
    out.sort(
        key=lambda c: (c.unread == 0, not c.open, -(c.last_at.timestamp() if c.last_at else 0))
    )
    if clinician:
        audit_record(int(user.pk), "read:messages.list", f"{len(out)} conversations")
    return out


def conversation_read(*, actor: Actor, link_id: str, now: datetime) -> Conversation:
    """One conversation, oldest first; what the other side wrote is marked read by this reader."""
    access = _conversation_for(actor, link_id, action=Action.MESSAGES_READ, write=False)
    link = access.link
    from_other = access.me_as == "clinician"  # the clinician reads what the person wrote
    with transaction.atomic():
        unread = Message.objects.filter(link=link, from_person=from_other, read_at__isnull=True)
        new = unread.update(read_at=now)
    public_id = str(profile_of(access.patient).public_id)
    rows = Message.objects.filter(link=link).order_by("created_at", "id")
    other = link.patient if access.me_as == "clinician" else link.clinician
    return Conversation(
        link_id=str(link.id),
        me_as=access.me_as,
        with_name=other.get_username() if other is not None else "",
        patient_public_id=public_id,
        open=link.status == "active",
        messages=[_view(m, access, public_id) for m in rows],
        unread_on_opening=new,
    )


def conversation_check(*, actor: Actor, link_id: str) -> None:
    """NotFound unless the caller may read this conversation; reads nothing of it (so it is not
    audited as a read). Lets a caller refuse a stranger before spending a rate-limit count."""
    if not actor.is_authenticated:
        raise NotFound("conversation")
    key = _link_key(link_id)
    person = Q(patient_id=actor.pk, status__in=["active", "ended"])
    clinician = Q(clinician_id=actor.pk, status="active")
    found = CareLink.objects.filter(person | clinician, pk=key).first()
    if found is None or (found.patient_id != actor.pk and role_of(actor) is not Role.CLINICIAN):
        raise NotFound("conversation")


def conversation_with(*, clinician: Actor, patient_public_id: str) -> str | None:
    """The id of the clinician's open conversation with this person (their active link), for a
    link from the patient's pages; None when there is none. Reads no message."""
    if not clinician.is_authenticated or role_of(clinician) is not Role.CLINICIAN:
        return None
    try:
        key = uuid.UUID(str(patient_public_id))
    except ValueError:
        return None
    found = (
        CareLink.objects.filter(
            clinician_id=clinician.pk, status="active", patient__profile__public_id=key
        )
        .values_list("id", flat=True)
        .first()
    )
    return str(found) if found else None


def about_choices(*, actor: Actor, link_id: str) -> list[tuple[str, str]]:
    """What a new message in this conversation may point at (the form's choices)."""
    access = _conversation_for(actor, link_id, action=Action.MESSAGES_ABOUT, write=False)
    return about_options(access.patient)


def unread_count(*, person: User) -> int:
    """Messages from any of the person's clinicians that the person has not read, ended links
    included (their conversations stay readable). For reminders (issue 18) and the menu."""
    return Message.objects.filter(
        link__patient_id=person.pk,
        link__status__in=["active", "ended"],
        from_person=False,
        read_at__isnull=True,
    ).count()


def unread_count_for_clinician(*, clinician: User) -> int:
    """Messages from the clinician's linked people (active links only) not read yet."""
    return Message.objects.filter(
        link__clinician_id=clinician.pk,
        link__status="active",
        from_person=True,
        read_at__isnull=True,
    ).count()


def unread_for(*, user: Actor) -> int:
    """The menu's count: by the caller's role (admins have no conversations)."""
    if not user.is_authenticated:
        return 0
    role = role_of(user)
    if role is Role.CLINICIAN:
        return unread_count_for_clinician(clinician=user)  # type: ignore[arg-type]
    if role is Role.PERSON:
        return unread_count(person=user)  # type: ignore[arg-type]
    return 0


def message_signals(*, clinician: User, patient_ids: Any) -> dict[int, tuple[int, int]]:
    """patient id -> (unread messages, messages marked as needing a reply) over the clinician's
    active links, in one query (for the attention order; services.clinic)."""
    rows = (
        Message.objects.filter(
            link__clinician_id=clinician.pk,
            link__status="active",
            link__patient_id__in=patient_ids,
            from_person=True,
        )
        # Only the rows that count: the partial index message_open_by_link holds just these,
        # so the list reads a few rows per link, not every message ever written.
        .filter(Q(read_at__isnull=True) | Q(needs_reply=True))
        .values("link__patient_id")
        .annotate(
            unread=Count("id", filter=Q(read_at__isnull=True)),
            reply=Count("id", filter=Q(needs_reply=True)),
        )
    )
    return {int(r["link__patient_id"]): (r["unread"], r["reply"]) for r in rows}


# --- commands ----------------------------------------------------------------------------


def _body_hash(body: str, about_kind: str, about_ref: str) -> str:
    return hashlib.sha256(f"{about_kind}:{about_ref}\n{body}".encode()).hexdigest()


def message_send(
    *, actor: Actor, link_id: str, client_id: str, body: str, about: str = "", now: datetime
) -> Sent:
    """Store one message from the caller's side. Idempotent by `client_id`: the same id with
    the same text answers the stored message (created False); with other text, MessageConflict.
    Bad input (empty, too long, a foreign `about`) raises InputError and stores nothing."""
    access = _conversation_for(actor, link_id, action=Action.MESSAGES_WRITE, write=True)
    text = message_body(body)
    cid = client_id_check(client_id)
    kind, ref = about_parse(access.patient, about)
    from_person = access.me_as == "person"
    digest = _body_hash(text, kind, ref)
    existing = Message.objects.filter(
        link=access.link, from_person=from_person, client_id=cid
    ).first()
    if existing is not None:
        if existing.body_hash != digest:
            raise MessageConflict(cid)
        return _sent(existing, False, access)
    try:
        with transaction.atomic():
            msg = Message.objects.create(
                link=access.link,
                from_person=from_person,
                client_id=cid,
                body_hash=digest,
                body=text,
                about_kind=kind,
                about_ref=ref,
                created_at=now,
            )
            if not from_person:
                # The clinician has answered: the person's messages no longer wait on a reply.
                Message.objects.filter(link=access.link, from_person=True, needs_reply=True).update(
                    needs_reply=False
                )
    except IntegrityError:  # a concurrent double submit won the race: answer its message
        won = Message.objects.get(link=access.link, from_person=from_person, client_id=cid)
        if won.body_hash != digest:
            raise MessageConflict(cid) from None
        return _sent(won, False, access)
    return _sent(msg, True, access)


def _sent(msg: Message, created: bool, access: _Access) -> Sent:
    return Sent(msg, created, _view(msg, access, str(profile_of(access.patient).public_id)))


def message_reply_needed(*, actor: Actor, link_id: str, message_id: str, needed: bool) -> Message:
    """The clinician marks (or unmarks) a message from the person as needing a reply."""
    user = authorize(actor=actor, action=Action.CLINIC_OPEN).user
    try:
        key = uuid.UUID(str(message_id))
    except ValueError:
        raise NotFound("message") from None
    msg = Message.objects.filter(pk=key, link_id=_link_key(link_id), from_person=True).first()
    if msg is None:
        raise NotFound("message")
    _conversation_for(user, msg.link_id, action=Action.MESSAGES_FLAG, write=True)
    msg.needs_reply = needed
    msg.save(update_fields=["needs_reply"])
    return msg


def messages_export(*, person: User) -> list[dict[str, Any]]:
    """The person's messages for their export (`messages` section of hipalign.export/1),
    every conversation of theirs, oldest first."""
    rows = (
        Message.objects.filter(link__patient_id=person.pk)
        .select_related("link__clinician")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": str(m.id),
            "link_id": str(m.link_id),
            "from": "person" if m.from_person else "clinician",
            "clinician": m.link.clinician.get_username() if m.link.clinician else None,
            "client_id": m.client_id,
            "body": m.body,
            "about_kind": m.about_kind,
            "about_ref": m.about_ref,
            "created_at": m.created_at.isoformat(),
            "read_at": m.read_at.isoformat() if m.read_at else None,
            "needs_reply": m.needs_reply,
        }
        for m in rows
    ]
