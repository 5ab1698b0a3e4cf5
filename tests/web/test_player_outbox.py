"""The player's offline outbox is named per account by the page (player.js keys its storage by
that name), so one browser never mixes two people's kept logs."""

import json
import re

from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import PlanRecord
from tests.web.conftest import logged_in


def outbox_name(client: Client) -> str:
    html = client.get("/today").content.decode()
    found = re.search(
        r'<script id="player-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "the player data is on /today"
    name = json.loads(found.group(1))["outbox"]
    assert isinstance(name, str)
    return name


def test_each_account_has_its_own_outbox_name_and_keeps_it_across_logins(
    owner: User,
    other: User,
    owner_plan: PlanRecord,
    other_plan: PlanRecord,
) -> None:
    first = outbox_name(logged_in(owner))
    again = outbox_name(logged_in(owner))  # a new login, as after logging out and in again
    theirs = outbox_name(logged_in(other))
    assert first == again
    assert theirs != first
    # An HMAC of the account under the install's secret: nothing to read in it.
    assert re.fullmatch(r"[0-9a-f]{32}", first)
