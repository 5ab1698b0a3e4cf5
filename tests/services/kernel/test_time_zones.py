"""A person's time zone: only names zoneinfo knows are stored; the install's zone until chosen."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from hipalign.core.errors import InputError
from hipalign.services.kernel.time_zones import time_zone_names, time_zone_of, time_zone_set
from tests.services.factories import make_user


@override_settings(TIME_ZONE="Europe/Paris")
def test_a_person_without_a_chosen_zone_gets_the_install_zone(owner: User) -> None:
    assert time_zone_of(owner) == "Europe/Paris"
    time_zone_set(owner, zone=" Pacific/Auckland ")
    assert time_zone_of(owner) == "Pacific/Auckland"


def test_the_list_holds_real_zones_and_no_local_aliases() -> None:
    names = time_zone_names()
    assert {"UTC", "Pacific/Auckland", "America/Los_Angeles"} <= set(names)
    assert "localtime" not in names and not [n for n in names if n.startswith("/")]


@settings(max_examples=40, deadline=None)
@given(bad=st.text(max_size=80).filter(lambda s: s.strip() not in time_zone_names()))
@pytest.mark.django_db
def test_any_unknown_name_is_refused_naming_the_field_and_changes_nothing(bad: str) -> None:
    user = make_user("tz-person")
    time_zone_set(user, zone="Asia/Tokyo")
    with pytest.raises(InputError) as exc:
        time_zone_set(user, zone=bad)
    assert exc.value.problems[0].startswith("Time zone: ")
    assert time_zone_of(user) == "Asia/Tokyo"
    user.delete()
