"""Downloads of a person's data in other formats (PDF handout, iCalendar, FHIR), and the import
of a full JSON export. A person downloads their own; a clinician downloads a linked patient's
under /clinic/patients/<public_id>/..., resolved by services.access (anyone else: 404)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from hipalign.core.access import Action
from hipalign.core.errors import InputError, json_is_malformed, json_load
from hipalign.services.identity import accounts
from hipalign.services.kernel import access
from hipalign.services.portability import calendar, fhir, handout
from hipalign.web import clock
from hipalign.web.edge import AuthedRequest, problem_words

Render = Callable[[User, User], bytes]

# Heavy exports (issue 12, item 5): the FHIR bundle and the full JSON export of a long history
# take seconds of CPU. One at a time per account, and EXPORT_SLOTS at once for the install, so
# a few downloads cannot hold every server thread (waitress runs 8) while pages wait. The
# leases live in Django's cache: `cache.add` is atomic, across threads with the default
# local-memory cache and across processes with a shared one. A lease is returned when its
# response is closed, and expires after EXPORT_LEASE_S should a process die mid-stream.
EXPORT_SLOTS = 2
# An export refused for want of a plan says so by the page's word for it.
_LABELS = {"plan": "Plan"}
EXPORT_LEASE_S = 300
RETRY_AFTER_S = 30


class _Lease:
    """The keys one export holds in the cache; `close` gives them back (once)."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def close(self) -> None:
        cache.delete_many(self.keys)
        self.keys = []


def _export_lease(actor: User) -> _Lease | None:
    mine = f"hipalign:export:account:{actor.pk}"
    if not cache.add(mine, 1, EXPORT_LEASE_S):
        return None
    for slot in range(EXPORT_SLOTS):
        key = f"hipalign:export:slot:{slot}"
        if cache.add(key, 1, EXPORT_LEASE_S):
            return _Lease([mine, key])
    cache.delete(mine)
    return None


def _busy() -> HttpResponse:
    response = HttpResponse(
        "An export is already being made for this account (or the server is making others). "
        f"Try again in {RETRY_AFTER_S} seconds.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


@contextmanager
def export_lease_busy(actor: User) -> Iterator[HttpResponse | None]:
    """For an export built whole: None while the lease is held (given back at the end of the
    block), or the 429 answer when the account already has one in flight."""
    lease = _export_lease(actor)
    if lease is None:
        yield _busy()
        return
    try:
        yield None
    finally:
        lease.close()


class _Leased:
    """A download's chunks that return the lease when the response is closed (Django calls
    `close` on a streamed iterator that has one, finished or not)."""

    def __init__(self, chunks: Iterator[bytes], lease: _Lease) -> None:
        self.chunks = chunks
        self.lease = lease

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks

    def close(self) -> None:
        self.lease.close()


def streamed_download(
    actor: User, make: Callable[[], Iterator[bytes]], content_type: str, filename: str
) -> HttpResponseBase:
    """A heavy export streamed under the account's lease; 429 with Retry-After without one."""
    lease = _export_lease(actor)
    if lease is None:
        return _busy()
    try:
        chunks = make()
    except BaseException:
        lease.close()
        raise
    response = StreamingHttpResponse(_Leased(chunks, lease), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # health data: no shared or browser cache keeps it
    return response


KINDS: dict[str, tuple[Action, str, str]] = {
    # kind: (the action, whose row names the audit purpose; content type, file name)
    "handout": (Action.PATIENT_HANDOUT, "application/pdf", "hipalign-plan.pdf"),
    "calendar": (Action.PATIENT_CALENDAR, "text/calendar; charset=utf-8", "hipalign-sessions.ics"),
    "fhir": (Action.PATIENT_FHIR, "application/fhir+json", "hipalign-fhir.json"),
}


def _render(kind: str, patient: User, actor: User) -> bytes:
    if kind == "handout":
        return handout.handout_render(patient, actor, clock.today())
    if kind == "calendar":
        return calendar.calendar_render(patient, actor)
    return fhir.fhir_render(patient, actor)


def _download(data: bytes, kind: str) -> HttpResponse:
    _, content_type, filename = KINDS[kind]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Health data: no shared or browser cache keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


def _own(request: AuthedRequest, kind: str) -> HttpResponseBase:
    user: User = request.user
    if kind == "fhir":
        return streamed_download(
            user, lambda: fhir.fhir_stream(user, user), KINDS[kind][1], KINDS[kind][2]
        )
    try:
        return _download(_render(kind, user, user), kind)
    except InputError as exc:
        messages.error(request, problem_words(exc.problems, labels=_LABELS))
        return redirect("plan" if kind != "fhir" else "account")


def _patients(request: AuthedRequest, public_id: str, kind: str) -> HttpResponseBase:
    actor: User = request.user
    patient = access.authorize(actor=actor, action=KINDS[kind][0], subject=public_id).subject
    if kind == "fhir":
        return streamed_download(
            actor, lambda: fhir.fhir_stream(patient, actor), KINDS[kind][1], KINDS[kind][2]
        )
    try:
        return _download(_render(kind, patient, actor), kind)
    except InputError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def own_handout(request: AuthedRequest) -> HttpResponseBase:
    return _own(request, "handout")


@login_required
@require_GET
def own_calendar(request: AuthedRequest) -> HttpResponseBase:
    return _own(request, "calendar")


@login_required
@require_GET
def own_fhir(request: AuthedRequest) -> HttpResponseBase:
    return _own(request, "fhir")


@login_required
@require_GET
def patient_handout(request: AuthedRequest, public_id: str) -> HttpResponseBase:
    return _patients(request, public_id, "handout")


@login_required
@require_GET
def patient_calendar(request: AuthedRequest, public_id: str) -> HttpResponseBase:
    return _patients(request, public_id, "calendar")


@login_required
@require_GET
def patient_fhir(request: AuthedRequest, public_id: str) -> HttpResponseBase:
    return _patients(request, public_id, "fhir")


@login_required
@require_POST
def account_import(request: AuthedRequest) -> HttpResponse:
    """Load a full JSON export into this account, which must hold no data yet."""
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InputError("import", ["file: choose the JSON file of an hipalign export"])
        if upload.size is None or upload.size > accounts.IMPORT_MAX_BYTES:
            raise InputError("import", [f"file: at most {accounts.IMPORT_MAX_BYTES // 2**20} MB"])
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("import", ["file: not a JSON file (not UTF-8 text)"]) from None
        try:
            document = json_load(text, "import")
        except InputError as exc:
            said = [p.removeprefix("(document): ") for p in exc.problems]
            if json_is_malformed(text):
                raise InputError("import", [f"file: not a JSON file ({said[0]})"]) from None
            raise InputError("import", [f"file: {p}" for p in said]) from None
        result = accounts.account_import(request.user, document, today=clock.today())
    except InputError as exc:
        shown = exc.problems[:5] + (["..."] if len(exc.problems) > 5 else [])
        messages.error(request, "Nothing was imported. " + "; ".join(shown))
        return redirect("account")
    messages.info(
        request,
        f"Imported {result.counts['plans']} plans, {result.counts['exercise_logs']} exercise "
        f"logs, {result.counts['checkins']} check-ins and {result.counts['outcomes']} scores. "
        "Posture photos stay on the install they were sent to; their results came with them.",
    )
    return redirect("plan" if result.counts["plans"] else "account")
