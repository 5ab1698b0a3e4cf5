"""The sign-up page refuses a name that looks like an existing account's (issue 12 item 10)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.services.factories import PASSWORD, all_counts, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.mark.parametrize(
    ("attempt", "message"),
    [
        ("c\u0410", "mixes letters of alphabets that look alike"),  # Cyrillic A after a Latin c
        ("\u0441\u0410", "looks the same as an existing account&#x27;s name"),  # all Cyrillic
    ],
)
def test_signup_refuses_a_look_alike_of_an_existing_name_under_the_username_field(
    client: Client, attempt: str, message: str
) -> None:
    make_user("cA")
    before = all_counts()

    response = client.post("/signup", {"username": attempt, "password": PASSWORD})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["username"]
    assert message in response.content.decode()
    assert all_counts() == before
    assert list(User._default_manager.values_list("username", flat=True)) == ["cA"]
