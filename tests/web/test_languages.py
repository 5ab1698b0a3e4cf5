"""The pages' language (issue 20): the signed-in person's choice, else the browser's
Accept-Language, else English; chosen in onboarding or on Account, where a bad value is refused
with a message naming the field and changes nothing; every page says its language."""

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from hipalign.adapters.db.models import Profile
from hipalign.services.kernel.languages import language_set
from hipalign.web import locale_build


def stored_language(user: AbstractBaseUser) -> str:
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
    owner: AbstractBaseUser, owner_client: Client
) -> None:
    language_set(owner, language="es")  # type: ignore[arg-type]
    response = owner_client.get("/account", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert html_lang(response.content) == "es"
    assert "Idioma" in response.content.decode()  # the compiled catalog is in use


@pytest.mark.django_db
def test_a_stored_language_no_longer_offered_falls_back_to_the_browser(
    owner: AbstractBaseUser, owner_client: Client
) -> None:
    Profile.objects.update_or_create(user_id=owner.pk, defaults={"language": "fr"})
    assert html_lang(owner_client.get("/account", HTTP_ACCEPT_LANGUAGE="es").content) == "es"
    assert html_lang(owner_client.get("/account").content) == "en"


@pytest.mark.django_db
def test_a_clinicians_pages_follow_the_clinicians_own_choice(
    clinician: AbstractBaseUser, clinician_client: Client
) -> None:
    language_set(clinician, language="es")  # type: ignore[arg-type]
    response = clinician_client.get("/clinic/patients", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(response.content) == "es"


@pytest.mark.django_db
def test_choosing_a_language_on_account_saves_it_and_the_next_page_uses_it(
    owner: AbstractBaseUser, owner_client: Client
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
    owner: AbstractBaseUser, owner_client: Client, bad: str
) -> None:
    language_set(owner, language="en")  # type: ignore[arg-type]
    response = owner_client.post("/account", {"form": "language", "language": bad})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Language: choose one of the languages offered (English, Español)" in body
    assert stored_language(owner) == "en"


@pytest.mark.django_db
def test_onboarding_offers_the_language_and_stores_the_choice(
    owner: AbstractBaseUser, owner_client: Client
) -> None:
    from tests.web.test_onboarding import onboarding_form

    page = owner_client.get("/onboarding", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'name="language"' in page
    response = owner_client.post("/onboarding", {**onboarding_form(), "language": "es"})
    assert response.status_code == 302
    assert stored_language(owner) == "es"


@pytest.mark.django_db
def test_onboarding_refuses_a_bad_language_before_anything_is_stored(
    owner: AbstractBaseUser, owner_client: Client
) -> None:
    from tests.web.test_onboarding import onboarding_form

    plans_before = owner.plans.count()  # type: ignore[attr-defined]
    response = owner_client.post("/onboarding", {**onboarding_form(), "language": "klingon"})
    assert response.status_code != 302
    assert "Language: choose one of the languages in the list" in response.content.decode()
    assert stored_language(owner) == ""
    assert owner.plans.count() == plans_before  # type: ignore[attr-defined]


def test_the_shipped_catalogs_translate_every_marked_string() -> None:
    """The same report `hipalign i18n check` fails CI on."""
    report = locale_build.report()
    assert "es" in report
    for language, (problems, done, total) in report.items():
        assert problems == [], language
        assert done == total > 0
