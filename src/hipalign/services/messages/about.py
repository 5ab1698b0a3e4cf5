"""What a message may point at (issue 18): one of the person's exercises, logs or scores, so
both sides of the care link see "about: Clamshell, Thu 3 Dec 2026" as a link to it.

Only things of the link's person are accepted, and each side's link goes to a page that side
may open: the person's own pages, or the clinician's pages about that patient.
"""

import uuid
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import User
from django.utils.translation import gettext

from hipalign.adapters.db.models import ExerciseLogRecord, OutcomeRecord, PlanRecord
from hipalign.core.errors import InputError
from hipalign.core.library import default_library
from hipalign.core.words import day_words

AboutKind = Literal["exercise", "log", "outcome"]
KINDS: tuple[AboutKind, ...] = ("exercise", "log", "outcome")
MEASURE_WORDS = {"nprs": "Pain score", "psfs": "Activities score"}
RECENT = 10  # logs and scores offered in the form


@dataclass(frozen=True)
class About:
    kind: AboutKind
    ref: str
    label: str  # "Clamshell, Thu 3 Dec 2026"; "(no longer there)" when it was deleted
    href: str | None  # for the reader; None when it is gone


def _exercise_name(exercise_id: str) -> str | None:
    lib = default_library()
    return lib[exercise_id].name if exercise_id in lib else None


def about_parse(patient: User, value: str) -> tuple[AboutKind | Literal[""], str]:
    """The form's "kind:ref" (empty: about nothing), checked to belong to the link's person."""
    if not value:
        return "", ""
    kind, _, ref = value.partition(":")
    problem = [
        "About: " + gettext("choose one of the listed exercises, logs or scores, or nothing")
    ]
    if kind == "exercise":
        if _exercise_name(ref) is None:
            raise InputError("message", problem)
        return "exercise", ref
    if kind in ("log", "outcome"):
        try:
            key = uuid.UUID(ref)
        except ValueError:
            raise InputError("message", problem) from None
        model = ExerciseLogRecord if kind == "log" else OutcomeRecord
        if not model.objects.filter(pk=key, user_id=patient.pk).exists():
            raise InputError("message", problem)
        return ("log" if kind == "log" else "outcome"), str(key)
    raise InputError("message", problem)


def about_view(
    kind: str, ref: str, *, patient: User, clinician_view: bool, patient_public_id: str
) -> About | None:
    if not kind:
        return None
    base = f"/clinic/patients/{patient_public_id}" if clinician_view else ""
    if kind == "exercise":
        name = _exercise_name(ref)
        return About(
            "exercise", ref, name or "(no longer there)", f"/exercises/{ref}" if name else None
        )
    if kind == "log":
        log = ExerciseLogRecord.objects.filter(pk=ref, user_id=patient.pk).first()
        if log is None:
            return About("log", ref, "a log (deleted since)", None)
        name = _exercise_name(log.exercise_id) or log.exercise_id
        side = f" ({log.side})" if log.side else ""
        return About(
            "log",
            ref,
            f"{name}{side}, {day_words(log.performed_on)}",
            f"{base}/timeline" if clinician_view else "/timeline",
        )
    out = OutcomeRecord.objects.filter(pk=ref, user_id=patient.pk).first()
    if out is None:
        return About("outcome", ref, "a score (deleted since)", None)
    what = MEASURE_WORDS.get(out.measure, out.measure.upper())
    return About(
        "outcome",
        ref,
        f"{what}, {day_words(out.performed_on)}",
        base if clinician_view else "/outcomes",
    )


def about_options(patient: User) -> list[tuple[str, str]]:
    """(value, label) for the form: the exercises of the current plan, then recent logs and
    scores, newest first."""
    lib = default_library()
    out: list[tuple[str, str]] = []
    plan = PlanRecord.objects.filter(user_id=patient.pk).order_by("-version").first()
    if plan is not None and plan.document.get("plan"):
        seen: list[str] = []
        for day in plan.document["plan"].get("days", []):
            for item in day.get("items", []):
                ex = item.get("exercise")
                if ex in lib and ex not in seen:
                    seen.append(ex)
        out += [(f"exercise:{ex}", f"Exercise: {lib[ex].name}") for ex in seen]
    for log in ExerciseLogRecord.objects.filter(user_id=patient.pk).order_by(
        "-performed_on", "-created_at"
    )[:RECENT]:
        name = lib[log.exercise_id].name if log.exercise_id in lib else log.exercise_id
        side = f" ({log.side})" if log.side else ""
        out.append((f"log:{log.id}", f"Log: {name}{side}, {day_words(log.performed_on)}"))
    for rec in OutcomeRecord.objects.filter(user_id=patient.pk).order_by(
        "-performed_on", "-created_at"
    )[:RECENT]:
        what = MEASURE_WORDS.get(rec.measure, rec.measure.upper())
        out.append((f"outcome:{rec.id}", f"Score: {what}, {day_words(rec.performed_on)}"))
    return out
