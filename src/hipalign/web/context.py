"""Template variables every page may use."""

from django.http import HttpRequest

from hipalign.services.kernel.access import role_of


def role(request: HttpRequest) -> dict[str, str | None]:
    """`hipalign_role`: person, clinician, admin, or None when signed out, for the nav
    (`{% if hipalign_role == "clinician" %}`). Read this request, so a role change shows at once;
    MfaRequiredMiddleware has usually read it already."""
    known = getattr(request, "hipalign_role", ...)
    if known is not ...:
        return {"hipalign_role": known}
    user = getattr(request, "user", None)
    return {"hipalign_role": role_of(user) if user is not None else None}
