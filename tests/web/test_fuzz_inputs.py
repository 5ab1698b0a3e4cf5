"""Hostile input to every form and JSON endpoint answers without a server error (issue 12,
item 4): nesting, huge values, NaN and Infinity, out-of-range dates and numbers.

The endpoints are the unsafe-method routes of the permission matrix (tests/web/
permission_matrix.py), each sent as the actor who may use it. A form's fields are its base body
and every field named on the page the form lives on; a JSON endpoint's are its base body's keys.
Each hostile value goes into every field at once, and each field alone with the rest as in the
base body, so a later check (reached only when the other fields are fine) is fuzzed too. The
table of values is fixed (no randomness), so a failure names the field and value to replay."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.web.permission_matrix import LINKED, MATRIX, OWNER, Entry, World
from tests.web.test_permission_matrix import DENIED, Stage, built, fill, stage  # noqa: F401

pytestmark = pytest.mark.django_db

FORM_VALUES = [
    "",
    "9999-12-31",
    "0001-01-01",
    "-1",
    "99999999999999999999",
    "9" * 5000,
    "NaN",
    "inf",
    "-1e309",
    "²",
    "١٢",
    "[[[[[[[[",
    "x" * 20_000,
]
# Each field alone gets the values that reach a conversion (dates, numbers, digits int() refuses).
ONE_FIELD_VALUES = ["9999-12-31", "99999999999999999999", "NaN", "²"]
# Raw JSON texts (not Python values): NaN and Infinity as literals, numbers too long to convert,
# nesting far deeper than any document.
DEEP = "[" * 5000 + "]" * 5000
JSON_VALUES = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1" + "0" * 5000,
    "1e400",
    "-1",
    "9223372036854775808",
    '"9999-12-31"',
    '"0001-01-01"',
    json.dumps("x" * 100_000),
    DEEP,
    '{"a":' * 40 + "1" + "}" * 40,
    "[]",
    "{}",
    "null",
    "true",
]
WHOLE_BODIES = [DEEP, '{"a": NaN}', "[" * 40 + "]" * 40, json.dumps({"x": "y" * 300_000}), "1e999"]
# Fields a page names that are not inputs of this form (search boxes, other forms on the page).
NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _actor(entry: Entry) -> str | None:
    """Who gets past the access check: the owner, else the linked clinician."""
    for actor in (OWNER, LINKED):
        expected = entry.expect[actor]
        if not (isinstance(expected, int) and expected in DENIED):
            return actor
    return None


def _entries() -> Iterator[Any]:
    for entry in MATRIX:
        if entry.method in ("POST", "PUT", "PATCH") and _actor(entry) is not None:
            yield pytest.param(entry, id=entry.id)


def _client(stage: Stage, actor: str) -> Client:  # noqa: F811
    c = Client(raise_request_exception=False)
    c.cookies[settings.SESSION_COOKIE_NAME] = stage.sessions[actor]
    return c


def _form_fields(client: Client, path: str, base: dict[str, Any]) -> list[str]:
    page = client.get(path)
    named = NAME.findall(page.content.decode("utf-8", "replace")) if page.status_code == 200 else []
    return sorted(set(base) | {n for n in named if n != "csrfmiddlewaretoken"})


def _form_bodies(fields: list[str], base: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for value in FORM_VALUES:
        yield f"every field = {value[:20]!r}", dict.fromkeys(fields, value)
    for field in fields:
        for value in ONE_FIELD_VALUES:
            yield f"{field} = {value[:20]!r}", {**base, field: value}


def _json_bodies(base: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for text in WHOLE_BODIES:
        yield f"body = {text[:20]!r}", text
    for key in base:
        for value in JSON_VALUES:
            rest = ", ".join(
                f"{json.dumps(k)}: {json.dumps(v)}" for k, v in base.items() if k != key
            )
            yield (
                f"{key} = {value[:20]!r}",
                "{" + rest + (", " if rest else "") + f'"{key}": {value}' + "}",
            )


@pytest.mark.parametrize("entry", list(_entries()))
def test_hostile_input_never_answers_a_server_error(stage: Stage, entry: Entry) -> None:  # noqa: F811
    w: World = stage.world
    actor = _actor(entry)
    assert actor is not None
    client = _client(stage, actor)
    path = fill(entry, w)
    headers = entry.headers(w) if entry.headers else {}
    method = getattr(client, entry.method.lower())
    errors = []
    if entry.json is not None:
        for what, text in _json_bodies(entry.json(w, actor)):
            r = method(path, text, content_type="application/json", headers=headers)
            if r.status_code >= 500:
                errors.append((what, r.status_code))
    else:
        base = entry.form(w, actor) if entry.form is not None else {}
        for what, data in _form_bodies(_form_fields(client, path, base), base):
            r = method(path, data, headers=headers)
            if r.status_code >= 500:
                errors.append((what, r.status_code))
    assert errors == []


CURSORS = [
    "WzEsMiwzLDRd",  # base64 of [1,2,3,4], the form of an unsigned cursor
    "WyIwMDAxLTAxLTAxIiwiIiwibG9nIiwiIl0",  # ["0001-01-01","","log",""]
    "WyI5OTk5LTEyLTMxIiwiIiwibG9nIiwiIl0",  # ["9999-12-31","","log",""]
    "x" * 5000,
    "%00",
    "a:b:c",
]


@pytest.mark.parametrize("cursor", CURSORS)
def test_a_crafted_timeline_cursor_starts_again_instead_of_failing(
    stage: Stage,  # noqa: F811
    cursor: str,
) -> None:
    pid = stage.world.params["public_id"]
    for actor, path in ((OWNER, "/timeline"), (LINKED, f"/clinic/patients/{pid}/timeline")):
        r = _client(stage, actor).get(path, {"cursor": cursor})

        assert r.status_code == 422, (actor, r.status_code)
        assert "start again" in r.content.decode()


def _clash(doc: dict[str, Any]) -> None:
    """A plan without a version takes its place in date order: 1, which another plan has."""
    doc["plans"][0]["version"] = None
    doc["plans"][-1]["version"] = 1


def _infinite(doc: dict[str, Any]) -> None:
    doc["outcomes"][0]["total"] = float("inf")  # json.dumps writes the literal Infinity


def _late_time(doc: dict[str, Any]) -> None:
    doc["intakes"][0]["created_at"] = "9999-12-31T23:59:59-12:00"  # after the end in UTC


IMPORTS: dict[str, Any] = {
    "nested 5,000 deep": lambda doc: '{"schema": "hipalign.export/1", "account": ' + DEEP + "}",
    "NaN in a score": lambda doc: json.dumps(doc).replace('"total": ', '"total": NaN, "x": ', 1),
    "Infinity in a score": _infinite,
    "plan versions clash": _clash,
    "a day at the end of the calendar": lambda doc: json.dumps(doc).replace(
        '"performed_on": "2026-', '"performed_on": "9999-', 1
    ),
    "a time at the end of the calendar": _late_time,
    "a number with 5,000 digits": lambda doc: json.dumps(doc).replace(
        '"version": 1', '"version": 1' + "0" * 5000, 1
    ),
    "NUL in a text": lambda doc: json.dumps(doc).replace('"note": "', '"note": "\\u0000', 1),
}


@pytest.mark.parametrize("case", list(IMPORTS))
def test_every_import_problem_is_a_message_and_stores_nothing(
    stage: Stage,  # noqa: F811
    case: str,
    set_today: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from hipalign.services.identity import accounts
    from tests.services.factories import make_user, owned_counts
    from tests.web.conftest import logged_in

    doc = accounts.account_export(stage.users[OWNER])
    changed = IMPORTS[case](doc)
    text = json.dumps(doc) if changed is None else changed
    newcomer = make_user("nina_fuzz")
    client = logged_in(newcomer, raise_request_exception=False)
    set_today(timezone.localdate())  # the export's rows are stamped now

    r = client.post(
        "/account/import", {"file": SimpleUploadedFile("e.json", text.encode())}, follow=True
    )

    assert r.status_code == 200, r.status_code
    assert "Nothing was imported" in r.content.decode()
    assert sum(owned_counts(newcomer.pk).values()) <= 1  # the profile at most
