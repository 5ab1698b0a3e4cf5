"""The one place that decides whether a person may touch a record.

A record that exists but belongs to someone else answers exactly like a record that does not
exist (404), so ids leak nothing (RELIABILITY.md 5: wrong owner -> 404, not 403)."""

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model


class NotFound(LookupError):
    """No such record for this person (whether it exists for someone else is not said)."""


def owned[M: Model](model: type[M], user: AbstractBaseUser | AnonymousUser, pk: Any) -> M:
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
