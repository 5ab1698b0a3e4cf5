"""Clinician pages: the patient list and the prescription editor (issue 5).

Parse, call one service, render. Anything not the clinician's answers 404, like a record that
does not exist (services.access)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from hipalign.core.errors import InputError
from hipalign.core.vocab import WEEKDAYS
from hipalign.services.care import clinic, prescribe
from hipalign.services.kernel import languages
from hipalign.services.library import clinic_media, demos
from hipalign.services.program.plans import StalePlan
from hipalign.web import clock
from hipalign.web.edge import field_errors, problem_parts
from hipalign.web.forms import whole_number

PAGE_SIZE = 50  # the most pressing first; a clinic of 1,000 pages through the rest
ADD_ROWS = 3  # blank rows for new exercises on each save
MAX_ROWS = 40  # a form with more rows than this is refused before parsing


@login_required
@require_GET
def patients(request: HttpRequest) -> HttpResponse:
    rows = clinic.patients_attention(request.user, clock.today())
    query = request.GET.get("q", "")[:60]
    page = Paginator(clinic.patients_filter(rows, query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "hipalign/clinic_patients.html",
        {
            "rows": page.object_list,
            "page": page,
            "total": len(rows),
            "flagged": sum(1 for r in rows if r.flags),
            "query": query,
        },
    )


def _int(form: QueryDict, key: str, where: str, problems: list[str]) -> int | None:
    raw = form.get(key, "").strip()
    if raw == "":
        return 0 if key.endswith("hold_s") else None
    number = whole_number(raw)
    if number is None:
        problems.append(f"{where}: give a whole number (got {raw[:10]!r})")
    return number


def _rows_from(form: QueryDict) -> tuple[list[dict[str, Any]], list[str]]:
    """The editor's rows as typed (kept on any error, so nothing entered is lost), and the
    problems of form fields that are not numbers."""
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    try:
        count = min(int(form.get("rows", "0")), MAX_ROWS)
    except ValueError:
        count = 0
    for n in range(count):
        p = f"item-{n}-"
        exercise = form.get(p + "exercise", "").strip()
        row: dict[str, Any] = {
            "n": n,
            "exercise": exercise,
            "side": form.get(p + "side", "") or None,
            "days": [d for d in form.getlist(p + "days") if d in WEEKDAYS],
            "override_reason": form.get(p + "override_reason", "").strip() or None,
            "remove": form.get(p + "remove") == "on",
            "new": form.get(p + "new") == "1",
        }
        for key in ("sets", "reps", "hold_s"):
            row[key] = form.get(p + key, "")
            if exercise and not row["remove"]:
                row[key + "_value"] = _int(form, p + key, f"items[{n}].{key}", problems)
        rows.append(row)
    return rows, problems


# The editor's labels for an item's fields, as the page shows them (clinic_plan.html).
_ITEM_LABELS = {
    "exercise": "Exercise",
    "side": "Side",
    "sets": "Sets",
    "reps": "Reps",
    "hold_s": "Hold (s)",
    "days": "Days",
    "override_reason": "Reason to override a safety rule",
}


def _problem_words(
    problems: list[str], rows: list[dict[str, Any]], names: dict[str, str], *, typed: bool
) -> list[str]:
    """The problems as the page words them: an item's field by the exercise's name and the
    field's label, never its path ("items[12].override_reason"). The form's own number checks
    count every row as typed (`typed`); the prescription's checks count the rows it kept (no
    removed or empty ones), in the same order."""
    kept = rows if typed else [r for r in rows if r["exercise"] and not r["remove"]]
    named = {
        f"items[{r['n'] if typed else i}].{k}": (names.get(r["exercise"], r["exercise"]), v)
        for i, r in enumerate(kept)
        for k, v in _ITEM_LABELS.items()
    }
    labels = {"note": "Note to the person"}
    for problem in problems:
        field, message = problem_parts(problem)
        if field in named:  # the exercise's name leads unless the message says it already
            name, label = named[field]
            labels[field] = label if name in message else f"{name}, {label}"
    return list(field_errors(problems, labels=labels).values())


def _prescription(rows: list[dict[str, Any]], note: str) -> dict[str, Any]:
    items = []
    for r in rows:
        if not r["exercise"] or r["remove"]:
            continue
        items.append(
            {
                "exercise": r["exercise"],
                "side": r["side"],
                "sets": r["sets_value"],
                "reps": r["reps_value"],
                "hold_s": r["hold_s_value"],
                "days": r["days"],
                "override_reason": r["override_reason"],
            }
        )
    return {"items": items, "note": note}


def _editor_rows(editor: prescribe.Editor) -> list[dict[str, Any]]:
    rows = [
        {
            "n": n,
            "exercise": it.exercise,
            "side": it.side,
            "sets": it.sets,
            "reps": it.reps,
            "hold_s": it.hold_s,
            "days": list(it.days),
            "override_reason": it.override_reason,
            "remove": False,
            "new": False,
        }
        for n, it in enumerate(editor.prescription.items)
    ]
    return rows


def _blank(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    start = len(rows)
    return rows + [
        {
            "n": start + i,
            "exercise": "",
            "side": None,
            "sets": "",
            "reps": "",
            "hold_s": "",
            "days": [],
            "override_reason": None,
            "remove": False,
            "new": True,
        }
        for i in range(ADD_ROWS)
    ]


def _row_figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Beside each exercise of the editor, its drawn end position for the row's side (issue 16:
    the prescription editor shows the movement). Drawn by our code from data, so marked safe."""
    out: dict[str, Any] = {}
    for n, r in enumerate(rows):
        ex_id = r.get("exercise") or ""
        if not ex_id or ex_id in out:
            continue
        side = "left" if r.get("side") == "left" else "right"
        try:
            figure = demos.demo_markup(
                exercise_id=ex_id, side=side, uid=f"rx{n}", language=languages.language_active()
            )
            out[ex_id] = mark_safe(figure)
        except InputError:  # a typed id that is not in the library: the form names it
            continue
    return out


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        editor = prescribe.plan_editor(request.user, public_id)
    except InputError as exc:
        return render(
            request, "hipalign/clinic_plan.html", {"blocked": exc.problems, "public_id": public_id}
        )
    problems: list[str] = []
    stale: str | None = None
    note = ""
    if request.method == "POST":
        rows, problems = _rows_from(request.POST)
        names = {c.exercise: c.name for c in editor.choices}
        note = request.POST.get("note", "")[:1000]
        version = whole_number(request.POST.get("version", ""))
        problems = _problem_words(problems, rows, names, typed=True)
        if not problems:
            try:
                made = prescribe.plan_prescribe(
                    request.user, public_id, _prescription(rows, note), version
                )
            except InputError as exc:
                problems = _problem_words(exc.problems, rows, names, typed=False)
            except StalePlan as exc:
                stale = str(exc)
            else:
                messages.success(
                    request, f"Saved as plan version {made.version}. The person sees what changed."
                )
                return redirect(f"/clinic/patients/{public_id}/plan")
        rows = [r for r in rows if r["exercise"] or not r["new"]]
        status = 409 if stale else 422
    else:
        rows = _editor_rows(editor)
        status = 200
        version = editor.plan.version
    return render(
        request,
        "hipalign/clinic_plan.html",
        {
            "editor": editor,
            "public_id": public_id,
            "rows": _blank(rows),
            "figures": _row_figures(rows),
            # Issue 16: beside each figure, the way to the clinic's own photos and videos of it.
            "media_counts": clinic_media.media_counts_of_exercises(
                actor=request.user, exercise_ids=[r["exercise"] for r in rows if r["exercise"]]
            ),
            "weekdays": WEEKDAYS,
            "problems": problems,
            "stale": stale,
            "note": note,
            # The version the clinician is editing: on a stale save it stays the old one, so a
            # second click cannot overwrite; the message tells them to reload.
            "version": version,
            "choices": {c.exercise: c for c in editor.choices},
            "history": editor.plan,
        },
        status=status,
    )
