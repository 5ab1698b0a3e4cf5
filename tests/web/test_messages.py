"""Messages pages and API (issue 18): safe rendering, idempotent sending, the per-sender rate
limit, the unread count in the menu, and closing for the clinician when the link ends."""

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from hipalign.adapters.db.models import AuditEvent, CareLink, Message
from hipalign.services.care import links as care
from hipalign.services.kernel.access import profile_of
from tests.services.factories import make_link, make_role, make_user, staff_token
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db
HOST = "testserver"


@pytest.fixture
def pair() -> tuple[Any, Any, str]:
    person = make_user("pia_person")
    clinician = make_role("cleo_clinician", "clinician")
    link = make_link(clinician, person)
    return person, clinician, str(link.id)


def _post(client: Any, link: str, body: str, cid: str = "form-000001", **extra: str) -> Any:
    return client.post(f"/messages/{link}", {"body": body, "client_id": cid, **extra})


def test_a_message_renders_as_text_and_only_own_host_links_are_clickable(pair: Any) -> None:
    person, clinician, link = pair
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)> https://evil.example/x"
    own = f"http://{HOST}/exercises/clamshell"
    assert _post(logged_in(person), link, f"{evil} and {own}").status_code == 302

    page = logged_in(clinician).get(f"/messages/{link}").content.decode()

    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert 'href="https://evil.example/x"' not in page
    assert "https://evil.example/x" in page
    assert f'<a href="{own}">{own}</a>' in page


def test_a_double_submit_of_one_form_stores_one_message(pair: Any) -> None:
    person, _, link = pair
    c = logged_in(person)
    first = _post(c, link, "Is it fine to skip Sunday?")
    second = _post(c, link, "Is it fine to skip Sunday?")
    assert (first.status_code, second.status_code) == (302, 302)
    assert Message.objects.count() == 1


def test_a_too_long_message_comes_back_with_the_reason_and_its_text(pair: Any) -> None:
    person, _, link = pair
    text = "long words " * 400  # 4,400 characters
    r = _post(logged_in(person), link, text)
    page = r.content.decode()
    assert r.status_code == 422
    assert "Message: at most 4,000 characters" in page
    assert text.strip() in page  # the text is kept in the form
    assert Message.objects.count() == 0


def test_the_unread_count_shows_in_the_menu_until_the_conversation_is_read(pair: Any) -> None:
    person, clinician, link = pair
    doctor = logged_in(clinician)
    _post(logged_in(person), link, "Hello")
    assert 'data-testid="unread-count">1<' in doctor.get("/clinic/patients").content.decode()
    me = logged_in(person)
    assert "· not read yet" in me.get(f"/messages/{link}").content.decode()
    doctor.get(f"/messages/{link}")
    assert 'data-testid="unread-count"' not in doctor.get("/clinic/patients").content.decode()
    assert "· read<" in me.get(f"/messages/{link}").content.decode()


@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "message": "2/d"})
def test_past_the_per_sender_limit_pages_and_api_answer_429_and_store_nothing(pair: Any) -> None:
    person, _, link = pair
    c = logged_in(person)
    assert _post(c, link, "one", cid="limit-00001").status_code == 302
    assert _post(c, link, "two", cid="limit-00002").status_code == 302
    page = _post(c, link, "three", cid="limit-00003")
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert "Too many messages sent: at most 2 per day. Try again in" in page.content.decode()
    assert "three" in page.content.decode()  # kept in the form
    token = staff_token(person, "phone")
    api = logged_in(person).post(
        f"/api/v1/conversations/{link}/messages",
        json.dumps({"client_id": "limit-00004", "body": "four"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 429
    assert api.json()["error"].startswith("Too many messages sent")
    assert Message.objects.count() == 2


def test_the_api_sends_idempotently_and_reads(pair: Any) -> None:
    person, clinician, link = pair
    token = staff_token(person, "phone")
    headers = {"Authorization": f"Bearer {token}"}
    from django.test import Client

    api = Client(headers=headers)
    body = {
        "client_id": "api-msg-0001",
        "body": "From my phone",
        "about": {"kind": "exercise", "ref": "glute_bridge"},
    }
    first = api.post(
        f"/api/v1/conversations/{link}/messages", json.dumps(body), content_type="application/json"
    )
    again = api.post(
        f"/api/v1/conversations/{link}/messages", json.dumps(body), content_type="application/json"
    )
    other = api.post(
        f"/api/v1/conversations/{link}/messages",
        json.dumps({**body, "body": "changed"}),
        content_type="application/json",
    )
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 422)
    assert first.json()["message"]["about"]["href"] == "/exercises/glute_bridge"
    assert "client_id" in other.json()["error"]
    listed = Client(headers={"Authorization": f"Bearer {staff_token(clinician, 'desk')}"}).get(
        "/api/v1/conversations"
    )
    assert [(c["with_name"], c["unread"]) for c in listed.json()] == [("pia_person", 1)]
    assert Message.objects.count() == 1


def test_openapi_documents_the_message_routes() -> None:
    from django.test import Client

    doc = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/conversations/{link_id}/messages" in doc["paths"]
    schema = doc["components"]["schemas"]["MessageBody"]["properties"]["body"]
    assert schema["maxLength"] == 4000


def test_after_the_link_ends_the_clinician_gets_404_and_the_person_reads_on(pair: Any) -> None:
    person, clinician, link = pair
    doctor, me = logged_in(clinician), logged_in(person)
    _post(me, link, "Thanks for everything")
    assert doctor.get(f"/messages/{link}").status_code == 200
    care.link_end(person, link, __import__("django.utils.timezone").utils.timezone.now())

    assert doctor.get(f"/messages/{link}").status_code == 404
    assert _post(doctor, link, "late", cid="late-000001").status_code == 404
    kept = me.get(f"/messages/{link}")
    assert kept.status_code == 200 and "Thanks for everything" in kept.content.decode()
    assert 'data-testid="message-form"' not in kept.content.decode()
    assert _post(me, link, "after", cid="after-00001").status_code == 422
    assert Message.objects.count() == 1


def test_each_clinician_page_read_is_audited(pair: Any) -> None:
    person, clinician, link = pair
    _post(logged_in(person), link, "Hello")
    before = AuditEvent.objects.filter(action="read:messages", actor_id=clinician.pk).count()
    logged_in(clinician).get(f"/messages/{link}")
    after = AuditEvent.objects.filter(action="read:messages", actor_id=clinician.pk).count()
    assert after == before + 1


def test_the_clinician_marks_a_message_as_needing_a_reply_and_the_patient_list_says_so(
    pair: Any,
) -> None:
    person, clinician, link = pair
    _post(logged_in(person), link, "Can I run?")
    msg = Message.objects.get()
    doctor = logged_in(clinician)
    doctor.get(f"/messages/{link}")
    r = doctor.post(f"/messages/{link}/reply-needed", {"message_id": str(msg.id), "needed": "yes"})
    assert r.status_code == 302
    listing = doctor.get("/clinic/patients").content.decode()
    assert "Messages: 1 marked as needing a reply." in listing
    # The person may not set the mark.
    mine = logged_in(person).post(
        f"/messages/{link}/reply-needed", {"message_id": str(msg.id), "needed": "no"}
    )
    assert mine.status_code == 404
    msg.refresh_from_db()
    assert msg.needs_reply is True
    pid = str(profile_of(person).public_id)
    assert f'href="/messages/{link}"' in doctor.get(f"/clinic/patients/{pid}").content.decode()
    assert CareLink.objects.filter(pk=link, status="active").exists()


def test_the_length_hint_writes_the_limit_as_the_pages_language_does(pair: Any) -> None:
    import html

    from django.utils import formats, translation

    from hipalign.core.messages import MAX_CHARS
    from hipalign.services.kernel.languages import language_set

    person, _, link = pair
    english = html.unescape(logged_in(person).get(f"/messages/{link}").content.decode())
    language_set(person, language="es")
    spanish = html.unescape(logged_in(person).get(f"/messages/{link}").content.decode())
    with translation.override("es"):
        grouped = formats.number_format(MAX_CHARS, force_grouping=True)

    assert f"up to {MAX_CHARS:,} characters" in english
    assert f"{MAX_CHARS:,}" not in spanish  # no English comma on the Spanish page
    assert grouped in spanish and grouped != f"{MAX_CHARS:,}"
