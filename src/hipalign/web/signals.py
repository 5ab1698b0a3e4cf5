"""Authentication events into the audit trail: who, what, when; never a password or health data."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from hipalign.services.audit import audit_record
from hipalign.web import middleware


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The 12-hour absolute limit counts from the login itself (see middleware.AbsoluteSessionLimitMiddleware).
    if request is not None and hasattr(request, "session"):
        request.session[middleware.ABSOLUTE_KEY] = middleware.now()
    audit_record(user.pk, "auth.login")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(user.pk, "auth.logout")


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The attempted username is not stored: it may be a mistyped password.
    audit_record(None, "auth.login_failed")
