"""API tokens on the account page: make one (shown once), see them, revoke one; and the
account's signed-in browsers: end one, or all but this one (issue 12 item 8)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from hipalign.core.errors import InputError
from hipalign.services.identity import sessions, tokens
from hipalign.web.edge import labelled_problem


def _labels() -> dict[str, str]:
    """The page's labels (tokens.html) in its language; the days label is the service's own and
    already leads its problems, so it is not said twice."""
    return {"name": _("Name"), "days": _(tokens.DAYS_LABEL)}


@login_required
@require_http_methods(["GET", "POST"])
def tokens_page(request: HttpRequest) -> HttpResponse:
    """The secret of a new token is shown in this one response and never again."""
    secret = ""
    error = ""
    error_field = ""
    name = ""
    days = str(tokens.DEFAULT_DAYS)
    if request.method == "POST":
        name = request.POST.get("name", "")
        days = request.POST.get("days", str(tokens.DEFAULT_DAYS))[:20]
        try:
            made = tokens.api_token_create(request.user, name, days=days)
        except InputError as exc:
            error_field, error = labelled_problem(exc.problems[0], _labels())
        else:
            secret = made.secret
            name = ""
            days = str(tokens.DEFAULT_DAYS)
    return render(
        request,
        "hipalign/tokens.html",
        {
            "tokens": tokens.api_tokens_list(request.user),
            "secret": secret,
            "error": error,
            "error_field": error_field,
            "name": name,
            "name_max": tokens.NAME_MAX,
            "days": days,
            "max_days": tokens.MAX_DAYS,
            "now": timezone.now(),
        },
        status=422 if error else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    token = tokens.api_token_revoke(request.user, token_id, timezone.now())
    messages.info(
        request, _("The token “%(name)s” was revoked; it no longer works.") % {"name": token.name}
    )
    # The account page lists tokens too and sends people back there.
    return redirect("account" if request.POST.get("back") == "account" else "api_tokens")


@login_required
@require_POST
def session_end(request: HttpRequest, browser_session_id: str) -> HttpResponse:
    sessions.session_end(request.user, browser_session_id, current_key=request.session.session_key)
    messages.info(request, _("That browser was signed out."))
    return redirect("account")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = sessions.sessions_end_others(request.user, current_key=request.session.session_key)
    messages.info(
        request,
        ngettext(
            "Signed out everywhere else (%(count)s other session ended).",
            "Signed out everywhere else (%(count)s other sessions ended).",
            ended,
        )
        % {"count": ended},
    )
    return redirect("account")
