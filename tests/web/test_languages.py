"""The pages' language (issue 20): the signed-in person's choice, else the browser's
Accept-Language, else English; chosen in onboarding or on Account, where a bad value is refused
with a message naming the field and changes nothing; every page says its language."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import Profile
from hipalign.services.kernel.languages import language_set
from hipalign.web import locale_build


def stored_language(user: User) -> str:
    return Profile.objects.filter(user_id=user.pk).values_list("language", flat=True).first() or ""


def html_lang(body: bytes) -> str:
    text = body.decode()
    start = text.index("<html lang=") + len('<html lang="')
    return text[start : text.index('"', start)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.5", "es"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,de;q=0.8", "en"),  # no offered language: English
        ("", "en"),
        ("es;q=0, en;q=0.1", "en"),  # q=0 refuses Spanish
    ],
)
def test_a_visitor_gets_the_browsers_language_or_english(header: str, expected: str) -> None:
    response = Client().get("/login", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert html_lang(response.content) == expected
    assert response["Content-Language"] == expected
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_the_persons_choice_beats_the_browsers_accept_language(
    owner: User, owner_client: Client
) -> None:
    language_set(owner, language="es")
    response = owner_client.get("/account", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert html_lang(response.content) == "es"
    assert "Idioma" in response.content.decode()  # the compiled catalog is in use


@pytest.mark.django_db
def test_a_stored_language_no_longer_offered_falls_back_to_the_browser(
    owner: User, owner_client: Client
) -> None:
    Profile.objects.update_or_create(user_id=owner.pk, defaults={"language": "fr"})
    assert html_lang(owner_client.get("/account", HTTP_ACCEPT_LANGUAGE="es").content) == "es"
    assert html_lang(owner_client.get("/account").content) == "en"


@pytest.mark.django_db
def test_a_clinicians_pages_follow_the_clinicians_own_choice(
    clinician: User, clinician_client: Client
) -> None:
    language_set(clinician, language="es")
    response = clinician_client.get("/clinic/patients", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(response.content) == "es"


@pytest.mark.django_db
def test_choosing_a_language_on_account_saves_it_and_the_next_page_uses_it(
    owner: User, owner_client: Client
) -> None:
    response = owner_client.post("/account", {"form": "language", "language": "es"})
    assert response.status_code == 302
    assert stored_language(owner) == "es"
    page = owner_client.get("/account", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(page.content) == "es"
    assert "Idioma guardado." in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["xx", "fr", "es-ES<script>", ""])
def test_a_bad_language_on_account_names_the_field_and_changes_nothing(
    owner: User, owner_client: Client, bad: str
) -> None:
    language_set(owner, language="en")
    response = owner_client.post("/account", {"form": "language", "language": bad})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Language: choose one of the languages offered (English, Español)" in body
    assert stored_language(owner) == "en"


@pytest.mark.django_db
def test_onboarding_offers_the_language_and_stores_the_choice(
    owner: User, owner_client: Client
) -> None:
    from tests.web.test_onboarding import onboarding_form

    page = owner_client.get("/onboarding", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'name="language"' in page
    response = owner_client.post("/onboarding", {**onboarding_form(), "language": "es"})
    assert response.status_code == 302
    assert stored_language(owner) == "es"


@pytest.mark.django_db
def test_onboarding_refuses_a_bad_language_before_anything_is_stored(
    owner: User, owner_client: Client
) -> None:
    from tests.web.test_onboarding import onboarding_form

    plans_before = owner.plans.count()
    response = owner_client.post("/onboarding", {**onboarding_form(), "language": "klingon"})
    assert response.status_code != 302
    assert "Language: choose one of the languages in the list" in response.content.decode()
    assert stored_language(owner) == ""
    assert owner.plans.count() == plans_before


def test_the_shipped_catalogs_translate_every_marked_string() -> None:
    """The same report `hipalign i18n check` fails CI on."""
    report = locale_build.report()
    assert "es" in report
    for language, (problems, done, total) in report.items():
        assert problems == [], language
        assert done == total > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "spanish", "english"),
    [
        ("/login", "Iniciar sesión", "Log in"),
        ("/signup", "Cree su cuenta", "Create your account"),
    ],
)
def test_the_sign_in_pages_are_in_spanish_for_a_spanish_browser(
    owner: User, path: str, spanish: str, english: str
) -> None:
    # owner: an install past its first run, so /signup shows the form rather than /setup.
    es = Client().get(path, HTTP_ACCEPT_LANGUAGE="es-ES").content.decode()
    en = Client().get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert spanish in es and f"<h1>{english}</h1>" not in es
    assert "no un diagnóstico" in es  # the footer
    assert f"<h1>{english}</h1>" in en and spanish not in en


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_the_persons_language() -> None:
    response = Client().post(
        "/login", {"username": "nobody", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert "no corresponden a ninguna cuenta" in response.content.decode()


@pytest.mark.django_db
def test_a_person_who_chose_spanish_reads_today_plan_and_account_in_spanish(
    owner: User, owner_client: Client
) -> None:
    from tests.web.test_onboarding import onboarding_form

    assert owner_client.post("/onboarding", onboarding_form()).status_code == 302
    english_plan = owner_client.get("/plan").content.decode()  # fills the plan cache in English
    assert "Your exercises" in english_plan
    language_set(owner, language="es")
    pages = {p: owner_client.get(p).content.decode() for p in ("/today", "/plan", "/account")}
    assert "Hoy, " in pages["/today"]
    # The day and month names follow the page's language too ("Hoy, mié 2 dic 2026").
    heading = pages["/today"].split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading.split(" ")[1] in ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"), heading
    # The plan's cached body is per language: not the English one rendered above.
    assert "Sus ejercicios" in pages["/plan"] and "Your exercises" not in pages["/plan"]
    assert "Su semana" in pages["/plan"]
    assert "Su cuenta" in pages["/account"] and "Delete my account" not in pages["/account"]
    for body in pages.values():
        assert html_lang(body.encode()) == "es"
        assert ">Cerrar sesión</button>" in body  # the top bar
