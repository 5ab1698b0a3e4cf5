"""Each person's language for the pages (issue 20): chosen in onboarding or on the account page,
else read from the browser's Accept-Language, else English. The web edge activates it per
request (web/middleware.py), and a clinician's pages follow the clinician's own choice.

The languages offered on the pages are Django's settings.LANGUAGES; a code outside them is
refused with a message that names the field, and nothing is stored."""

from contextlib import AbstractContextManager

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import formats, translation
from django.utils.translation import gettext as _

from hipalign.core.errors import InputError
from hipalign.core.i18n import SOURCE_LANGUAGE, negotiate
from hipalign.services.kernel.access import profile_of, profile_row


def label() -> str:
    """The field's label on the onboarding and account pages, in the page's language."""
    return _("Language")


def language_active() -> str:
    """The language this request activated ("es" of "es-mx"); English outside a request. The
    pages pass it to the read models, which put the shipped content in its words."""
    return (translation.get_language() or SOURCE_LANGUAGE).split("-")[0]


def grouped(number: int) -> str:
    """A whole number as the active language writes it in a sentence: "20,971,520" in English,
    "20\xa0971\xa0520" in Spanish (Django's number formats), for a refusal's limits."""
    return str(formats.number_format(number, force_grouping=True))


def languages_offered() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def language_names() -> list[tuple[str, str]]:
    """(code, the language in its own name), as the picker shows them."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def language_chosen(user: User) -> str:
    """The person's stored choice, or "" when none (or one no longer offered) is stored."""
    profile = profile_row(user.pk)
    stored = profile.language if profile is not None else None
    return stored if stored in languages_offered() else ""


def speaking(user: User) -> AbstractContextManager[None]:
    """The person's language active for words made outside their request (the worker's
    reminders and summaries, a reset link asked for from a signed-out browser)."""
    return translation.override(language_chosen(user) or SOURCE_LANGUAGE)


def language_for(user: User | None, *, accept_language: str | None) -> str:
    """The language of one request: the signed-in user's choice, else the browser's
    Accept-Language among the offered ones, else the source language (English)."""
    if user is not None and user.is_authenticated:
        chosen = language_chosen(user)
        if chosen:
            return chosen
    offered = languages_offered()
    if not offered:
        return SOURCE_LANGUAGE
    return negotiate(accept_language, offered=offered)


def language_set(user: User, *, language: str) -> str:
    """Store the person's language; a code not offered is refused and nothing changes."""
    code = language.strip()
    if code not in languages_offered():
        names = ", ".join(name for _code, name in language_names())
        raise InputError(
            "language",
            [
                _("%(label)s: choose one of the languages offered (%(names)s)")
                % {"label": label(), "names": names}
            ],
        )
    profile = profile_of(user)
    if profile.language != code:
        profile.language = code
        profile.save(update_fields=["language"])
    return code
