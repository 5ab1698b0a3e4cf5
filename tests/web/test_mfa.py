"""The TOTP step of clinicians and admins in the browser (RELIABILITY.md B4): with the password
alone no page or API call shows health data, a replayed code is refused, recovery codes work
once, and a person is never asked."""

import html
import json
import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from hipalign.adapters.db.models import AuditEvent, PlanRecord, TotpDevice
from hipalign.services.identity import mfa
from tests.services.factories import PASSWORD, make_plan, public_id
from tests.web.conftest import MFA_SESSION_KEY, logged_in

HEALTH_PAGES = ["/", "/today", "/plan", "/progress", "/checkin", "/account/export.json", "/report"]


def _device(user: User) -> list[str]:
    """A confirmed device, set up an hour ago; its recovery codes."""
    mfa.mfa_setup_begin(user)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    secret = TotpDevice.objects.get(user_id=user.pk).secret
    return mfa.mfa_setup_confirm(user, pyotp.TOTP(secret).at(an_hour_ago), now=an_hour_ago)


def _now_code(user: User) -> str:
    return pyotp.TOTP(TotpDevice.objects.get(user_id=user.pk).secret).now()


def _password_login(user: User) -> Client:
    c = Client()
    response = c.post("/login", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302
    return c


@pytest.mark.parametrize("path", HEALTH_PAGES)
def test_a_clinician_with_only_a_password_is_sent_to_setup(
    clinician: User, owner_plan: PlanRecord, path: str
) -> None:
    make_plan(clinician)
    response = logged_in(clinician, mfa=False).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/security/setup?next=")


@pytest.mark.parametrize("path", HEALTH_PAGES)
def test_a_clinician_with_a_device_and_only_a_password_is_sent_to_verify(
    clinician: User, path: str
) -> None:
    make_plan(clinician)
    _device(clinician)
    response = _password_login(clinician).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/security/verify?next=")


def test_linked_patient_pages_stay_closed_without_the_second_factor(
    clinician: User, owner: User, owner_plan: PlanRecord
) -> None:
    c = logged_in(clinician, mfa=False)
    pid = public_id(owner)
    for path in [f"/clinic/patients/{pid}", f"/clinic/patients/{pid}/timeline", "/clinic"]:
        response = c.get(path)
        assert response.status_code == 302, path
        assert pid not in response.content.decode()
    assert not AuditEvent.objects.filter(subject_id=owner.pk).exists()  # nothing was read


def test_the_api_answers_401_json_without_the_second_factor(
    clinician: User, owner_plan: PlanRecord
) -> None:
    c = logged_in(clinician, mfa=False)
    for path in ["/api/v1/patients", "/api/v1/me", "/api/v1/plan"]:
        response = c.get(path)
        assert response.status_code == 401, path
        assert "two-step sign-in" in response.json()["error"]
    posted = c.post("/api/logs", "{}", content_type="application/json")
    assert posted.status_code == 401


def test_a_bearer_request_passes_to_token_auth_without_the_session(
    clinician: User, owner_plan: PlanRecord
) -> None:
    c = logged_in(clinician, mfa=False)
    response = c.get("/api/v1/patients", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert "two-step sign-in" not in response.content.decode()  # token auth answered
    assert str(public_id(owner_plan.user)) not in response.content.decode()


@pytest.mark.parametrize("path", ["/healthz", "/sw.js", "/static/hipalign/css/app.css"])
def test_health_check_service_worker_and_static_files_need_no_second_factor(
    clinician: User, path: str
) -> None:
    assert logged_in(clinician, mfa=False).get(path).status_code == 200


def test_logout_needs_no_second_factor(clinician: User) -> None:
    c = logged_in(clinician, mfa=False)
    assert c.post("/logout")["Location"] == "/login"
    assert "_auth_user_id" not in c.session


def test_a_person_is_never_asked(owner: User, owner_plan: PlanRecord) -> None:
    c = logged_in(owner, mfa=False)
    assert c.get("/plan").status_code == 200
    assert c.get("/account/security/setup").status_code == 404
    assert c.get("/account/security/verify").status_code == 404
    assert not TotpDevice.objects.exists()


def test_setup_shows_a_qr_drawn_here_then_ten_codes_once(clinician: User) -> None:
    c = logged_in(clinician, mfa=False)
    page = c.get("/account/security/setup?next=/plan")
    html = page.content.decode()
    secret = TotpDevice.objects.get(user_id=clinician.pk).secret
    assert secret in html
    assert 'src="data:image/svg+xml' in html  # no request to another host
    assert "style=" not in html.split('src="data:image/svg+xml', 1)[1].split('"', 1)[0]
    key_before = c.session.session_key
    done = c.post("/account/security/setup", {"code": pyotp.TOTP(secret).now(), "next": "/plan"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert all(code in done.content.decode() for code in codes)
    assert c.session[MFA_SESSION_KEY] is True
    assert c.session.session_key != key_before  # rotated at the second factor
    assert c.get("/account/security/setup")["Location"] == "/account/security"  # shown once
    assert c.get("/account/security").status_code == 200
    assert AuditEvent.objects.filter(actor_id=clinician.pk, action="mfa.setup").count() == 1


def _code_error(response: Any) -> str:
    found = re.search(r'id="code-error"[^>]*>([^<]*)<', response.content.decode())
    assert found, "no error under the code box"
    return html.unescape(found.group(1))


def test_setup_refuses_a_wrong_code_naming_it(clinician: User) -> None:
    c = logged_in(clinician, mfa=False)
    c.get("/account/security/setup")
    response = c.post("/account/security/setup", {"code": "12345x"})
    assert response.status_code == 400
    # the code box's label once, then what is allowed
    assert _code_error(response) == (
        "Code from the app: does not match; give the 6 digits your app shows now, "
        "or one of your recovery codes"
    )
    assert not mfa.mfa_confirmed(int(clinician.pk))
    assert MFA_SESSION_KEY not in c.session


def test_verify_lets_in_once_and_refuses_the_replayed_code(clinician: User) -> None:
    _device(clinician)
    code = _now_code(clinician)
    first = _password_login(clinician)
    key_before = first.session.session_key
    response = first.post("/account/security/verify", {"code": code, "next": "/account"})
    assert response["Location"] == "/account"
    assert first.session[MFA_SESSION_KEY] is True
    assert first.session.session_key != key_before
    assert first.get("/account").status_code == 200

    replay = _password_login(clinician)
    refused = replay.post("/account/security/verify", {"code": code, "next": "/account"})
    assert refused.status_code == 400
    assert _code_error(refused) == (
        "Code from your authenticator app: already used; wait for the next code in your app"
    )
    assert MFA_SESSION_KEY not in replay.session
    assert replay.get("/account")["Location"].startswith("/account/security/verify")


def test_a_recovery_code_works_once(clinician: User) -> None:
    codes = _device(clinician)
    c = _password_login(clinician)
    assert c.post("/account/security/verify", {"code": codes[0]})["Location"] == "/"
    assert AuditEvent.objects.filter(actor_id=clinician.pk, action="mfa.recovery_used").exists()
    again = _password_login(clinician)
    assert again.post("/account/security/verify", {"code": codes[0]}).status_code == 400
    assert MFA_SESSION_KEY not in again.session


def test_wrong_codes_lock_the_step_for_the_account(clinician: User) -> None:
    _device(clinician)
    c = _password_login(clinician)
    for _ in range(mfa.MFA_FAILURE_LIMIT):
        assert c.post("/account/security/verify", {"code": "nope"}).status_code == 400
    # A new password login does not reset the count.
    fresh = _password_login(clinician)
    locked = fresh.post("/account/security/verify", {"code": _now_code(clinician)})
    assert locked.status_code == 429
    assert "Too many wrong codes" in locked.content.decode()
    assert MFA_SESSION_KEY not in fresh.session


@pytest.mark.parametrize("nxt", ["//evil.example/x", "https://evil.example/", "javascript:x"])
def test_verify_sends_only_to_local_pages(clinician: User, nxt: str) -> None:
    _device(clinician)
    c = _password_login(clinician)
    response = c.post("/account/security/verify", {"code": _now_code(clinician), "next": nxt})
    assert response["Location"] == "/"


def test_recovery_codes_can_be_renewed_with_a_fresh_code(clinician: User) -> None:
    old = _device(clinician)
    c = logged_in(clinician)
    response = c.post("/account/security/recovery-codes", {"code": _now_code(clinician)})
    new = response.context["codes"]
    assert len(new) == 10 and set(new).isdisjoint(old)
    assert mfa.mfa_status(clinician).recovery_left == 10
    wrong = c.post("/account/security/recovery-codes", {"code": "000"})
    assert wrong["Location"] == "/account/security"


def test_a_person_made_clinician_is_asked_at_the_next_request(
    owner: User, owner_plan: PlanRecord
) -> None:
    from hipalign.adapters.db.models import Profile

    c = logged_in(owner, mfa=False)
    assert c.get("/plan").status_code == 200
    Profile.objects.update_or_create(user_id=owner.pk, defaults={"role": "clinician"})
    assert c.get("/plan")["Location"].startswith("/account/security/setup")


def test_nav_shows_security_to_staff_and_admin_area_to_admins(
    owner_client: Client, clinician_client: Client, admin_client: Client
) -> None:
    def nav(c: Client) -> str:
        return c.get("/account").content.decode()

    person, clin, adm = nav(owner_client), nav(clinician_client), nav(admin_client)
    assert "/account/security" not in person and "/admin-area/" not in person
    assert "/account/security" in clin and "/admin-area/" not in clin
    assert "/account/security" in adm and 'href="/admin-area/people"' in adm


def test_the_api_error_is_json(clinician: User) -> None:
    response = logged_in(clinician, mfa=False).get("/api/v1/me")
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["error"]


def test_the_first_account_sets_up_two_step_sign_in_before_onboarding(
    client: Client, db: None
) -> None:
    client.post("/setup", {"username": "clinic", "password": PASSWORD})
    response = client.get("/onboarding")
    assert response["Location"] == "/account/security/setup?next=%2Fonboarding"
    assert client.get(response["Location"]).status_code == 200
