"""The program version moves with every write adherence reads, and only with those (issue 19):
a kept result of the clinician's list is trusted exactly while it is unchanged."""

import json
from itertools import pairwise

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import PlanRecord, Profile
from hipalign.core.errors import InputError
from hipalign.services.identity import accounts
from hipalign.services.kernel.access import NotFound, profile_of
from hipalign.services.kernel.versions import program_changed, program_versions
from hipalign.services.program import logs, recording
from tests.services.factories import LOG_TODAY, log_payload, make_plan, make_user

pytestmark = pytest.mark.django_db


def _version(user: User) -> int:
    return Profile.objects.get(user_id=user.pk).program_version


def test_a_log_a_resend_a_delete_and_a_plan_each_move_it_as_they_change_rows(
    owner: User,
) -> None:
    profile_of(owner)
    seen = [_version(owner)]
    plan = make_plan(owner)
    seen.append(_version(owner))
    body = log_payload(plan)
    made = recording.log_record(owner, body, today=LOG_TODAY)
    seen.append(_version(owner))
    recording.log_record(owner, body, today=LOG_TODAY)  # a resend
    seen.append(_version(owner))
    logs.log_delete(owner, log_id=made.log_id)
    seen.append(_version(owner))

    # plan +1, log +1, the resend stores nothing so nothing moves, the delete +1
    assert [b - a for a, b in pairwise(seen)] == [1, 1, 0, 1]


def test_a_refused_write_leaves_it_where_it_was(owner: User, other: User) -> None:
    profile_of(owner), profile_of(other)
    plan = make_plan(owner)
    theirs = recording.log_record(
        other,
        log_payload(make_plan(other)),
        today=LOG_TODAY,
    )
    before = (_version(owner), _version(other))

    with pytest.raises(NotFound):
        logs.log_delete(owner, log_id=theirs.log_id)
    with pytest.raises(InputError):
        recording.log_record(owner, log_payload(plan, rung=99), today=LOG_TODAY)

    assert (_version(owner), _version(other)) == before


def test_an_import_moves_it_once_and_a_refused_import_not_at_all(
    owner: User,
) -> None:
    plan = make_plan(owner)
    recording.log_record(owner, log_payload(plan), today=LOG_TODAY)
    exported = json.loads(json.dumps(accounts.account_export(owner)))
    newcomer = make_user("nina_new")
    profile_of(newcomer)

    accounts.account_import(newcomer, exported, today=LOG_TODAY)
    after_import = _version(newcomer)
    with pytest.raises(InputError):  # the account holds data now
        accounts.account_import(newcomer, exported, today=LOG_TODAY)

    assert (after_import, _version(newcomer)) == (1, 1)
    assert PlanRecord.objects.filter(user_id=newcomer.pk).exists()


def test_versions_name_each_profile_and_none_for_a_person_without_one(
    owner: User, other: User
) -> None:
    profile_of(owner)
    Profile.objects.filter(user_id=other.pk).delete()
    program_changed(user_id=int(other.pk))  # no row: nothing to move, nothing fails

    got = program_versions(user_ids=[owner.pk, other.pk])

    assert got == {owner.pk: (str(profile_of(owner).public_id), 0), other.pk: None}
