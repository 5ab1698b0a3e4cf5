"""Accounts: the first-run account, sign-up, export of everything, erasure."""

from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction

from hipalign.adapters.db.models import (
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
    SessionRecord,
)
from hipalign.core.errors import InputError
from hipalign.services.audit import audit_record

EXPORT_SCHEMA = "hipalign.export/1"
USERNAME_MAX = 150


def account_first_run() -> bool:
    """True until the first account exists: the first-run page creates it."""
    return not User.objects.exists()


def account_create(username: str, password: str, *, admin: bool = False) -> User:
    """Create an account; the first account of an install may be made an admin."""
    username = username.strip()
    problems = []
    if not username or len(username) > USERNAME_MAX:
        problems.append(f"username: give 1-{USERNAME_MAX} characters")
    elif not all(c.isalnum() or c in "@.+-_" for c in username):
        problems.append("username: letters, digits and @ . + - _ only")
    elif User.objects.filter(username__iexact=username).exists():
        problems.append("username: already taken; choose another")
    if len(password) > 256:
        problems.append("password: at most 256 characters")
    else:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            problems += [f"password: {m}" for m in exc.messages]
    if problems:
        raise InputError("account", problems)
    with transaction.atomic():
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


def account_export(user: User) -> dict[str, Any]:
    """Everything stored about this person, machine-readable (GDPR Art. 15 and 20)."""
    uid = user.pk
    doc: dict[str, Any] = {
        "schema": EXPORT_SCHEMA,
        "account": {
            "username": user.get_username(),
            "date_joined": _plain(getattr(user, "date_joined", None)),
        },
        "intakes": _rows(
            IntakeRecord.objects.filter(user_id=uid).order_by("created_at"),
            ["id", "created_at", "document"],
        ),
        "plans": _rows(
            PlanRecord.objects.filter(user_id=uid).order_by("created_at"),
            ["id", "intake_id", "created_at", "starts_on", "referral_level", "document"],
        ),
        "sessions": _rows(
            SessionRecord.objects.filter(user_id=uid).order_by("performed_on", "created_at"),
            ["id", "plan_id", "day", "session", "performed_on", "pain_next_morning", "created_at"],
        ),
        "exercise_logs": _rows(
            ExerciseLogRecord.objects.filter(user_id=uid).order_by("performed_on", "created_at"),
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
                "performed_on",
                "created_at",
            ],
        ),
        "decisions": _rows(
            DecisionRecord.objects.filter(user_id=uid).order_by("created_at"),
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
        "current_doses": _rows(
            CurrentDose.objects.filter(user_id=uid).order_by("exercise_id", "side"),
            ["id", "exercise_id", "side", "decision_id"],
        ),
        "habit_checks": _rows(
            HabitCheck.objects.filter(user_id=uid).order_by("performed_on", "created_at"),
            ["id", "plan_id", "item_id", "slot", "performed_on", "created_at"],
        ),
        "outcomes": _rows(
            OutcomeRecord.objects.filter(user_id=uid).order_by("performed_on", "created_at"),
            [
                "id",
                "plan_id",
                "measure",
                "performed_on",
                "answers",
                "total",
                "scales",
                "created_at",
            ],
        ),
        "posture_uploads": _rows(
            PostureUpload.objects.filter(user_id=uid).order_by("created_at"),
            ["id", "created_at", "kind", "keep_original", "status", "result", "error"],
        ),
        "checkins": _rows(
            CheckInRecord.objects.filter(user_id=uid).order_by("performed_on", "created_at"),
            [
                "id",
                "performed_on",
                "answers",
                "pain_now",
                "pain_worst_week",
                "referral_level",
                "created_at",
            ],
        ),
    }
    audit_record(int(uid), "account.export")
    return doc


def account_delete(user: User, password: str) -> None:
    """Erase the account and every row that belongs to it (GDPR Art. 17); needs the password."""
    if not user.check_password(password):
        raise InputError("password", ["password: does not match; the account was not deleted"])
    uid = int(user.pk)
    # Files first: rows cascade with the user, files do not.
    from hipalign.services.posture_uploads import upload_delete

    for upload_id in PostureUpload.objects.filter(user_id=uid).values_list("id", flat=True):
        upload_delete(user, str(upload_id))
    with transaction.atomic():
        # Sessions are keyed by an opaque id, so find this person's by decoding them.
        for s in Session.objects.all().iterator():
            if str(s.get_decoded().get("_auth_user_id")) == str(uid):
                s.delete()
        user.delete()  # every person-owned row cascades from the user
        audit_record(uid, "account.delete")
