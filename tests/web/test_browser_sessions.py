"""The Account page lists the person's signed-in browsers and live tokens (issue 12 item 8):
end one browser, or all but this one; nobody can end another person's session."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client

from hipalign.adapters.db.models import BrowserSession
from hipalign.services.identity import tokens
from hipalign.services.identity.sessions import agent_summary
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _browser(user: User, agent: str) -> Client:
    c = logged_in(user, HTTP_USER_AGENT=agent)
    assert c.get("/today").status_code in (200, 302)  # a signed-in request records the browser
    return c


def _key(c: Client) -> str:
    return c.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_account_page_lists_browsers_and_live_tokens(owner: User) -> None:
    laptop, _phone = _browser(owner, FIREFOX), _browser(owner, SAFARI)
    tokens.api_token_create(owner, "phone app")

    page = laptop.get("/account").content.decode()

    assert "Firefox on Linux" in page and "Mobile Safari on iOS" in page
    assert page.count('data-testid="session-row"') == 2 and "this browser" in page
    assert "phone app" in page and "End all other sessions" in page
    assert _key(laptop) not in page  # the session key never leaves the server


def test_end_all_other_sessions_keeps_only_this_one(owner: User) -> None:
    laptop, phone = _browser(owner, FIREFOX), _browser(owner, SAFARI)

    response = laptop.post("/account/sessions/end-others")

    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302  # back to the login page
    assert list(BrowserSession.objects.values_list("session_key", flat=True)) == [_key(laptop)]


def test_ending_one_browser_signs_it_out(owner: User) -> None:
    laptop, phone = _browser(owner, FIREFOX), _browser(owner, SAFARI)
    row = BrowserSession.objects.get(session_key=_key(phone))

    assert laptop.post(f"/account/sessions/{row.id}/end").status_code == 302

    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200


def test_nobody_can_end_another_persons_session(owner: User, other: User) -> None:
    owners = _browser(owner, FIREFOX)
    row = BrowserSession.objects.get(session_key=_key(owners))
    intruder = _browser(other, SAFARI)

    for path in (f"/account/sessions/{row.id}/end", "/account/sessions/not-a-uuid/end"):
        assert intruder.post(path).status_code == 404
    intruder.post("/account/sessions/end-others")

    assert Session.objects.filter(session_key=_key(owners)).exists()
    assert BrowserSession.objects.filter(pk=row.id).exists()
    assert owners.get("/account").status_code == 200


def test_the_current_session_is_not_ended_by_id(owner: User) -> None:
    laptop = _browser(owner, FIREFOX)
    row = BrowserSession.objects.get(session_key=_key(laptop))
    assert laptop.post(f"/account/sessions/{row.id}/end").status_code == 404
    assert laptop.get("/account").status_code == 200


def test_the_record_follows_a_new_session_key_after_the_totp_step(
    clinician: User,
) -> None:
    c = _browser(clinician, FIREFOX)
    first = BrowserSession.objects.get(user_id=clinician.pk)
    session = c.session
    session.cycle_key()
    session.save()
    c.cookies[settings.SESSION_COOKIE_NAME] = str(session.session_key)
    c.get("/account")
    assert list(
        BrowserSession.objects.filter(user_id=clinician.pk).values_list("id", flat=True)
    ) == [first.id]


@pytest.mark.parametrize(
    ("agent", "summary"),
    [(FIREFOX, "Firefox on Linux"), (SAFARI, "Mobile Safari on iOS"), ("", "Unknown browser")],
)
def test_the_device_summary_is_short(agent: str, summary: str) -> None:
    assert agent_summary(agent) == summary
