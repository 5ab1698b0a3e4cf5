"""axe-core on every page and state a person, a clinician and an admin meet, on a phone and on a
laptop."""

import json
import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from hipalign.core.screening.catalog import QUESTIONS
from tests.e2e.helpers import Clinic, Player, Site, log_in, onboard, shot_mid_flow, sign_up

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}

LIFETIME_ID = next(q.id for q in QUESTIONS if q.lifetime)


def _summary(violation: dict[str, object]) -> str:
    nodes = violation["nodes"]
    assert isinstance(nodes, list)
    targets = "; ".join(", ".join(map(str, n["target"])) for n in nodes[:5])
    return f"{violation['id']} ({violation['impact']}, {len(nodes)} node(s)): {violation['help']} -> {targets}"


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_pages_have_no_serious_accessibility_violations(
    new_context: Callable[..., BrowserContext], site: Site, size: str
) -> None:
    page: Page = new_context(size).new_page()
    axe = Axe()
    found: dict[str, list[dict[str, object]]] = {}

    def check(state: str) -> None:
        # Axe goes in through the DevTools protocol (page.evaluate), which the CSP does not
        # govern, so the pages are checked with their real CSP in force.
        found[state] = axe.run(page).response["violations"]

    page.goto("/login")
    check("login")
    page.goto("/signup")
    check("signup")

    sign_up(page, "a11y")
    page.get_by_test_id("wizard-next").click()  # nothing answered: the step says so
    expect(page.locator("#step-safety .step-error")).to_be_visible()
    check("onboarding-safety-unanswered")
    onboard(page, on_step=lambda step: check(f"onboarding-{step}"))
    check("plan")

    player = Player(page)
    player.open()
    check("today-ready")
    player.begin_paused()
    check("today-paused")
    player.skip_to_log_form()
    check("today-log-form")
    player.log_save.click()  # pain left empty: the form shows its errors
    expect(player.log_form.get_by_role("alert")).to_be_visible()
    check("today-log-form-errors")
    player.fill_log_and_save(pain=2)
    expect(player.sync).to_have_text("All logs sent.")
    check("today-decision")

    page.goto("/progress")
    page.locator("details.chart-data summary").first.click()
    check("progress")

    page.goto("/checkin")
    check("checkin")
    for q in QUESTIONS:
        if not q.lifetime:  # the intake said no to those: one "anything changed" question
            page.locator(f'input[name="q_{q.id}"][value="no"]').check()
    lifetime = page.locator(f'input[name="q_{LIFETIME_ID}"][value="yes"]')
    expect(lifetime).to_be_hidden()
    page.locator('input[name="changed"][value="yes"]').check()  # checkin.js shows them at once
    expect(lifetime).to_be_visible()
    check("checkin-changed")
    page.locator('input[name="changed"][value="no"]').check()
    expect(lifetime).to_be_hidden()
    page.get_by_label("Pain right now (0-10)").fill("1")
    page.get_by_label("Worst pain this past week (0-10)").fill("2")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_test_id("checkin-ok")).to_be_visible()
    check("checkin-done")

    page.goto("/account")
    check("account")
    page.goto("/plans")
    check("plan-history")
    page.goto("/learn")
    check("learn")
    page.goto("/learn/sitting_and_movement_breaks")
    check("lesson")

    for state, violations in found.items():
        for v in violations:
            print(f"[{size}] {state}: {_summary(v)}")
    blocking = {
        state: [_summary(v) for v in violations if v["impact"] in BLOCKING]
        for state, violations in found.items()
    }
    blocking = {k: v for k, v in blocking.items() if v}
    assert not blocking, json.dumps(blocking, indent=2)


def _ruled_out_added_without_reason(page: Page) -> None:
    """In the plan editor: add the first exercise the person's answers rule out, with no reason."""
    option = page.locator("fieldset.rx-new select option", has_text="(ruled out").first
    row = page.locator("fieldset.rx-new").first
    row.get_by_label("Exercise").select_option(option.get_attribute("value") or "")
    row.get_by_label("Side").select_option("both")
    row.get_by_label("Sets").fill("2")
    row.get_by_label("Reps").fill("8")
    row.get_by_label("Hold (s)").fill("10")
    row.locator('input[type="checkbox"][value="mon"]').check()


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_clinician_admin_and_care_pages_have_no_accessibility_violations(
    new_context: Callable[..., BrowserContext], site: Site, clinic: Clinic, size: str
) -> None:
    """Every page of the clinician workspace, the admin area, two-step sign-in and the person's
    care team and timeline, with their error and one-time states: no violation at all, of any
    impact. Each state is also saved as a screenshot, to look at."""
    axe = Axe()
    found: dict[str, list[dict[str, object]]] = {}
    test = f"test_clinic_pages-{size}"

    def check(page: Page, state: str) -> None:
        found[state] = axe.run(page).response["violations"]
        shot_mid_flow(page, test, state)

    def visit(page: Page, state: str, path: str) -> None:
        res = page.goto(path)
        assert res is not None and res.status == 200, (path, res and res.status)
        check(page, state)

    pid = clinic.public_id
    clinician = new_context(size, storage_state=clinic.clinician_state).new_page()
    visit(clinician, "clinic-patients", "/clinic/patients")
    visit(clinician, "clinic-patient", f"/clinic/patients/{pid}")
    visit(clinician, "clinic-plan", f"/clinic/patients/{pid}/plan")
    _ruled_out_added_without_reason(clinician)
    clinician.get_by_role("button", name=re.compile(r"^Save as version")).click()
    expect(clinician.get_by_test_id("problems")).to_contain_text(
        "Reason to override a safety rule: "
    )
    check(clinician, "clinic-plan-reason-needed")
    clinician.goto(f"/clinic/patients/{pid}/plan")
    clinician.locator('input[name="version"]').evaluate(
        "(el) => { el.value = String(Number(el.value) - 1); }"  # as if another tab saved first
    )
    clinician.get_by_role("button", name=re.compile(r"^Save as version")).click()
    expect(clinician.get_by_test_id("stale")).to_be_visible()
    check(clinician, "clinic-plan-stale")
    visit(clinician, "clinic-assessment", f"/clinic/patients/{pid}/assessment")
    clinician.locator('[name="tests.single_leg_stance.left.seconds"]').fill("a while")
    clinician.get_by_role("button", name="Save the assessment and make the plan again").click()
    expect(clinician.get_by_role("alert")).to_contain_text(
        "Single-leg stance, eyes open, Time held, left: a number is needed"  # the page's label
    )
    check(clinician, "clinic-assessment-errors")
    visit(clinician, "clinic-timeline", f"/clinic/patients/{pid}/timeline")
    visit(clinician, "clinic-links", "/clinic/links")
    clinician.get_by_role("button", name="Make an invite code").click()
    expect(clinician.get_by_test_id("new-code")).to_be_visible()
    check(clinician, "clinic-links-new-code")
    visit(clinician, "account-security", "/account/security")
    visit(clinician, "account-tokens", "/account/tokens")

    person = new_context(size, storage_state=clinic.person_state).new_page()
    visit(person, "care", "/care")
    person.get_by_label("Code (10 letters and digits)").fill("NOTACODE99")
    person.get_by_role("button", name="Link", exact=True).click()
    expect(person.locator("#code_error")).to_be_visible()
    check(person, "care-wrong-code")
    visit(person, "timeline", "/timeline")
    person.goto("/account/tokens")
    person.get_by_label(re.compile(r"^Name, so you recognise it")).fill("a11y check")
    person.get_by_test_id("make-token").click()
    expect(person.get_by_test_id("new-token")).to_be_visible()
    check(person, "account-tokens-new")

    admin = new_context(size, storage_state=clinic.admin_state).new_page()
    visit(admin, "admin-people", "/admin-area/people")
    visit(admin, "admin-audit", "/admin-area/audit")

    signing_in = new_context(size).new_page()
    log_in(signing_in, clinic.clinician)
    expect(signing_in).to_have_url(re.compile(r"/account/security/verify\?next="))
    check(signing_in, "account-security-verify")
    setting_up = new_context(size).new_page()
    log_in(setting_up, clinic.pending_clinician)
    expect(setting_up).to_have_url(re.compile(r"/account/security/setup\?next="))
    check(setting_up, "account-security-setup")

    problems = {
        state: [_summary(v) for v in violations]
        for state, violations in found.items()
        if violations
    }
    assert not problems, json.dumps(problems, indent=2)


ERROR_STATE = """(name) => {
    const radios = Array.from(document.querySelectorAll(`input[name="${name}"]`));
    const field = radios[0].closest('.field');
    const group = field.querySelector('fieldset');
    const errors = Array.from(document.querySelectorAll('#onboarding .error'))
        .filter((p) => !p.closest('[hidden]'));
    const msg = errors[0];
    return {
        errors: errors.length,
        inField: msg ? field.contains(msg) : false,
        describedBy: group.getAttribute('aria-describedby'),
        msgId: msg ? msg.id : null,
        invalid: radios.map((r) => r.getAttribute('aria-invalid')),
        focused: radios.includes(document.activeElement),
        gap: msg ? msg.getBoundingClientRect().top - group.getBoundingClientRect().bottom : null,
    };
}"""


def test_a_wizard_error_sits_at_the_first_open_question_and_clears_once_answered(
    phone: Page, site: Site
) -> None:
    """Issue 14, item 12: Next with questions left open puts one message right under the first
    of them (its inputs aria-invalid and described by it, the focus on it); answering that
    question removes the message at once, without another Next."""
    page = phone
    sign_up(page, "wizard-errors")
    third = QUESTIONS[2].id
    for q in QUESTIONS:
        if q.id != third:
            page.locator(f'input[name="q_{q.id}"][value="no"]').check()
    page.get_by_test_id("wizard-next").click()

    state = page.evaluate(ERROR_STATE, f"q_{third}")
    assert state["errors"] == 1 and state["inField"], state
    assert state["describedBy"] == state["msgId"] == f"id_q_{third}_error", state
    assert state["invalid"] == ["true", "true"] and state["focused"], state
    assert 0 <= state["gap"] < 40, state  # right under the question, not at the step's end
    expect(page.locator(f"#id_q_{third}_error")).to_have_text("Please answer this question.")
    violations = Axe().run(page).response["violations"]
    assert not [_summary(v) for v in violations if v["impact"] in BLOCKING], violations
    shot_mid_flow(page, "test_wizard_errors", "safety-open")

    page.locator(f'input[name="q_{third}"][value="no"]').check()
    state = page.evaluate(ERROR_STATE, f"q_{third}")
    assert state["errors"] == 0 and state["describedBy"] is None, state
    assert state["invalid"] == [None, None], state
    expect(page.locator("#step-safety")).to_be_visible()  # answering does not move on by itself

    # The next step: age (a box) and pregnancy (a choice) open; the message goes to the first.
    page.get_by_test_id("wizard-next").click()
    expect(page.locator("#step-about")).to_be_visible()
    page.get_by_test_id("wizard-next").click()
    age = page.get_by_label("Age (years)")
    expect(age).to_be_focused()
    expect(age).to_have_attribute("aria-invalid", "true")
    expect(age).to_have_attribute("aria-describedby", "id_age_error")
    expect(page.locator("#id_age_error")).to_contain_text("2 questions on this step")
    age.fill("40")  # the message goes as the box is filled in
    expect(page.locator("#id_age_error")).to_have_count(0)
    expect(age).not_to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("wizard-next").click()
    state = page.evaluate(ERROR_STATE, "pregnant")
    assert state["errors"] == 1 and state["inField"] and state["focused"], state
    page.locator('input[name="pregnant"][value="no"]').check()
    expect(page.locator("#id_pregnant_error")).to_have_count(0)
    page.get_by_test_id("wizard-next").click()
    expect(page.locator("#step-symptoms")).to_be_visible()
