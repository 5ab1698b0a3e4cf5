"""The mailer of an install without SMTP settings (issue 18): it refuses every message, so a
code path that forgot to check settings.EMAIL_ENABLED fails loudly instead of sending or
silently dropping. Django's checks want a default mailer; its dummy backend counts as a
development one in production."""

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        if email_messages:
            raise RuntimeError("email is off: set HIPALIGN_SMTP_HOST to send email")
        return 0
