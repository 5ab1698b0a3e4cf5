"""The web edge's shared helpers, in one place for pages and the JSON API.

- `AuthedRequest`: the request type of a view behind `login_required` (or the API's auth), so
  `request.user` is a `User` to mypy without a `type: ignore` at every call.
- `NotFoundAs404Middleware`: the guard's `NotFound` (another person's record, or none) and a
  page's `Forbidden` (a role refused: pages answer it as if nothing were there) become the 404
  page here, once, instead of a `try/except ...: raise Http404` in every view.
- `labelled_problem`: a service problem ("field: message", the InputError contract) worded for a
  page, naming the field by its label there.
"""

from collections.abc import Callable, Mapping

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse

from hipalign.services.kernel.access import Forbidden, NotFound
from hipalign.web.denials import mark


class AuthedRequest(HttpRequest):
    """A request whose caller is signed in: the decorators in front of the view checked it."""

    user: User


class NotFoundAs404Middleware:
    """Turns an uncaught `NotFound` or `Forbidden` from a page's service call into Django's 404.

    The JSON API answers these itself (its exception handlers: 404 and 403), so only pages get
    here. Raising Http404 in process_exception skips the process_exception of the middleware
    above, so the denial's kind is marked here first; Django's innermost handler answers the
    404, which passes back out through every middleware (DeniedAccessAuditMiddleware audits
    it as before)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, (NotFound, Forbidden)):
            mark(request, exception)
            raise Http404 from exception


def labelled_problem(problem: str, labels: Mapping[str, str]) -> tuple[str, str]:
    """(field, words) for one service problem worded "field: message": the words name the field
    by its label on the page ("Code (10 letters and digits): not valid ..."), never by its form
    id. Services that already start the message with the label (accounts_email's "Email address:
    ...") are not labelled twice. A field the page has no label for keeps the service's words;
    a problem without a field is returned whole under the empty field."""
    field, sep, message = problem.partition(": ")
    if not sep:
        return "", problem
    label = labels.get(field)
    if label is None:
        return field, problem
    if message.startswith(f"{label}: ") or message == label:
        return field, message
    return field, f"{label}: {message}"
