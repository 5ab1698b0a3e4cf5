"""Starting a new episode of care (issue 14, item 1): the person on /episode/new, a linked
clinician on /clinic/patients/<public_id>/episode. Both are a confirm step: the page says what
changes, and only a ticked confirmation starts one. Anyone else gets 404 and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from hipalign.core.access import Action
from hipalign.core.errors import InputError
from hipalign.services.kernel import access
from hipalign.services.program import episodes
from hipalign.web import clock
from hipalign.web.edge import AuthedRequest, problem_words


# The confirmation's label is the service's own and already leads its problem.
def _labels() -> dict[str, str]:
    return {"confirm": str(episodes.CONFIRM_LABEL), "(plan)": gettext("Plan")}


def _page(request: HttpRequest, public_id: str, *, clinic: bool) -> HttpResponse:
    error = ""
    status = 200
    if request.method == "POST":
        try:
            episodes.episode_start(
                request.user,
                public_id=public_id,
                today=clock.today(),
                confirmed=request.POST.get("confirm") == "yes",
            )
        except InputError as exc:
            error, status = problem_words(exc.problems, labels=_labels()), 422
        else:
            messages.info(
                request,
                gettext("A new episode of care has started: the next scores are its baseline."),
            )
            if clinic:
                return redirect("clinic_patient", public_id=public_id)
            return redirect("outcomes")
    now = episodes.episode_now(request.user, public_id=public_id)
    return render(
        request,
        "hipalign/episode_new.html",
        {
            "now": now,
            "clinic": clinic,
            "pid": public_id,
            "error": error,
            "confirm_label": episodes.CONFIRM_LABEL,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_new(request: AuthedRequest) -> HttpResponse:
    """The person's own: their public id names them (the service lets the person through)."""
    own = str(access.profile_of(request.user).public_id)
    return _page(request, own, clinic=False)


@login_required
@require_http_methods(["GET", "POST"])
def patient_episode(request: HttpRequest, public_id: str) -> HttpResponse:
    access.authorize(actor=request.user, action=Action.CLINIC_OPEN)
    return _page(request, public_id, clinic=True)
