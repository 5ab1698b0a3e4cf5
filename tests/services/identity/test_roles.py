"""The admin's account list and role changes: applied at once, sessions ended, last admin kept."""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session

from hipalign.adapters.db.models import AuditEvent, Profile, TotpDevice
from hipalign.core.errors import InputError
from hipalign.services.identity import roles
from hipalign.services.kernel.access import Forbidden, NotFound, role_of
from tests.services.factories import make_role, make_user, public_id


def _session_for(user: User) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    return str(store.session_key)


def _sessions_of(user: User) -> set[str]:
    return {
        s.session_key
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    }


def test_people_page_lists_role_mfa_and_linked_patients(
    admin: User, clinician: User, other: User
) -> None:
    TotpDevice.objects.create(user=clinician, secret="A" * 32, confirmed_at="2026-03-01T09:00Z")
    page = roles.people_page(admin)
    by_name = {r.username: r for r in page.rows}
    assert set(by_name) == {"ada_admin", "ann_owner", "bea_other", "cleo_clinician"}
    assert (by_name["cleo_clinician"].role, by_name["cleo_clinician"].mfa) == ("clinician", True)
    assert by_name["cleo_clinician"].patients == 1
    assert (by_name["bea_other"].role, by_name["bea_other"].mfa) == ("person", False)
    assert by_name["bea_other"].public_id == public_id(other)  # a profile was made for it


@pytest.mark.parametrize("who", ["owner", "clinician"])
def test_only_admins_list_accounts_or_change_roles(
    who: str, request: pytest.FixtureRequest, other: User
) -> None:
    actor = request.getfixturevalue(who)
    with pytest.raises(Forbidden):
        roles.people_page(actor)
    with pytest.raises(Forbidden):
        roles.role_change(actor, public_id(actor), "admin")
    assert role_of(actor) == who.replace("owner", "person")
    with pytest.raises(Forbidden):
        roles.role_change(actor, public_id(other), "clinician")
    assert role_of(other) == "person"


def test_role_change_applies_at_once_and_ends_that_accounts_sessions(
    admin: User, other: User, owner: User
) -> None:
    _session_for(other)
    _session_for(other)
    kept = _session_for(owner)
    assert roles.role_change(admin, public_id(other), "clinician") is True
    assert role_of(User.objects.get(pk=other.pk)) == "clinician"
    assert _sessions_of(other) == set()
    assert _sessions_of(owner) == {kept}
    ev = AuditEvent.objects.filter(action="role.change").get()
    assert (ev.actor_id, ev.target, ev.subject_id) == (admin.pk, "person->clinician", other.pk)


def test_admin_changing_their_own_role_keeps_only_the_current_session(
    admin: User,
) -> None:
    make_role("second_admin", "admin")
    current, elsewhere = _session_for(admin), _session_for(admin)
    roles.role_change(admin, public_id(admin), "clinician", keep_session=current)
    assert _sessions_of(admin) == {current}
    assert elsewhere not in _sessions_of(admin)
    demoted = User.objects.get(pk=admin.pk)
    assert (demoted.is_staff, demoted.is_superuser) == (False, False)  # no way into /admin/


def test_the_last_admin_cannot_be_demoted(admin: User) -> None:
    session = _session_for(admin)
    with pytest.raises(InputError, match="role: this is the last admin"):
        roles.role_change(admin, public_id(admin), "person")
    assert role_of(admin) == "admin"
    assert _sessions_of(admin) == {session}
    assert not AuditEvent.objects.filter(action="role.change").exists()


def test_promoting_to_admin_lets_the_old_admin_step_down(admin: User) -> None:
    other_admin = make_user("eve_next")
    roles.role_change(admin, public_id(other_admin), "admin")
    assert User.objects.get(pk=other_admin.pk).is_superuser
    roles.role_change(admin, public_id(admin), "person")
    assert role_of(User.objects.get(pk=admin.pk)) == "person"


def test_an_unknown_role_is_refused_naming_the_choices(admin: User, other: User) -> None:
    with pytest.raises(InputError, match="role: choose one of person, clinician, admin"):
        roles.role_change(admin, public_id(other), "superuser")
    assert role_of(other) == "person"


@pytest.mark.parametrize("pid", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_account_is_not_found(admin: User, pid: str) -> None:
    with pytest.raises(NotFound):
        roles.role_change(admin, pid, "clinician")


def test_the_same_role_again_changes_nothing(admin: User, clinician: User) -> None:
    session = _session_for(clinician)
    assert roles.role_change(admin, public_id(clinician), "clinician") is False
    assert _sessions_of(clinician) == {session}


def test_mfa_reset_removes_the_device_and_ends_sessions(admin: User, clinician: User) -> None:
    TotpDevice.objects.create(user=clinician, secret="A" * 32, confirmed_at="2026-03-01T09:00Z")
    _session_for(clinician)
    roles.mfa_reset(admin, public_id(clinician))
    assert not TotpDevice.objects.filter(user_id=clinician.pk).exists()
    assert _sessions_of(clinician) == set()
    with pytest.raises(Forbidden):
        roles.mfa_reset(clinician, public_id(admin))


def test_profiles_exist_for_legacy_superusers_as_admins(db: None) -> None:
    root = make_user("root", is_superuser=True, is_staff=True)
    assert not Profile.objects.filter(user_id=root.pk).exists()
    page = roles.people_page(root)
    assert [(r.username, r.role) for r in page.rows] == [("root", "admin")]
