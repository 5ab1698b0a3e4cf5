"""System checks for what `check --deploy` does not catch (RELIABILITY.md 2)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def hipalign_security(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.ENV != "test" and not settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher"):
        errors.append(Error("Argon2 must be the first password hasher", id="hipalign.E001"))
    if "axes.middleware.AxesMiddleware" not in settings.MIDDLEWARE:
        errors.append(Error("login throttling (django-axes) is not installed", id="hipalign.E002"))
    if not getattr(settings, "SECURE_CSP", None):
        errors.append(Error("no Content-Security-Policy is set", id="hipalign.E003"))
    if settings.SESSION_COOKIE_AGE > 30 * 60:
        errors.append(Error("sessions must expire after 30 idle minutes", id="hipalign.E004"))
    return errors


@register()
def hipalign_pose_assets(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The camera coach's model files (issue 17): a missing install is a warning (the player
    works without the coach), a file that does not match its pinned sha256 an error."""
    from hipalign.web import pose_assets

    state = pose_assets.verify()
    if state.mismatched:
        return [Error(state.message(), id="hipalign.E101")]
    if state.missing:
        return [Warning(state.message(), id="hipalign.W101")]
    return []
