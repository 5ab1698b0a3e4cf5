"""Email through Django's email backend (SMTP settings from the environment; off unless
HIPALIGN_SMTP_HOST is set): the bundled reminder, the weekly summary, and the one-click
unsubscribe link, a signed token that works without logging in and turns off only what it names.
"""

import smtplib

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMessage
from django.utils.translation import gettext, gettext_lazy

from hipalign.adapters.db.models import ReachPreference

UNSUBSCRIBE_SALT = "hipalign.reach.unsubscribe"
# What an unsubscribe link can turn off, and the words the page uses for it.
# In the language active where they are read: the unsubscribe page's (the request's); an email
# built by the worker is in the person's (kernel/languages.speaking).
LISTS = {
    "reminders": gettext_lazy("reminder emails"),
    "summary": gettext_lazy("the weekly summary"),
}


def email_enabled() -> bool:
    return bool(settings.EMAIL_ENABLED)


def public_link(path: str) -> str:
    """An absolute link for an email sent by the worker; "" when the install has no public URL."""
    return f"{settings.PUBLIC_URL}{path}" if settings.PUBLIC_URL else ""


def unsubscribe_token(user: User, what: str) -> str:
    """A signed, non-expiring token naming the account and the list it leaves (signed with the
    install's secret key, so nobody can make one for another account)."""
    return signing.dumps({"u": int(user.pk), "w": what}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(account id, list) of a valid token, else None."""
    if len(token) > 300:
        return None
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("w") not in LISTS
        or not isinstance(data.get("u"), int)
    ):
        return None
    return data["u"], data["w"]


def unsubscribe_apply(token: str) -> str | None:
    """Turn off the one list the token names; the list's words, or None for a bad token.
    Idempotent, and it changes nothing else (other lists, devices, the address, the account)."""
    found = unsubscribe_read(token)
    if found is None:
        return None
    user_id, what = found
    field = "email_reminders" if what == "reminders" else "weekly_summary"
    ReachPreference.objects.filter(user_id=user_id).update(**{field: False})
    return str(LISTS[what])


def send(to: str, *, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """One plain-text email; raises smtplib.SMTPException or OSError when the server refuses or
    cannot be reached. Never called when email is off."""
    if not email_enabled():
        raise RuntimeError("email is not configured")
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    ).send()


def _list_mail(user: User, what: str, *, subject: str, lines: list[str]) -> tuple[str, str]:
    """Send a reminder or summary with its unsubscribe link; ("sent"|"retry"|"gone", error)."""
    if not user.email:
        return "gone", "no verified address"
    link = public_link(f"/unsubscribe/{unsubscribe_token(user, what)}")
    body = "\n\n".join(lines)
    headers: dict[str, str] = {}
    if link:
        body += (
            "\n\n--\n"
            + gettext("To stop %(what)s, open %(link)s")
            % {
                "what": LISTS[what],
                "link": link,
            }
            + "\n"
        )
        # RFC 8058 one-click: the mail client POSTs to the same link.
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    else:
        body += (
            "\n\n--\n"
            + gettext("To stop %(what)s, turn them off on Account > Reminders.")
            % {"what": LISTS[what]}
            + "\n"
        )
    try:
        send(user.email, subject=subject, body=body, headers=headers)
    except (smtplib.SMTPException, OSError) as exc:
        return "retry", f"mail server: {type(exc).__name__}"
    return "sent", ""


def mail_reminder(user: User, *, kind: str, text: str, path: str) -> tuple[str, str]:
    if kind == "summary":
        return _list_mail(user, "summary", subject=gettext("hipalign: your week"), lines=[text])
    link = public_link(path)
    lines = [text] + ([gettext("Open hipalign: %(link)s") % {"link": link}] if link else [])
    return _list_mail(
        user, "reminders", subject=gettext("hipalign: a reminder for today"), lines=lines
    )
