"""Messages between a person and their clinicians (issue 18): the list of conversations, one
conversation with its form, and the clinician's "needs a reply" mark. Each view parses the
request, calls one service (services.messages) and renders; who may see what is decided there.

The form carries a client id made when the page was drawn, so a double submit (or a reload of
the POST) stores one message. A refused message (too long, too many sent) comes back in the
form with the reason, so nothing typed is lost.
"""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hipalign.core.errors import InputError
from hipalign.core.messages import MAX_CHARS, segments
from hipalign.services.messages import conversations as talk
from hipalign.web import throttle
from hipalign.web.edge import AuthedRequest, labelled_problem


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The caller's conversations: a person's with each clinician (ended ones stay readable),
    a clinician's with each linked person."""
    rows = talk.conversations_list(actor=request.user)
    return render(request, "hipalign/messages.html", {"conversations": rows})


def _page(
    request: HttpRequest,
    link_id: str,
    *,
    body: str = "",
    about: str = "",
    error: str = "",
    status: int = 200,
    retry_after: int | None = None,
) -> HttpResponse:
    conv = talk.conversation_read(actor=request.user, link_id=link_id, now=timezone.now())
    host = request.get_host()
    shown = [(m, segments(m.body, host)) for m in conv.messages]
    choices = talk.about_choices(actor=request.user, link_id=link_id) if conv.open else []
    response = render(
        request,
        "hipalign/conversation.html",
        {
            "conv": conv,
            "shown": shown,
            "choices": choices,
            "client_id": uuid.uuid4().hex,  # a new id per drawn form; a resubmit reuses it
            "body": body,
            "about": about,
            "error": error,
            "max_chars": MAX_CHARS,
            # In the page's language: "2,000" in English, "2.000" in Spanish.
            "max_chars_text": formats.number_format(MAX_CHARS, force_grouping=True),
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: AuthedRequest, link_id: str) -> HttpResponse:
    if request.method == "GET":
        return _page(request, link_id)
    return _send(request, link_id)


def _send(request: AuthedRequest, link_id: str) -> HttpResponse:
    body = request.POST.get("body", "")[: MAX_CHARS * 2]
    about = request.POST.get("about", "")[:80]
    kept: dict[str, Any] = {"body": body, "about": about}
    # The conversation is checked before the rate limit counts: a stranger's post is a 404.
    talk.conversation_check(actor=request.user, link_id=link_id)
    refused = throttle.messages_refused(request, sender_id=int(request.user.pk))
    if refused is not None:
        return _page(
            request,
            link_id,
            **kept,
            error=refused.message,
            status=429,
            retry_after=refused.retry_after,
        )
    try:
        talk.message_send(
            actor=request.user,
            link_id=link_id,
            client_id=request.POST.get("client_id", "")[:80],
            body=body,
            about=about,
            now=timezone.now(),
        )
    except InputError as exc:
        labels = {"Message": _("Message"), "About": _("About")}
        error = labelled_problem(exc.problems[0], labels)[1]
        return _page(request, link_id, **kept, error=error, status=422)
    except talk.MessageConflict:
        return _page(
            request,
            link_id,
            **kept,
            error=_("Message: this form was already used for another message; send it again"),
            status=422,
        )
    return redirect(f"/messages/{link_id}#latest")


@login_required
@require_POST
def reply_needed(request: HttpRequest, link_id: str) -> HttpResponse:
    """The clinician marks one of the person's messages as needing a reply, or clears it."""
    msg = talk.message_reply_needed(
        actor=request.user,
        link_id=link_id,
        message_id=request.POST.get("message_id", "")[:40],
        needed=request.POST.get("needed") == "yes",
    )
    return redirect(f"/messages/{link_id}#m-{msg.id}")
