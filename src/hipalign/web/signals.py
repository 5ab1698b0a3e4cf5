"""Authentication events into the audit trail: who, what, when; never a password or health data."""

from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from hipalign.services.identity.tokens import api_tokens_revoke_all
from hipalign.services.identity.usernames import username_clash, username_mixes_lookalike_scripts
from hipalign.services.kernel.audit import audit_record
from hipalign.web import lockout, middleware


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
    # Who was tried, and from where (issue 12, item 14): the attempted name as typed (cut to
    # fit) and the client's address as the lockout counts it. Only admins read the audit log;
    # a password typed into the name field would land here, a risk the issue accepts.
    name = str((credentials or {}).get("username") or "")[:50]
    address = lockout.client_ip(request) if request is not None else "no request"
    audit_record(None, "auth.login_failed", f"{address} {name}"[:80])


@receiver(post_save, sender=User)
def _credentials_follow_the_account(
    sender: Any, instance: User, created: bool, **kwargs: Any
) -> None:
    """A new password or a disabled account revokes every API token (issue 12 item 6).

    Django keeps the new raw password in `_password` from set_password() until save() has
    passed it to the password validators, and clears it when check_password() merely upgrades
    the stored hash, so a login that rehashes does not count as a change. Sessions need nothing
    here: Django ends them itself (the session's password hash no longer matches; an inactive
    account is refused by the backend)."""
    if created:
        return
    now = timezone.now()
    if getattr(instance, "_password", None) is not None:
        api_tokens_revoke_all(int(instance.pk), reason="password.change", now=now)
    if not instance.is_active:
        api_tokens_revoke_all(int(instance.pk), reason="account.disable", now=now)


@receiver(pre_save, sender=User)
def _no_lookalike_usernames(
    sender: Any, instance: User, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """Every way an account gets or changes a name (the sign-up service, `createsuperuser`, a
    shell) meets the same rule: no two accounts look the same (services/identity/usernames.py)."""
    if raw or (update_fields is not None and "username" not in update_fields):
        return
    if username_mixes_lookalike_scripts(instance.username):
        raise ValidationError(
            "username: mixes letters of alphabets that look alike; use letters of one alphabet"
        )
    if username_clash(instance.username, exclude_pk=instance.pk) is not None:
        raise ValidationError("username: looks the same as an existing account's name")
