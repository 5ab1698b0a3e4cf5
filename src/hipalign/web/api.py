"""The JSON API the session player uses: one route per action, session auth with CSRF."""

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Status
from ninja.security import SessionAuth
from pydantic import RootModel

from hipalign.core.errors import InputError, parse_json_document
from hipalign.services.kernel.access import NotFound
from hipalign.services.program import recording
from hipalign.web import api_v1
from hipalign.web.edge import AuthedRequest, problem_body

api = NinjaAPI(
    title="hipalign",
    version="1",
    urls_namespace="api",
    auth=SessionAuth(),  # cookie auth; ninja enforces CSRF for it
    docs_url=None,  # OpenAPI docs are not public (RELIABILITY.md 1 V13)
    openapi_url=None,
)


class _Raw(RootModel[dict[str, Any]]):
    """Any JSON object; the service validates its fields."""


@api.exception_handler(InputError)
def _bad_input(request: HttpRequest, exc: InputError) -> Any:
    return api.create_response(request, problem_body(exc.message, exc.problems), status=422)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> Any:
    return api.create_response(request, {"error": "not found"}, status=404)


@api.exception_handler(recording.LogConflict)
def _conflict(request: HttpRequest, exc: recording.LogConflict) -> Any:
    return api.create_response(
        request,
        {"error": "client_id: already used for a different log; make a new id for a new log"},
        status=422,
    )


@api.post("/logs", response={200: dict[str, Any], 201: dict[str, Any]})
def logs_create(request: AuthedRequest) -> Status[dict[str, Any]]:
    """Store one exercise log for one side; resending the same client_id stores nothing new.

    The body is parsed here rather than by ninja so every error names the field the same way
    as the rest of hipalign (core.errors)."""
    payload = parse_json_document(_Raw, request.body.decode("utf-8", "replace"), "log").root
    # A thin alias of POST /api/v1/logs (issue 15): the same write and the same answer; only the
    # parsing differs, so the player's errors keep naming the field as every form does.
    written = api_v1.log_write(request.user, payload)
    return Status(written.status_code, written.value.model_dump(mode="json"))


@api.post("/posture", response={200: dict[str, Any], 201: dict[str, Any]})
def posture_create(request: AuthedRequest) -> Status[dict[str, Any]]:
    """Store a posture measurement made on the device (issue 17): the numbers only; resending
    the same client_id stores nothing new (services/posture/device.py)."""
    from hipalign.services.posture.device import device_measurement_record

    payload = parse_json_document(_Raw, request.body.decode("utf-8", "replace"), "posture").root
    rec, created = device_measurement_record(user=request.user, payload=payload)
    return Status(201 if created else 200, {"id": str(rec.id), "result": rec.result})
