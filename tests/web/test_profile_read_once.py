"""The profile row is read once per request (web/middleware.ProfileReadOnceMiddleware), and
only for that request: a role changed between two requests applies at the next one."""

import pytest

from hipalign.adapters.db.models import Profile
from hipalign.services.identity.roles import role_change
from tests.services.factories import make_plan, make_role, public_id
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_a_role_changed_between_two_requests_applies_at_the_next_one() -> None:
    person = make_role("soon_clinician", "person")
    make_plan(person)
    client = logged_in(person, mfa=False)  # a person is never asked for a second factor
    assert client.get("/today").status_code == 200

    # Changed outside this person's requests (as the Django admin's form does): no session
    # ends, so only a fresh read of the role can send them to the two-step sign-in.
    profile = Profile.objects.get(user_id=person.pk)
    profile.role = "clinician"
    profile.save()

    r = client.get("/today")
    assert r.status_code == 302
    assert r["Location"].startswith("/account/security/setup")


def test_a_clinician_an_admin_demotes_reaches_no_clinic_page_next_time() -> None:
    admin = make_role("the_admin", "admin")
    clinician = make_role("was_clinician", "clinician")
    assert logged_in(clinician).get("/clinic/patients").status_code == 200

    assert role_change(admin, public_id(clinician), "person")

    # The change ends the clinician's sessions; signed in again, they are a person.
    r = logged_in(clinician).get("/clinic/patients")
    assert r.status_code == 404
