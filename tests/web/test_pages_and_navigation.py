"""Pages every visitor meets: the styled error pages with a way on, the menu that reaches every
page of a person, the installable-app manifest, and the care page's two-step End sharing."""

import json
import re
from importlib import resources

import pytest
from django.contrib.auth.models import User
from django.test import Client
from PIL import Image

from hipalign.adapters.db.models import CareLink, PlanRecord
from hipalign.services.program import plans
from tests.web.conftest import logged_in


def _text(content: bytes) -> str:
    return content.decode()


def test_an_unknown_page_answers_a_styled_404_with_the_menu(owner_client: Client) -> None:
    r = owner_client.get("/no-such-page")

    assert r.status_code == 404
    page = _text(r.content)
    assert "This page is not here" in page
    assert 'href="/static/hipalign/css/app.css"' in page
    assert 'aria-label="Main"' in page and 'href="/today"' in page  # the way on
    assert 'href="/"' in page


@pytest.mark.django_db
def test_an_unknown_page_for_a_visitor_offers_the_start_page() -> None:
    r = Client().get("/no-such-page")

    assert r.status_code == 404
    assert "This page is not here" in _text(r.content)
    assert 'href="/"' in _text(r.content)


def test_a_form_without_its_csrf_token_answers_a_styled_403_that_changes_nothing(
    owner: User, owner_plan: PlanRecord
) -> None:
    c = logged_in(owner, enforce_csrf_checks=True)
    before = PlanRecord.objects.count()

    r = c.post("/care", {"action": "create"})

    assert r.status_code == 403
    assert "nothing was changed" in _text(r.content)
    assert 'href="/static/hipalign/css/app.css"' in _text(r.content)
    assert PlanRecord.objects.count() == before
    assert not CareLink.objects.exists()


def test_a_server_error_answers_a_styled_500_with_a_way_on_and_no_details(
    owner_plan: PlanRecord, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a secret detail of the bug")

    monkeypatch.setattr(plans, "plan_current", broken)

    r = logged_in(owner, raise_request_exception=False).get("/plan")

    assert r.status_code == 500
    page = _text(r.content)
    assert "Something went wrong on our side" in page
    assert 'href="/"' in page and 'href="/static/hipalign/css/app.css"' in page
    assert "secret detail" not in page and "Traceback" not in page


PERSON_PAGES_IN_MORE = {
    "/outcomes": "Scores",
    "/care": "Care team",
    "/posture": "Posture",
    "/timeline": "Timeline",
    "/report": "Progress report",
}


def test_the_menu_reaches_scores_care_team_posture_timeline_and_the_report(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    page = _text(owner_client.get("/today").content)

    nav = page[page.index('aria-label="Main"') : page.index("</nav>")]
    for href, label in PERSON_PAGES_IN_MORE.items():
        assert re.search(rf'href="{href}"[^>]*>{label}</a>', nav), label
    for href in PERSON_PAGES_IN_MORE:
        # Each linked page opens for the person (no dead link in the menu).
        assert owner_client.get(href).status_code == 200, href


def test_the_current_page_in_the_more_menu_is_marked(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    page = _text(owner_client.get("/timeline").content)

    assert re.search(r'href="/timeline" aria-current="page"', page)
    assert not re.search(r'href="/care" aria-current="page"', page)


def test_a_clinician_menu_has_no_person_pages(clinician_client: Client) -> None:
    page = _text(clinician_client.get("/clinic/patients").content)
    nav = page[page.index('aria-label="Main"') : page.index("</nav>")]

    assert "More" not in nav and 'href="/outcomes"' not in nav


@pytest.mark.django_db
def test_the_manifest_names_the_app_its_start_page_and_icons_that_ship() -> None:
    r = Client().get("/manifest.webmanifest")

    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/manifest+json")
    doc = json.loads(r.content)
    assert doc["name"] == "hipalign" and doc["start_url"] == "/today" and doc["scope"] == "/"
    assert doc["display"] == "standalone"
    static = resources.files("hipalign.web") / "static"
    sizes = set()
    for icon in doc["icons"]:
        path = static / icon["src"].removeprefix("/static/")
        assert path.is_file(), icon["src"]
        if icon["type"] == "image/png":
            with Image.open(str(path)) as im:
                assert f"{im.width}x{im.height}" == icon["sizes"], icon
            sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes  # what browsers need to offer an install


def test_every_page_links_the_manifest(owner_client: Client, owner_plan: PlanRecord) -> None:
    for path in ("/today", "/plan", "/account", "/no-such-page"):
        page = _text(owner_client.get(path).content)
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page, path


@pytest.mark.django_db
def test_the_manifest_is_reached_before_the_code_step_of_a_clinician(
    clinician: User,
) -> None:
    r = logged_in(clinician, mfa=False).get("/manifest.webmanifest")

    assert r.status_code == 200


def test_end_sharing_asks_before_it_ends(
    owner: User, clinician: User, owner_client: Client
) -> None:
    # `clinician` comes linked to `owner`.
    page = _text(owner_client.get("/care").content)

    # The visible control only opens the question; the form that ends it sits inside.
    start = page.index('<details class="confirm">')
    confirm = page[start : page.index("</details>", start)]
    assert '<summary class="button danger">End sharing</summary>' in confirm
    assert f"Yes, end sharing with {clinician.get_username()}" in confirm
    assert 'name="action" value="end"' in confirm


def test_with_a_code_in_the_address_the_primary_button_is_link(owner_client: Client) -> None:
    with_code = _text(owner_client.get("/care?code=ABCDE12345").content)
    without = _text(owner_client.get("/care").content)

    assert re.search(r'<button type="submit" class="primary">Link</button>', with_code)
    assert not re.search(r'class="primary">Make a code', with_code)
    assert re.search(r'<button type="submit" class="primary">Make a code</button>', without)
