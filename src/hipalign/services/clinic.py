"""The clinician's patient list, ordered by what needs attention (issue 5).

One query: each linked patient with a handful of correlated subqueries, each answered from an
index on (user, date) and limited to the newest row or the last two weeks. The cost therefore
grows with the number of patients, not with the length of their histories
(bench/clinic_speed.py). The rules themselves live in core.attention.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from hipalign.adapters.db.models import (
    CareLink,
    CheckInRecord,
    CurrentDose,
    ExerciseLogRecord,
    OutcomeRecord,
    PlanRecord,
    SessionRecord,
)
from hipalign.core.attention import Flag, Signals, attention_flags, attention_key
from hipalign.services.access import Actor, require_role
from hipalign.services.audit import audit_record


@dataclass(frozen=True)
class PatientRow:
    public_id: str
    username: str
    linked_since: datetime | None
    plan_version: int | None
    plan_author_role: str | None
    last_session_on: date | None
    flags: list[Flag]


def _newest(qs: object, field: str) -> Subquery:
    return Subquery(qs.values(field)[:1])  # type: ignore[attr-defined]


def patients_attention(actor: Actor, today: date) -> list[PatientRow]:
    """The clinician's active patients, most pressing first."""
    clinician = require_role(actor, "clinician")
    patient = OuterRef("patient_id")
    plans = PlanRecord.objects.filter(user_id=patient).order_by("-version")
    checkins = CheckInRecord.objects.filter(user_id=patient).order_by(
        "-performed_on", "-created_at"
    )
    week_ago, fortnight_ago = today - timedelta(days=7), today - timedelta(days=14)
    sessions = SessionRecord.objects.filter(user_id=patient)
    nprs = OutcomeRecord.objects.filter(
        user_id=patient, measure="nprs", plan__intake_id=OuterRef("plan_intake")
    )
    rows = (
        CareLink.objects.filter(clinician_id=clinician.pk, status="active")
        .select_related("patient", "patient__profile")
        .annotate(
            plan_version=_newest(plans, "version"),
            plan_starts=_newest(plans, "starts_on"),
            plan_withheld=_newest(plans, "withheld"),
            plan_per_week=_newest(plans, "sessions_per_week"),
            plan_author_role=_newest(plans, "author_role"),
            plan_intake=_newest(plans, "intake_id"),
            checkin_on=_newest(checkins, "performed_on"),
            checkin_level=_newest(checkins, "referral_level"),
            checkin_pain=_newest(checkins, "pain_now"),
            previous_checkin_pain=Subquery(checkins.values("pain_now")[1:2]),
            max_pain_7d=Subquery(
                ExerciseLogRecord.objects.filter(user_id=patient, performed_on__gte=week_ago)
                .values("user_id")
                .annotate(m=Max("pain_during"))
                .values("m")[:1]
            ),
            sessions_last_week=Coalesce(
                Subquery(
                    sessions.filter(performed_on__gte=week_ago, performed_on__lt=today)
                    .values("user_id")
                    .annotate(n=Count("id"))
                    .values("n")[:1]
                ),
                0,
            ),
            sessions_week_before=Coalesce(
                Subquery(
                    sessions.filter(performed_on__gte=fortnight_ago, performed_on__lt=week_ago)
                    .values("user_id")
                    .annotate(n=Count("id"))
                    .values("n")[:1]
                ),
                0,
            ),
            last_session_on=_newest(sessions.order_by("-performed_on"), "performed_on"),
            baseline_nprs=_newest(nprs.order_by("performed_on", "created_at"), "total"),
            latest_nprs=_newest(nprs.order_by("-performed_on", "-created_at"), "total"),
            two_regressions=Exists(
                CurrentDose.objects.filter(
                    user_id=patient, decision__action="regress", decision__review_suggested=True
                )
            ),
            stop_and_review=Exists(
                CurrentDose.objects.filter(user_id=patient, decision__action="stop_and_review")
            ),
        )
    )
    out: list[PatientRow] = []
    for link in rows:
        p = link.patient
        assert p is not None  # an active link always has both sides
        a = link.__dict__
        # The weekly check-in asks NPRS now; it is the regular reading when there is one.
        latest = a["latest_nprs"] if a["checkin_pain"] is None else float(a["checkin_pain"])
        signals = Signals(
            plan_starts_on=a["plan_starts"],
            plan_withheld=bool(a["plan_withheld"]),
            sessions_planned_per_week=a["plan_per_week"] or 0,
            sessions_last_week=a["sessions_last_week"],
            sessions_week_before=a["sessions_week_before"],
            checkin_on=a["checkin_on"],
            checkin_level=a["checkin_level"],
            checkin_pain=a["checkin_pain"],
            previous_checkin_pain=a["previous_checkin_pain"],
            max_pain_during_7d=a["max_pain_7d"],
            baseline_nprs=a["baseline_nprs"],
            latest_nprs=latest,
            two_regressions=a["two_regressions"],
            stop_and_review=a["stop_and_review"],
        )
        out.append(
            PatientRow(
                public_id=str(p.profile.public_id),
                username=p.get_username(),
                linked_since=link.accepted_at,
                plan_version=a["plan_version"],
                plan_author_role=a["plan_author_role"],
                last_session_on=a["last_session_on"],
                flags=attention_flags(signals, today),
            )
        )
    out.sort(key=lambda r: attention_key(r.flags, r.username))
    # One audit row for the list: it shows each patient's status, which is health data.
    audit_record(int(clinician.pk), "read:patients.list", f"{len(out)} patients")
    return out


def patients_filter(rows: list[PatientRow], query: str) -> list[PatientRow]:
    """Rows whose username contains the query (case-insensitive)."""
    q = query.strip().lower()
    return [r for r in rows if q in r.username.lower()] if q else rows
