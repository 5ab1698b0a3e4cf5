"""Care links: codes made by one side and redeemed by the other, ended by either side."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import AuditEvent, CareLink
from hipalign.core.access import Action
from hipalign.core.errors import InputError
from hipalign.services.care import links as care
from hipalign.services.kernel.access import Forbidden, NotFound, authorize
from tests.services.factories import public_id

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _fields(link: CareLink) -> dict[str, object]:
    link.refresh_from_db()
    return {
        "status": link.status,
        "clinician": link.clinician_id,
        "patient": link.patient_id,
        "code_hash": link.code_hash,
        "ended_at": link.ended_at,
    }


def test_a_clinicians_invite_redeemed_by_a_person_links_them(
    owner: User, other_clinician: User
) -> None:
    made = care.link_code_create(other_clinician, NOW)
    assert made.link.status == "pending" and made.link.created_by == "clinician"

    link = care.link_code_redeem(owner, made.code.lower(), NOW + timedelta(hours=1))

    assert (link.status, link.clinician_id, link.patient_id) == (
        "active",
        other_clinician.pk,
        owner.pk,
    )
    assert (
        authorize(
            actor=other_clinician, action=Action.PATIENT_TIMELINE, subject=public_id(owner)
        ).subject
        == owner
    )


def test_a_persons_share_code_redeemed_by_a_clinician_links_them(
    owner: User, other_clinician: User
) -> None:
    made = care.link_code_create(owner, NOW)
    assert made.link.created_by == "person"

    link = care.link_code_redeem(other_clinician, made.code, NOW)

    assert (link.status, link.clinician_id, link.patient_id) == (
        "active",
        other_clinician.pk,
        owner.pk,
    )
    assert owner in care.patients_linked(other_clinician)


def test_an_expired_code_is_refused_and_the_link_stays_pending(
    owner: User, other_clinician: User
) -> None:
    made = care.link_code_create(other_clinician, NOW)

    with pytest.raises(InputError, match="code: not valid or expired"):
        care.link_code_redeem(owner, made.code, NOW + timedelta(days=care.CODE_DAYS))

    made.link.refresh_from_db()
    assert made.link.status == "pending" and made.link.patient_id is None
    with pytest.raises(NotFound):
        authorize(actor=other_clinician, action=Action.PATIENT_TIMELINE, subject=public_id(owner))


def test_a_code_works_once(owner: User, other: User, other_clinician: User) -> None:
    made = care.link_code_create(other_clinician, NOW)
    care.link_code_redeem(owner, made.code, NOW)

    with pytest.raises(InputError, match="code:"):
        care.link_code_redeem(other, made.code, NOW)

    with pytest.raises(NotFound):
        authorize(actor=other_clinician, action=Action.PATIENT_TIMELINE, subject=public_id(other))


def test_a_person_cannot_redeem_their_own_share_code(owner: User) -> None:
    made = care.link_code_create(owner, NOW)

    with pytest.raises(InputError, match="code:"):
        care.link_code_redeem(owner, made.code, NOW)

    assert _fields(made.link)["status"] == "pending"


def test_a_clinician_cannot_redeem_their_own_invite(other_clinician: User) -> None:
    made = care.link_code_create(other_clinician, NOW)

    with pytest.raises(InputError, match="code:"):
        care.link_code_redeem(other_clinician, made.code, NOW)

    assert _fields(made.link)["status"] == "pending"


def test_a_malformed_code_names_the_field(owner: User) -> None:
    with pytest.raises(InputError) as err:
        care.link_code_redeem(owner, "ABC", NOW)

    assert err.value.problems[0].startswith("code: give the 10 letters and digits")


def test_an_admin_can_make_no_code(admin: User) -> None:
    with pytest.raises(Forbidden):
        care.link_code_create(admin, NOW)

    assert CareLink.objects.count() == 0


@pytest.mark.parametrize("side", ["patient", "clinician"])
def test_either_side_ends_a_link_and_access_stops_at_once(
    side: str, owner: User, clinician: User
) -> None:
    assert (
        authorize(actor=clinician, action=Action.PATIENT_TIMELINE, subject=public_id(owner)).subject
        == owner
    )
    link = CareLink.objects.get(clinician=clinician, patient=owner)

    care.link_end(owner if side == "patient" else clinician, str(link.id), NOW)

    link.refresh_from_db()
    assert link.status == "ended" and link.ended_at == NOW
    with pytest.raises(NotFound):
        authorize(actor=clinician, action=Action.PATIENT_TIMELINE, subject=public_id(owner))
    assert AuditEvent.objects.filter(action="link.end", target=str(link.id)).count() == 1


@pytest.mark.parametrize("who", ["other", "other_clinician", "admin"])
def test_an_unrelated_user_cannot_end_a_link(
    who: str, request: pytest.FixtureRequest, owner: User, clinician: User
) -> None:
    intruder = request.getfixturevalue(who)
    link = CareLink.objects.get(clinician=clinician, patient=owner)
    before = _fields(link)

    with pytest.raises(NotFound):
        care.link_end(intruder, str(link.id), NOW)

    assert _fields(link) == before
    assert (
        authorize(actor=clinician, action=Action.PATIENT_TIMELINE, subject=public_id(owner)).subject
        == owner
    )


def test_the_maker_withdraws_an_unused_code(owner: User, other_clinician: User) -> None:
    made = care.link_code_create(owner, NOW)

    care.link_end(owner, str(made.link.id), NOW)

    with pytest.raises(InputError, match="code:"):
        care.link_code_redeem(other_clinician, made.code, NOW)


def test_a_bad_link_id_is_not_found(owner: User) -> None:
    with pytest.raises(NotFound):
        care.link_end(owner, "not-a-uuid", NOW)


def test_the_link_list_shows_only_the_callers_links(
    owner: User, other: User, clinician: User
) -> None:
    mine = care.links_list(owner)
    care.link_code_create(other, NOW)

    assert [lk.clinician_id for lk in mine] == [clinician.pk]
    assert all(other.pk in (lk.patient_id, lk.clinician_id) for lk in care.links_list(other))
    assert care.links_list(owner) == mine
