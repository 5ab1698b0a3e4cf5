"""Pages. Each view parses the request, calls one service and renders (DESIGN.md 4)."""

import json
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from hipalign.core.access import Role
from hipalign.core.errors import InputError
from hipalign.core.i18n.languages import LANGUAGE_NAMES
from hipalign.core.library import default_library
from hipalign.core.posture.views import rules_document as posture_rules_document
from hipalign.core.progression import STOPPED_TEXT
from hipalign.core.screening.catalog import (
    QUESTIONS,
    STOP_LEVELS,
    STOP_QUESTION_IDS,
    stops_at_once,
)
from hipalign.services.followup import habits, outcome_records, outcomes, progress
from hipalign.services.identity import accounts
from hipalign.services.kernel import languages, time_zones
from hipalign.services.kernel.access import NotFound, role_of
from hipalign.services.kernel.jobs import jobs_inline
from hipalign.services.library import anatomy, clinic_media, demos, education
from hipalign.services.posture import uploads as posture_uploads
from hipalign.services.program import (
    checkins,
    doses,
    plan_words,
    planning,
    plans,
    recording,
    safety,
    targets,
)
from hipalign.services.program import plan_view as plan_views
from hipalign.services.program.plan_view import PlanView
from hipalign.services.program.today import Today, session_today
from hipalign.web import charts, clock, coach, plan_cache, player_words, pose_assets
from hipalign.web.edge import (
    AuthedRequest,
    add_form_errors,
    form_labels,
    labelled_problem,
    problem_words,
)
from hipalign.web.files import file_response
from hipalign.web.forms import (
    CheckInForm,
    DeleteAccountForm,
    LanguageForm,
    OnboardingForm,
    SignupForm,
    TimeZoneForm,
    whole_number,
)

# The form fields whose yes stops the onboarding or check-in at once (read by stop.js).
STOP_NAMES = " ".join(f"q_{q}" for q in sorted(STOP_QUESTION_IDS))


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
    except Exception:  # the reason goes to the log, not to an unauthenticated caller
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database takes a write (rolled back) and the data folder has
    room. 503 with a short reason code (low_disk_space, database_not_writable, ...)."""
    from hipalign.services.ops.health import readiness_check

    check = readiness_check(
        data_dir=Path(settings.DATA_DIR),
        min_free_bytes=settings.READY_MIN_FREE_BYTES,
        now=timezone.now(),
    )
    if not check.ready:
        return JsonResponse({"status": "unavailable", "reason": check.reason}, status=503)
    return JsonResponse({"status": "ready"})


def home(request: HttpRequest) -> HttpResponse:
    if accounts.account_first_run():
        return redirect("setup")
    if not request.user.is_authenticated:
        return redirect("login")
    if role_of(request.user) is Role.CLINICIAN:
        return redirect("clinic_patients")
    if plans.plan_current(request.user) is None:
        return redirect("onboarding")
    return redirect("today")


def _account_form(request: HttpRequest, template: str, *, admin: bool) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.account_create(
                form.cleaned_data["username"], form.cleaned_data["password"], admin=admin
            )
        except InputError as exc:
            add_form_errors(form, exc.problems)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("onboarding")
    return render(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """First run: the first account, which also administers this install."""
    if not accounts.account_first_run():
        return redirect("home")
    return _account_form(request, "hipalign/setup.html", admin=True)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if accounts.account_first_run():
        return redirect("setup")
    return _account_form(request, "hipalign/signup.html", admin=False)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        password = request.POST.get("password", "")[:256]
        # request= lets django-axes count failures; form and API share one counter.
        user = authenticate(request, username=username, password=password)
        if user is not None:
            login(request, user)
            nxt = request.POST.get("next", "")
            return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "home")
        # One message for unknown user and wrong password: no account enumeration (ASVS 6.3.8).
        error = _("That username and password do not match an account.")
    return render(
        request, "hipalign/login.html", {"error": error, "next": request.GET.get("next", "")}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def _onboarding_safety_step(
    request: AuthedRequest, initial: dict[str, Any] | None, current: object
) -> HttpResponse | None:
    """The safety answers posted first: a stop now, the page again, or None to go on."""
    answers = _safety_answers(request.POST)
    if stops_at_once(answers):
        # At once: the rest of the form is neither checked nor needed (issue 14 item 4).
        safety.safety_stop_record(request.user, answers, clock.today())
        return redirect("onboarding_stop")
    if request.POST.get("stop") != "safety":
        return None
    # The no-script "stop here" button, pressed with no answer that needs care now:
    # the person goes on with the form, their answers kept and nothing refused yet.
    form = OnboardingForm(initial={**(initial or {}), **_safety_initial(request.POST)})
    messages.info(
        request,
        _(
            "None of your answers so far needs care straight away. "
            "Please answer every safety question and go on with the next steps."
        ),
    )
    return _onboarding_page(
        request,
        form,
        current,
        _zone_form(request, bound=False),
        language_form=_language_form(request, bound=False),
    )


def _posted_zone(request: AuthedRequest, zone_form: TimeZoneForm, form: OnboardingForm) -> str:
    """The time zone chosen in the posted form ("" for none); an unknown one is refused."""
    if request.method != "POST" or not zone_form.is_valid():
        return ""
    zone: str = zone_form.cleaned_data["time_zone"].strip()
    if zone and zone not in time_zones.time_zone_names():
        problem = _("%(label)s: choose one from the list, such as Europe/Berlin") % {
            "label": _("Time zone")
        }
        zone_form.add_error("time_zone", problem)
        form.add_error(None, problem)  # refused before anything is stored
    return zone


def _posted_language(
    request: AuthedRequest, language_form: LanguageForm, form: OnboardingForm
) -> str:
    """The language chosen in the posted form ("" for none); one not offered is refused."""
    if request.method != "POST" or not language_form.is_valid():
        return ""
    language: str = language_form.cleaned_data["language"].strip()
    if language and language not in languages.languages_offered():
        problem = _("%(label)s: choose one of the languages in the list") % {
            "label": languages.label()
        }
        language_form.add_error("language", problem)
        form.add_error(None, problem)  # refused before anything is stored
    return language


def _onboarding_submit(
    request: AuthedRequest,
    form: OnboardingForm,
    doc: dict[str, Any],
    version: int,
    zone: str,
    language: str,
) -> HttpResponse | int:
    """Store the settings and the intake: the plan page, or the plan version to show again."""
    if language:
        languages.language_set(request.user, language=language)
    if zone:
        # Before the plan, so its first day is counted in the person's own zone.
        time_zones.time_zone_set(request.user, zone=zone)
        timezone.activate(ZoneInfo(zone))
    try:
        plans.intake_submit(request.user, doc, clock.today(), expected_version=version)
    except InputError as exc:
        for p in exc.problems:
            form.add_error(None, p)
    except plans.StalePlan as exc:
        form.add_error(
            None,
            _("%(problem)s Your answers are kept below: check the new plan, then send them again.")
            % {"problem": exc},
        )
        return plans.plan_version_now(request.user)
    else:
        return redirect("plan")
    return version


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request: AuthedRequest) -> HttpResponse:
    current = plans.intake_current(request.user)
    initial = (
        OnboardingForm.initial_from(current.model_dump(mode="json", by_alias=True))
        if current
        else None
    )
    if request.method == "POST":
        early = _onboarding_safety_step(request, initial, current)
        if early is not None:
            return early
    form = OnboardingForm(request.POST or None, initial=initial)
    zone_form = _zone_form(request, bound=request.method == "POST")
    zone = _posted_zone(request, zone_form, form)
    language_form = _language_form(request, bound=request.method == "POST")
    language = _posted_language(request, language_form, form)
    doc = form.to_intake() if request.method == "POST" and form.is_valid() else None
    # The plan version this form was opened on: a clinician's edit made meanwhile is not
    # silently replaced (optimistic locking, issue 5); the answers stay in the form.
    seen = request.POST.get("plan_version", "") if request.method == "POST" else ""
    version = whole_number(seen)
    if version is None:
        version = plans.plan_version_now(request.user)
    if doc is not None and not form.errors:
        submitted = _onboarding_submit(request, form, doc, version, zone, language)
        if isinstance(submitted, HttpResponse):
            return submitted
        version = submitted
    return _onboarding_page(request, form, current, zone_form, version, language_form)


def _language_form(request: HttpRequest, *, bound: bool) -> LanguageForm:
    # The initial choice is the language the page is in: the stored one, else the browser's.
    return LanguageForm(
        request.POST if bound else None,
        initial={"language": translation.get_language() or "en"},
    )


def _zone_form(request: AuthedRequest, *, bound: bool) -> TimeZoneForm:
    zone_form = TimeZoneForm(
        request.POST if bound else None,
        initial={"time_zone": time_zones.time_zone_of(request.user)},
    )
    zone_form.chosen = _zone_chosen(request)  # type: ignore[attr-defined]
    return zone_form


def _onboarding_page(
    request: AuthedRequest,
    form: OnboardingForm,
    current: object,
    zone_form: TimeZoneForm,
    version: int | None = None,
    language_form: LanguageForm | None = None,
) -> HttpResponse:
    if version is None:
        version = plans.plan_version_now(request.user)
    steps = [(sid, title, [form[f] for f in fields]) for sid, title, fields in form.steps()]
    plan = plans.plan_current(request.user)
    return render(
        request,
        "hipalign/onboarding.html",
        {
            "form": form,
            "steps": steps,
            "changing": current is not None,
            "plan_version": version,
            "prescribed": plan is not None and plan.author_role == "clinician",
            "zone_form": zone_form,
            "language_form": language_form or _language_form(request, bound=False),
            # The names of the questions whose yes stops the form (wizard.js, checkin.js).
            "stop_names": STOP_NAMES,
        },
    )


def _safety_answers(post: Any) -> dict[str, bool]:
    """The safety questions answered in a posted form: question id -> yes. A question without
    an answer (not reached yet) or with anything but yes or no is left out."""
    out: dict[str, bool] = {}
    for q in QUESTIONS:
        value = post.get(f"q_{q.id}", "")
        if value in ("yes", "no"):
            out[q.id] = value == "yes"
    return out


def _safety_initial(post: Any) -> dict[str, str]:
    return {f"q_{q}": "yes" if yes else "no" for q, yes in _safety_answers(post).items()}


def _stop_page(request: HttpRequest, card: safety.SafetyCard) -> HttpResponse:
    return render(request, "hipalign/stop.html", {"card": card})


@login_required
@require_GET
def onboarding_stop(request: AuthedRequest) -> HttpResponse:
    """Where a stopped onboarding lands: the card alone, titled for what it is."""
    card = safety.safety_card(request.user)
    if card is None:
        return redirect("home")
    return _stop_page(request, card)


def _zone_chosen(request: AuthedRequest) -> bool:
    """Whether the person chose a zone already; if not, the page proposes the browser's."""
    return time_zones.time_zone_chosen(request.user)


def _side_of(sides: Any) -> str:
    """The side a figure shows: the first side worked (the weaker one leads), else right."""
    return next((s.side for s in sides if getattr(s, "side", None)), "right")


def _card_figures(items_now: Any) -> dict[str, dict[str, Any]]:
    """Each plan card's figure: the end position inline, and where the moving figure is
    fetched from on a tap (the page stays small: the animations are most of a figure's bytes).
    The markup is drawn by our own code from data (text escaped), so it is marked safe."""
    language = translation.get_language() or "en"
    out = {}
    for ex_id, item in items_now.items():
        side: Literal["left", "right"] = "left" if _side_of(item.sides) == "left" else "right"
        out[ex_id] = {
            "side": side,
            "still": mark_safe(
                demos.demo_card_still(exercise_id=ex_id, side=side, language=language)
            ),
            "moving_url": reverse("exercise_figure", args=[ex_id, side])
            + "?"
            + urlencode({"lang": language}),
        }
    return out


def _plan_context(view: PlanView) -> dict[str, Any]:
    def body() -> str:
        context = {
            "rec": view.rec,
            "doc": view.doc,
            "items_now": view.items,
            "figures": _card_figures(view.items),
            "is_current": view.is_current,
        }
        return render_to_string("hipalign/_plan_body.html", context)

    return {
        "rec": view.rec,
        "is_current": view.is_current,
        "body": plan_cache.plan_body(view.rec, view.is_current, view.items, body),
    }


@login_required
@require_GET
def plan(request: AuthedRequest) -> HttpResponse:
    rec = plans.plan_current(request.user)
    if rec is None:
        card = safety.safety_card(request.user)
        return _stop_page(request, card) if card else redirect("onboarding")
    doc = plans.plan_document(rec)
    if doc.plan is None and doc.referral.level in STOP_LEVELS:
        # A plan withheld for a warning sign that needs care now is no plan: the card alone.
        return _stop_page(request, safety.SafetyCard(doc.referral, "plan", rec.starts_on))
    view = plan_views.plan_view_of(
        request.user, rec, current=rec, language=languages.language_active()
    )
    return render(request, "hipalign/plan.html", _plan_context(view))


@login_required
@require_GET
def plan_detail(request: AuthedRequest, plan_id: str) -> HttpResponse:
    rec = plans.plan_get(request.user, plan_id)
    current = plans.plan_current(request.user)
    view = plan_views.plan_view_of(
        request.user, rec, current=current, language=languages.language_active()
    )
    return render(request, "hipalign/plan.html", _plan_context(view))


@login_required
@require_GET
def plan_history(request: AuthedRequest) -> HttpResponse:
    versions = plans.plan_history(request.user)
    return render(request, "hipalign/plan_history.html", {"plans": versions})


@login_required
@require_GET
def exercise(request: AuthedRequest, exercise_id: str) -> HttpResponse:
    return _exercise_page(request, exercise_id)


def _exercise_page(
    request: AuthedRequest,
    exercise_id: str,
    *,
    media_error: str = "",
    caption_error: str = "",
    caption: str = "",
    status: int = 200,
) -> HttpResponse:
    language = languages.language_active()
    try:
        ex = planning.library_get(exercise_id, language=language)
    except InputError as exc:
        raise Http404 from exc
    # Issue 14.8: a person with a plan sees their own dose of this exercise (today's, per side)
    # and a way back; anyone else, or an exercise not in the plan, the library's starting dose.
    rec = plans.plan_current(request.user)
    doc = plans.plan_document(rec) if rec is not None else None
    mine = (
        doses.plan_items_now(request.user, doc, language=language).get(ex.id)
        if doc is not None and doc.plan is not None
        else None
    )
    # The figure shows the side asked for, else the person's leading side, else the right.
    asked = request.GET.get("side")
    side: Literal["left", "right"] = (
        asked if asked in ("left", "right") else (_side_of(mine.sides) if mine else "right")  # type: ignore[assignment]
    )
    fig = demos.demo_page(exercise_id=ex.id, side=side, language=language)
    # The figure is drawn by our own code from data, its text escaped: safe to place as markup.
    fig["moving"] = mark_safe(fig["moving"])
    fig["stills"] = [dict(k, svg=mark_safe(k["svg"])) for k in fig["stills"]]
    return render(
        request,
        "hipalign/exercise.html",
        {
            "ex": ex,
            "mine": mine,
            "has_plan": doc is not None and doc.plan is not None,
            "fig": fig,
            # Issue 16: the clinic's own photos and videos beside the drawing.
            "media": clinic_media.media_for_exercise(actor=request.user, exercise_id=ex.id),
            "media_error": media_error,
            "caption_error": caption_error,
            "caption": caption,  # what a refused form held, given back
            "max_caption": clinic_media.MAX_CAPTION,
            "may_add_media": role_of(request.user) == "clinician",
        },
        status=status,
    )


@login_required
@require_POST
def exercise_media_add(request: AuthedRequest, exercise_id: str) -> HttpResponse:
    """A clinician adds their clinic's photo or video; anyone else gets 404."""
    f = request.FILES.get("media")
    caption = request.POST.get("caption", "")
    try:
        clinic_media.media_add(
            actor=request.user,
            exercise_id=exercise_id,
            size=(f.size or 0) if f is not None else 0,
            chunks=f.chunks() if f is not None else [],
            caption=caption,
        )
    except InputError as exc:
        # The message goes under the field it names (its label), the caption typed is kept.
        on_caption = exc.what == clinic_media.CAPTION
        return _exercise_page(
            request,
            exercise_id,
            media_error="" if on_caption else exc.problems[0],
            caption_error=exc.problems[0] if on_caption else "",
            caption=caption[: clinic_media.MAX_CAPTION * 2],
            status=422,
        )
    messages.success(request, _("Added: your patients now see it beside the drawing."))
    return redirect("exercise", exercise_id=exercise_id)


@login_required
@require_GET
def exercise_media_file(request: HttpRequest, exercise_id: str, media_id: str) -> HttpResponseBase:
    """The file, to its clinic and the people linked to it only (404 to anyone else)."""
    fh, content_type = clinic_media.media_open(
        actor=request.user, exercise_id=exercise_id, media_id=media_id
    )
    # Byte ranges: a video player seeks by asking for parts of the file (web/files.py).
    response = file_response(request, fh, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_safe
def exercise_figure(request: HttpRequest, exercise_id: str, side: str) -> HttpResponseBase:
    """A plan card's moving figure, fetched when the person taps play. The same drawing for
    everyone (library data, nothing of the person), so the browser may keep it: a day, then
    revalidated by its ETag (304, no body)."""
    from django.utils.cache import get_conditional_response

    language = request.GET.get("lang") or translation.get_language() or "en"
    if language not in LANGUAGE_NAMES:  # what the page asked for, or the source language
        language = "en"
    if side not in ("left", "right"):
        raise Http404
    try:
        svg, digest = demos.demo_card_animation(
            exercise_id=exercise_id,
            side="left" if side == "left" else "right",
            language=language,
        )
    except InputError:
        raise Http404 from None
    etag = f'"{digest}"'
    cache_control = "private, max-age=86400"
    unchanged = get_conditional_response(request, etag=etag)
    if unchanged is not None:  # 304: the browser's copy is this drawing (RFC 9110 15.4.5)
        unchanged["ETag"] = etag
        unchanged["Cache-Control"] = cache_control
        return unchanged
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


@login_required
@require_POST
def exercise_media_remove(request: HttpRequest, exercise_id: str, media_id: str) -> HttpResponse:
    clinic_media.media_remove(actor=request.user, exercise_id=exercise_id, media_id=media_id)
    messages.success(request, _("Removed: your patients no longer see it."))
    return redirect("exercise", exercise_id=exercise_id)


def _minute_now() -> int:
    now = timezone.localtime()
    return now.hour * 60 + now.minute


@login_required
@require_GET
def learn(request: AuthedRequest) -> HttpResponse:
    rec = plans.plan_current(request.user)
    mine = plans.plan_document(rec).lessons if rec else []
    lessons = education.lesson_list(language=languages.language_active())
    # The plan stored its picks' titles in English; each is shown by its lesson's own title.
    titles = {lesson.id: lesson.title for lesson in lessons}
    picked = [
        {"id": m.id, "title": titles.get(m.id, m.title), "reason": plan_words.text_words(m.reason)}
        for m in mine
    ]
    return render(request, "hipalign/learn.html", {"lessons": lessons, "mine": picked})


@login_required
@require_GET
def lesson(request: AuthedRequest, lesson_id: str) -> HttpResponse:
    try:
        found = education.lesson_get(lesson_id, language=languages.language_active())
    except InputError as exc:
        raise Http404 from exc
    diagram = None
    if found.id == "how_the_hip_works":  # the labelled pelvis, hip joint and muscles (issue 16)
        muscles = targets.plan_muscles(request.user)
        svg, mine = anatomy.hip_diagram(muscles=muscles, language=languages.language_active())
        diagram = {"svg": mark_safe(svg), "mine": mine}  # our own drawing, labels escaped
    return render(request, "hipalign/lesson.html", {"lesson": found, "diagram": diagram})


@login_required
@require_POST
def habit_check(request: AuthedRequest) -> HttpResponse:
    try:
        habits.habit_check(
            request.user,
            request.POST.get("plan_id", ""),
            request.POST.get("item_id", "")[:40],
            request.POST.get("slot", "")[:5],
            clock.today(),
        )
    except InputError as exc:
        return HttpResponse(exc.message, status=422, content_type="text/plain")
    return render(
        request,
        "hipalign/_habits.html",
        {
            "habits": habits.habits_today(request.user, clock.today()),
            "plan_id": request.POST.get("plan_id"),
        },
    )


def _outbox_key(user_pk: object) -> str:
    """The name of this account's offline outbox in the browser (player.js keys its storage by
    it): stable per account, so logs kept before a logout are sent after the same person logs in
    again, and never by another account on that browser; an HMAC, so it tells nothing about the
    account and cannot be guessed for another one."""
    return salted_hmac("hipalign.player.outbox", str(user_pk), algorithm="sha256").hexdigest()[:32]


def _player_data(request: AuthedRequest, t: Today) -> dict[str, Any] | None:
    """The session player's data (None without a session today): where it keeps its outbox,
    the log's keys, the coach's rules, the worded script and each exercise's doses now."""
    if t.script is None or t.day is None:
        return None
    return {
        "outbox": _outbox_key(request.user.pk),
        "plan_id": str(t.plan.id),
        "day": t.day.day,
        "session": t.day.session,
        "performed_on": clock.today().isoformat(),
        "speedup": settings.PLAYER_SPEEDUP,
        "coach": coach.player_coach({n.exercise.id: n.exercise.dose.rep_s for n in t.items}),
        "script": player_words.worded_script(
            t.script.model_dump(mode="json", by_alias=True),
            t.items,
            languages.language_active(),
        ),
        "exercises": [
            {
                "id": n.exercise.id,
                "name": n.exercise.name,
                "kind": n.exercise.dose.kind,
                "sides": [
                    {
                        "side": s.side,
                        "rung": s.rung,
                        "sets": s.sets,
                        "reps": s.reps,
                        "hold_s": s.hold_s,
                    }
                    for s in n.sides
                ],
            }
            for n in t.items
        ],
    }


def _player_pictures(
    request: AuthedRequest, t: Today
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """(the player's figures, one per exercise and side timed to the dose; the clinic's own
    photo or video of an exercise, shown in place of the drawing: issue 16)."""
    side_doses = [(n.exercise.id, s.side or "right", s.hold_s) for n in t.items for s in n.sides]
    figures = [
        dict(f, svg=mark_safe(f["svg"]), still=mark_safe(f["still"]))
        # drawn by our code, text escaped
        for f in demos.demo_player_figures(doses=side_doses, language=languages.language_active())
    ]
    names = {n.exercise.id: n.exercise.name for n in t.items}
    media = [
        {
            "exercise_id": ex_id,
            "name": names[ex_id],
            "kind": m.kind,
            "url": m.url,
            "caption": m.caption,
        }
        for ex_id, m in clinic_media.media_first_of_exercises(
            actor=request.user, exercise_ids=list(names)
        ).items()
    ]
    return figures, media


@login_required
@require_GET
@csp_override(coach.POSE_CSP)  # the camera coach's wasm (web/coach.py)
def today(request: AuthedRequest) -> HttpResponse:
    t = session_today(request.user, clock.today(), language=languages.language_active())
    # From the check-in and plan Today has read (tests/web/test_today_queries.py).
    card = (
        safety.safety_card(request.user)
        if t is None
        else safety.safety_card_of(request.user, last_checkin=t.last_checkin, plan=t.plan)
    )
    if card is not None:
        # Until a check-in (or new answers) clears it, Today is the card and nothing else: no
        # session, habits or reminders while care is needed first.
        return render(
            request, "hipalign/today.html", {"card": card, "t": t, "today_date": clock.today()}
        )
    if t is None:
        return redirect("onboarding")
    player = _player_data(request, t)
    habits_now = habits.habits_of_plan(request.user, t.plan, clock.today())
    outcomes = outcome_records.outcomes_state(t.plan, t.episode, clock.today())
    figures, player_media = _player_pictures(request, t) if player is not None else ([], [])
    return render(
        request,
        "hipalign/today.html",
        {
            "t": t,
            "player": player,
            "player_figures": figures,
            "player_media": player_media,
            "player_timing": {f["key"]: f["timing"] for f in figures},
            "checkin_due": t.checkin_due,
            "baseline_missing": outcomes.baseline_missing,
            # The plan Today was built from, read once for the whole page (issue 15).
            "habits": habits_now,
            "reminder": habits.reminder_of_today(
                t=t,
                habits=habits_now,
                scores_due=outcomes.due,
                today=clock.today(),
                minute_of_day=_minute_now(),
            ),
            "plan_id": str(t.plan.id),
            "checkin_alert": t.checkin_alert,
            "today_date": clock.today(),
            "stopped_text": STOPPED_TEXT,
        },
    )


@login_required
@require_POST
def next_morning(request: AuthedRequest, session_id: str) -> HttpResponse:
    try:
        pain = int(request.POST.get("pain_next_morning", "")[:3])
    except ValueError:
        pain = -1
    try:
        decisions = recording.next_morning_record(request.user, session_id, pain)
    except InputError as exc:
        labels = {"pain_next_morning": _("Pain this morning")}
        return render(
            request,
            "hipalign/_next_morning.html",
            {"error": problem_words(exc.problems, labels=labels), "session_id": session_id},
            status=422,
        )
    return render(
        request,
        "hipalign/_next_morning_done.html",
        {"decisions": decisions, "lib": default_library(languages.language_active())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: AuthedRequest) -> HttpResponse:
    carried = checkins.checkin_carried_over(request.user)
    form = CheckInForm(request.POST or None, carried=carried)
    referral = None
    if request.method == "POST" and not form.is_valid():
        answers = _safety_answers(request.POST)
        if stops_at_once(answers):
            # A yes that needs care now ends the check-in at once, like the onboarding: the
            # answers so far are kept as a stop, and nothing else is asked (issue 14 item 4).
            stopped = safety.safety_stop_record(request.user, answers, clock.today())
            return _stop_page(request, safety.SafetyCard(stopped, "checkin", clock.today()))
    if request.method == "POST" and form.is_valid():
        try:
            _checkin, referral = checkins.checkin_record(
                request.user,
                form.answers(),
                form.cleaned_data["pain_now"],
                form.cleaned_data["pain_worst_week"],
                clock.today(),
            )
        except InputError as exc:
            form.add_error(None, problem_words(exc.problems, labels=form_labels(form)))
    if referral is not None and referral.level in STOP_LEVELS:
        return _stop_page(request, safety.SafetyCard(referral, "checkin", clock.today()))
    return render(
        request,
        "hipalign/checkin.html",
        {
            "form": form,
            "referral": referral,
            "questions": QUESTIONS,
            "stop_names": STOP_NAMES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcomes_page(request: AuthedRequest, measure: str = "") -> HttpResponse:
    error = ""
    status = 200
    if request.method == "POST":
        try:
            outcome_records.outcome_form_record(
                user=request.user,
                measure_id=measure,
                posted=request.POST.dict(),
                today=clock.today(),
            )
        except InputError as exc:
            error, status = exc.message, 422
        else:
            messages.info(request, _("Saved."))
            return redirect("outcomes")
    summary = outcome_records.outcomes_summary(request.user, clock.today())
    # Questionnaires without wording are no cards for a person (issue 14.11): a short note
    # names them, and the admin, who runs the install, is told what is missing and why.
    missing = outcomes.measures_not_installed()
    shown = [v for v in summary.views if v.measure.id not in {m.id for m in missing}]
    return render(
        request,
        "hipalign/outcomes.html",
        {
            "o": summary,
            "shown": shown,
            "missing": missing,
            "missing_names": ", ".join(m.name for m in missing),
            "error": error,
            "failed": measure,
        },
        status=status,
    )


@login_required
@require_GET
def report(request: AuthedRequest) -> HttpResponse:
    """A progress report to print or save as PDF and bring to a professional."""
    rec = plans.plan_current(request.user)
    if rec is None:
        return redirect("onboarding")
    p = progress.progress_summary(request.user, clock.today())
    return render(
        request,
        "hipalign/report.html",
        {
            "rec": rec,
            "doc": plans.plan_document(rec),
            # The exercises' names in the reader's words, as on the plan page.
            "names": {
                ex.id: ex.name for ex in planning.library_list(language=languages.language_active())
            },
            "p": p,
            "o": outcome_records.outcomes_summary(request.user, clock.today()),
            "today_date": clock.today(),
            "adherence_svg": charts.adherence(p.weeks),
            "pain_svg": charts.pain_trend(p.pain) if p.pain else None,
            "postures": [
                v
                for v in posture_uploads.upload_list(request.user)
                if v.result is not None and v.result.status == "ok"
            ],
        },
    )


def _posture_labels() -> dict[str, str]:
    """The posture page's names for a refused upload's fields, in the page's language."""
    return {
        "file": _("Photo or clip"),
        "(upload)": _("This measurement"),
        "(intake)": _("Your answers"),
    }


@login_required
@require_http_methods(["GET", "POST"])
@csp_override(coach.POSE_CSP)  # measuring on the device runs the model's wasm (issue 17)
def posture_page(request: AuthedRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        f = request.FILES.get("file")
        if f is None:
            error, status = (
                problem_words(
                    ["file: " + _("choose a photo or a short clip")], labels=_posture_labels()
                ),
                422,
            )
        else:
            try:
                posture_uploads.upload_store(
                    request.user,
                    f.name or "",
                    f.size or 0,
                    f.chunks(),
                    request.POST.get("keep") == "on",
                )
            except InputError as exc:
                error, status = problem_words(exc.problems, labels=_posture_labels()), 422
            else:
                return redirect("posture")
    return render(
        request,
        "hipalign/posture.html",
        {
            "views": posture_uploads.upload_list(request.user),
            "available": posture_uploads.vision_available(),
            "error": error,
            "inline": jobs_inline(),
            # Issue 17: the pose model in the page, with the core's rules as data.
            "device": pose_assets.verify().ok,
            "posture_rules": posture_rules_document(),
        },
        status=status,
    )


@login_required
@require_GET
def posture_overlay(request: AuthedRequest, upload_id: str) -> HttpResponseBase:
    from django.http import FileResponse

    try:
        picture = posture_uploads.overlay_open(request.user, upload_id)
    except (NotFound, FileNotFoundError) as exc:
        raise Http404 from exc
    response = FileResponse(picture, content_type="image/png")
    response["Content-Disposition"] = 'inline; filename="posture.png"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_POST
def posture_use(request: AuthedRequest, upload_id: str) -> HttpResponse:
    try:
        posture_uploads.upload_to_intake(request.user, upload_id, clock.today())
    except InputError as exc:
        messages.error(request, problem_words(exc.problems, labels=_posture_labels()))
        return redirect("posture")
    messages.info(
        request, _("Added to your answers as a photo measurement; your plan was made again.")
    )
    return redirect("plan")


@login_required
@require_POST
def posture_delete(request: AuthedRequest, upload_id: str) -> HttpResponse:
    posture_uploads.upload_delete(request.user, upload_id)
    return redirect("posture")


@login_required
@require_GET
def progress_page(request: AuthedRequest) -> HttpResponse:
    p = progress.progress_summary(request.user, clock.today())
    return render(
        request,
        "hipalign/progress.html",
        {
            "p": p,
            "adherence_svg": charts.adherence(p.weeks),
            "habits_svg": charts.adherence(
                p.habit_weeks, what="habits", title=_("Daily habits ticked off per week")
            )
            if any(w.planned for w in p.habit_weeks)
            else None,
            "pain_svg": charts.pain_trend(p.pain),
            "side_charts": [(s, charts.side_series(s)) for s in p.sides],
            "o": outcome_records.outcomes_summary(request.user, clock.today()),
            "posture": next(
                (v for v in posture_uploads.upload_list(request.user) if v.result is not None),
                None,
            ),
        },
    )


def _account_refused(
    request: HttpRequest, *, zone_form: TimeZoneForm, language_form: LanguageForm
) -> HttpResponse:
    """The Account page again with the refused form's errors (422): nothing was saved."""
    return render(
        request,
        "hipalign/account.html",
        {"form": DeleteAccountForm(), "zone_form": zone_form, "language_form": language_form},
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account(request: AuthedRequest) -> HttpResponse:
    zone_form = TimeZoneForm(initial={"time_zone": time_zones.time_zone_of(request.user)})
    zone_form.chosen = _zone_chosen(request)  # type: ignore[attr-defined]
    language_form = _language_form(request, bound=False)
    if request.method == "POST" and request.POST.get("form") == "language":
        language_form = _language_form(request, bound=True)
        if language_form.is_valid():
            try:
                code = languages.language_set(
                    request.user,
                    language=language_form.cleaned_data["language"],
                )
            except InputError as exc:
                language_form.add_error("language", exc.problems[0])
            else:
                # The confirmation is already in the language just chosen.
                translation.activate(code)
                messages.info(request, _("Language saved."))
                return redirect("account")
        return _account_refused(request, zone_form=zone_form, language_form=language_form)
    if request.method == "POST" and request.POST.get("form") == "time_zone":
        zone_form = TimeZoneForm(request.POST)
        zone_form.chosen = True  # type: ignore[attr-defined]
        if zone_form.is_valid():
            try:
                time_zones.time_zone_set(request.user, zone=zone_form.cleaned_data["time_zone"])
            except InputError as exc:
                zone_form.add_error(
                    "time_zone",
                    labelled_problem(exc.problems[0], {time_zones.LABEL: _("Time zone")})[1],
                )
            else:
                messages.info(request, _("Time zone saved."))
                return redirect("account")
        return _account_refused(request, zone_form=zone_form, language_form=language_form)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.account_delete(request.user, form.cleaned_data["password"])
        except InputError as exc:
            add_form_errors(form, exc.problems)
        else:
            logout(request)
            messages.info(request, _("Your account and all its data were deleted."))
            return redirect("login")
    from hipalign.services.identity import sessions, tokens

    return render(
        request,
        "hipalign/account.html",
        {
            "form": form,
            "zone_form": zone_form,
            "language_form": language_form,
            "sessions": sessions.sessions_list(
                request.user, current_key=request.session.session_key, now=timezone.now()
            ),
            "tokens": [t for t in tokens.api_tokens_list(request.user) if t.revoked_at is None],
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def account_export(request: AuthedRequest) -> HttpResponse:
    from hipalign.web.views_exports import export_lease_busy  # that module imports this one

    with export_lease_busy(request.user) as busy:
        if busy is not None:
            return busy
        doc = accounts.account_export(request.user)
        response = HttpResponse(json.dumps(doc, indent=2), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="hipalign-export.json"'
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so its scope covers the player page (offline once loaded)."""
    from importlib import resources

    js = (resources.files("hipalign.web") / "static" / "hipalign" / "js" / "sw.js").read_text()
    response = HttpResponse(js, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


# The web app manifest (W3C Web Application Manifest): name, icons, colours and start URL let a
# browser install hipalign like an app. The icons ship with the install; the scope matches the
# service worker's (/), so an installed app opens /today with its offline player.
MANIFEST = {
    "name": "hipalign",
    "short_name": "hipalign",
    "description": "Your hip exercise plan, sessions and progress.",
    "start_url": "/today",
    "scope": "/",
    "display": "standalone",
    "background_color": "#f7f8fa",
    "theme_color": "#0b5fa5",
    "icons": [
        {"src": "/static/hipalign/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/hipalign/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/hipalign/icon-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": "/static/hipalign/icon.svg", "sizes": "any", "type": "image/svg+xml"},
    ],
}


def manifest(request: HttpRequest) -> HttpResponse:
    """The same document for everyone: it names no person and no data."""
    response = JsonResponse(MANIFEST, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
