"""Care links, a clinician's view of one linked person (overview, assessment, timeline), and the
person's own timeline. Each view parses the request, calls one service and renders.

Every /clinic/ page is for clinicians: anyone else (the person, another person, an admin) and a
clinician without an active link get 404, exactly as for a person who does not exist."""

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hipalign.core.access import Action, Role
from hipalign.core.clinical_tests import CATALOG, field_path
from hipalign.core.errors import InputError
from hipalign.services.care import links as care
from hipalign.services.followup import assessments, timeline
from hipalign.services.kernel import access
from hipalign.services.messages import conversations
from hipalign.services.program import logs
from hipalign.services.program.plans import StalePlan
from hipalign.services.reach import invitations, mail
from hipalign.services.reach.accounts_email import ADDRESS_LABEL
from hipalign.web import clock
from hipalign.web.edge import AuthedRequest, field_errors, labelled_problem
from hipalign.web.forms import whole_number

View = Callable[..., HttpResponse]


def _clinician_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access.authorize(actor=request.user, action=Action.CLINIC_OPEN)
        return view(request, *args, **kwargs)

    return login_required(wrapped)


# --- care links --------------------------------------------------------------------------


# The links pages' field labels (templates _care_links.html, care.html, clinic_links.html), so a
# refusal names the field as the page does, in the page's language.
def _link_labels() -> dict[str, str]:
    return {"code": _("Code (10 letters and digits)"), "email": ADDRESS_LABEL}


def _links_post(request: HttpRequest) -> tuple[care.NewCode | None, dict[str, str]]:
    """Do what the posted form asks; the new code (shown once) and errors by field."""
    action = request.POST.get("action", "")
    now = timezone.now()
    try:
        if action == "create":
            return care.link_code_create(request.user, now), {}
        if action == "email":
            sent_to = invitations.invitation_send(
                request.user,
                code=request.POST.get("code", "")[:40],
                address=request.POST.get("email", "")[:300],
                invite_url=request.build_absolute_uri("/care"),
                now=now,
            )
            messages.info(request, _("Invitation sent to %(address)s.") % {"address": sent_to})
        elif action == "redeem":
            link = care.link_code_redeem(request.user, request.POST.get("code", "")[:40], now)
            other = link.clinician if request.user.pk == link.patient_id else link.patient
            if other is not None:
                messages.info(request, _("Linked with %(name)s.") % {"name": other.username})
            else:
                messages.info(request, _("Linked."))
        elif action == "end":
            care.link_end(request.user, request.POST.get("link_id", "")[:40], now)
            messages.info(request, _("Ended. Access stopped at once."))
        else:
            return None, {"action": _("Action: give create, email, redeem or end")}
    except InputError as exc:
        field, words = labelled_problem(exc.problems[0], _link_labels())
        return None, {field: words}
    return None, {}


def _links_page(request: HttpRequest, template: str) -> HttpResponse:
    new_code: care.NewCode | None = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        new_code, errors = _links_post(request)
        if new_code is None and not errors:
            return redirect(request.path)
    links = care.links_list(request.user)
    return render(
        request,
        template,
        {
            "new_code": new_code,
            "errors": errors,
            "code": request.POST.get("code", "") if errors else request.GET.get("code", "")[:20],
            "active": [lk for lk in links if lk.status == "active"],
            "pending": [
                lk
                for lk in links
                if lk.status == "pending" and lk.expires_at > timezone.now() and lk.code_hash
            ],
            "invite_url": request.build_absolute_uri("/care") if new_code else "",
            # A refused email keeps the code on the page (it is shown once), so the clinician
            # can correct the address and send again.
            "email_code": (
                request.POST.get("code", "")[:20]
                if errors and request.POST.get("action") == "email"
                else ""
            ),
            "email_enabled": mail.email_enabled(),
        },
        status=422 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_page(request: HttpRequest) -> HttpResponse:
    """The person's care team: share with a clinician, redeem an invite, end sharing."""
    if access.role_of(request.user) is Role.CLINICIAN:
        return redirect("clinic_links")
    # a person's page; admins have no care links (404)
    access.authorize(actor=request.user, action=Action.CARE_CODES)
    return _links_page(request, "hipalign/care.html")


@_clinician_only
@require_http_methods(["GET", "POST"])
def links(request: HttpRequest) -> HttpResponse:
    return _links_page(request, "hipalign/clinic_links.html")


# --- one patient -------------------------------------------------------------------------


@_clinician_only
@require_GET
def patient(request: HttpRequest, public_id: str) -> HttpResponse:
    ov = timeline.overview_for(request.user, public_id)
    talk_id = conversations.conversation_with(clinician=request.user, patient_public_id=public_id)
    return render(
        request, "hipalign/clinic_patient.html", {"ov": ov, "pid": public_id, "talk_id": talk_id}
    )


def _number(raw: str) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    # "nan" and "inf" parse as floats but are no measurement.
    return value if math.isfinite(value) else None


def _cell_labels() -> dict[str, str]:
    # As clinic_assessment.html names each cell: "<test>, <measure>[, <side>]".
    out = {}
    for test in CATALOG:
        for m in test.measures:
            for side in ("left", "right") if test.per_side else (None,):
                out[field_path(test.id, side, m.key)] = ", ".join(
                    p for p in (test.name, m.name, side) if p
                )
    return out


# The assessment page's labels, by the field path its problems name.
_ASSESSMENT_LABELS = {
    "performed_on": "Date (YYYY-MM-DD)",
    "method": "Method",
    "pain_during_tests": "Pain during the tests (0-10, optional)",
    "pain_place": "Where the pain was (optional)",
    "notes": "Notes (optional)",
    "cleared_by_clinician": "Cleared to exercise after the warning signs",
    "hip_precautions": "Hip precautions after surgery",
    "postpartum_weeks": "Weeks since giving birth",
    "caesarean": "Birth by caesarean section",
    **_cell_labels(),
}


def _measure_value(m: Any, name: str, raw: str, errors: dict[str, str]) -> tuple[bool, Any]:
    """(kept, value) for one filled cell: a number, yes/no as a bool, or the text as given."""
    if m.kind == "number":
        value = _number(raw)
        if value is None:
            label = _ASSESSMENT_LABELS[name]
            errors[name] = f"{label}: a number is needed; {m.allowed()}"
            return False, None
        return True, value
    if m.kind == "yes_no":
        return True, {"yes": True, "no": False}.get(raw, raw)
    return True, raw


def _assessment_tests(post: Any, errors: dict[str, str]) -> dict[str, Any]:
    """The filled measures per test (and side), blank fields left out."""
    tests: dict[str, Any] = {}
    for test in CATALOG:
        for side in ("left", "right") if test.per_side else (None,):
            for m in test.measures:
                name = field_path(test.id, side, m.key)
                raw = post.get(name, "").strip()[:40]
                if not raw:
                    continue
                kept, value = _measure_value(m, name, raw, errors)
                if not kept:
                    continue
                node = tests.setdefault(test.id, {})
                if side is not None:
                    node = node.setdefault(side, {})
                node[m.key] = value
    return tests


def _whole_or_text(text: str) -> Any:
    number = whole_number(text)
    return number if number is not None else text


def _assessment_decisions(post: Any, doc: dict[str, Any]) -> None:
    """Pain during the tests, clearance, hip precautions and postpartum facts, when given."""
    pain = post.get("pain_during_tests", "").strip()[:40]
    if pain:
        doc["pain_during_tests"] = _whole_or_text(pain)
    cleared = post.get("cleared_by_clinician", "")
    if cleared in ("yes", "no"):
        doc["cleared_by_clinician"] = cleared == "yes"
    if post.get("hip_precautions"):
        doc["hip_precautions"] = post.get("hip_precautions")[:20]
    weeks = post.get("postpartum_weeks", "").strip()[:40]
    if weeks:
        doc["postpartum_weeks"] = _whole_or_text(weeks)
        caesarean = post.get("caesarean", "")
        if caesarean in ("yes", "no"):
            doc["caesarean"] = caesarean == "yes"


def _assessment_doc(post: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The Assessment document from the form (blank fields left out) and the fields that are not
    numbers where a number is needed."""
    errors: dict[str, str] = {}
    tests = _assessment_tests(post, errors)
    doc: dict[str, Any] = {
        "performed_on": post.get("performed_on", "").strip()[:10],
        "method": post.get("method", "in_person")[:20],
        "tests": tests,
        "pain_place": post.get("pain_place", "").strip(),
        "notes": post.get("notes", "").strip(),
    }
    _assessment_decisions(post, doc)
    return doc, errors


def _form_rows(post: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    """The catalog as form rows: per test, per measure, a left and right cell (or one)."""
    out = []
    for test in CATALOG:
        rows = []
        for m in test.measures:
            cells = []
            for side in ("left", "right") if test.per_side else (None,):
                name = field_path(test.id, side, m.key)
                cells.append(
                    {
                        "name": name,
                        "side": side,
                        "value": post.get(name, "") if post else "",
                        "error": errors.get(name, ""),
                    }
                )
            rows.append({"m": m, "cells": cells})
        out.append({"test": test, "rows": rows})
    return out


@_clinician_only
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, public_id: str) -> HttpResponse:
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        doc, errors = _assessment_doc(request.POST)
        raw_version = request.POST.get("plan_version", "")
        if not errors:
            try:
                saved = assessments.assessment_record(
                    request.user,
                    public_id,
                    doc,
                    clock.today(),
                    expected_version=whole_number(raw_version),
                )
            except InputError as exc:
                errors = field_errors(exc.problems, labels=_ASSESSMENT_LABELS)
            except StalePlan as exc:
                errors = {"plan": str(exc)}
                status = 409
            else:
                messages.info(
                    request,
                    f"Assessment saved; plan version {saved.plan.version} was made from it.",
                )
                return redirect("clinic_assessment", public_id=public_id)
        status = status if status != 200 else 422
    form = assessments.assessment_form(request.user, public_id)
    post = request.POST if request.method == "POST" else None
    intake = form.intake
    return render(
        request,
        "hipalign/clinic_assessment.html",
        {
            "f": form,
            "pid": public_id,
            "groups": _form_rows(post, errors),
            "errors": errors,
            "values": post
            or {
                "performed_on": clock.today().isoformat(),
                "cleared_by_clinician": "yes" if intake and intake.cleared_by_clinician else "no",
                "hip_precautions": (intake.hip_precautions or "") if intake else "",
                "method": "in_person",
                "postpartum_weeks": intake.postpartum_weeks if intake else None,
                "caesarean": ("yes" if intake.caesarean else "no") if intake else "",
            },
            "plan_version": request.POST.get("plan_version", form.plan_version)
            if post and status != 409
            else form.plan_version,
        },
        status=status,
    )


# --- timelines ---------------------------------------------------------------------------


def _timeline_page(request: HttpRequest, public_id: str, base: str) -> HttpResponse:
    kinds = [k[:20] for k in request.GET.getlist("kind")][: len(timeline.KINDS)]
    try:
        t = timeline.timeline_for(
            request.user,
            public_id,
            clock.today(),
            kinds=kinds,
            limit=timeline.DEFAULT_LIMIT,
            cursor=request.GET.get("cursor", "")[: timeline.CURSOR_MAX + 1] or None,
        )
    except InputError as exc:
        return render(
            request,
            "hipalign/timeline.html",
            {
                "error": exc.problems[0],
                "base": base,
                "kind_names": timeline.KIND_NAMES,
                "kind_tags": timeline.KIND_TAGS,
            },
            status=422,
        )
    shown = "".join(f"&kind={k}" for k in t.kinds) if len(t.kinds) < len(timeline.KINDS) else ""
    return render(
        request,
        "hipalign/timeline.html",
        {
            "t": t,
            "base": base,
            "pid": public_id,
            "kind_names": timeline.KIND_NAMES,
            "kind_tags": timeline.KIND_TAGS,
            "selected": set(t.kinds) if len(t.kinds) < len(timeline.KINDS) else set(),
            "filter_query": shown,
            "clinic": base.startswith("/clinic/"),
        },
    )


@_clinician_only
@require_GET
def patient_timeline(request: HttpRequest, public_id: str) -> HttpResponse:
    return _timeline_page(request, public_id, f"/clinic/patients/{public_id}/timeline")


@login_required
@require_GET
def my_timeline(request: AuthedRequest) -> HttpResponse:
    """The person's own timeline: the same service, with themself as the actor."""
    own = str(access.profile_of(request.user).public_id)
    return _timeline_page(request, own, "/timeline")


@login_required
@require_http_methods(["GET", "POST"])
def log_delete(request: AuthedRequest, log_id: str) -> HttpResponse:
    """Delete one of the person's own logs, made by mistake: GET asks to confirm, POST deletes.
    Anyone else's log answers 404 and stays."""
    if request.method == "POST":
        logs.log_delete(request.user, log_id=log_id)
        messages.info(request, _("The log was deleted; the dose follows the logs that are left."))
        return redirect("timeline")
    shown = logs.log_get(request.user, log_id=log_id)
    return render(request, "hipalign/log_delete.html", {"log": shown})
