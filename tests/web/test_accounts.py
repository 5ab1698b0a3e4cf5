"""Accounts through the pages: first run, sign-up, log-in (throttled, no enumeration), export,
deletion with the password, and Argon2 as the real hasher (RELIABILITY.md B1-B3, I1, I2)."""

import json
import re

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from hipalign.adapters.db.models import ExerciseLogRecord, PlanRecord
from hipalign.services.program import recording
from tests.services.factories import (
    LOG_TODAY,
    PASSWORD,
    all_counts,
    log_payload,
    make_plan,
    make_user,
    owned_counts,
)
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

WRONG_LOGIN = "That username and password do not match an account."
ARGON2_FIRST = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]


def _logged_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def _login(client: Client, username: str, password: str, **extra: str) -> object:
    return client.post("/login", {"username": username, "password": password, **extra})


# --- first run ---------------------------------------------------------------------------------


def test_a_fresh_install_sends_everyone_to_the_first_run_page(client: Client) -> None:
    assert client.get("/")["Location"] == "/setup"
    assert client.get("/signup")["Location"] == "/setup"
    assert client.get("/setup").status_code == 200


def test_first_run_page_creates_a_logged_in_admin_account(client: Client) -> None:
    response = client.post("/setup", {"username": "clinic", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/onboarding"
    admin = User._default_manager.get()
    assert (admin.get_username(), admin.is_staff, admin.is_superuser) == ("clinic", True, True)
    assert _logged_in_as(client) == str(admin.pk)


def test_first_run_page_is_gone_once_an_account_exists(client: Client) -> None:
    make_user("first")

    get = client.get("/setup")
    post = client.post("/setup", {"username": "intruder", "password": PASSWORD})

    assert (get.status_code, get["Location"]) == (302, "/")
    assert (post.status_code, post["Location"]) == (302, "/")
    assert list(User._default_manager.values_list("username", flat=True)) == ["first"]
    assert not User._default_manager.filter(is_superuser=True).exists()


def test_first_run_page_refuses_a_weak_password_and_creates_nothing(client: Client) -> None:
    response = client.post("/setup", {"username": "clinic", "password": "admin"})

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert not User._default_manager.exists()


# --- sign-up -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "too short"), ("password", "too common"), ("58302917465", "entirely numeric")],
)
def test_signup_refuses_a_weak_password_naming_the_password_field(
    client: Client, password: str, message: str
) -> None:
    make_user("first")
    before = all_counts()

    response = client.post("/signup", {"username": "dora", "password": password})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["password"]
    assert any(message in e for e in errors["password"])
    assert message in response.content.decode()
    # named by the page's label, once however many reasons the validators give
    assert [e.count("Password:") for e in errors["password"]] == [1]
    assert errors["password"][0].startswith("Password: ")
    assert not User._default_manager.filter(username="dora").exists()
    assert all_counts() == before


def test_signup_refuses_a_taken_username_naming_the_username_field(client: Client) -> None:
    make_user("dora")

    response = client.post("/signup", {"username": "DORA", "password": PASSWORD})

    assert response.context["form"].errors["username"] == [
        "Username: already taken; choose another"
    ]
    assert User._default_manager.count() == 1


def test_signup_creates_a_normal_logged_in_account(client: Client) -> None:
    make_user("first")

    response = client.post("/signup", {"username": "dora", "password": PASSWORD})

    assert response["Location"] == "/onboarding"
    dora = User._default_manager.get(username="dora")
    assert (dora.is_staff, dora.is_superuser) == (False, False)
    assert _logged_in_as(client) == str(dora.pk)


# --- log-in ------------------------------------------------------------------------------------


def _normalised(html: str) -> str:
    """The page without its per-request tokens (CSRF token, CSP nonce)."""
    return re.sub(r"[A-Za-z0-9_\-]{20,}", "TOKEN", html)


def test_login_form_logs_in_with_the_right_password(client: Client, owner: User) -> None:
    response = _login(client, owner.get_username(), PASSWORD)

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert _logged_in_as(client) == str(owner.pk)


def test_login_gives_the_same_answer_for_unknown_user_and_wrong_password(
    owner: User,
) -> None:
    wrong = _login(Client(), owner.get_username(), "not the password")
    unknown = _login(Client(), "nobody_here", "not the password")

    assert wrong.status_code == unknown.status_code == 200  # type: ignore[attr-defined]
    wrong_html = wrong.content.decode()  # type: ignore[attr-defined]
    assert WRONG_LOGIN in wrong_html
    assert _normalised(wrong_html) == _normalised(unknown.content.decode())  # type: ignore[attr-defined]


def test_login_gives_a_new_session_id(client: Client, owner: User) -> None:
    session = client.session
    session["seen"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    _login(client, owner.get_username(), PASSWORD)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.parametrize(
    ("next_url", "location"),
    [("/plan", "/plan"), ("//evil.example/", "/"), ("https://evil.example/", "/")],
)
def test_login_follows_only_local_next_urls(
    client: Client, owner: User, next_url: str, location: str
) -> None:
    response = _login(client, owner.get_username(), PASSWORD, next=next_url)

    assert response["Location"] == location  # type: ignore[index]


def test_ten_failures_lock_the_account_and_then_even_the_right_password_fails(
    client: Client, owner: User
) -> None:
    name = owner.get_username()
    failures = [_login(Client(), name, f"wrong {i}") for i in range(settings.AXES_FAILURE_LIMIT)]

    locked = _login(client, name, PASSWORD)

    assert [r.status_code for r in failures[:-1]] == [200] * (len(failures) - 1)  # type: ignore[attr-defined]
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert "Too many failed log-ins" in locked.content.decode()  # type: ignore[attr-defined]
    assert _logged_in_as(client) is None
    assert client.get("/today")["Location"].startswith("/login")


def test_nine_failures_do_not_lock_the_account(client: Client, owner: User) -> None:
    name = owner.get_username()
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(Client(), name, f"wrong {i}")

    _login(client, name, PASSWORD)

    assert _logged_in_as(client) == str(owner.pk)


def test_lockout_is_per_account_and_a_reset_unlocks(client: Client, owner: User) -> None:
    bystander = make_user("bystander")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), owner.get_username(), f"wrong {i}")
    assert AccessAttempt.objects.filter(username=owner.get_username()).exists()

    other_client = Client()
    _login(other_client, bystander.get_username(), PASSWORD)
    axes_reset(username=owner.get_username())
    _login(client, owner.get_username(), PASSWORD)

    assert _logged_in_as(other_client) == str(bystander.pk)
    assert _logged_in_as(client) == str(owner.pk)


def test_logout_needs_post_and_ends_the_session(owner_client: Client) -> None:
    key = owner_client.cookies[settings.SESSION_COOKIE_NAME].value

    get = owner_client.get("/logout")
    post = owner_client.post("/logout")

    assert get.status_code == 405
    assert post["Location"] == "/login"
    assert not Session.objects.filter(session_key=key).exists()
    assert owner_client.get("/today")["Location"].startswith("/login")


# --- Argon2 ------------------------------------------------------------------------------------


@override_settings(PASSWORD_HASHERS=ARGON2_FIRST)
def test_signup_stores_an_argon2id_hash(client: Client) -> None:
    make_user("first")

    client.post("/signup", {"username": "dora", "password": PASSWORD})

    assert User._default_manager.get(username="dora").password.startswith("argon2$argon2id$")


def test_an_older_hash_is_upgraded_to_argon2id_at_login(client: Client) -> None:
    user = make_user("dora")  # made with the test suite's fast hasher
    assert not user.password.startswith("argon2")

    with override_settings(PASSWORD_HASHERS=ARGON2_FIRST):
        _login(client, "dora", PASSWORD)

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert _logged_in_as(client) == str(user.pk)


# --- export ------------------------------------------------------------------------------------


def _some_data(user: User) -> PlanRecord:
    plan = make_plan(user)
    result = recording.log_record(user, log_payload(plan), today=LOG_TODAY)
    recording.next_morning_record(
        user, str(ExerciseLogRecord.objects.get(pk=result.log_id).session_id), 1
    )
    return plan


def test_export_is_a_json_download_of_every_own_row_and_none_of_another_persons(
    owner: User, other: User, owner_client: Client
) -> None:
    _some_data(owner)
    theirs = _some_data(other)

    response = owner_client.get("/account/export.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    doc = json.loads(response.content)
    counts = owned_counts(owner.pk)
    assert len(doc["plans"]) == counts["PlanRecord"] == 1
    assert len(doc["exercise_logs"]) == counts["ExerciseLogRecord"] == 1
    assert len(doc["sessions"]) == counts["SessionRecord"] == 1
    assert len(doc["decisions"]) == counts["DecisionRecord"] == 2  # after the log, and the morning
    assert str(theirs.id) not in response.content.decode()
    assert other.get_username() not in response.content.decode()


# --- deletion ----------------------------------------------------------------------------------


def test_delete_with_the_wrong_password_deletes_nothing(owner: User, owner_client: Client) -> None:
    _some_data(owner)
    before = owned_counts(owner.pk)

    response = owner_client.post("/account", {"password": "not my password"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [
        "Your password, to confirm: does not match; the account was not deleted"
    ]
    assert User._default_manager.filter(pk=owner.pk).exists()
    assert owned_counts(owner.pk) == before
    assert owner_client.get("/today").status_code == 200  # still logged in


def test_delete_with_the_password_erases_everything_owned_and_logs_out(
    owner: User, other: User, owner_client: Client
) -> None:
    _some_data(owner)
    _some_data(other)
    other_client = logged_in(other)
    other_before = owned_counts(other.pk)
    uid = owner.pk

    response = owner_client.post("/account", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[0] == ("/login", 302)
    assert "Your account and all its data were deleted." in response.content.decode()
    assert not User._default_manager.filter(pk=uid).exists()
    assert set(owned_counts(uid).values()) == {0}
    assert owner_client.get("/today")["Location"].startswith("/login")
    assert owned_counts(other.pk) == other_before
    assert other_client.get("/account").status_code == 200  # the other session lives on
