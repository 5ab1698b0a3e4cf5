"""Two people: `owner` has the data under test, `other` must never reach it.

Issue 5 adds the other actors of the permission matrix: `clinician` (linked to owner),
`other_clinician` (linked to no one) and `admin` (runs the install, linked to no one)."""

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import PlanRecord
from tests.services.factories import make_link, make_plan, make_role, make_user


@pytest.fixture
def owner(db: None) -> User:
    return make_user("ann_owner")


@pytest.fixture
def other(db: None) -> User:
    return make_user("bea_other")


@pytest.fixture
def owner_plan(owner: User) -> PlanRecord:
    return make_plan(owner)


@pytest.fixture
def other_plan(other: User) -> PlanRecord:
    return make_plan(other)


@pytest.fixture
def clinician(owner: User) -> User:
    """A clinician with an active link to `owner`."""
    user = make_role("cleo_clinician", "clinician")
    make_link(user, owner)
    return user


@pytest.fixture
def other_clinician(db: None) -> User:
    return make_role("carl_unlinked", "clinician")


@pytest.fixture
def admin(db: None) -> User:
    return make_role("ada_admin", "admin", is_staff=True, is_superuser=True)
