"""The admin area and the first-run page in the reader's language (issue 20): an admin who reads
Spanish gets the accounts and audit pages, their labels, roles and flash messages in Spanish;
the role options keep their ids as values. English readers see the same English as before."""

import html
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.services.kernel.access import role_of
from hipalign.services.kernel.languages import language_set
from tests.services.factories import public_id
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_a_spanish_admin_reads_the_accounts_page_in_spanish(admin: User, owner: User) -> None:
    language_set(admin, language="es")

    page = text_of(logged_in(admin).get("/admin-area/people"))

    assert '<html lang="es">' in page
    for spanish in ("<h1>Cuentas</h1>", "Registro de auditoría", "Cambiar la función", ">persona<"):
        assert spanish in page, spanish
    assert 'value="person"' in page and 'value="clinician"' in page  # ids stay the values
    for english in ("<h1>Accounts</h1>", "Change role", "Make a reset link", ">person<"):
        assert english not in page, english


def test_a_spanish_admins_role_change_reads_in_spanish_and_changes_the_role(
    admin: User, owner: User
) -> None:
    language_set(admin, language="es")

    done = logged_in(admin).post(
        f"/admin-area/people/{public_id(owner)}/role", {"role": "clinician"}, follow=True
    )

    assert "Función cambiada; se cerraron las otras sesiones de esa cuenta." in text_of(done)
    assert role_of(User.objects.get(pk=owner.pk)) == "clinician"


def test_a_spanish_admin_reads_the_audit_log_in_spanish(admin: User) -> None:
    language_set(admin, language="es")

    page = text_of(logged_in(admin).get("/admin-area/audit"))

    for spanish in ("<h1>Registro de auditoría</h1>", "Comprobar la cadena de hashes", "Quién"):
        assert spanish in page, spanish
    assert "Check the hash chain" not in page


def test_an_english_admin_keeps_the_english_pages(admin: User) -> None:
    c = logged_in(admin)

    people = text_of(c.get("/admin-area/people"))
    audit = text_of(c.get("/admin-area/audit"))

    assert "<h1>Accounts</h1>" in people and "<td>admin</td>" in people  # roles in English
    assert "Check the hash chain" in audit and "Comprobar" not in audit


def test_the_first_run_page_follows_the_browsers_language() -> None:
    spanish = text_of(Client().get("/setup", headers={"accept-language": "es"}))
    english = text_of(Client().get("/setup", headers={"accept-language": "en"}))

    assert "Le damos la bienvenida a hipalign" in spanish and "Crear la primera cuenta" in spanish
    assert "Welcome to hipalign" in english and "Create the first account" in english
