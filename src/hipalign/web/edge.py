"""The web edge's shared helpers, in one place for pages and the JSON API.

- `AuthedRequest`: the request type of a view behind `login_required` (or the API's auth), so
  `request.user` is a `User` to mypy without a `type: ignore` at every call.
- `NotFoundAs404Middleware`: the guard's `NotFound` (another person's record, or none) and a
  page's `Forbidden` (a role refused: pages answer it as if nothing were there) become the 404
  page here, once, instead of a `try/except ...: raise Http404` in every view.
"""

from collections.abc import Callable

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
