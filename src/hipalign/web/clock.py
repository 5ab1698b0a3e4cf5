"""The web edge's clock: today's date in the request's time zone (the middleware activates the
person's zone, so this is their "today"). Services never read the clock; the edges pass it in."""

from datetime import date

from django.utils import timezone


def today() -> date:
    return timezone.localdate()
