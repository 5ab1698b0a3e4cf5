"""A baseline and a later score show their change on the progress page (issue 6)."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Site, onboard, shot, sign_up

pytestmark = pytest.mark.e2e


def test_baseline_and_a_later_score_show_the_change_on_progress(phone: Page, site: Site) -> None:
    page = phone
    sign_up(page, "outcomes")

    def pain_six(step: str) -> None:
        if step == "symptoms":
            page.get_by_label("Pain right now (0 = none, 10 = worst imaginable)").fill("6")

    onboard(page, on_step=pain_six)  # the NPRS baseline is the onboarding pain: 6

    page.goto("/outcomes")
    # PSFS baseline: three activities of the person's own.
    for i, (activity, rating) in enumerate(
        [("climbing stairs", 3), ("walking 30 min", 4), ("getting out of a car", 5)]
    ):
        page.locator(f"#activity_{i}").fill(activity)
        page.locator(f"#rating_{i}").fill(str(rating))
    page.get_by_test_id("psfs-save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    # Two weeks on: the same activities are asked again, by name.
    expect(page.get_by_label("Rating for climbing stairs")).to_be_visible()
    for i, rating in enumerate([6, 5, 5]):
        page.locator(f"#rating_{i}").fill(str(rating))
    page.get_by_test_id("psfs-save").click()
    page.get_by_test_id("nprs-input").fill("3")
    page.get_by_test_id("nprs-save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    page.goto("/progress")
    pain = page.get_by_test_id("outcome-change-nprs")
    expect(pain).to_contain_text("Your pain score improved by 3 points (from 6 to 3)")
    function = page.get_by_test_id("outcome-change-psfs")
    expect(function).to_contain_text("Your score for climbing stairs improved by 3 points")
    expect(function).to_contain_text("a change of 2 points or more is usually noticeable")
    shot(page, "test_baseline_and_a_later_score_show_the_change_on_progress", "progress")

    page.goto("/report")
    expect(page.get_by_test_id("outcome-change-nprs")).to_be_visible()
    shot(page, "test_baseline_and_a_later_score_show_the_change_on_progress", "report")


def test_a_bad_score_names_the_problem_and_stores_nothing(phone: Page, site: Site) -> None:
    page = phone
    username = sign_up(page, "badscore")
    onboard(page)
    page.goto("/outcomes")
    page.locator("#activity_0").fill("stairs")
    page.locator("#rating_0").fill("4")
    page.get_by_test_id("psfs-save").click()  # one activity: PSFS needs 3 to 5

    expect(page.get_by_role("alert")).to_contain_text("rate 3 to 5 activities (got 1)")
    stored = site.query(
        "SELECT count(*) FROM hipalign_outcomerecord o JOIN auth_user u ON u.id = o.user_id "
        "WHERE u.username = ? AND o.measure = 'psfs'",
        username,
    )
    assert stored == [(0,)]
