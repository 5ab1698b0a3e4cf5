"""The person's time zone starts as the browser's own and is kept with the account."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import NewContext
from tests.e2e.helpers import Site, onboard, sign_up

pytestmark = pytest.mark.e2e


def test_onboarding_proposes_the_browsers_time_zone_and_keeps_it(
    new_context: NewContext, site: Site
) -> None:
    page = new_context("phone", timezone_id="Pacific/Auckland").new_page()
    username = sign_up(page, "zone")
    page.goto("/onboarding")
    expect(page.get_by_label("Time zone")).to_have_value("Pacific/Auckland")
    onboard(page)
    rows = site.query(
        "SELECT p.time_zone FROM hipalign_profile p JOIN auth_user u ON u.id = p.user_id"
        " WHERE u.username = ?",
        username,
    )
    assert rows == [("Pacific/Auckland",)]
    # Once chosen, the stored zone shows on Account, whatever the browser says.
    other = new_context(
        "laptop", timezone_id="America/Los_Angeles", storage_state=page.context.storage_state()
    ).new_page()
    other.goto("/account")
    expect(other.get_by_label("Time zone")).to_have_value("Pacific/Auckland")
