"""Refused access is in the audit log with actor and target (issue 12, item 14): the guard's
404s, denied roles (pages and API), failed second-factor codes and failed logins, each with no
health data in the row."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from hipalign.adapters.db.models import AuditEvent, PlanRecord
from hipalign.services.identity import tokens
from tests.services.factories import PASSWORD, log_payload, public_id
from tests.web.conftest import logged_in
from tests.web.test_mfa import _device, _password_login

pytestmark = pytest.mark.django_db
CANARY = "CANARY-denied-body-3f1e"


def _mark() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _since(mark: int) -> list[tuple[Any, str, str]]:
    rows = AuditEvent.objects.filter(id__gt=mark).order_by("id")
    return list(rows.values_list("actor_id", "action", "target"))


def test_the_guards_404_for_another_persons_plan_is_audited(
    other: User, owner_plan: PlanRecord
) -> None:
    c = logged_in(other)
    mark = _mark()
    assert c.get(f"/plans/{owner_plan.id}", {"q": CANARY}).status_code == 404
    assert _since(mark) == [(other.pk, "denied.not_found", f"404 GET /plans/{owner_plan.id}")]


def test_another_persons_record_written_to_through_the_api_is_audited_without_the_body(
    other: User, owner_plan: PlanRecord
) -> None:
    import json

    secret = tokens.api_token_create(other, "t").secret
    c = Client(headers={"Authorization": f"Bearer {secret}"})
    body = {**log_payload(owner_plan), "client_id": CANARY}
    mark = _mark()
    response = c.post("/api/v1/logs", json.dumps(body), content_type="application/json")
    assert response.status_code == 404
    rows = _since(mark)
    assert rows == [(other.pk, "denied.not_found", "404 POST /api/v1/logs")]
    assert CANARY not in repr(list(AuditEvent.objects.values()))


def test_a_role_refused_on_a_page_is_audited(owner: User) -> None:
    c = logged_in(owner)
    mark = _mark()
    assert c.get("/admin-area/audit").status_code == 404
    assert _since(mark) == [(owner.pk, "denied.role", "404 GET /admin-area/audit")]


def test_a_role_refused_by_the_api_is_audited_with_the_tokens_account(
    owner: User,
) -> None:
    secret = tokens.api_token_create(owner, "t").secret
    c = Client(headers={"Authorization": f"Bearer {secret}"})
    mark = _mark()
    assert c.get("/api/v1/patients").status_code == 403
    assert _since(mark) == [(owner.pk, "denied.role", "403 GET /api/v1/patients")]


def test_a_clinician_without_a_link_is_refused_and_audited(
    other_clinician: User, owner: User
) -> None:
    pid = public_id(owner)
    c = logged_in(other_clinician)
    mark = _mark()
    assert c.get(f"/clinic/patients/{pid}/timeline").status_code == 404
    assert _since(mark) == [
        (other_clinician.pk, "denied.not_found", f"404 GET /clinic/patients/{pid}/timeline")
    ]


def test_a_wrong_second_factor_code_is_audited(clinician: User) -> None:
    _device(clinician)
    c = _password_login(clinician)
    mark = _mark()
    assert c.post("/account/security/verify", {"code": "000000"}).status_code == 400
    assert _since(mark) == [(clinician.pk, "mfa.fail", "")]


def test_a_failed_login_carries_the_attempted_username_and_the_address(
    owner: User,
) -> None:
    c = Client(REMOTE_ADDR="203.0.113.7")
    mark = _mark()
    response = c.post("/login", {"username": "ann_OWNER", "password": "wrong-" + PASSWORD})
    assert response.status_code == 200
    assert _since(mark) == [(None, "auth.login_failed", "203.0.113.7 ann_OWNER")]


@override_settings(TRUSTED_PROXIES=1)
def test_a_failed_login_behind_a_trusted_proxy_carries_the_clients_address(
    owner: User,
) -> None:
    c = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
    mark = _mark()
    c.post("/login", {"username": "nobody_here", "password": "x"})
    assert _since(mark) == [(None, "auth.login_failed", "198.51.100.9 nobody_here")]


def test_anonymous_404s_are_not_written(client: Client) -> None:
    mark = _mark()
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/api/v1/patients").status_code == 401
    assert _since(mark) == []
