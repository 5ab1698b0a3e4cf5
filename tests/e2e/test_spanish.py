"""A person who reads Spanish (issue 20): a Spanish browser gets Spanish sign-in pages, and a
person who picks Español on Account reads the top bar, Today, the session player and the plan
in Spanish, with <html lang="es"> on each. The player's script-made texts are not part of this
walk yet: see the README's language table."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import NewContext
from tests.e2e.helpers import Site, new_person_with_plan

pytestmark = pytest.mark.e2e


def lang_of(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def test_a_spanish_browser_gets_the_sign_in_page_in_spanish(
    new_context: NewContext, site: Site
) -> None:
    page = new_context("phone", locale="es-ES").new_page()
    page.goto("/login")
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    expect(page.get_by_label("Nombre de usuario")).to_be_visible()
    expect(page.get_by_role("link", name="¿Ha olvidado su contraseña?")).to_be_visible()


def test_a_person_who_picks_spanish_reads_today_the_player_and_the_plan_in_spanish(
    new_context: NewContext, site: Site
) -> None:
    page = new_context("laptop").new_page()  # an English browser: the choice must win
    new_person_with_plan(page, "es")
    page.goto("/account")
    assert lang_of(page) == "en"
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Save language").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_text("Idioma guardado.")).to_be_visible()
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Su cuenta")).to_be_visible()

    page.goto("/today")
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hoy, "))
    nav = page.get_by_role("navigation", name="Principal")
    for label in ("Hoy", "Plan", "Progreso", "Aprender", "Control"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Sesión de hoy")).to_be_visible()
    # The player's own buttons and key help; the labels its script sets while it runs (Start
    # warm-up, Pause, the step names) are still English (README, languages).
    expect(page.get_by_test_id("player-skip")).to_have_text("Saltar el paso")
    expect(page.get_by_test_id("player-skip-exercise")).to_have_text("Saltar el ejercicio")
    expect(page.locator("#player-keys")).to_contain_text("Teclas:")
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    expect(page.locator("footer")).to_contain_text("no un diagnóstico")

    page.goto("/plan")
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Su plan", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Su semana")).to_be_visible()
    expect(page.get_by_role("heading", name="Sus ejercicios")).to_be_visible()
    body = page.locator("main").inner_text()
    for english in ("Your week", "Your exercises", "How to do it", "Why it is in your plan"):
        assert english not in body
