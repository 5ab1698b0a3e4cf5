"""A person's signed-in browsers, on the Account page (issue 12 item 8): list them, end one, or
end all but this one. Only the caller's own sessions are ever listed or ended; another person's
answers NotFound and stays signed in.

The web middleware calls session_seen on signed-in requests (at most once a minute per session,
and whenever Django gives the session a new key), so each row knows its account, a device
summary, when it began and when it was last seen. Rows whose session has ended or expired are
dropped when the list is read.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from ua_parser import parse

from hipalign.adapters.db.models import BrowserSession
from hipalign.services.identity.roles import sessions_end
from hipalign.services.kernel.access import Actor, NotFound
from hipalign.services.kernel.audit import audit_record

AGENT_MAX = 120


@dataclass(frozen=True)
class SessionRow:
    id: str  # the row's public id, never the session key
    agent: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


def agent_summary(user_agent: str) -> str:
    """'Firefox on Linux' from a User-Agent header (ua-parser's rules); the raw header is not
    kept, it says more about the device than a person needs to recognise it."""
    result = parse(user_agent[:1000])
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    browser = "" if browser == "Other" else browser
    system = "" if system == "Other" else system
    text = " on ".join(p for p in (browser, system) if p) or "Unknown browser"
    return text[:AGENT_MAX]


def session_seen(
    *, user_id: int, session_key: str, user_agent: str, now: datetime, old_key: str | None = None
) -> None:
    """Record that this session of this account was used now. `old_key` is the key it had
    before Django cycled it (the TOTP step does), so the row keeps its start time."""
    with transaction.atomic():
        if old_key and old_key != session_key:
            BrowserSession.objects.filter(session_key=old_key, user_id=user_id).update(
                session_key=session_key
            )
        updated = BrowserSession.objects.filter(session_key=session_key, user_id=user_id).update(
            last_seen_at=now
        )
        if not updated:
            BrowserSession.objects.filter(session_key=session_key).delete()  # another account's
            BrowserSession.objects.create(
                user_id=user_id,
                session_key=session_key,
                agent=agent_summary(user_agent),
                last_seen_at=now,
            )


def _signed_in(actor: Actor) -> User:
    if not actor.is_authenticated:
        raise NotFound("session")
    return actor  # type: ignore[return-value]


def sessions_list(actor: Actor, *, current_key: str | None, now: datetime) -> list[SessionRow]:
    """The caller's live sessions, this one first, then by last use."""
    user = _signed_in(actor)
    rows = BrowserSession.objects.filter(user_id=user.pk)
    live = set(
        Session.objects.filter(
            session_key__in=rows.values("session_key"), expire_date__gt=now
        ).values_list("session_key", flat=True)
    )
    rows.exclude(session_key__in=live).delete()
    out = [
        SessionRow(
            id=str(r.id),
            agent=r.agent,
            created_at=r.created_at,
            last_seen_at=r.last_seen_at,
            current=r.session_key == current_key,
        )
        for r in BrowserSession.objects.filter(user_id=user.pk).order_by("-last_seen_at")
    ]
    return sorted(out, key=lambda r: not r.current)


def session_end(actor: Actor, session_id: str, *, current_key: str | None) -> None:
    """End one of the caller's other sessions; anyone else's (or an unknown id) is NotFound."""
    user = _signed_in(actor)
    try:
        key = uuid.UUID(str(session_id))
    except ValueError:
        raise NotFound("session") from None
    row = BrowserSession.objects.filter(pk=key, user_id=user.pk).first()
    if row is None or row.session_key == current_key:
        raise NotFound("session")
    with transaction.atomic():
        Session.objects.filter(session_key=row.session_key).delete()
        row.delete()
        audit_record(int(user.pk), "session.end", str(key))


def sessions_end_others(actor: Actor, *, current_key: str | None) -> int:
    """End every session of the caller but this one (those from before the list existed too);
    how many were ended."""
    user = _signed_in(actor)
    ended = sessions_end(int(user.pk), keep=current_key)
    BrowserSession.objects.filter(user_id=user.pk).exclude(session_key=current_key).delete()
    audit_record(int(user.pk), "session.end_others", str(ended))
    return ended
