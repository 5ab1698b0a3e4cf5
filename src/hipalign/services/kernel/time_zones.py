"""Each person's time zone: the zone in which their "today", reminder times and logs' dates are
counted. The web edge activates it per request (web/middleware.py), so the dates that views pass
to the services are the person's own."""

from functools import cache
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext

from hipalign.core.errors import InputError
from hipalign.services.kernel.access import profile_of, profile_row

LABEL = "Time zone"  # the field's label on the onboarding and account pages


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones this machine's tz database knows (zoneinfo), sorted; no "localtime" or
    file paths, so a stored name always loads."""
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def time_zone_default() -> str:
    """The install's zone (settings.TIME_ZONE), for a person who has not chosen one."""
    return str(settings.TIME_ZONE)


def time_zone_of(user: User) -> str:
    """The person's zone name, or the install's when none is chosen (a read only: it runs on
    every request)."""
    profile = profile_row(user.pk)
    stored = profile.time_zone if profile is not None else None
    return stored if stored in time_zone_names() else time_zone_default()


def time_zone_chosen(user: User) -> bool:
    profile = profile_row(user.pk)
    return profile is not None and profile.time_zone != ""


def time_zone_set(user: User, *, zone: str) -> str:
    """Store the person's zone; an unknown name is refused and nothing changes."""
    name = zone.strip()
    if name not in time_zone_names():
        shown = name[:40]
        raise InputError(
            "time zone",
            [
                f"{LABEL}: "
                + gettext(
                    "%(name)s is not a time zone this app knows; choose one from the list, "
                    "such as Europe/Berlin or America/Los_Angeles"
                )
                % {"name": repr(shown or gettext("nothing"))}
            ],
        )
    profile = profile_of(user)
    if profile.time_zone != name:
        profile.time_zone = name
        profile.save(update_fields=["time_zone"])
    return name
