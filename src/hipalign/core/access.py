"""Who may do what to whose data, as data (issue 15; RELIABILITY.md 1 and 5).

One row per action: read or write, which (role, relation) pairs may do it, what a refused role
gets, and the purpose written to the audit log when someone other than the person touches their
health data. `services/kernel/access.py::authorize` is the only reader in the running program;
tests/web/test_permission_matrix.py checks every route's observed answers against these rows.

Relation is how the caller stands to the person whose data the action is about: `self` (their
own; an action with no other subject is always `self`), `linked` (a clinician with an active care
link to that person) or `none`. A refusal is `not_found` (answers like a missing record, so ids
leak nothing) unless the row says the caller's role may not use the action at all (`forbidden`):
that is decided before the subject is looked up, so a forbidden role learns nothing either.
"""

from collections.abc import Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    PERSON = "person"
    CLINICIAN = "clinician"
    ADMIN = "admin"


class Relation(StrEnum):
    SELF = "self"
    LINKED = "linked"
    NONE = "none"


class Mode(StrEnum):
    READ = "read"
    WRITE = "write"


class Refusal(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"


class Decision(StrEnum):
    ALLOW = "allow"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"


class Action(StrEnum):
    # The caller's own data (pages and API without a person in the path). Records addressed by
    # id belong to their owner only: a clinician's link does not reach them.
    OWN_READ = "own.read"
    OWN_WRITE = "own.write"
    # Care links and the clinic.
    CARE_CODES = "care.codes"
    CARE_INVITE = "care.invite"
    CLINIC_OPEN = "clinic.open"
    # Second factor of staff.
    MFA_MANAGE = "mfa.manage"
    # The admin area: accounts and the audit log (no health data).
    ACCOUNTS_READ = "accounts.read"
    ACCOUNTS_WRITE = "accounts.write"
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"
    # A person's health data, named by their public id.
    PATIENT_OVERVIEW = "patient.overview"
    PATIENT_TIMELINE = "patient.timeline"
    PATIENT_EPISODE_READ = "patient.episode.read"
    PATIENT_EPISODE_START = "patient.episode.start"
    PATIENT_ASSESSMENT_READ = "patient.assessment.read"
    PATIENT_ASSESSMENT_WRITE = "patient.assessment.write"
    PATIENT_PLAN_EDITOR = "patient.plan.editor"
    PATIENT_PLAN_PRESCRIBE = "patient.plan.prescribe"
    PATIENT_HANDOUT = "patient.export.handout"
    PATIENT_CALENDAR = "patient.export.calendar"
    PATIENT_FHIR = "patient.export.fhir"
    PATIENT_PLAN_API = "patient.plan.api"
    PATIENT_PROGRESS_API = "patient.progress.api"
    PATIENT_LOGS_API = "patient.logs.api"
    # Conversations, one per care link.
    MESSAGES_READ = "messages.read"
    MESSAGES_ABOUT = "messages.about"
    MESSAGES_WRITE = "messages.write"
    MESSAGES_FLAG = "messages.flag"


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True)

    mode: Mode
    grants: frozenset[tuple[Role, Relation]]
    refusal: Refusal = Refusal.NOT_FOUND  # what a role without any grant here gets
    # Written as "<mode>:<purpose>" when the caller is not the person (ASVS 16.3.2); None: the
    # action touches no one else's health data.
    purpose: str | None = None

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, _ in self.grants)


P, C, A = Role.PERSON, Role.CLINICIAN, Role.ADMIN
SELF, LINKED = Relation.SELF, Relation.LINKED
R, W = Mode.READ, Mode.WRITE
FORBID = Refusal.FORBIDDEN

_EVERYONE_OWN = frozenset({(P, SELF), (C, SELF), (A, SELF)})
# The person themself (whatever their role), and a clinician linked to them.
_PATIENT = _EVERYONE_OWN | {(C, LINKED)}
_LINKED_CLINICIAN = frozenset({(C, LINKED)})
_STAFF = frozenset({(C, SELF), (A, SELF)})
_ADMIN = frozenset({(A, SELF)})
_CLINICIAN = frozenset({(C, SELF)})


def _rule(
    mode: Mode,
    grants: frozenset[tuple[Role, Relation]],
    *,
    refusal: Refusal = Refusal.NOT_FOUND,
    purpose: str | None = None,
) -> Rule:
    return Rule(mode=mode, grants=grants, refusal=refusal, purpose=purpose)


RULES: Mapping[Action, Rule] = {
    Action.OWN_READ: _rule(R, _EVERYONE_OWN),
    Action.OWN_WRITE: _rule(W, _EVERYONE_OWN),
    Action.CARE_CODES: _rule(W, frozenset({(P, SELF), (C, SELF)}), refusal=FORBID),
    Action.CARE_INVITE: _rule(W, _CLINICIAN, refusal=FORBID),
    Action.CLINIC_OPEN: _rule(R, _CLINICIAN, refusal=FORBID),
    Action.MFA_MANAGE: _rule(W, _STAFF, refusal=FORBID),
    Action.ACCOUNTS_READ: _rule(R, _ADMIN, refusal=FORBID),
    Action.ACCOUNTS_WRITE: _rule(W, _ADMIN, refusal=FORBID),
    Action.AUDIT_READ: _rule(R, _ADMIN, refusal=FORBID),
    Action.AUDIT_VERIFY: _rule(W, _ADMIN, refusal=FORBID),
    Action.PATIENT_OVERVIEW: _rule(R, _PATIENT, purpose="overview"),
    Action.PATIENT_TIMELINE: _rule(R, _PATIENT, purpose="timeline"),
    Action.PATIENT_EPISODE_READ: _rule(R, _PATIENT, purpose="episode"),
    Action.PATIENT_EPISODE_START: _rule(W, _PATIENT, purpose="episode.start"),
    Action.PATIENT_ASSESSMENT_READ: _rule(
        R, _LINKED_CLINICIAN, refusal=FORBID, purpose="assessment"
    ),
    Action.PATIENT_ASSESSMENT_WRITE: _rule(
        W, _LINKED_CLINICIAN, refusal=FORBID, purpose="assessment"
    ),
    Action.PATIENT_PLAN_EDITOR: _rule(R, _LINKED_CLINICIAN, refusal=FORBID, purpose="plan.editor"),
    Action.PATIENT_PLAN_PRESCRIBE: _rule(
        W, _LINKED_CLINICIAN, refusal=FORBID, purpose="plan.prescribe"
    ),
    Action.PATIENT_HANDOUT: _rule(R, _PATIENT, purpose="export.handout"),
    Action.PATIENT_CALENDAR: _rule(R, _PATIENT, purpose="export.calendar"),
    Action.PATIENT_FHIR: _rule(R, _PATIENT, purpose="export.fhir"),
    Action.PATIENT_PLAN_API: _rule(R, _PATIENT, purpose="api.plan"),
    Action.PATIENT_PROGRESS_API: _rule(R, _PATIENT, purpose="api.progress"),
    Action.PATIENT_LOGS_API: _rule(R, _PATIENT, purpose="api.logs"),
    Action.MESSAGES_READ: _rule(R, _PATIENT, purpose="messages"),
    Action.MESSAGES_ABOUT: _rule(R, _PATIENT, purpose="messages.about"),
    Action.MESSAGES_WRITE: _rule(W, _PATIENT, purpose="messages"),
    Action.MESSAGES_FLAG: _rule(W, _LINKED_CLINICIAN, refusal=FORBID, purpose="messages.reply"),
}

# Roles whose sign-in needs a second factor (issue 12 item 6): they reach others' data or the
# install itself.
SECOND_FACTOR_ROLES: frozenset[Role] = frozenset({C, A})


def role_refused(action: Action, role: Role | None) -> Decision | None:
    """The refusal of a caller whose role has no grant for `action` (None: the role has one).
    Anonymous callers (role None) have no grant anywhere."""
    rule = RULES[action]
    if role is not None and role in rule.roles:
        return None
    return Decision(rule.refusal.value)


def decide(action: Action, role: Role | None, relation: Relation) -> Decision:
    """The table's answer for one caller and subject."""
    refused = role_refused(action, role)
    if refused is not None:
        return refused
    assert role is not None
    return Decision.ALLOW if (role, relation) in RULES[action].grants else Decision.NOT_FOUND


def audit_purpose(action: Action, relation: Relation) -> str | None:
    """What the audit log records for an allowed call: "<read|write>:<purpose>" when someone
    other than the person touches their data, None otherwise."""
    rule = RULES[action]
    if relation is Relation.SELF or rule.purpose is None:
        return None
    return f"{rule.mode.value}:{rule.purpose}"[:40]
