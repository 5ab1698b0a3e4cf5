"""A person who reads Spanish (issue 20): a Spanish browser gets Spanish sign-in pages, signs up,
onboards and reads the plan with no English sentence outside the references' published titles;
a person who picks Español on Account reads the top bar, Today, the session player (warm-up to
the log form), the plan, Progress, Messages, Care team and the timeline in Spanish, with
<html lang="es"> on each."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import NewContext
from tests.e2e.helpers import (
    Player,
    Site,
    new_person_with_plan,
    onboard,
    shot,
    unique_username,
)
from tests.services.factories import PASSWORD

pytestmark = pytest.mark.e2e


def lang_of(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def choose_spanish(page: Page) -> None:
    """Pick Español on Account, from an English page: the confirmation is already Spanish."""
    page.goto("/account")
    assert lang_of(page) == "en"
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Save language").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_text("Idioma guardado.")).to_be_visible()
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Su cuenta")).to_be_visible()


def main_text(page: Page) -> str:
    """What a reader sees in the page's main part, closed details included."""
    return str(page.locator("main").evaluate("m => m.textContent"))


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
    choose_spanish(page)

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
    # Set by reminders.js from the page's words, not the script's English.
    expect(page.get_by_test_id("notify-status")).to_contain_text("notificaciones")

    page.goto("/plan")
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Su plan", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Su semana")).to_be_visible()
    expect(page.get_by_role("heading", name="Sus ejercicios")).to_be_visible()
    body = page.locator("main").inner_text()
    for english in ("Your week", "Your exercises", "How to do it", "Why it is in your plan"):
        assert english not in body


def test_a_person_who_picks_spanish_reads_progress_messages_care_and_the_timeline_in_spanish(
    new_context: NewContext, site: Site
) -> None:
    page = new_context("laptop").new_page()
    new_person_with_plan(page, "es")
    choose_spanish(page)

    page.goto("/progress")
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Su progreso", level=1)).to_be_visible()
    for heading in (
        "Sesiones hechas por semana",
        "Dolor y función comparados con su punto de partida",
        "Izquierda y derecha, ejercicio por ejercicio",
    ):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("link", name="Todo por orden de fecha: su cronología")).to_be_visible()
    expect(page.get_by_role("link", name="Sus puntuaciones")).to_be_visible()
    expect(page.get_by_text("Registre una sesión para ver aquí")).to_be_visible()
    # The chart's table of numbers, in Spanish too.
    expect(page.locator("details.chart-data summary").first).to_have_text("Las cifras")
    expect(page.locator("details.chart-data th").first).to_have_text("Semana del")
    body = main_text(page)
    for english in (
        "Your progress",
        "Sessions done per week",
        "planned session",
        "Pain and function against your baseline",
        "Left and right",
        "Log a session",
        "Your scores",
        "The numbers",
        "Week of",
        "No pain scores yet",
    ):
        assert english not in body, english

    page.goto("/messages")
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Mensajes", level=1)).to_be_visible()
    expect(page.get_by_test_id("conversations")).to_contain_text("Aún no hay conversaciones.")
    expect(page.get_by_role("link", name="Equipo de atención").last).to_be_visible()
    body = main_text(page)
    for english in ("No conversations yet", "Not for emergencies", "Write to the clinicians"):
        assert english not in body, english

    page.goto("/care")
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Equipo de atención", level=1)).to_be_visible()
    expect(
        page.get_by_role("heading", name="Compartir con un profesional sanitario")
    ).to_be_visible()
    expect(page.get_by_label("Código (10 letras y cifras)")).to_be_visible()
    expect(page.get_by_test_id("clinicians")).to_have_text("Nadie. Sus datos son solo suyos.")
    page.get_by_role("button", name="Crear un código").click()
    expect(page.get_by_test_id("new-code")).to_contain_text("Su código")
    expect(page.get_by_test_id("new-code")).to_contain_text("Sirve una sola vez")
    expect(page.get_by_role("heading", name="Códigos aún sin usar")).to_be_visible()
    expect(page.get_by_role("button", name="Retirar este código")).to_be_visible()
    body = main_text(page)
    for english in (
        "Share with a clinician",
        "Make a code",
        "Clinicians who see your data",
        "No one",
        "Your code",
        "It works once",
        "Codes not used yet",
        "Withdraw this code",
    ):
        assert english not in body, english

    page.goto("/timeline")
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Cronología", level=1)).to_be_visible()
    expect(page.get_by_label("Registros de ejercicios")).to_be_visible()
    expect(page.get_by_role("button", name="Filtrar")).to_be_visible()
    body = main_text(page)
    for english in ("Exercise logs", "Check-ins", "Filter", "Show everything", "Nothing yet"):
        assert english not in body, english


# The onboarding fields' labels in Spanish, by their English (the catalog's words).
SPANISH_LABELS = {
    "Age (years)": "Edad (años)",
    "Sessions per week": "Sesiones por semana",
    "Minutes per session": "Minutos por sesión",
    "Which leg feels weaker?": "¿Qué pierna nota más débil?",
    "Side plank on the left side (seconds)": "Plancha lateral sobre el lado izquierdo (segundos)",
    "Side plank on the right side (seconds)": "Plancha lateral sobre el lado derecho (segundos)",
}

# Words that only English sentences have; the references (journal titles, kept as published)
# and the person's own username are left out of the check.
ENGLISH_MARKERS = re.compile(
    r"\b(the|your|you|and|with|this|is|are|of|for|to|from|side|found|plan works)\b"
)


def readable_text(page: Page) -> str:
    """The main part's text without the sources' references (titles stay as published)."""
    return str(
        page.locator("main").evaluate(
            """m => { const c = m.cloneNode(true);
                 c.querySelectorAll('.source, cite, .ref-link, code, svg').forEach(e => e.remove());
                 return c.textContent; }"""
        )
    )


def english_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.:;!?])\s+|\n+", text)
    return [p.strip() for p in parts if len(ENGLISH_MARKERS.findall(p)) >= 2]


def test_a_spanish_browser_onboards_and_reads_its_plan_without_english(
    new_context: NewContext, site: Site
) -> None:
    page = new_context("phone", locale="es-ES").new_page()
    page.goto("/signup")
    assert lang_of(page) == "es"
    page.get_by_label("Nombre de usuario").fill(unique_username("es"))
    page.get_by_label(re.compile(r"^Contraseña")).fill(PASSWORD)
    page.get_by_role("button", name="Registrarse").click()
    expect(page).to_have_url(re.compile(r"/onboarding$"))
    assert lang_of(page) == "es"

    seen: list[str] = []

    def each_step(step: str) -> None:
        seen.extend(
            f"{step}: {s}" for s in english_sentences(readable_text(page)) if "hipalign" not in s
        )

    onboard(page, on_step=each_step, labels=SPANISH_LABELS)
    assert lang_of(page) == "es"
    expect(page.get_by_role("heading", name="Su plan", exact=True)).to_be_visible()
    expect(page.locator(".disclaimer")).to_contain_text("no un diagnóstico")
    expect(page.locator(".card.pattern h3").first).to_contain_text("Indicios de")
    shot(page, "spanish", "plan-phone")
    seen.extend(f"plan: {s}" for s in english_sentences(readable_text(page)))

    assert seen == [], "\n".join(seen)


def player_text(page: Page) -> str:
    """What the player shows: its visible text, the figure's drawing and the script data left
    out."""
    return str(
        page.locator("#player").evaluate(
            """p => { const c = p.cloneNode(true);
                 c.querySelectorAll('script, svg, [hidden], .coach').forEach(e => e.remove());
                 return c.innerText || c.textContent; }"""
        )
    )


def test_a_spanish_person_runs_the_player_in_spanish_to_the_log_form(
    new_context: NewContext, site: Site
) -> None:
    page = new_context("phone").new_page()  # an English browser: the choice must win
    new_person_with_plan(page, "es")
    choose_spanish(page)
    player = Player(page)

    player.open(warm_up=True)
    seen = [f"warm-up: {s}" for s in english_sentences(player_text(page))]
    player.start.click()
    expect(player.pause).to_have_text("Pausa")
    player.pause.click()
    expect(player.pause).to_have_text("Continuar")
    expect(player.root).to_have_attribute("data-state", "paused")
    expect(player.cue).to_contain_text("Calentamiento")
    player.skip_until_kind("get_ready")
    seen += [f"get ready: {s}" for s in english_sentences(player_text(page))]
    player.skip_to_log_form()
    seen += [f"log form: {s}" for s in english_sentences(player_text(page))]
    shot(page, "spanish", "player-log-form-phone")

    assert seen == [], "\n".join(seen)


def test_the_spanish_pages_have_no_serious_accessibility_violations(
    new_context: NewContext, site: Site
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = new_context("phone", locale="es-ES").new_page()
    axe = Axe()
    found: dict[str, list[str]] = {}

    def check(state: str) -> None:
        assert lang_of(page) == "es", state  # axe's html-lang rules see the page's language
        violations = axe.run(page).response["violations"]
        serious = [
            f"{v['id']}: {v['help']}" for v in violations if v["impact"] in {"serious", "critical"}
        ]
        if serious:
            found[state] = serious

    page.goto("/signup")
    check("signup")
    page.get_by_label("Nombre de usuario").fill(unique_username("esa11y"))
    page.get_by_label(re.compile(r"^Contraseña")).fill(PASSWORD)
    page.get_by_role("button", name="Registrarse").click()
    onboard(page, on_step=lambda step: check(f"onboarding-{step}"), labels=SPANISH_LABELS)
    check("plan")
    for path in ("/today", "/progress", "/account", "/learn", "/report", "/account/tokens"):
        page.goto(path)
        check(path)

    assert found == {}, found
