"""The web edge's shared helpers, in one place for pages and the JSON API.

- `AuthedRequest`: the request type of a view behind `login_required` (or the API's auth), so
  `request.user` is a `User` to mypy without a `type: ignore` at every call.
- `NotFoundAs404Middleware`: the guard's `NotFound` (another person's record, or none) and a
  page's `Forbidden` (a role refused: pages answer it as if nothing were there) become the 404
  page here, once, instead of a `try/except ...: raise Http404` in every view.
- Structured problems: the InputError contract is one "field: message" line a problem; this is
  the only place that splits it. `problem_parts` reads one line, `labelled_problem` words it for
  a page (naming the field by its label there, once), `field_errors` gives a page's {field:
  words}, `add_form_errors` puts them on a Django form, and `problem_body` is the JSON API's 422
  body with the same (field, message) pairs.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse

from hipalign.services.kernel.access import Forbidden, NotFound
from hipalign.web.denials import mark
from hipalign.web.refusal_words import message_words


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


def problem_parts(problem: str) -> tuple[str, str]:
    """(field, message) of one "field: message" problem; ("", problem) when it names no field."""
    field, sep, message = problem.partition(": ")
    return (field, message) if sep else ("", problem)


def labelled_problem(problem: str, labels: Mapping[str, str]) -> tuple[str, str]:
    """(field, words) for one service problem worded "field: message": the words name the field
    by its label on the page ("Code (10 letters and digits): not valid ..."), never by its form
    id. Services that already name the label in the message (accounts_email's "Email address:
    ...", the episode's "tick '<label>'") are not labelled twice. A field the page has no label for keeps the service's words;
    a problem without a field is returned whole under the empty field. A message the pure core
    made in English is worded in the page's language first when web/refusal_words.py knows its
    shape (issue 20); the services' own messages come already translated (gettext at raise
    time)."""
    field, message = problem_parts(problem)
    if not field:
        return "", message_words(problem)
    message = message_words(message)  # the core's English shapes, in the page's language
    label = labels.get(field)
    if label is None:
        return field, f"{field}: {message}"
    if label in message:  # "Email address: ...", "tick 'Yes, start ...'": said already
        return field, message
    return field, f"{label}: {message}"


def field_errors(problems: Iterable[str], *, labels: Mapping[str, str]) -> dict[str, str]:
    """{field: words} for a page's form, each worded by `labelled_problem`. Two problems of one
    field follow each other and the label leads only the first (a weak password's three reasons
    read "Password: a. b. c."). Problems without a field are under ""."""
    out: dict[str, str] = {}
    for problem in problems:
        field, words = labelled_problem(problem, labels)
        if field not in out:
            out[field] = words
            continue
        if field:
            words = words.removeprefix(f"{labels.get(field, field)}: ")
        out[field] = f"{out[field]} {words}"
    return out


def problem_words(problems: Iterable[str], *, labels: Mapping[str, str]) -> str:
    """All the problems as one line for a page that shows them in one place (a banner, a
    message), each naming its field by the page's label."""
    return " ".join(field_errors(problems, labels=labels).values())


def form_labels(form: forms.BaseForm) -> dict[str, str]:
    """The labels a Django form shows, by field name."""
    return {name: str(f.label) for name, f in form.fields.items() if f.label}


def add_form_errors(
    form: forms.BaseForm, problems: Iterable[str], *, labels: Mapping[str, str] | None = None
) -> None:
    """A service's problems on the form: each under its field, named by the field's label (the
    form's own unless `labels` says otherwise); one for a field the form does not have goes
    above the form, in the service's words."""
    shown = form_labels(form) if labels is None else labels
    for field, words in field_errors(problems, labels=shown).items():
        form.add_error(field if field in form.fields else None, words)


def problem_body(message: str, problems: Sequence[str]) -> dict[str, Any]:
    """The JSON API's 422 body: the sentence, the problems as sent before ("field: message"),
    and the same problems as (field, message) pairs a client need not split."""
    pairs = (problem_parts(p) for p in problems)
    return {
        "error": message,
        "problems": list(problems),
        "fields": [{"field": field, "message": words} for field, words in pairs],
    }
