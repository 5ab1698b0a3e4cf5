"""authorize, the only reader of the permission table: for every action x role x relation the
answer is the table's, refusals raise before anything is written, and only someone else's
allowed access to a person's data is audited, with the table's purpose."""

from typing import Any

import pytest

from hipalign.adapters.db.models import AuditEvent
from hipalign.core.access import RULES, Action, Decision, Relation, Role, audit_purpose, decide
from hipalign.services.kernel.access import Forbidden, NotFound, authorize
from tests.services.factories import make_link, make_role, make_user, public_id

pytestmark = pytest.mark.django_db

# The (role, relation) pairs a caller can stand in: only a clinician can be linked to a person.
PAIRS = [
    (Role.PERSON, Relation.SELF),
    (Role.PERSON, Relation.NONE),
    (Role.CLINICIAN, Relation.SELF),
    (Role.CLINICIAN, Relation.LINKED),
    (Role.CLINICIAN, Relation.NONE),
    (Role.ADMIN, Relation.SELF),
    (Role.ADMIN, Relation.NONE),
]


def _caller_and_subject(role: Role, relation: Relation) -> tuple[Any, Any]:
    actor = make_role(f"actor-{role}", role.value)
    if relation is Relation.SELF:
        return actor, None
    patient = make_user("patient-a")
    if relation is Relation.LINKED:
        make_link(actor, patient)
    return actor, public_id(patient)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize(("role", "relation"), PAIRS, ids=lambda p: str(p))
def test_authorize_answers_as_the_table_says(
    action: Action, role: Role, relation: Relation
) -> None:
    actor, subject = _caller_and_subject(role, relation)
    before = AuditEvent.objects.count()
    expected = decide(action, role, relation)
    if expected is Decision.FORBIDDEN:
        with pytest.raises(Forbidden):
            authorize(actor=actor, action=action, subject=subject)
    elif expected is Decision.NOT_FOUND:
        with pytest.raises(NotFound):
            authorize(actor=actor, action=action, subject=subject)
    else:
        grant = authorize(actor=actor, action=action, subject=subject)
        assert (grant.role, grant.relation) == (role, relation)
    purpose = audit_purpose(action, relation) if expected is Decision.ALLOW else None
    rows = list(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True))
    assert rows == ([purpose] if purpose else [])


def test_a_clinicians_read_is_audited_with_the_tables_purpose() -> None:
    clinician = make_role("cleo", "clinician")
    patient = make_user("pat")
    make_link(clinician, patient)
    authorize(actor=clinician, action=Action.PATIENT_TIMELINE, subject=public_id(patient))
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    assert (last.action, last.target) == ("read:timeline", public_id(patient))


def test_anonymous_callers_are_refused_as_the_table_says() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        authorize(actor=AnonymousUser(), action=Action.PATIENT_TIMELINE, subject="x")
    with pytest.raises(Forbidden):
        authorize(actor=AnonymousUser(), action=Action.AUDIT_READ)


def test_every_action_has_a_rule_and_health_data_actions_name_a_purpose() -> None:
    assert set(RULES) == set(Action)
    for action, rule in RULES.items():
        if any(rel is Relation.LINKED for _, rel in rule.grants):
            assert rule.purpose, action


# --- the profile row once per request (services.kernel.access.profiles_read_once) ----------


def _profile_reads(block: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        block()
    return sum('FROM "hipalign_profile"' in x["sql"] for x in q.captured_queries)


def test_inside_a_request_scope_role_language_and_zone_read_the_profile_once() -> None:
    from hipalign.services.kernel.access import profiles_read_once, role_of
    from hipalign.services.kernel.languages import language_chosen
    from hipalign.services.kernel.time_zones import time_zone_of

    user = make_role("reader", "person")

    def three_reads() -> None:
        role_of(user)
        language_chosen(user)
        time_zone_of(user)
        role_of(user)

    with profiles_read_once():
        assert _profile_reads(three_reads) == 1
    # Outside a request nothing is kept: every call reads (services, worker, command line).
    assert _profile_reads(three_reads) == 4


def test_a_profile_saved_inside_the_scope_is_read_again() -> None:
    from hipalign.services.kernel.access import profiles_read_once
    from hipalign.services.kernel.languages import language_chosen, language_set

    user = make_role("chooser", "person")
    with profiles_read_once():
        assert language_chosen(user) == ""
        language_set(user, language="es")
        assert language_chosen(user) == "es"


def test_a_role_an_admin_changes_inside_the_scope_applies_at_once() -> None:
    from hipalign.services.identity.roles import role_change
    from hipalign.services.kernel.access import profiles_read_once, role_of

    admin = make_role("the-admin", "admin")
    person = make_role("to-promote", "person")
    with profiles_read_once():
        assert role_of(person) is Role.PERSON
        assert role_change(admin, public_id(person), "clinician")
        assert role_of(person) is Role.CLINICIAN
