"""Web Push: the app's VAPID identity, each device's subscription, and one encrypted send.

The payload is encrypted for the device (RFC 8291, aes128gcm) and the request signed with the
app's VAPID key (RFC 8292) by pywebpush; the push service only relays bytes it cannot read.
"""

import base64
import ipaddress
import json
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from hipalign.adapters.db.models import PushSubscription
from hipalign.core.errors import InputError
from hipalign.services.kernel.access import Actor, NotFound

TTL_S = 4 * 3600  # a reminder older than a few hours is no longer worth showing
TIMEOUT_S = 15
# RFC 8030 5.4: a newer message with the same topic replaces one the service still holds, so a
# phone that was offline wakes to one reminder, not a pile of them.
TOPIC = "hipalign-reminder"
GONE = frozenset({404, 410})  # RFC 8030 7.3: the subscription has expired or was removed


@cache
def _vapid() -> Vapid:
    return Vapid.from_string(private_key=settings.VAPID_PRIVATE_KEY)


def vapid_public_key() -> str:
    """The applicationServerKey the browser subscribes with: the uncompressed P-256 point,
    base64url without padding."""
    raw = _vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64url_bytes(value: str, field: str, size: int) -> str:
    text = value.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raw = b""
    if len(raw) != size:
        raise InputError("push", [f"{field}: must be {size} bytes in base64url"])
    return text


def _endpoint(value: str) -> str:
    """A push service URL: https on a named host. Only tests (PUSH_ALLOW_LOOPBACK) may use
    http://127.0.0.1, so a made-up subscription cannot make the worker post into the network
    the server sits in."""
    url = value.strip()
    parts = urlsplit(url)
    host = parts.hostname or ""
    if getattr(settings, "PUSH_ALLOW_LOOPBACK", False) and host == "127.0.0.1":
        return url
    if len(url) > 2000 or parts.scheme != "https" or not host or host == "localhost":
        raise InputError("push", ["endpoint: must be the https address of a push service"])
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return url
    raise InputError("push", ["endpoint: must be the https address of a push service"])


def push_subscribe(actor: Actor, *, subscription: dict[str, Any], label: str = "") -> str:
    """Store this device's subscription for the signed-in person (idempotent: the same endpoint
    again updates its keys); the subscription's id."""
    if not actor.is_authenticated:
        raise NotFound("account")
    keys = subscription.get("keys") if isinstance(subscription, dict) else None
    endpoint = subscription.get("endpoint") if isinstance(subscription, dict) else None
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise InputError("push", ["subscription: must have an endpoint and keys"])
    url = _endpoint(endpoint)
    p256dh = _b64url_bytes(str(keys.get("p256dh", "")), "keys.p256dh", 65)
    auth = _b64url_bytes(str(keys.get("auth", "")), "keys.auth", 16)
    with transaction.atomic():
        found = PushSubscription.objects.select_for_update().filter(endpoint=url).first()
        if found is not None:
            # The browser hands an endpoint to one profile; a new account signing in on this
            # browser takes the device over, so the earlier account's reminders stop there.
            found.user_id = actor.pk
            found.p256dh, found.auth, found.label = p256dh, auth, label[:80]
            found.save(update_fields=["user", "p256dh", "auth", "label"])
            return str(found.id)
        try:
            with transaction.atomic():
                made = PushSubscription.objects.create(
                    user_id=actor.pk, endpoint=url, p256dh=p256dh, auth=auth, label=label[:80]
                )
        except IntegrityError:  # the same device subscribing twice at once
            made = PushSubscription.objects.get(endpoint=url)
    return str(made.id)


def push_unsubscribe(actor: Actor, *, endpoint: str) -> bool:
    """Forget this device for the signed-in person; False when it was not theirs or not known
    (nothing else changes)."""
    if not actor.is_authenticated:
        raise NotFound("account")
    deleted, _ = PushSubscription.objects.filter(
        user_id=actor.pk, endpoint=endpoint.strip()
    ).delete()
    return deleted > 0


def push_devices(user: User) -> int:
    return PushSubscription.objects.filter(user_id=user.pk).count()


@dataclass(frozen=True)
class PushOutcome:
    sent: int  # devices the push service accepted it for
    gone: int  # subscriptions removed because the service said they are gone
    failed: int  # devices to try again (network trouble, 429, 5xx)
    error: str


def _claims(endpoint: str) -> dict[str, str | int]:
    parts = urlsplit(endpoint)
    return {"sub": settings.VAPID_SUBJECT, "aud": f"{parts.scheme}://{parts.netloc}"}


def push_send(user: User, *, title: str, body: str, path: str) -> PushOutcome:
    """Send one notification to each of the person's devices. A device the push service reports
    gone is removed; other failures are counted for a retry by the caller."""
    payload = json.dumps({"title": title, "body": body, "url": path, "tag": TOPIC})
    sent = gone = failed = 0
    error = ""
    for sub in list(PushSubscription.objects.filter(user_id=user.pk)):
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        try:
            webpush(
                subscription_info=info,
                data=payload,
                vapid_private_key=_vapid(),
                vapid_claims=_claims(sub.endpoint),
                ttl=TTL_S,
                timeout=TIMEOUT_S,
                headers={"Topic": TOPIC, "Urgency": "normal"},
            )
        except WebPushException as exc:
            status = exc.status_code
            if status in GONE:
                sub.delete()
                gone += 1
            else:
                failed += 1
                error = f"push service answered {status}" if status else "push service unreachable"
            continue
        except Exception as exc:  # connection refused, DNS, TLS: the device keeps its turn
            failed += 1
            error = f"push service unreachable ({type(exc).__name__})"
            continue
        sent += 1
        PushSubscription.objects.filter(pk=sub.pk).update(last_ok_at=timezone.now())
    return PushOutcome(sent=sent, gone=gone, failed=failed, error=error)
