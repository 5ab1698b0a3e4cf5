"""Weak passwords are refused offline, by zxcvbn's estimate, naming the field (issue 12 item 9)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hipalign.web.passwords import StrengthValidator
from tests.services.factories import all_counts, make_user

User = get_user_model()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "zzzzzzzzzzzz",
        "x" * 256,
        "hipalign",
        "Hipalign2026!",
        "hipalignhipalign",
        "password1234",
        "qwertyuiop",
        "abcdefghijkl",
        "dora-1990",  # the username and a year
    ],
)
def test_signup_refuses_a_guessable_password_naming_the_field_and_what_is_allowed(
    client: Client, password: str
) -> None:
    make_user("first")
    before = all_counts()

    response = client.post("/signup", {"username": "dora", "password": password})

    page = response.content.decode()
    errors = response.context["form"].errors["password"]
    assert response.status_code == 200
    # One error under the field: the label leads once, then the reasons and what is allowed.
    assert len(errors) == 1, errors
    assert errors[0].startswith("Password"), errors
    assert errors[0].count("Password:") <= 1, errors
    assert "Password is too easy to guess." in errors[0], errors
    assert "Allowed: at least 8 characters" in errors[0], errors
    assert '<label for="id_password">Password</label>' in page
    assert all_counts() == before
    assert not User._default_manager.filter(username="dora").exists()


@pytest.mark.django_db
def test_the_first_run_page_refuses_the_apps_name_as_the_admin_password(client: Client) -> None:
    response = client.post("/setup", {"username": "clinic", "password": "hipalign"})

    assert response.status_code == 200
    assert "Password is too easy to guess." in " ".join(response.context["form"].errors["password"])
    assert not User._default_manager.exists()


@pytest.mark.django_db
def test_a_long_passphrase_is_accepted(client: Client) -> None:
    make_user("first")

    response = client.post("/signup", {"username": "dora", "password": "violet kettle orbit ramp"})

    assert response.status_code == 302
    assert User._default_manager.filter(username="dora").exists()


@example(char="\n", n=72)  # zxcvbn alone scores this as random
@settings(max_examples=60, deadline=None)
@given(char=st.characters(codec="utf-8", exclude_categories=["Cs"]), n=st.integers(8, 256))
def test_one_character_repeated_is_never_strong_enough(char: str, n: int) -> None:
    with pytest.raises(ValidationError) as caught:
        StrengthValidator().validate(char * n)

    assert caught.value.error_list[0].code == "password_too_guessable"


def test_the_configured_validators_include_the_strength_check() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password("zzzzzzzzzzzz", User(username="dora"))

    assert "password_too_guessable" in [e.code for e in caught.value.error_list]
