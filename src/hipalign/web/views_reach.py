"""Reminders outside the open tab (issue 18): the person's settings, a device's push opt-in, and
the public unsubscribe link of an email."""

import json
import smtplib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from hipalign.core.errors import InputError
from hipalign.services.reach import accounts_email, mail, preferences, push
from hipalign.web.edge import field_errors

BODY_MAX = 8_000  # a PushSubscription's JSON is a few hundred bytes
# The page's labels; the services lead their problems with the same words, said once.
_LABELS = {
    "email": accounts_email.ADDRESS_LABEL,
    "reminder_time": preferences.TIME_LABEL,
    "alarm_minutes": preferences.ALARM_LABEL,
    "email_reminders": "Email reminders",
}


def _page(request: HttpRequest, *, errors: dict[str, str], status: int = 200) -> HttpResponse:
    return render(
        request,
        "hipalign/reminders.html",
        {
            "reach": preferences.reach_view(request.user),
            "vapid_key": push.vapid_public_key(),
            "email_on": mail.email_enabled(),
            "alarm_choices": preferences.ALARM_CHOICES,
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    """GET: the settings and this device's push switch; POST: store the settings."""
    if request.method == "GET":
        return _page(request, errors={})
    try:
        preferences.reach_set(
            request.user,
            reminder_time=request.POST.get("reminder_time", "")[:10],
            email_reminders=request.POST.get("email_reminders") == "on",
            weekly_summary=request.POST.get("weekly_summary") == "on",
            alarm_minutes=request.POST.get("alarm_minutes", "")[:10],
        )
    except InputError as exc:
        return _page(request, errors=field_errors(exc.problems, labels=_LABELS), status=422)
    messages.success(request, gettext("Reminder settings saved."))
    return redirect("reminders")


def _json_body(request: HttpRequest) -> dict[str, object] | None:
    if len(request.body) > BODY_MAX:
        return None
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@login_required
@require_POST
def push_on(request: HttpRequest) -> HttpResponse:
    """This device's PushSubscription (JSON), stored for the signed-in person."""
    data = _json_body(request)
    if data is None:
        return JsonResponse({"detail": "the body must be a JSON object"}, status=422)
    label = request.headers.get("User-Agent", "")[:80]
    try:
        sub_id = push.push_subscribe(request.user, subscription=data, label=label)
    except InputError as exc:
        return JsonResponse({"detail": exc.problems}, status=422)
    return JsonResponse({"id": sub_id}, status=201)


@login_required
@require_POST
def push_off(request: HttpRequest) -> HttpResponse:
    """Forget this device (JSON {endpoint}); only the signed-in person's own devices."""
    data = _json_body(request)
    endpoint = data.get("endpoint") if data else None
    if not isinstance(endpoint, str):
        return JsonResponse(
            {"detail": ["endpoint: must be the subscription's endpoint"]}, status=422
        )
    return JsonResponse({"removed": push.push_unsubscribe(request.user, endpoint=endpoint)})


# The signed token is the credential, and the only thing it can do is turn one list off, so a
# forged cross-site POST gains nothing; a mail client's one-click POST (RFC 8058) has no token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the link in each email. GET asks (mail scanners open links), POST turns off the
    one list the signed token names (RFC 8058 one-click posts here too)."""
    found = mail.unsubscribe_read(token)
    if found is None:
        return render(request, "hipalign/unsubscribe.html", {"bad": True}, status=404)
    what = mail.LISTS[found[1]]
    if request.method == "POST":
        mail.unsubscribe_apply(token)
        return render(request, "hipalign/unsubscribe.html", {"done": True, "what": what})
    return render(request, "hipalign/unsubscribe.html", {"what": what, "token": token})


# --- email for accounts ------------------------------------------------------------------------


def _verify_link(request: HttpRequest) -> accounts_email.LinkFor:
    return lambda secret: request.build_absolute_uri(reverse("email_verify", args=[secret]))


@login_required
@require_POST
def email_add(request: HttpRequest) -> HttpResponse:
    """Mail a verification link to the address given; it becomes the account's once opened."""
    try:
        address = accounts_email.email_address_request(
            request.user,
            address=request.POST.get("email", "")[:300],
            now=timezone.now(),
            link_for=_verify_link(request),
        )
    except InputError as exc:
        return _page(request, errors=field_errors(exc.problems, labels=_LABELS), status=422)
    except (smtplib.SMTPException, OSError):
        return _page(
            request,
            errors={
                "email": "Email address: the mail server could not be reached; try again later"
            },
            status=503,
        )
    messages.success(
        request,
        gettext("A link to confirm it is on its way to %(address)s; it works for 24 hours.")
        % {"address": address},
    )
    return redirect("reminders")


@login_required
@require_POST
def email_remove(request: HttpRequest) -> HttpResponse:
    accounts_email.email_address_remove(request.user)
    messages.success(
        request, gettext("Your email address is removed; no email will be sent to it.")
    )
    return redirect("reminders")


@require_http_methods(["GET", "POST"])
@never_cache
def email_verify(request: HttpRequest, secret: str) -> HttpResponse:
    """Public: the link in the verification email. GET asks (mail scanners open links), POST
    confirms; the secret is the credential and works once."""
    if request.method == "POST":
        user = accounts_email.email_address_verify(secret, now=timezone.now())
        if user is None:
            return render(request, "hipalign/email_verify.html", {"bad": True}, status=404)
        return render(request, "hipalign/email_verify.html", {"done": True, "email": user.email})
    return render(request, "hipalign/email_verify.html", {"secret": secret})


# The same words whether or not an account has the address (no way to find out who has one).
FORGOT_ANSWER = gettext_lazy(
    "If an account has this address, and it was confirmed, an email with a link to set a new "
    "password is on its way. The link works once, for one hour."
)


@require_http_methods(["GET", "POST"])
@never_cache
def forgot_password(request: HttpRequest) -> HttpResponse:
    """Public: ask for a reset link by email (only when the install sends email)."""
    if not mail.email_enabled():
        return render(request, "hipalign/forgot_password.html", {"off": True})
    if request.method == "POST":
        accounts_email.password_reset_request(
            address=request.POST.get("email", "")[:300],
            now=timezone.now(),
            link_for=lambda s: request.build_absolute_uri(reverse("password_reset", args=[s])),
        )
        return render(request, "hipalign/forgot_password.html", {"answer": FORGOT_ANSWER})
    return render(request, "hipalign/forgot_password.html", {})
