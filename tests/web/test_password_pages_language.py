"""The password and email-link pages in the reader's language (issue 20): changing the password
(the signed-in person's choice), and the public pages reached from a link or the log-in page
(the browser's Accept-Language). English readers see the same English as before."""

import html
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.services.kernel.languages import language_set
from tests.services.factories import PASSWORD

pytestmark = pytest.mark.django_db


def text_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return html.unescape(response.content.decode())


def reads(page: str, *, lang: str, present: list[str], absent: list[str]) -> None:
    assert f'<html lang="{lang}">' in page
    for words in present:
        assert words in page, words
    for words in absent:
        assert words not in page, words


CHANGE_EN = ["<h1>Change your password</h1>", "this one stays signed in", "Back to your account"]
CHANGE_ES = ["<h1>Cambie su contraseña</h1>", "esta sesión sigue abierta", "Volver a su cuenta"]


def test_a_spanish_person_changes_the_password_in_spanish(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")

    reads(
        text_of(owner_client.get("/account/password")),
        lang="es",
        present=CHANGE_ES,
        absent=CHANGE_EN,
    )
    done = owner_client.post(
        "/account/password",
        {
            "old_password": PASSWORD,
            "new_password1": "a new long one 4831",
            "new_password2": "a new long one 4831",
        },
        follow=True,
    )
    assert "Contraseña cambiada." in text_of(done)


def test_an_english_person_keeps_the_english_password_page(owner_client: Client) -> None:
    reads(
        text_of(owner_client.get("/account/password")),
        lang="en",
        present=CHANGE_EN,
        absent=CHANGE_ES,
    )


# Public pages: (path, status, English words, Spanish words).
PUBLIC = [
    (
        "/reset/not-a-real-link",
        404,
        ["This reset link does not work", "Nothing was changed."],
        ["Este enlace de restablecimiento no funciona", "No se ha cambiado nada."],
    ),
    (
        "/forgot-password",
        200,
        ["Forgot your password?", "This install does not send email."],
        ["¿Ha olvidado su contraseña?", "Esta instalación no envía correos."],
    ),
]


@pytest.mark.parametrize(("path", "status", "english", "spanish"), PUBLIC)
@pytest.mark.parametrize("accept", ["es", "en"])
def test_the_public_password_pages_read_in_the_browsers_language(
    accept: str, path: str, status: int, english: list[str], spanish: list[str]
) -> None:
    page = text_of(Client().get(path, headers={"accept-language": accept}), status=status)

    if accept == "es":
        reads(page, lang="es", present=spanish, absent=english)
    else:
        reads(page, lang="en", present=english, absent=spanish)


def test_the_forgot_password_answer_reads_in_spanish(settings: Any) -> None:
    settings.EMAIL_ENABLED = True

    page = text_of(
        Client().post(
            "/forgot-password", {"email": "nobody@example.org"}, headers={"accept-language": "es"}
        )
    )

    assert "Si una cuenta tiene esta dirección y estaba confirmada" in page
    assert "If an account has this address" not in page
