"""Template variables every page may use."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from hipalign.services.kernel.access import role_of
from hipalign.services.messages.conversations import unread_for


def role(request: HttpRequest) -> dict[str, str | None]:
    """`hipalign_role`: person, clinician, admin, or None when signed out, for the nav
    (`{% if hipalign_role == "clinician" %}`). Read this request, so a role change shows at once;
    MfaRequiredMiddleware has usually read it already."""
    known = getattr(request, "hipalign_role", ...)
    if known is not ...:
        return {"hipalign_role": known}
    user = getattr(request, "user", None)
    return {"hipalign_role": role_of(user) if user is not None else None}


def unread(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """`hipalign_unread`: the caller's unread messages for the menu (issue 18). A callable, so
    the count is read only by pages that show the menu, once per page."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"hipalign_unread": lambda: 0}
    return {"hipalign_unread": lambda: unread_for(user=user)}
