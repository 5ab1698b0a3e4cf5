"""One Today page reads the person's current plan once (issue 15): the session, the habits and
the reminder are all built from the plan Today was made from."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hipalign.adapters.db.models import PlanRecord
from hipalign.services.program import plans


def test_the_today_page_reads_the_current_plan_once(
    owner: User,
    owner_plan: PlanRecord,
    owner_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []
    real = plans.plan_current

    def counted(user: Any) -> PlanRecord | None:
        calls.append(user)
        return real(user)

    monkeypatch.setattr(plans, "plan_current", counted)

    r = owner_client.get("/today")

    assert r.status_code == 200
    assert len(calls) == 1
