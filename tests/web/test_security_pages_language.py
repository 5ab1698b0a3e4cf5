"""Account security, two-step sign-in and API tokens in the reader's language (issue 20): the
pages' words, the refusals the services word at raise time and the views' flash messages. An
English reader sees the same English as before."""

import html
import re
from typing import Any

import pyotp
import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import ApiToken, TotpDevice
from hipalign.services.identity import mfa, tokens
from hipalign.services.kernel.languages import language_set
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db


def text_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return html.unescape(response.content.decode())


def code_error(page: str) -> str:
    found = re.search(r'id="code-error"[^>]*>([^<]*)<', page)
    assert found, "no error under the code box"
    return found.group(1)


def test_a_spanish_clinician_sets_up_two_step_sign_in_in_spanish(clinician: User) -> None:
    language_set(clinician, language="es")
    c = logged_in(clinician, mfa=False)

    page = text_of(c.get("/account/security/setup"))
    wrong = text_of(c.post("/account/security/setup", {"code": "12345x"}), status=400)

    assert '<html lang="es">' in page
    assert "<h1>Configurar el inicio de sesión en dos pasos</h1>" in page
    assert "¿No puede escanearlo?" in page
    assert "Set up two-step sign-in" not in page
    assert code_error(wrong) == (
        "Código de la aplicación: no coincide; indique las 6 cifras que muestra ahora su "
        "aplicación, o uno de sus códigos de recuperación"
    )
    assert not mfa.mfa_confirmed(int(clinician.pk))  # refused: nothing changed


def test_a_spanish_clinician_reads_the_codes_and_the_security_page_in_spanish(
    clinician: User,
) -> None:
    language_set(clinician, language="es")
    c = logged_in(clinician, mfa=False)
    c.get("/account/security/setup")
    secret = TotpDevice.objects.get(user_id=clinician.pk).secret

    codes = text_of(c.post("/account/security/setup", {"code": pyotp.TOTP(secret).now()}))
    security = text_of(c.get("/account/security"))

    assert "<h1>Sus códigos de recuperación</h1>" in codes
    assert "solo se muestran ahora" in codes
    assert "<h1>Seguridad de la cuenta</h1>" in security
    assert "Códigos de recuperación restantes:" in security
    assert "Recovery codes left" not in security


def test_an_english_clinician_keeps_the_english_security_page(clinician: User) -> None:
    c = logged_in(clinician, mfa=False)

    page = text_of(c.get("/account/security/setup"))

    assert "<h1>Set up two-step sign-in</h1>" in page
    assert "Configurar" not in page


def test_a_spanish_verify_page_and_its_wrong_code(clinician: User) -> None:
    mfa.mfa_setup_begin(clinician)
    secret = TotpDevice.objects.get(user_id=clinician.pk).secret
    mfa.mfa_setup_confirm(clinician, pyotp.TOTP(secret).now())
    language_set(clinician, language="es")
    c = logged_in(clinician, mfa=False)

    page = text_of(c.get("/account/security/verify"))
    wrong = text_of(c.post("/account/security/verify", {"code": "000000"}), status=400)

    assert "Código de su aplicación de autenticación" in page
    assert "¿Ha perdido el móvil" in page
    assert code_error(wrong).startswith("Código de su aplicación de autenticación: no coincide")


def test_a_spanish_person_makes_and_revokes_a_token_in_spanish(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")

    page = text_of(owner_client.get("/account/tokens"))
    refused = text_of(
        owner_client.post("/account/tokens", {"name": "móvil", "days": "0"}), status=422
    )
    made = text_of(owner_client.post("/account/tokens", {"name": "móvil", "days": "30"}))
    token = ApiToken.objects.get(user=owner)
    revoked = text_of(owner_client.post(f"/account/tokens/{token.pk}/revoke", follow=True))

    assert "<h1>Tokens de la API</h1>" in page
    assert "Aún no hay tokens." in page
    assert "No tokens yet." not in page
    assert (
        f"Caduca tras (días): indique un número entero de días, de 1 a {tokens.MAX_DAYS}" in refused
    )
    assert "Cópielo ahora" in made
    assert "El token «móvil» se ha revocado; ya no funciona." in revoked


def test_an_english_person_keeps_the_english_tokens_page(owner_client: Client) -> None:
    page = text_of(owner_client.get("/account/tokens"))
    refused = text_of(
        owner_client.post("/account/tokens", {"name": "phone", "days": "0"}), status=422
    )

    assert "No tokens yet." in page
    assert f"Expires after (days): give a whole number of days from 1 to {tokens.MAX_DAYS}" in (
        refused
    )
    assert ApiToken.objects.count() == 0
