"""Secrets sealed at rest: a model field whose column holds only a Fernet token (issue 12 item 7).

The keys come from settings.TOTP_KEYS (env or the data folder, never the database), newest
first: MultiFernet encrypts with the first and decrypts with any, so adding a new key first
keeps every stored value readable, and `reseal` moves a value under the newest key. Fernet is
AES-128-CBC with an HMAC-SHA256, so a changed column fails loudly instead of decoding to junk.
"""

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _box() -> MultiFernet:
    keys = list(getattr(settings, "TOTP_KEYS", []))
    if not keys:
        raise ImproperlyConfigured("HIPALIGN_TOTP_KEYS: give at least one Fernet key")
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "HIPALIGN_TOTP_KEYS: each key must be 32 url-safe base64-encoded bytes "
            "(make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')"
        ) from exc


def seal(plain: str) -> str:
    return _box().encrypt(plain.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # No key of TOTP_KEYS opens it: a key was dropped too early, or the column was changed.
        raise ImproperlyConfigured(
            "HIPALIGN_TOTP_KEYS: a stored secret opens with none of the keys; "
            "put back the key it was sealed with"
        ) from exc


def reseal(token: str) -> str:
    """The same secret sealed under the newest key (MultiFernet.rotate)."""
    return _box().rotate(token.encode()).decode()


class SealedTextField(models.TextField):  # type: ignore[type-arg]
    """Python sees the plain text; the column holds only its Fernet token. Not for lookups:
    each sealing is different (a random IV), so equal secrets never look equal either."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else seal(value)
