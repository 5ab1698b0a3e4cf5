"""The clinician's workspace in the browser: from the install's first account to a prescribed plan
the person sees and the end of sharing; a stale plan edit refused with nothing typed lost; the
handout and calendar downloads of the plan page."""

import re
from collections.abc import Callable
from itertools import count

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from hipalign.core.library import default_library
from tests.e2e.helpers import (
    Clinic,
    Site,
    create_first_account,
    invite_code_make,
    invite_code_redeem,
    log_in,
    mfa_set_up,
    new_person_with_plan,
    role_set,
    shot,
    shot_mid_flow,
    sign_up,
    text_of,
    unique_username,
)

pytestmark = pytest.mark.e2e

NewContext = Callable[..., BrowserContext]


def _first_dosed_row(page: Page) -> tuple[int, Locator]:
    """The first exercise already in the plan (not a blank row for adding one): its row number
    and its sets box."""
    rows = page.locator("fieldset.rx-row:not(.rx-new)")
    expect(rows.first).to_be_visible()
    sets = rows.first.locator('input[name$="-sets"]')
    m = re.fullmatch(r"item-(\d+)-sets", sets.get_attribute("name") or "")
    assert m, sets.get_attribute("name")
    n = int(m.group(1))
    return n, sets


def _ruled_out_choice(page: Page) -> tuple[str, str]:
    """(exercise id, name) of the first exercise the person's answers rule out, as the editor's
    add-row offers it."""
    option = page.locator("fieldset.rx-new select option", has_text="(ruled out").first
    value = option.get_attribute("value") or ""
    assert value, "the editor offers no ruled-out exercise to add"
    return value, text_of(option).split(" (ruled out")[0]


def test_first_account_to_prescribed_plan_to_end_of_sharing(
    new_context: NewContext, fresh_server: Site
) -> None:
    test = "test_clinician_journey"
    step = count(1)

    def snap(page: Page, what: str) -> None:
        shot_mid_flow(page, test, f"{next(step):02d}-{what}")

    def laptop() -> Page:
        return new_context("laptop", base_url=fresh_server.base_url).new_page()

    # The install's first account is its admin, and sets up two-step sign-in before anything.
    admin = laptop()
    admin.goto("/setup")
    snap(admin, "setup")
    create_first_account(admin, unique_username("admin"))
    snap(admin, "admin-mfa-setup")
    mfa_set_up(admin)
    snap(admin, "admin-recovery-codes")
    admin.get_by_role("link", name="I have saved them, continue").click()
    expect(admin).to_have_url(re.compile(r"/onboarding$"))

    # A person signs up and onboards.
    person = laptop()
    person_name = new_person_with_plan(person, "person")
    snap(person, "person-plan")

    # A third account signs up; the admin makes it a clinician.
    clinician = laptop()
    clinician_name = sign_up(clinician, "clinician")
    role_set(admin, clinician_name, "clinician")
    snap(admin, "admin-people")

    # The clinician logs in: the password alone opens nothing until two-step sign-in is set up.
    log_in(clinician, clinician_name)
    expect(clinician).to_have_url(re.compile(r"/account/security/setup\?next="))
    expect(clinician.get_by_test_id("mfa-secret")).to_have_text(re.compile(r"^[A-Z2-7]{16,}$"))
    snap(clinician, "clinician-mfa-setup")
    mfa_set_up(clinician)
    snap(clinician, "clinician-recovery-codes")
    clinician.get_by_role("link", name="I have saved them, continue").click()
    expect(clinician).to_have_url(re.compile(r"/clinic/patients$"))
    expect(clinician.get_by_text("No linked patients yet.")).to_be_visible()

    # The clinician invites; the person redeems the code on their care-team page.
    code = invite_code_make(clinician)
    snap(clinician, "clinic-links-code")
    invite_code_redeem(person, code)
    expect(person.get_by_test_id("clinicians")).to_contain_text(clinician_name)
    snap(person, "care-linked")

    # The patient list, the overview, the timeline.
    clinician.goto("/clinic/patients")
    row = clinician.get_by_test_id("patients").get_by_role("row", name=re.compile(person_name))
    expect(row).to_be_visible()
    snap(clinician, "patients")
    row.get_by_role("link", name=person_name).click()
    expect(clinician.get_by_role("heading", level=1)).to_have_text(person_name)
    public_id = clinician.url.rsplit("/", 1)[1]
    snap(clinician, "patient-overview")
    clinician.get_by_role("link", name="Timeline").click()
    expect(clinician).to_have_url(re.compile(rf"/clinic/patients/{public_id}/timeline$"))
    expect(clinician.get_by_test_id("timeline").locator("li.entry").first).to_be_visible()
    snap(clinician, "patient-timeline")

    # An assessment: a few tests, per side.
    clinician.get_by_role("link", name=person_name).click()
    clinician.get_by_role("link", name="Record an assessment").click()
    expect(clinician.get_by_role("heading", name="Assessment", level=1)).to_be_visible()
    form = clinician.locator("form.assessment")
    form.locator('[name="tests.trendelenburg.left.result"]').select_option("positive")
    form.locator('[name="tests.trendelenburg.right.result"]').select_option("negative")
    form.locator('[name="tests.single_leg_stance.left.seconds"]').fill("12")
    form.locator('[name="tests.single_leg_stance.right.seconds"]').fill("30")
    form.locator('[name="tests.side_plank.left.seconds"]').fill("18")
    form.locator('[name="tests.side_plank.right.seconds"]').fill("42")
    clinician.get_by_label("Pain during the tests (0-10, optional)").fill("2")
    snap(clinician, "assessment-filled")
    clinician.get_by_role("button", name="Save the assessment and make the plan again").click()
    expect(clinician.get_by_role("status")).to_contain_text("Assessment saved")
    expect(clinician.get_by_test_id("last-assessment")).to_contain_text("Left")
    snap(clinician, "assessment-saved")

    # The plan editor: one dose changed, a ruled-out exercise added without a reason: refused,
    # naming the reason field, with every entry kept.
    clinician.goto(f"/clinic/patients/{public_id}/plan")
    n, sets = _first_dosed_row(clinician)
    old_sets = int(sets.input_value())
    new_sets = old_sets + 1 if old_sets < 10 else old_sets - 1
    sets.fill(str(new_sets))
    ex_id, ex_name = _ruled_out_choice(clinician)
    new_row = clinician.locator("fieldset.rx-new").first
    new_row.get_by_label("Exercise").select_option(ex_id)
    new_row.get_by_label("Side").select_option("both")
    new_row.get_by_label("Sets").fill("2")
    new_row.get_by_label("Reps").fill("8")
    exercise = default_library().get(ex_id)
    assert exercise is not None, ex_id
    if exercise.dose.kind == "hold":
        new_row.get_by_label("Hold (s)").fill("20")
    for day in ("mon", "wed", "fri"):
        new_row.locator(f'input[type="checkbox"][value="{day}"]').check()
    clinician.get_by_label("Note to the person (what this change is for)").fill(
        "More sets for the weaker side."
    )
    snap(clinician, "plan-editor-filled")
    clinician.get_by_role("button", name=re.compile(r"^Save as version")).click()
    problems = clinician.get_by_test_id("problems")
    expect(problems).to_contain_text(f"Reason to override a safety rule: {ex_name}")
    expect(problems).not_to_contain_text("override_reason")
    expect(problems).to_contain_text(ex_name)
    expect(clinician.locator(f'[name="item-{n}-sets"]')).to_have_value(str(new_sets))
    added = clinician.locator("fieldset.rx-new select").first
    expect(added).to_have_value(ex_id)
    added_row = clinician.locator("fieldset.rx-new").first
    expect(added_row.get_by_label("Reps")).to_have_value("8")
    expect(added_row.locator('input[type="checkbox"][value="wed"]')).to_be_checked()
    expect(clinician.get_by_label("Note to the person (what this change is for)")).to_have_value(
        "More sets for the weaker side."
    )
    snap(clinician, "plan-editor-reason-needed")
    reason = "Seen in clinic: the person has the equipment at their gym."
    added_row.get_by_label(re.compile(r"^Reason to override")).fill(reason)
    clinician.get_by_role("button", name=re.compile(r"^Save as version")).click()
    expect(clinician.get_by_role("status")).to_contain_text("Saved as plan version")
    snap(clinician, "plan-editor-saved")

    # The person sees what changed, by whom, and the clinician's reason.
    person.goto("/plan")
    changes = person.get_by_test_id("plan-changes")
    expect(changes.get_by_role("heading", name="Changed by your clinician")).to_be_visible()
    expect(changes).to_contain_text(clinician_name)
    expect(changes).to_contain_text(f"Added {ex_name}")
    expect(changes.locator("ul.changes")).to_contain_text(re.compile(r"dose from .* to "))
    expect(changes).to_contain_text(f"Their reason: {reason}")
    expect(changes).to_contain_text("More sets for the weaker side.")
    snap(person, "person-plan-changed")

    # The person ends sharing; the clinician's very next request for them answers 404.
    person.goto("/care")
    # The first click only asks: the clinician still sees the person until they confirm.
    person.locator("summary", has_text="End sharing").click()
    expect(person.get_by_test_id("clinicians")).to_contain_text(clinician_name)
    assert clinician.goto(f"/clinic/patients/{public_id}").status == 200  # type: ignore[union-attr]
    person.get_by_role("button", name=re.compile("Yes, end sharing")).click()
    expect(person.get_by_role("status")).to_contain_text("Access stopped")
    expect(person.get_by_test_id("clinicians")).to_contain_text("No one.")
    snap(person, "care-ended")
    for path in ("", "/plan", "/timeline", "/assessment"):
        res = clinician.goto(f"/clinic/patients/{public_id}{path}")
        assert res is not None and res.status == 404, (path, res and res.status)
    snap(clinician, "patient-gone")
    clinician.goto("/clinic/patients")
    expect(clinician.get_by_text("No linked patients yet.")).to_be_visible()


def test_stale_plan_edit_is_refused_and_keeps_what_was_typed(
    new_context: NewContext, clinic: Clinic
) -> None:
    test = "test_stale_plan_edit"
    ctx = new_context("laptop", storage_state=clinic.clinician_state)
    url = f"/clinic/patients/{clinic.public_id}/plan"
    first, second = ctx.new_page(), ctx.new_page()
    first.goto(url)
    second.goto(url)
    n, _ = _first_dosed_row(first)
    version = second.locator('input[name="version"]').input_value()
    assert first.locator('input[name="version"]').input_value() == version

    reps = first.locator(f'[name="item-{n}-reps"]')
    first_reps = "9" if reps.input_value() != "9" else "11"
    reps.fill(first_reps)
    first.get_by_role("button", name=re.compile(r"^Save as version")).click()
    expect(first.get_by_role("status")).to_contain_text(f"Saved as plan version {int(version) + 1}")

    old_sets = int(second.locator(f'[name="item-{n}-sets"]').input_value())
    typed_sets = str(old_sets + 1 if old_sets < 10 else old_sets - 1)
    second.locator(f'[name="item-{n}-sets"]').fill(typed_sets)
    second.locator(f'[name="item-{n}-days"][value="sun"]').set_checked(True)
    note = "Typed in the second tab."
    second.get_by_label("Note to the person (what this change is for)").fill(note)
    second.get_by_role("button", name=re.compile(r"^Save as version")).click()
    stale = second.get_by_test_id("stale")
    expect(stale).to_be_visible()
    expect(stale).to_contain_text("Not saved: the plan changed")
    expect(second.locator(f'[name="item-{n}-sets"]')).to_have_value(typed_sets)
    expect(second.locator(f'[name="item-{n}-days"][value="sun"]')).to_be_checked()
    expect(second.get_by_label("Note to the person (what this change is for)")).to_have_value(note)
    shot(second, test, "second-tab-stale")

    # Only the first tab's save made a version, and the second tab's typing is in no plan.
    first.reload()
    expect(first.locator('input[name="version"]')).to_have_value(str(int(version) + 1))
    expect(first.locator(f'[name="item-{n}-reps"]')).to_have_value(first_reps)
    expect(first.locator(f'[name="item-{n}-sets"]')).to_have_value(str(old_sets))


def test_handout_and_calendar_download_from_the_plan_page(
    new_context: NewContext, clinic: Clinic
) -> None:
    page = new_context(
        "laptop", storage_state=clinic.person_state, accept_downloads=True
    ).new_page()
    page.goto("/plan")
    with page.expect_download() as handout:
        page.get_by_test_id("handout").click()
    assert handout.value.suggested_filename.endswith(".pdf"), handout.value.suggested_filename
    pdf = handout.value.path().read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    assert len(pdf) > 2_000

    with page.expect_download() as calendar:
        page.get_by_test_id("calendar").click()
    assert calendar.value.suggested_filename.endswith(".ics"), calendar.value.suggested_filename
    ics = calendar.value.path().read_text()
    assert ics.startswith("BEGIN:VCALENDAR"), ics[:40]
    assert "BEGIN:VEVENT" in ics
