"""Accounts: the first-run account, sign-up, export of everything, its import, erasure."""

import unicodedata
import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext
from pydantic import ValidationError as SchemaError

from hipalign.adapters.db.models import (
    ApiToken,
    AssessmentRecord,
    CareEpisode,
    CareLink,
    CheckInRecord,
    CurrentDose,
    DecisionRecord,
    ExerciseLogRecord,
    HabitCheck,
    IntakeRecord,
    OutcomeRecord,
    PlanRecord,
    PostureUpload,
    Profile,
    SafetyStop,
    SessionRecord,
    TotpDevice,
)
from hipalign.core.adherence import planned_week
from hipalign.core.dates import ENTERED
from hipalign.core.errors import InputError, describe, validate_document
from hipalign.core.outcomes.episode import first_episode_start
from hipalign.services.identity.usernames import (
    username_clash,
    username_key,
    username_lock,
    username_mixes_lookalike_scripts,
)
from hipalign.services.kernel.access import profile_of
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.versions import program_changed
from hipalign.services.messages.conversations import messages_export
from hipalign.services.portability.account_document import ExportDocument, LogRow

EXPORT_SCHEMA = "hipalign.export/1"
USERNAME_MAX = 150


def account_unlock(*, username: str) -> int:
    """Lift every failed-log-in lock of an account, from all addresses (the operator's
    `hipalign unlock`); audited. Returns how many address counters were cleared.

    Raises InputError when no account has this username (in its login key)."""
    from axes.models import AccessAttempt

    key = username_key(username)
    user = next(
        (u for u in User.objects.only("pk", "username") if username_key(u.username) == key),
        None,
    )
    if user is None:
        raise InputError("username", [f"username: no account is named {username!r}"])
    with transaction.atomic():
        cleared, _ = AccessAttempt.objects.filter(username=key).delete()
        # No actor: the operator at the server's command line, not an account.
        audit_record(None, "auth.unlock", f"{cleared} counter(s)", subject_id=int(user.pk))
    return int(cleared)


def account_first_run() -> bool:
    """True until the first account exists: the first-run page creates it."""
    return not User.objects.exists()


def account_create(username: str, password: str, *, admin: bool = False) -> User:
    """Create an account; the first account of an install may be made an admin."""
    # NFKC as Django's normalize_username: full-width and compatibility forms become plain ones.
    username = unicodedata.normalize("NFKC", username).strip()
    problems = []
    name_ok = False
    if not username or len(username) > USERNAME_MAX:
        problems.append("username: " + gettext("give 1-%(max)s characters") % {"max": USERNAME_MAX})
    elif not all(c.isalnum() or c in "@.+-_" for c in username):
        problems.append("username: " + gettext("letters, digits and @ . + - _ only"))
    elif username_mixes_lookalike_scripts(username):
        problems.append(
            "username: "
            + gettext(
                "mixes letters of alphabets that look alike (such as Latin and Cyrillic); "
                "use letters of one alphabet"
            )
        )
    else:
        name_ok = True
    if len(password) > 256:
        problems.append("password: " + gettext("at most 256 characters"))
    else:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            problems += [f"password: {m}" for m in exc.messages]
    with transaction.atomic():
        username_lock()  # the clash check and the creation are one step for concurrent sign-ups
        clash = username_clash(username) if name_ok else None
        if clash == "taken":
            problems.insert(0, "username: " + gettext("already taken; choose another"))
        elif clash == "lookalike":
            problems.insert(
                0,
                "username: "
                + gettext("looks the same as an existing account's name; choose another"),
            )
        if problems:
            raise InputError("account", problems)
        user = User.objects.create_user(username=username, password=password)
        if admin:
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        Profile.objects.create(user=user, role="admin" if admin else "person")
        audit_record(int(user.pk), "account.create")
    return user


def _rows(qs: Any, fields: list[str]) -> list[dict[str, Any]]:
    return [{f: _plain(row[f]) for f in fields} for row in qs.values(*fields)]


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "hex") and not isinstance(value, (bytes, int, float)):
        return str(value)
    return value


# What each section holds, in export order. Rows are ordered by time, then id, so two exports of
# the same data list them the same way. Files (posture photos and overlays) are not exported.
SECTIONS: dict[str, tuple[Any, tuple[str, ...], list[str]]] = {
    "intakes": (IntakeRecord, ("created_at", "id"), ["id", "created_at", "document"]),
    "plans": (
        PlanRecord,
        ("version", "created_at", "id"),
        [
            "id",
            "intake_id",
            "created_at",
            "starts_on",
            "referral_level",
            "withheld",
            "document",
            "version",
            "author_role",
            "changes",
            "overrides",
            "note",
        ],
    ),
    "sessions": (
        SessionRecord,
        ("performed_on", "created_at", "id"),
        ["id", "plan_id", "day", "session", "performed_on", "pain_next_morning", "created_at"],
    ),
    "exercise_logs": (
        ExerciseLogRecord,
        ("performed_on", "created_at", "id"),
        [
            "id",
            "client_id",
            "session_id",
            "exercise_id",
            "side",
            "rung",
            "sets_done",
            "reps_done",
            "hold_s_done",
            "pain_during",
            "effort",
            "sharp_pain",
            "new_numbness",
            "skipped",
            "counted_by",
            "performed_on",
            "created_at",
        ],
    ),
    "decisions": (
        DecisionRecord,
        ("created_at", "id"),
        [
            "id",
            "log_id",
            "exercise_id",
            "side",
            "action",
            "rung",
            "reasons",
            "review_suggested",
            "created_at",
        ],
    ),
    "current_doses": (
        CurrentDose,
        ("exercise_id", "side"),
        ["id", "exercise_id", "side", "decision_id"],
    ),
    "habit_checks": (
        HabitCheck,
        ("performed_on", "created_at", "id"),
        ["id", "plan_id", "item_id", "slot", "performed_on", "created_at"],
    ),
    "episodes": (
        CareEpisode,
        ("created_at", "id"),
        ["id", "started_on", "started_by_role", "created_at"],
    ),
    "outcomes": (
        OutcomeRecord,
        ("performed_on", "created_at", "id"),
        [
            "id",
            "plan_id",
            "episode_id",
            "measure",
            "performed_on",
            "answers",
            "total",
            "scales",
            "created_at",
        ],
    ),
    "posture_uploads": (
        PostureUpload,
        ("created_at", "id"),
        ["id", "created_at", "kind", "keep_original", "status", "result", "error", "started_at"],
    ),
    "checkins": (
        CheckInRecord,
        ("performed_on", "created_at", "id"),
        [
            "id",
            "performed_on",
            "answers",
            "pain_now",
            "pain_worst_week",
            "referral_level",
            "referral",
            "created_at",
        ],
    ),
    "safety_stops": (
        SafetyStop,
        ("created_at", "id"),
        ["id", "performed_on", "answers", "referral_level", "referral", "created_at"],
    ),
    "assessments": (
        AssessmentRecord,
        ("performed_on", "created_at", "id"),
        ["id", "clinician__username", "performed_on", "document", "intake_id", "created_at"],
    ),
}


def _section(user: User, name: str) -> list[dict[str, Any]]:
    model, order, fields = SECTIONS[name]
    rows = _rows(model.objects.filter(user_id=user.pk).order_by(*order), fields)
    for row in rows:  # "clinician__username" -> "clinician"
        for key in [k for k in row if "__" in k]:
            row[key.split("__")[0]] = row.pop(key)
    return rows


def _care_links(user: User) -> list[dict[str, Any]]:
    """The person's care links (and a clinician's links to people), without the code hash."""
    links = CareLink.objects.filter(Q(patient_id=user.pk) | Q(clinician_id=user.pk)).order_by(
        "created_at", "id"
    )
    out = []
    for link in links.select_related("clinician", "patient"):
        mine_as = "patient" if link.patient_id == user.pk else "clinician"
        with_user = link.clinician if mine_as == "patient" else link.patient
        out.append(
            {
                "id": str(link.id),
                "as": mine_as,
                "with": with_user.get_username() if with_user is not None else None,
                "created_by": link.created_by,
                "status": link.status,
                "created_at": _plain(link.created_at),
                "accepted_at": _plain(link.accepted_at),
                "ended_at": _plain(link.ended_at),
            }
        )
    return out


def account_export(user: User) -> dict[str, Any]:
    """Everything stored about this person, machine-readable (GDPR Art. 15 and 20).

    Secrets never leave: API tokens are listed by name and prefix (not their hash), the second
    factor only as set up or not (not its secret or recovery codes)."""
    uid = user.pk
    profile = profile_of(user)
    totp = TotpDevice.objects.filter(user_id=uid).first()
    doc: dict[str, Any] = {
        "schema": EXPORT_SCHEMA,
        "account": {
            "username": user.get_username(),
            "date_joined": _plain(getattr(user, "date_joined", None)),
        },
        "profile": {"role": profile.role, "public_id": str(profile.public_id)},
        "api_tokens": _rows(
            ApiToken.objects.filter(user_id=uid).order_by("created_at", "id"),
            ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"],
        ),
        "totp": {
            "set_up": totp is not None and totp.confirmed_at is not None,
            "confirmed_at": _plain(totp.confirmed_at) if totp else None,
        },
        "care_links": _care_links(user),
        # Extension of /1 (issue 18): the person's conversations with their clinicians. Read
        # for its shape on import, not imported: a message belongs to a care link here.
        "messages": messages_export(person=user),
        **{name: _section(user, name) for name in SECTIONS},
    }
    audit_record(int(uid), "account.export")
    return doc


# Rows an import fills: an account holding any of these already has data and is refused.
IMPORTED_MODELS = (
    IntakeRecord,
    PlanRecord,
    SessionRecord,
    ExerciseLogRecord,
    DecisionRecord,
    CurrentDose,
    HabitCheck,
    CareEpisode,
    OutcomeRecord,
    PostureUpload,
    CheckInRecord,
    SafetyStop,
    AssessmentRecord,
)
# 8 weeks of three full sessions a week (264 logs) export to 0.3 MB, so a year is about 2 MB.
IMPORT_MAX_BYTES = 25 * 1024 * 1024
NOT_IMPORTED_FILE = "not imported: the file stays on the install it was sent to"


@dataclass(frozen=True)
class ImportResult:
    counts: dict[str, int]  # rows made, by export section
    remapped: int  # rows given a new id because theirs was taken on this install


def _date_problems(doc: ExportDocument, today: date) -> list[str]:
    """Every day and time of the file inside core.dates.ENTERED around `today`: a row dated at
    the end of the calendar broke every page that adds a day to it (issue 12, item 2)."""
    problems: list[str] = []
    for name in SECTIONS:
        for i, row in enumerate(getattr(doc, name)):
            for field, value in row:
                day = value.date() if isinstance(value, datetime) else value
                if isinstance(day, date):
                    problem = ENTERED.problem(f"{name}[{i}].{field}", day, today)
                    if problem:
                        problems.append(problem)
    for i, a in enumerate(doc.assessments):
        day_text = a.document.get("performed_on")
        if isinstance(day_text, str):
            try:
                problem = ENTERED.problem(
                    f"assessments[{i}].document.performed_on", date.fromisoformat(day_text), today
                )
            except ValueError:
                continue  # the Assessment check names a day that is not YYYY-MM-DD
            if problem:
                problems.append(problem)
    return problems


def _plan_versions(plans: list[Any]) -> dict[uuid.UUID, int]:
    """Each plan's version: the file's, or (early /1 files) its place in date order."""
    by_date = sorted(plans, key=lambda p: (p.created_at, str(p.id)))
    return {p.id: p.version or n for n, p in enumerate(by_date, start=1)}


def _read_problems(model: Any, data: Any, where: str) -> list[str]:
    """The first problems reading one stored document as `model` finds, named under `where`."""
    from hipalign.core.intake import Intake
    from hipalign.core.planning.document import PlanDocument
    from hipalign.core.stored import read_intake, read_plan

    # Intakes and plans exported before a new question or field are read as stored data.
    read = {Intake: read_intake, PlanDocument: read_plan}.get(model, model.model_validate)
    try:
        read(data)
    except SchemaError as exc:
        return [f"{where}.{p}" for p in describe(exc)[:3]]
    except InputError as exc:
        return [f"{where}.{p}" for p in exc.problems[:3]]
    return []


def _refers(section: str, i: int, field: str, value: Any, known: Any) -> list[str]:
    """A problem when a link names a row this file does not hold."""
    if value is not None and value not in known:
        return [f"{section}[{i}].{field}: names no row of this file"]
    return []


def _duplicate_id_problems(doc: ExportDocument) -> list[str]:
    problems: list[str] = []
    for name in SECTIONS:
        ids = [r.id for r in getattr(doc, name) if r.id is not None]
        if len(ids) != len(set(ids)):
            problems.append(f"{name}: the same id appears twice")
    return problems


def _plan_problems(doc: ExportDocument, intakes: set[Any]) -> list[str]:
    from hipalign.core.planning.document import PlanDocument

    problems: list[str] = []
    versions = list(_plan_versions(doc.plans).values())
    if len(versions) != len(set(versions)):
        problems.append(
            "plans: the same version appears twice (a plan without a version takes its place in "
            "date order); give every plan its own version"
        )
    for i, p in enumerate(doc.plans):
        problems += _refers("plans", i, "intake_id", p.intake_id, intakes)
        problems += _read_problems(PlanDocument, p.document, f"plans[{i}].document")
    return problems


def _exercise_problems(doc: ExportDocument) -> list[str]:
    """Logs and decisions must name a library exercise and one of its rungs."""
    from hipalign.core.library import default_library

    problems: list[str] = []
    if len({r.client_id for r in doc.exercise_logs}) != len(doc.exercise_logs):
        problems.append("exercise_logs: the same client_id appears twice")
    lib = default_library()
    exercise_rows: list[tuple[str, list[tuple[str, int]]]] = [
        ("exercise_logs", [(r.exercise_id, r.rung) for r in doc.exercise_logs]),
        ("decisions", [(r.exercise_id, r.rung) for r in doc.decisions]),
    ]
    for section, pairs in exercise_rows:
        for i, (exercise_id, rung) in enumerate(pairs):
            ex = lib.get(exercise_id)
            if ex is None:
                problems.append(
                    f"{section}[{i}].exercise_id: {exercise_id!r} is not in the library"
                )
            elif rung >= len(ex.ladder):
                problems.append(f"{section}[{i}].rung: must be 0-{len(ex.ladder) - 1} for {ex.id}")
    return problems


def _dose_problems(doc: ExportDocument) -> list[str]:
    problems: list[str] = []
    decisions = {r.id: r for r in doc.decisions}
    for i, c in enumerate(doc.current_doses):
        dec = decisions.get(c.decision_id)
        if dec is None:
            problems.append(f"current_doses[{i}].decision_id: names no row of this file")
        elif (dec.exercise_id, dec.side or "") != (c.exercise_id, c.side):
            problems.append(f"current_doses[{i}]: its decision is for another exercise or side")
    if len({(c.exercise_id, c.side) for c in doc.current_doses}) != len(doc.current_doses):
        problems.append("current_doses: the same exercise and side appear twice")
    return problems


def _habit_problems(doc: ExportDocument, plans: set[Any]) -> list[str]:
    problems: list[str] = []
    habit_keys = {(h.item_id, h.slot, h.performed_on) for h in doc.habit_checks}
    if len(habit_keys) != len(doc.habit_checks):
        problems.append("habit_checks: the same item, slot and day appear twice")
    for i, h in enumerate(doc.habit_checks):
        problems += _refers("habit_checks", i, "plan_id", h.plan_id, plans)
    return problems


def _outcome_problems(doc: ExportDocument, plans: set[Any]) -> list[str]:
    from hipalign.core.outcomes.engine import default_measures

    problems: list[str] = []
    measures = default_measures()
    episodes = {r.id for r in doc.episodes}
    for i, o in enumerate(doc.outcomes):
        problems += _refers("outcomes", i, "plan_id", o.plan_id, plans)
        problems += _refers("outcomes", i, "episode_id", o.episode_id, episodes)
        if o.measure not in measures:
            problems.append(
                f"outcomes[{i}].measure: {o.measure!r} is not a measure of this install"
            )
    return problems


def _stored_result_problems(doc: ExportDocument, intakes: set[Any]) -> list[str]:
    """Posture results, referrals and assessments must read as the documents they were."""
    from hipalign.core.clinical_tests import Assessment
    from hipalign.core.posture.geometry import PostureResult
    from hipalign.core.screening.rules import Referral

    problems: list[str] = []
    for i, u in enumerate(doc.posture_uploads):
        if u.result is not None:
            problems += _read_problems(PostureResult, u.result, f"posture_uploads[{i}].result")
    for i, ck in enumerate(doc.checkins):
        if ck.referral is not None:
            problems += _read_problems(Referral, ck.referral, f"checkins[{i}].referral")
    for i, st in enumerate(doc.safety_stops):
        problems += _read_problems(Referral, st.referral, f"safety_stops[{i}].referral")
    for i, a in enumerate(doc.assessments):
        problems += _refers("assessments", i, "intake_id", a.intake_id, intakes)
        problems += _read_problems(Assessment, a.document, f"assessments[{i}].document")
    return problems


def _import_problems(doc: ExportDocument) -> list[str]:
    """Everything that would make the imported rows break a page or a link, named by field."""
    from hipalign.core.intake import Intake

    intakes = {r.id for r in doc.intakes}
    plans = {r.id for r in doc.plans}
    sessions = {r.id for r in doc.sessions}
    logs = {r.id for r in doc.exercise_logs}
    problems = _duplicate_id_problems(doc)
    for i, r in enumerate(doc.intakes):
        problems += _read_problems(Intake, r.document, f"intakes[{i}].document")
    problems += _plan_problems(doc, intakes)
    for i, se in enumerate(doc.sessions):
        problems += _refers("sessions", i, "plan_id", se.plan_id, plans)
    problems += _exercise_problems(doc)
    for i, lg in enumerate(doc.exercise_logs):
        problems += _refers("exercise_logs", i, "session_id", lg.session_id, sessions)
    for i, d in enumerate(doc.decisions):
        problems += _refers("decisions", i, "log_id", d.log_id, logs)
    problems += _dose_problems(doc)
    problems += _habit_problems(doc, plans)
    problems += _outcome_problems(doc, plans)
    return problems + _stored_result_problems(doc, intakes)


def _id_map(model: Any, ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Each id kept when no row of this install has it; a new one when it is taken."""
    taken: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):  # SQLite caps the parameters of one query
        taken |= set(
            model.objects.filter(pk__in=ids[start : start + 500]).values_list("pk", flat=True)
        )
    return {i: (uuid.uuid4() if i in taken else i) for i in ids}


def _insert(model: Any, rows: list[Any], created: list[datetime]) -> None:
    """Insert rows keeping their creation times (auto_now_add would stamp them with now)."""
    model.objects.bulk_create(rows, batch_size=500)
    if created:
        for row, at in zip(rows, created, strict=True):
            row.created_at = at
        model.objects.bulk_update(rows, ["created_at"], batch_size=500)


def account_import(user: User, document: Any, *, today: date) -> ImportResult:
    """Load an `hipalign.export/1` document into this account, all or nothing.

    The account must hold no data yet. Every row comes back with its links; ids are kept where
    this install does not use them already, and replaced (links following) where it does. Log
    client ids are kept, so a resend of an imported log stores nothing twice. Not imported:
    account identity (username, role, public id, API tokens, second factor, care links, which
    belong to accounts of the other install), who authored a clinician's plan or assessment
    (author_role is kept; the author is null here), and posture files, which are not in the
    export: uploads come back with their results but no photo or overlay, and an upload still
    waiting for analysis comes back failed, saying so. Every date must fall in
    core.dates.ENTERED around `today`.
    """
    doc = validate_document(ExportDocument, document, "import")
    if any(m.objects.filter(user_id=user.pk).exists() for m in IMPORTED_MODELS):
        raise InputError(
            "import",
            [
                "account: already holds data; import only into a new account, or delete this one's data first"
            ],
        )
    problems = _date_problems(doc, today) + _import_problems(doc)
    if problems:
        raise InputError("import", problems)
    try:
        with transaction.atomic():
            result = _import_rows(user, doc)
            program_changed(user_id=int(user.pk))  # its logs and plans, all at once
            audit_record(int(user.pk), "account.import")
    except (IntegrityError, DataError):
        # Every clash the checks above know of is named there; this is the backstop for one
        # they do not, so an import still answers with a message and stores nothing.
        raise InputError(
            "import",
            ["(file): its rows clash with each other or with this install; nothing was stored"],
        ) from None
    return result


def _episode_for_unattached(
    user: User, doc: ExportDocument, episode_ids: dict[uuid.UUID, uuid.UUID]
) -> uuid.UUID:
    """Where scores without an episode go (a file from before episodes of care): the file's
    first episode, or one made for them, starting at the earliest plan or score, as the
    migration that brought episodes in did with stored scores."""
    if doc.episodes:
        first = min(doc.episodes, key=lambda e: (e.created_at, str(e.id)))
        return episode_ids[first.id]
    start = first_episode_start(
        [p.starts_on for p in doc.plans if p.document.get("plan") is not None],
        [o.performed_on for o in doc.outcomes],
    )
    assert start is not None  # there is at least one score here
    made = CareEpisode.objects.create(
        user=user, started_on=start, started_by=user, started_by_role="person"
    )
    return made.id


@dataclass(frozen=True, kw_only=True)
class _Ids:
    """Per table, each row's id in the file -> its id here (the same unless taken here)."""

    intake: dict[uuid.UUID, uuid.UUID]
    plan: dict[uuid.UUID, uuid.UUID]
    session: dict[uuid.UUID, uuid.UUID]
    log: dict[uuid.UUID, uuid.UUID]
    decision: dict[uuid.UUID, uuid.UUID]
    habit: dict[uuid.UUID, uuid.UUID]
    episode: dict[uuid.UUID, uuid.UUID]
    outcome: dict[uuid.UUID, uuid.UUID]
    upload: dict[uuid.UUID, uuid.UUID]
    checkin: dict[uuid.UUID, uuid.UUID]
    assessment: dict[uuid.UUID, uuid.UUID]
    stop: dict[uuid.UUID, uuid.UUID]

    def remapped(self) -> int:
        """How many rows got a new id."""
        maps = (getattr(self, f.name) for f in fields(self))
        return sum(1 for m in maps for old, new in m.items() if old != new)


def _ids_of(doc: ExportDocument) -> _Ids:
    return _Ids(
        intake=_id_map(IntakeRecord, [r.id for r in doc.intakes]),
        plan=_id_map(PlanRecord, [r.id for r in doc.plans]),
        session=_id_map(SessionRecord, [r.id for r in doc.sessions]),
        log=_id_map(ExerciseLogRecord, [r.id for r in doc.exercise_logs]),
        decision=_id_map(DecisionRecord, [r.id for r in doc.decisions]),
        habit=_id_map(HabitCheck, [r.id for r in doc.habit_checks]),
        episode=_id_map(CareEpisode, [r.id for r in doc.episodes]),
        outcome=_id_map(OutcomeRecord, [r.id for r in doc.outcomes]),
        upload=_id_map(PostureUpload, [r.id for r in doc.posture_uploads]),
        checkin=_id_map(CheckInRecord, [r.id for r in doc.checkins]),
        assessment=_id_map(AssessmentRecord, [r.id for r in doc.assessments]),
        stop=_id_map(SafetyStop, [r.id for r in doc.safety_stops]),
    )


def _import_rows(user: User, doc: ExportDocument) -> ImportResult:
    """Every row of the file, under this user, in an order that has each row's references
    stored before it."""
    ids = _ids_of(doc)
    _import_plans(user, doc, ids)
    _import_logs(user, doc, ids)
    _import_habits_and_scores(user, doc, ids)
    _import_records(user, doc, ids)
    counts = {name: len(getattr(doc, name)) for name in SECTIONS}
    return ImportResult(counts, ids.remapped())


def _import_plans(user: User, doc: ExportDocument, ids: _Ids) -> None:
    """Intakes, plans (with their version numbers) and sessions."""
    _insert(
        IntakeRecord,
        [IntakeRecord(id=ids.intake[r.id], user=user, document=r.document) for r in doc.intakes],
        [r.created_at for r in doc.intakes],
    )
    versions = _plan_versions(doc.plans)
    _insert(
        PlanRecord,
        [
            PlanRecord(
                id=ids.plan[p.id],
                user=user,
                intake_id=ids.intake[p.intake_id],
                starts_on=p.starts_on,
                referral_level=p.referral_level,
                withheld=p.withheld if p.withheld is not None else p.document.get("plan") is None,
                document=p.document,
                week=planned_week(p.document),
                version=versions[p.id],
                # The person's own plans stay theirs; a clinician of the other install is not here.
                author=user if p.author_role == "person" else None,
                author_role=p.author_role,
                changes=p.changes,
                overrides=p.overrides,
                note=p.note,
            )
            for p in doc.plans
        ],
        [p.created_at for p in doc.plans],
    )
    _insert(
        SessionRecord,
        [
            SessionRecord(
                id=ids.session[r.id],
                user=user,
                plan_id=ids.plan[r.plan_id],
                day=r.day,
                session=r.session,
                performed_on=r.performed_on,
                pain_next_morning=r.pain_next_morning,
            )
            for r in doc.sessions
        ],
        [r.created_at for r in doc.sessions],
    )


def _import_logs(user: User, doc: ExportDocument, ids: _Ids) -> None:
    """Exercise logs (their idempotency hash made again with the new ids), the decisions made
    from them and the current doses those decisions set."""
    sessions = {r.id: r for r in doc.sessions}
    _insert(
        ExerciseLogRecord,
        [
            ExerciseLogRecord(
                id=ids.log[r.id],
                user=user,
                client_id=r.client_id,
                payload_hash=_log_hash(r, sessions[r.session_id], ids.session, ids.plan),
                session_id=ids.session[r.session_id],
                exercise_id=r.exercise_id,
                side=r.side,
                rung=r.rung,
                sets_done=r.sets_done,
                reps_done=r.reps_done,
                hold_s_done=r.hold_s_done,
                pain_during=r.pain_during,
                effort=r.effort,
                sharp_pain=r.sharp_pain,
                new_numbness=r.new_numbness,
                skipped=r.skipped,
                counted_by=r.counted_by,
                performed_on=r.performed_on,
            )
            for r in doc.exercise_logs
        ],
        [r.created_at for r in doc.exercise_logs],
    )
    _insert(
        DecisionRecord,
        [
            DecisionRecord(
                id=ids.decision[r.id],
                user=user,
                log_id=ids.log[r.log_id],
                exercise_id=r.exercise_id,
                side=r.side,
                action=r.action,
                rung=r.rung,
                reasons=r.reasons,
                review_suggested=r.review_suggested,
            )
            for r in doc.decisions
        ],
        [r.created_at for r in doc.decisions],
    )
    CurrentDose.objects.bulk_create(
        [
            CurrentDose(
                user=user,
                exercise_id=c.exercise_id,
                side=c.side,
                decision_id=ids.decision[c.decision_id],
            )
            for c in doc.current_doses
        ]
    )


def _import_habits_and_scores(user: User, doc: ExportDocument, ids: _Ids) -> None:
    """Habit ticks, episodes of care and the scores, each in its episode."""
    _insert(
        HabitCheck,
        [
            HabitCheck(
                id=ids.habit[r.id],
                user=user,
                plan_id=ids.plan[r.plan_id],
                item_id=r.item_id,
                slot=r.slot,
                performed_on=r.performed_on,
            )
            for r in doc.habit_checks
        ],
        [r.created_at for r in doc.habit_checks],
    )
    _insert(
        CareEpisode,
        [
            CareEpisode(
                id=ids.episode[r.id],
                user=user,
                started_on=r.started_on,
                # The person's own starts stay theirs; a clinician of the other install is not here.
                started_by=user if r.started_by_role == "person" else None,
                started_by_role=r.started_by_role,
            )
            for r in doc.episodes
        ],
        [r.created_at for r in doc.episodes],
    )
    episode_of = {r.id: ids.episode[r.episode_id] for r in doc.outcomes if r.episode_id}
    if len(episode_of) < len(doc.outcomes):
        unattached = _episode_for_unattached(user, doc, ids.episode)
        episode_of |= {r.id: unattached for r in doc.outcomes if not r.episode_id}
    _insert(
        OutcomeRecord,
        [
            OutcomeRecord(
                id=ids.outcome[r.id],
                user=user,
                plan_id=ids.plan[r.plan_id],
                episode_id=episode_of[r.id],
                measure=r.measure,
                performed_on=r.performed_on,
                answers=r.answers,
                total=r.total,
                scales=r.scales,
            )
            for r in doc.outcomes
        ],
        [r.created_at for r in doc.outcomes],
    )


def _import_records(user: User, doc: ExportDocument, ids: _Ids) -> None:
    """Posture results (without their files), check-ins, safety stops and assessments."""
    _insert(
        PostureUpload,
        [
            PostureUpload(
                id=ids.upload[r.id],
                user=user,
                kind=r.kind,
                stored_name="",
                keep_original=r.keep_original,
                status=r.status if r.status in ("done", "failed") else "failed",
                started_at=r.started_at,
                result=r.result,
                overlay_name="",
                error=r.error if r.status in ("done", "failed") else NOT_IMPORTED_FILE,
            )
            for r in doc.posture_uploads
        ],
        [r.created_at for r in doc.posture_uploads],
    )
    _insert(
        CheckInRecord,
        [
            CheckInRecord(
                id=ids.checkin[r.id],
                user=user,
                performed_on=r.performed_on,
                answers=r.answers,
                pain_now=r.pain_now,
                pain_worst_week=r.pain_worst_week,
                referral_level=r.referral_level,
                referral=r.referral
                if r.referral is not None
                else {"level": r.referral_level, "reasons": [], "plan_withheld": False},
            )
            for r in doc.checkins
        ],
        [r.created_at for r in doc.checkins],
    )
    _insert(
        SafetyStop,
        [
            SafetyStop(
                id=ids.stop[r.id],
                user=user,
                performed_on=r.performed_on,
                answers=r.answers,
                referral_level=r.referral_level,
                referral=r.referral,
            )
            for r in doc.safety_stops
        ],
        [r.created_at for r in doc.safety_stops],
    )
    _insert(
        AssessmentRecord,
        [
            AssessmentRecord(
                id=ids.assessment[r.id],
                user=user,
                clinician=None,
                performed_on=r.performed_on,
                document=r.document,
                intake_id=ids.intake[r.intake_id] if r.intake_id else None,
            )
            for r in doc.assessments
        ],
        [r.created_at for r in doc.assessments],
    )


def _log_hash(
    r: LogRow,
    session: Any,
    session_ids: dict[uuid.UUID, uuid.UUID],
    plan_ids: dict[uuid.UUID, uuid.UUID],
) -> str:
    """The hash the player's payload for this log has on this install (with its ids here), so a
    resend of the same log is recognised and a changed one is refused, as before the move."""
    # The same hash the log service stores (program._payload_hash), over the same payload model.
    from hipalign.services.program.recording import LogIn, _payload_hash

    payload = LogIn.model_validate(
        {
            "client_id": r.client_id,
            "session_id": str(session_ids[r.session_id]),
            "plan_id": str(plan_ids[session.plan_id]),
            "day": session.day,
            "session": session.session,
            "performed_on": r.performed_on,
            "exercise": r.exercise_id,
            "side": r.side,
            "rung": r.rung,
            "sets_done": r.sets_done,
            "reps_done": r.reps_done,
            "hold_s_done": r.hold_s_done,
            "pain_during": r.pain_during,
            "effort": r.effort,
            "sharp_pain": r.sharp_pain,
            "new_numbness": r.new_numbness,
            "skipped": r.skipped,
            "counted_by": r.counted_by,
        }
    )
    return _payload_hash(payload)


def account_delete(user: User, password: str) -> None:
    """Erase the account and every row that belongs to it (GDPR Art. 17); needs the password."""
    if not user.check_password(password):
        raise InputError(
            "password",
            ["password: " + gettext("does not match; the account was not deleted")],
        )
    uid = int(user.pk)
    # Files first: rows cascade with the user, files do not.
    from hipalign.services.posture.uploads import upload_delete

    for upload_id in PostureUpload.objects.filter(user_id=uid).values_list("id", flat=True):
        upload_delete(user, str(upload_id))
    # A clinician's own clinic media goes with their account (its rows cascade). A person's
    # erasure never touches clinic media: it is their clinic's, not theirs (issue 16).
    from hipalign.services.library.clinic_media import media_erase_of

    media_erase_of(clinician_id=uid)
    with transaction.atomic():
        # Sessions are keyed by an opaque id, so find this person's by decoding them.
        for s in Session.objects.all().iterator():
            if str(s.get_decoded().get("_auth_user_id")) == str(uid):
                s.delete()
        user.delete()  # every person-owned row cascades from the user
        audit_record(uid, "account.delete")
