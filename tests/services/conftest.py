"""Two people: `owner` has the data under test, `other` must never reach it."""

import pytest
from django.contrib.auth.models import AbstractBaseUser

from hipalign.adapters.db.models import PlanRecord
from tests.services.factories import make_plan, make_user


@pytest.fixture
def owner(db: None) -> AbstractBaseUser:
    return make_user("ann_owner")


@pytest.fixture
def other(db: None) -> AbstractBaseUser:
    return make_user("bea_other")


@pytest.fixture
def owner_plan(owner: AbstractBaseUser) -> PlanRecord:
    return make_plan(owner)


@pytest.fixture
def other_plan(other: AbstractBaseUser) -> PlanRecord:
    return make_plan(other)
