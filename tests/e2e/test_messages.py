"""Messages in the browser (issue 18): a clinician and a person, each in their own browser
context, write to each other; the unread count in the menu and the clinician's attention list
follow; after the person ends the care link the clinician's next request is a 404 and the person
can still read the conversation. Both sides are checked with axe, on a phone and a laptop."""

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import (
    Site,
    invite_code_make,
    invite_code_redeem,
    log_in,
    log_in_admin,
    mfa_set_up,
    role_set,
    shot,
    sign_up,
)

pytestmark = pytest.mark.e2e

NewContext = Callable[..., BrowserContext]
BLOCKING = {"serious", "critical"}


def _serious(page: Page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v["impact"] in BLOCKING]


def _unread(page: Page) -> str:
    badge = page.get_by_test_id("nav-messages").get_by_test_id("unread-count")
    return (badge.text_content() or "").strip() if badge.count() else ""


def test_a_clinician_and_a_person_exchange_messages_until_the_link_ends(
    new_context: NewContext, site: Site
) -> None:
    test = "test_messages"
    admin = new_context("laptop").new_page()
    doctor = new_context("laptop").new_page()
    person = new_context("phone").new_page()
    log_in_admin(admin, site)
    doctor_name = sign_up(doctor, "msgdoc")
    role_set(admin, doctor_name, "clinician")
    log_in(doctor, doctor_name)
    mfa_set_up(doctor)
    doctor.get_by_role("link", name="I have saved them, continue").click()
    person_name = sign_up(person, "msgperson")
    invite_code_redeem(person, invite_code_make(doctor))

    # The person writes first, from the menu.
    person.goto("/today")
    person.get_by_test_id("nav-messages").click()
    person.get_by_role("link", name=doctor_name).click()
    expect(person).to_have_url(re.compile(r"/messages/[0-9a-f-]{36}$"))
    conversation = person.url
    person.get_by_label(f"Message to {doctor_name}").fill(
        "Is the side plank fine on a sore wrist?\n<b>not bold</b> https://elsewhere.example/x"
    )
    person.get_by_role("button", name="Send").click()
    thread = person.get_by_test_id("thread")
    expect(thread).to_contain_text("Is the side plank fine on a sore wrist?")
    expect(thread).to_contain_text("<b>not bold</b>")  # shown as the characters typed
    expect(thread.get_by_role("link", name="https://elsewhere.example/x")).to_have_count(0)
    assert _serious(person) == []
    shot(person, test, "person-phone")

    # The clinician sees it in the menu and as a reason in the patient list.
    doctor.goto("/clinic/patients")
    assert _unread(doctor) == "1 unread"
    row = doctor.get_by_test_id("patients").locator("tr", has_text=person_name)
    expect(row).to_contain_text("Messages: 1 unread message.")
    assert _serious(doctor) == []
    shot(doctor, test, "clinician-patients-laptop")
    doctor.get_by_test_id("nav-messages").click()
    doctor.get_by_role("link", name=person_name).click()
    expect(doctor.get_by_test_id("thread")).to_contain_text("sore wrist")
    assert _unread(doctor) == ""
    doctor.get_by_role("button", name="Mark as needing a reply").click()
    expect(doctor.get_by_test_id("thread")).to_contain_text("Needs a reply")
    doctor.goto("/clinic/patients")
    expect(row).to_contain_text("Messages: 1 marked as needing a reply.")
    doctor.go_back()
    doctor.get_by_label(f"Message to {person_name}").fill("Do it on the forearm instead.")
    doctor.get_by_role("button", name="Send").click()
    expect(doctor.get_by_test_id("thread")).to_contain_text("on the forearm")
    assert _serious(doctor) == []
    shot(doctor, test, "clinician-conversation-laptop")
    doctor.goto("/clinic/patients")
    expect(row).not_to_contain_text("Messages:")

    # The person's menu counts the answer until they read it.
    person.goto("/today")
    assert _unread(person) == "1 unread"
    person.goto(conversation)
    expect(person.get_by_test_id("thread")).to_contain_text("on the forearm")
    assert _unread(person) == ""

    # The person ends sharing: the clinician's next request is a 404, the person reads on.
    person.goto("/care")
    person.locator("details.confirm summary").first.click()
    person.get_by_role("button", name=re.compile(r"Yes, end sharing")).click()
    gone = doctor.goto(conversation)
    assert gone is not None and gone.status == 404
    kept = person.goto(conversation)
    assert kept is not None and kept.status == 200
    expect(person.get_by_test_id("conversation-closed")).to_be_visible()
    expect(person.get_by_test_id("thread")).to_contain_text("on the forearm")
    expect(person.get_by_test_id("message-form")).to_have_count(0)
    assert _serious(person) == []
    shot(person, test, "person-closed-phone")
