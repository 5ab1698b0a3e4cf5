"""A person's data as a FHIR R4 `collection` Bundle, built and validated with fhir.resources.

The models come from `fhir.resources.R4B`: FHIR R4B (4.3.0) is the technical correction of R4
(4.0.1), with the same resources and elements for everything used here (Patient, CarePlan,
Procedure, Observation, QuestionnaireResponse, Bundle). Every resource is constructed through its model
class, and the whole bundle is read back with `Bundle.model_validate_json` before it leaves.

What goes in, and what does not:
- Patient: the username as the only identifier. No birth date: the intake stores an age in years,
  not a birth date or year, and a date made up from it would be wrong.
- CarePlan: the current plan; one activity per exercise, its days, and today's dose per side.
- Observation (adherence): per week since the first plan, the planned sessions done against
  those planned, as a ratio (issue 14 item 3; the count Progress and the clinician's list show).
- Procedure: each exercise logged, per side: `completed`, or for a skipped exercise (issue 14
  item 2) `not-done` (nothing done) or `stopped` (part of the dose done), with what was done.
- Observation (pain, LOINC 72514-3): pain now and worst pain of the week at each check-in, pain
  during each logged exercise and side, and next-morning pain after each session.
- Observation (posture): each photo or clip measured, its lines in degrees or % (UCUM units), each
  with its 95 % precision band as an extension (not accuracy; core/posture/geometry.py). Refused
  measurements are left out: nothing was measured.
- Observation (clinician's tests): one per assessment, one component per test value.
- EpisodeOfCare: each episode of care, its period (an earlier one ends the day the next starts).
- QuestionnaireResponse: each outcome measure filled in, its answers and its score, and the
  episode of care it belongs to (the core `workflow-episodeOfCare` extension: R4B's
  QuestionnaireResponse has no element for it).
Ids are the stored record ids (or derived from them with uuid5), so the same data gives the same
bundle apart from its timestamp.
"""

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils.timezone import localdate
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from hipalign.adapters.db.models import (
    AssessmentRecord,
    CareEpisode,
    CheckInRecord,
    ExerciseLogRecord,
    OutcomeRecord,
    PlanRecord,
    PostureUpload,
    SessionRecord,
)
from hipalign.core.dates import shift
from hipalign.core.library import default_library
from hipalign.core.progression import ACCEPTABLE_MAX
from hipalign.services.followup.adherence import weeks_of
from hipalign.services.kernel.access import profile_of
from hipalign.services.kernel.languages import language_chosen, language_names
from hipalign.services.portability.exports import dose_text, export_audit
from hipalign.services.program import doses, plans
from hipalign.services.program.logs import log_detail

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# hipalign's own code systems and extension: URNs, so nothing suggests a resolvable address.
SYSTEM = "urn:hipalign"
PRECISION_BAND = f"{SYSTEM}:fhir:precision-band-95"
EPISODE_OF_CARE = "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"
IDS = uuid.UUID("6f1c2a52-5a44-4d1b-9a0e-2f7d8a0b3c11")  # uuid5 namespace of derived ids

PAIN_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
POSTURE_METRICS = {
    "hip_tilt_deg": ("Hip line tilt, + = left side higher", "deg"),
    "shoulder_tilt_deg": ("Shoulder line tilt, + = left side higher", "deg"),
    "trunk_lean_deg": ("Trunk lean from vertical", "deg"),
    "lateral_shift_pct": ("Sideways shift of the shoulders over the hips", "%"),
}
# A line the picture and its mirror image disagree on (core.posture.views) has no value.
UNRELIABLE = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "unknown",
        }
    ],
    "text": "could not be measured reliably",
}
UNIT_WORDS = {"deg": "degrees", "%": "% of trunk length"}


def _id(kind: str, record_id: Any) -> str:
    return str(uuid.uuid5(IDS, f"{kind}:{record_id}"))


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBS_CATEGORY, "code": code, "display": display}]}]


def _pain(
    oid: str, subject: str, text: str, value: int, when: date, *, until: date | None = None
) -> Observation:
    timing: dict[str, Any] = (
        {"effectivePeriod": {"start": when.isoformat(), "end": until.isoformat()}}
        if until
        else {"effectiveDateTime": when.isoformat()}
    )
    return Observation(
        id=oid,
        status="final",
        category=_category("survey", "Survey"),
        code={"coding": [PAIN_CODE], "text": text},
        subject={"reference": subject},
        valueInteger=value,
        **timing,
    )


# Rows are read in chunks (QuerySet.iterator), so a long history streams in bounded memory.
CHUNK = 2000


def _exercise_logs(user: User, subject: str) -> Iterator[Resource]:
    """Per log: a Procedure (done, or skipped: issue 14 item 2) and the pain during it."""
    lib = default_library()
    logs = ExerciseLogRecord.objects.filter(user_id=user.pk).order_by("performed_on", "created_at")
    for log in logs.iterator(chunk_size=CHUNK):
        ex = lib.get(log.exercise_id)
        name = ex.name if ex else log.exercise_id
        side = f", {log.side} side" if log.side else ""
        did_some = bool(log.sets_done and (log.reps_done or log.hold_s_done))
        # FHIR's event status: a skip with nothing done is `not-done`, one with part of the
        # dose done is `stopped` (started, not finished), a log of the exercise `completed`.
        status = "completed" if not log.skipped else "stopped" if did_some else "not-done"
        yield Procedure(
            id=_id("log", log.id),
            status=status,
            statusReason={"text": "Skipped by the person"} if log.skipped else None,
            code={
                "coding": [{"system": f"{SYSTEM}:exercise", "code": log.exercise_id}],
                "text": f"{name}{side}",
            },
            subject={"reference": subject},
            performedDateTime=log.performed_on.isoformat(),
            note=[{"text": f"{name}{side}: {log_detail(log)}"}],
        )
        if log.pain_during is not None:
            yield _pain(
                _id("log-pain", log.id),
                subject,
                f"Pain during {name}{side}",
                log.pain_during,
                log.performed_on,
            )


ADHERENCE_CODE = {
    "coding": [{"system": f"{SYSTEM}:measure", "code": "planned-sessions-done"}],
    "text": "Planned exercise sessions done in the week (each as the share of its exercises "
    "logged; runs on one day merge; skipped exercises count nothing)",
}


def _adherence_observations(user: User, subject: str, today: date) -> list[Resource]:
    """One Observation per week since the first plan started, up to this week: sessions done
    against planned as a ratio, counted as Progress counts them (services.adherence)."""
    first = PlanRecord.objects.filter(user_id=user.pk).order_by("starts_on").first()
    if first is None:
        return []
    monday = shift(first.starts_on, -first.starts_on.weekday())
    starts = [shift(monday, 7 * i) for i in range((today - monday).days // 7 + 1)]
    return [
        Observation(
            id=_id("adherence", f"{user.pk}:{w.starts_on.isoformat()}"),
            status="final",
            category=_category("activity", "Activity"),
            code=ADHERENCE_CODE,
            subject={"reference": subject},
            effectivePeriod={
                "start": w.starts_on.isoformat(),
                "end": shift(w.starts_on, 6).isoformat(),
            },
            valueRatio={"numerator": {"value": w.done}, "denominator": {"value": w.planned}},
        )
        for w in weeks_of(user, starts)
        if w.planned
    ]


def _pain_observations(user: User, subject: str) -> Iterator[Resource]:
    checkins = CheckInRecord.objects.filter(user_id=user.pk).order_by("performed_on", "created_at")
    for c in checkins.iterator(chunk_size=CHUNK):
        yield (
            _pain(
                _id("checkin-now", c.id),
                subject,
                "Pain now, weekly check-in",
                c.pain_now,
                c.performed_on,
            )
        )
        yield (
            _pain(
                _id("checkin-worst", c.id),
                subject,
                "Worst pain of the past week, weekly check-in",
                c.pain_worst_week,
                shift(c.performed_on, -6),
                until=c.performed_on,
            )
        )
    sessions = SessionRecord.objects.filter(
        user_id=user.pk, pain_next_morning__isnull=False
    ).order_by("performed_on", "created_at")
    for s in sessions.iterator(chunk_size=CHUNK):
        assert s.pain_next_morning is not None
        yield _pain(
            _id("next-morning", s.id),
            subject,
            f"Pain the morning after the session of {s.performed_on.isoformat()}",
            s.pain_next_morning,
            shift(s.performed_on, 1),
        )


def _posture_observations(user: User, subject: str) -> list[Resource]:
    out: list[Resource] = []
    uploads = PostureUpload.objects.filter(user_id=user.pk, status="done").order_by("created_at")
    for u in uploads:
        result = u.result or {}
        if result.get("status") != "ok":
            continue
        components = []
        for key, (label, unit) in POSTURE_METRICS.items():
            metric = result.get("metrics", {}).get(key)
            if metric is None:
                continue
            code = {"coding": [{"system": f"{SYSTEM}:posture", "code": key}], "text": label}
            if not metric.get("reliable", True):  # issue 17: the mirror check failed
                components.append({"code": code, "dataAbsentReason": UNRELIABLE})
                continue
            band = {"value": metric["uncertainty"], "unit": unit, "system": UCUM, "code": unit}
            components.append(
                {
                    "code": {
                        "coding": [{"system": f"{SYSTEM}:posture", "code": key}],
                        "text": label,
                    },
                    "valueQuantity": {
                        "value": metric["value"],
                        "unit": unit,
                        "system": UCUM,
                        "code": unit,
                        "extension": [{"url": PRECISION_BAND, "valueQuantity": band}],
                    },
                }
            )
        out.append(
            Observation(
                id=str(u.id),
                status="final",
                category=_category("exam", "Exam"),
                code={"text": f"Posture lines from a {u.kind}"},
                subject={"reference": subject},
                effectiveDateTime=u.created_at.astimezone(UTC).isoformat(),
                method={"text": f"2-D body landmarks ({result.get('model') or 'pose model'})"},
                component=components,
                note=[
                    {
                        "text": "Each value carries a 95 % precision band (extension "
                        f"{PRECISION_BAND}): how much it moved when the same picture was "
                        "re-framed or re-saved. It is not accuracy, which is unknown; compare "
                        "only with your own earlier measurements taken the same way. "
                        + str(result.get("wording", ""))
                    }
                ],
            )
        )
    return out


def _empty(value: Any) -> bool:
    # FHIR allows no empty strings (a value is present or the element is absent, R4 2.6.2): an
    # optional field left blank ("Notes", "Pain place") is left out, not sent as "".
    return value is None or (isinstance(value, str) and not value.strip())


def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, value) for every scalar in a JSON document: "trendelenburg.left" -> "positive".
    Empty values (None, blank text, empty lists and objects) are left out."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            shown = [str(v) for v in value if not _empty(v)]
            return [(path, ", ".join(shown))] if shown else []
        return [p for i, v in enumerate(value) for p in _leaves(v, f"{path}[{i}]")]
    return [] if _empty(value) else [(path, value)]


def _component_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueQuantity": {"value": value}}
    return {"valueString": str(value)}


def _assessment_observations(user: User, subject: str) -> list[Resource]:
    out: list[Resource] = []
    for a in AssessmentRecord.objects.filter(user_id=user.pk).order_by(
        "performed_on", "created_at"
    ):
        components = [
            {"code": {"coding": [{"system": f"{SYSTEM}:assessment", "code": path}], "text": path}}
            | _component_value(v)
            for path, v in _leaves(a.document)
        ]
        out.append(
            Observation(
                id=str(a.id),
                status="final",
                category=_category("exam", "Exam"),
                code={"text": "Clinical tests recorded by a clinician"},
                subject={"reference": subject},
                effectiveDateTime=a.performed_on.isoformat(),
                component=components or None,
                valueString=None if components else "no values recorded",
            )
        )
    return out


def _episodes(user: User, subject: str) -> list[Resource]:
    episodes = list(CareEpisode.objects.filter(user_id=user.pk).order_by("created_at", "id"))
    out: list[Resource] = []
    for n, e in enumerate(episodes):
        following = episodes[n + 1] if n + 1 < len(episodes) else None
        period = {"start": e.started_on.isoformat()}
        if following is not None:
            period["end"] = max(e.started_on, following.started_on).isoformat()
        out.append(
            EpisodeOfCare(
                id=str(e.id),
                status="active" if following is None else "finished",
                patient={"reference": subject},
                period=period,
            )
        )
    return out


def _questionnaire_responses(user: User, subject: str) -> list[Resource]:
    out: list[Resource] = []
    for o in OutcomeRecord.objects.filter(user_id=user.pk).order_by("performed_on", "created_at"):
        items: list[dict[str, Any]] = [
            {"linkId": str(k), "text": str(k), "answer": [{"valueDecimal": v}]}
            for k, v in o.answers.items()
            if v is not None and not _empty(k)
        ]
        items += [
            {"linkId": f"scale:{k}", "text": f"score, {k}", "answer": [{"valueDecimal": v}]}
            for k, v in o.scales.items()
        ]
        if o.total is not None:
            items.append(
                {"linkId": "total", "text": "score", "answer": [{"valueDecimal": o.total}]}
            )
        out.append(
            QuestionnaireResponse(
                id=str(o.id),
                questionnaire=f"{SYSTEM}:questionnaire:{o.measure}",
                status="completed",
                subject={"reference": subject},
                authored=o.performed_on.isoformat(),
                item=items,
                extension=[
                    {
                        "url": EPISODE_OF_CARE,
                        "valueReference": {"reference": f"urn:uuid:{o.episode_id}"},
                    }
                ],
            )
        )
    return out


def _care_plan(user: User, subject: str) -> list[Resource]:
    rec = plans.plan_current(user)
    if rec is None:
        return []
    doc = plans.plan_document(rec)
    body = doc.plan
    items = doses.plan_items_now(user, doc)
    activities = []
    if body is not None:
        for ex_id, now in items.items():
            days = sorted(
                {d.day for d in body.days for it in d.items if it.exercise == ex_id},
                key=["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index,
            )
            activities.append(
                {
                    "detail": {
                        "code": {
                            "coding": [{"system": f"{SYSTEM}:exercise", "code": ex_id}],
                            "text": now.exercise.name,
                        },
                        "status": "in-progress",
                        "description": "; ".join(dose_text(now.exercise, s) for s in now.sides)
                        or None,
                        "scheduledTiming": {
                            "repeat": {
                                "frequency": 1,
                                "period": 1,
                                "periodUnit": "wk",
                                "dayOfWeek": days,
                            }
                        },
                        "reasonCode": [
                            {"text": f"{w.text} (Source: {w.source})"} for w in now.item.why
                        ],
                    }
                }
            )
    weeks = body.weeks if body else 0
    notes = [doc.disclaimer, f"Stop an exercise when pain goes above {ACCEPTABLE_MAX} out of 10."]
    if rec.note:
        notes.append(rec.note)
    return [
        CarePlan(
            id=str(rec.id),
            status="active",
            intent="plan",
            title=f"Hip exercise plan, version {rec.version}",
            description=(body.summary if body else doc.referral.withheld_because)
            or "No exercise plan.",
            subject={"reference": subject},
            period={
                "start": rec.starts_on.isoformat(),
                **({"end": shift(rec.starts_on, 7 * weeks - 1).isoformat()} if weeks else {}),
            },
            created=rec.created_at.astimezone(UTC).isoformat(),
            activity=activities or None,
            note=[{"text": n} for n in notes],
        )
    ]


def _resources(user: User) -> Iterator[Resource]:
    """Every resource of the bundle, in bundle order, built from rows of `user` only."""
    pid = str(profile_of(user).public_id)
    subject = f"urn:uuid:{pid}"
    language = language_chosen(user)
    yield Patient(
        id=pid,
        active=True,
        identifier=[{"system": f"{SYSTEM}:username", "value": user.get_username()}],
        # The person's chosen language (issue 20), as a BCP 47 tag: FHIR's way to say which
        # language to speak to them in; none when they never chose one.
        communication=[
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": language}],
                    "text": dict(language_names()).get(language, language),
                },
                "preferred": True,
            }
        ]
        if language
        else None,
    )
    yield from _care_plan(user, subject)
    yield from _pain_observations(user, subject)
    yield from _exercise_logs(user, subject)
    yield from _adherence_observations(user, subject, localdate())
    yield from _posture_observations(user, subject)
    yield from _assessment_observations(user, subject)
    yield from _episodes(user, subject)
    yield from _questionnaire_responses(user, subject)


def fhir_build(user: User) -> Bundle:
    """The whole bundle of one person's data as one validated model (tests, small exports).

    This holds every resource in memory twice over; downloads use `fhir_stream`."""
    bundle = Bundle(
        id=str(uuid.uuid4()),
        type="collection",
        timestamp=datetime.now(UTC).isoformat(),
        entry=[BundleEntry(fullUrl=f"urn:uuid:{r.id}", resource=r) for r in _resources(user)],
    )
    # Read back from its own JSON: whatever a receiver parses is what was validated here.
    return Bundle.model_validate_json(bundle.model_dump_json())


def fhir_stream(patient: User, actor: User) -> Iterator[bytes]:
    """The person's FHIR bundle as JSON, one entry at a time (issue 12, item 5: a 20,000-log
    history took 16 s and all its memory as one model). Audited as `export.fhir` when called.

    Each resource is validated as its model class is constructed, as in `fhir_build`; the
    bundle around them is written here: its fields are fixed, and tests read the streamed
    document back with `Bundle.model_validate_json`."""
    export_audit(actor, patient, "export.fhir", str(profile_of(patient).public_id))
    head = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": datetime.now(UTC).isoformat(),
    }
    return _chunks(patient, json.dumps(head)[:-1].encode() + b', "entry": [\n')


def _chunks(patient: User, head: bytes) -> Iterator[bytes]:
    yield head
    batch: list[bytes] = []
    for n, r in enumerate(_resources(patient)):
        entry = f'{{"fullUrl": "urn:uuid:{r.id}", "resource": {r.model_dump_json()}}}'
        batch.append((b",\n" if n else b"") + entry.encode())
        if len(batch) >= 200:  # a few hundred kB per write, not one per resource
            yield b"".join(batch)
            batch = []
    batch.append(b"\n]}\n")
    yield b"".join(batch)


def fhir_render(patient: User, actor: User) -> bytes:
    """The person's FHIR bundle as JSON bytes (the stream, joined); audited as `export.fhir`."""
    return b"".join(fhir_stream(patient, actor))
