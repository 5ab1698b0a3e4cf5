"""Cookie-authenticated writes need the CSRF token: the API and every page form
(RELIABILITY.md 2: django-ninja's CSRF with session auth was to be checked, not assumed)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import ExerciseLogRecord, PlanRecord
from hipalign.services.program import recording
from tests.services.factories import (
    LOG_TODAY,
    PASSWORD,
    all_counts,
    log_payload,
    make_user,
    only_the_denial_added,
    snapshot,
)
from tests.web.conftest import logged_in, no_answers, post_log

pytestmark = pytest.mark.django_db


def _token(client: Client) -> str:
    client.get("/account")  # any page with a form sets the CSRF cookie
    return client.cookies["csrftoken"].value


def test_api_log_without_the_csrf_token_is_refused_and_stores_nothing(
    owner: User, owner_plan: PlanRecord
) -> None:
    client = logged_in(owner, enforce_csrf_checks=True)
    _token(client)  # the cookie is there; only the header is missing
    before = all_counts()

    response = post_log(client, log_payload(owner_plan))

    assert response.status_code == 403
    assert only_the_denial_added(before, "denied.forbidden")


def test_api_log_with_a_wrong_csrf_token_is_refused(owner: User, owner_plan: PlanRecord) -> None:
    client = logged_in(owner, enforce_csrf_checks=True)
    _token(client)

    response = post_log(client, log_payload(owner_plan), X_CSRFToken="x" * 32)

    assert response.status_code == 403
    assert ExerciseLogRecord.objects.count() == 0


def test_api_log_with_the_csrf_token_is_accepted(owner: User, owner_plan: PlanRecord) -> None:
    client = logged_in(owner, enforce_csrf_checks=True)

    response = post_log(client, log_payload(owner_plan), X_CSRFToken=_token(client))

    assert response.status_code == 201


@pytest.fixture
def logged_session(owner_plan: PlanRecord) -> str:
    result = recording.log_record(owner_plan.user, log_payload(owner_plan), today=LOG_TODAY)
    return str(ExerciseLogRecord.objects.get(pk=result.log_id).session_id)


PAGE_POSTS = [
    ("/checkin", {**no_answers(), "pain_now": "1", "pain_worst_week": "1"}),
    ("/onboarding", {**no_answers(), "age": "40", "pregnant": "no", "pain_now": "0"}),
    ("/account", {"password": PASSWORD}),
    ("/logout", {}),
    ("/sessions/{session}/next-morning", {"pain_next_morning": "1"}),
]


@pytest.mark.parametrize(("path", "form"), PAGE_POSTS, ids=[p for p, _ in PAGE_POSTS])
def test_page_post_without_the_csrf_token_is_refused_and_changes_nothing(
    owner: User, logged_session: str, path: str, form: dict[str, str]
) -> None:
    client = logged_in(owner, enforce_csrf_checks=True)
    _token(client)
    before = snapshot(owner.pk)

    response = client.post(path.format(session=logged_session), form)

    assert response.status_code == 403
    assert snapshot(owner.pk) == before
    assert client.get("/account").status_code == 200  # still logged in (logout was refused)


def test_page_post_with_the_csrf_token_is_accepted(owner: User, logged_session: str) -> None:
    client = logged_in(owner, enforce_csrf_checks=True)
    token = _token(client)

    response = client.post(
        f"/sessions/{logged_session}/next-morning",
        {"pain_next_morning": "1", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/login", "/signup", "/setup"])
def test_anonymous_form_posts_without_the_csrf_token_are_refused(path: str) -> None:
    make_user("existing")
    client = Client(enforce_csrf_checks=True)
    before = all_counts()

    response = client.post(path, {"username": "existing", "password": PASSWORD})

    assert response.status_code == 403
    assert all_counts() == before
    assert "_auth_user_id" not in client.session
