"""Text rendering of plans, exercises and scripts for people reading a terminal."""

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hipalign.cli.words import _
from hipalign.core.education.catalog import Lesson
from hipalign.core.library import Exercise, LadderStep
from hipalign.core.planning.document import Item, PlanBody, PlanDocument
from hipalign.core.references import cite
from hipalign.core.session_script import Script
from hipalign.core.vocab import WEEKDAYS
from hipalign.core.words import dose_words


def level_words(level: str) -> str:
    """The referral level as the safety panel's headline, in the run's language."""
    return {
        "emergency": _("EMERGENCY: get help now"),
        "urgent": _("URGENT: be seen today"),
        "see_doctor": _("See a doctor before starting"),
        "see_physio": _("A physical therapist can help"),
        "none": _("None of the safety questions raised a warning sign"),
    }[level]


def dose_text(item: Item, kind: str) -> str:
    """The plan item's dose in core.words' wording ("3 × 12"), then which side."""
    what = dose_words(kind=kind, sets=item.sets, reps=item.reps, hold_s=item.hold_s, load=item.load)
    if item.side in ("left", "right"):
        return f"{what}, {item.side} side only"
    if item.side == "both":
        lead = f", {item.lead_side} first" if item.lead_side else ""
        return f"{what} per side{lead}"
    return what


def _render_safety(doc: PlanDocument, console: Console) -> None:
    ref = doc.referral
    style = {"emergency": "bold red", "urgent": "bold red", "see_doctor": "bold yellow"}.get(
        ref.level, "bold"
    )
    lines: list[Text] = [Text(level_words(ref.level), style=style)]
    for r in ref.reasons:
        lines.append(Text(f"- {r.text}\n  " + _("What to do:") + f" {r.action}"))
    if ref.plan_withheld:
        lines.append(Text("\n" + _("No plan:") + f" {ref.withheld_because}", style="bold"))
    console.print(Panel(Group(*lines), title=_("Safety check"), expand=False))


def _render_patterns(doc: PlanDocument, console: Console) -> None:
    if not doc.patterns:
        return
    console.print(Text("\n" + _("What your answers suggest"), style="bold"))
    for p in doc.patterns:
        console.print(f"- {p.text}")
        for e in p.evidence:
            console.print(
                "    "
                + _("because:")
                + f" {e.detail} "
                + (_("(measured)") if e.measured else _("(reported)"))
            )


def _render_week(
    plan: PlanBody, console: Console, library: dict[str, Exercise] | None = None
) -> None:
    """The week's table (an x for each exercise a day holds), then warm-up and balance; the
    exercises by their names in `library` (the run's language) where it has them."""
    lib = library or {}
    days = list(plan.days)
    week = Table(title=_("The week"), show_lines=False)
    week.add_column(_("Exercise"))
    for d in days:
        week.add_column(d.day.capitalize() + ("" if d.session == 1 else " (2)"), justify="center")
    names: dict[str, str] = {}
    for d in days:
        for it in d.items:
            names.setdefault(it.exercise, lib[it.exercise].name if it.exercise in lib else it.name)
    for ex_id, name in names.items():
        week.add_row(
            name, *("x" if any(i.exercise == ex_id for i in d.items) else "" for d in days)
        )
    week.add_row(Text(_("Minutes"), style="bold"), *(f"{d.minutes:g}" for d in days))
    console.print(week)
    warm = next((d.warm_up for d in days if d.warm_up), None)
    if warm is not None:  # issue 13 item 14: the warm-up opens every session
        moves = "; ".join(f"{m.name} ({m.seconds} s)" for m in warm.moves)
        console.print(Text(_("Warm-up before every session:") + " ", style="bold") + Text(moves))
    if plan.balance is not None:  # issue 13 item 10
        console.print(Text(_("Balance practice:") + " ", style="bold") + Text(plan.balance.text))


def _exercise_panel(it: Item, ex: Exercise) -> Panel:
    """One exercise's card: dose, position and equipment, steps, notes and sources."""
    body: list[Text] = [
        Text(
            _("Dose: %(dose)s; rest %(rest)s s between sets")
            % {"dose": dose_text(it, ex.dose.kind), "rest": it.rest_s},
            style="bold",
        ),
        Text(
            _("Position:")
            + f" {ex.position.replace('_', ' ')}"
            + (
                "; " + _("needs:") + f" {', '.join(e.replace('_', ' ') for e in ex.equipment)}"
                if ex.equipment
                else ""
            )
        ),
    ]
    body += [Text(f"{n}. {s}") for n, s in enumerate(ex.steps, 1)]
    body += [Text(_("Note:") + f" {n}", style="yellow") for n in it.notes]
    body += [
        Text(
            _("Why:") + f" {w.text} " + _("Source:") + f" {w.source}",
            style="cyan",
            overflow="fold",
        )
        for w in it.why
    ]
    return Panel(Group(*body), title=ex.name, expand=True)


def _render_exercises(plan: PlanBody, library: dict[str, Exercise], console: Console) -> None:
    """Each exercise once, in the order the week first meets it."""
    seen: set[str] = set()
    for d in sorted(plan.days, key=lambda d: (WEEKDAYS.index(d.day), d.session)):
        for it in d.items:
            if it.exercise in seen:
                continue
            seen.add(it.exercise)
            console.print(_exercise_panel(it, library[it.exercise]))


def _render_reviews(plan: PlanBody, console: Console) -> None:
    if plan.left_out:
        console.print(Text(_("Left out"), style="bold"))
        for lo in plan.left_out:
            console.print(f"- {lo.reason}")
    console.print(Text(_("Reviews"), style="bold"))
    for rv in plan.reviews:
        when = (
            _("weeks %(week)s-%(until)s") % {"week": rv.week, "until": rv.until_week}
            if rv.until_week
            else _("week %(week)s") % {"week": rv.week}
        )
        console.print(f"- {when}: {rv.what}")


def _render_lifestyle(plan: PlanBody, library: dict[str, Exercise], console: Console) -> None:
    if not plan.lifestyle:
        return
    console.print(Text(_("Daily habits"), style="bold"))
    for item in plan.lifestyle:
        console.print(f"- {item.title}: {item.reason}")
        if item.moves:
            moves = ", ".join(library[m].name for m in item.moves if m in library)
            console.print("    " + _("routine:") + f" {moves}")
        for c in item.checklist:
            console.print(f"    [ ] {c}")


def render_plan(doc: PlanDocument, library: dict[str, Exercise], console: Console) -> None:
    _render_safety(doc, console)
    _render_patterns(doc, console)
    console.print(Text(doc.disclaimer, style="italic"))
    plan = doc.plan
    if plan is None:
        _render_lessons(doc, console)
        return
    console.print(Text("\n" + _("Your %(weeks)s-week plan") % {"weeks": plan.weeks}, style="bold"))
    console.print(plan.summary)
    _render_week(plan, console, library)
    _render_exercises(plan, library, console)
    _render_reviews(plan, console)
    _render_lifestyle(plan, library, console)
    _render_lessons(doc, console)


def _render_lessons(doc: PlanDocument, console: Console) -> None:
    if doc.lessons:
        console.print(Text(_("Worth reading"), style="bold"))
        for link in doc.lessons:
            # The lesson by its title first; its id only as the argument of the command that
            # opens it (issue 14.6: no bare ids in text a person reads).
            console.print(
                f"- {link.title}. {link.reason} ("
                + _("to read:")
                + f" hipalign learn show {link.id})"
            )


def render_lesson(lesson: Lesson, console: Console) -> None:
    lines = [
        Text(lesson.summary, style="italic"),
        Text(_("About %(minutes)s min to read.") % {"minutes": lesson.minutes}),
    ]
    for sec in lesson.section:
        lines.append(Text(sec.heading, style="bold"))
        lines += [Text(p) for p in sec.text]
    if lesson.checklist:
        lines.append(Text(_("Checklist:"), style="bold"))
        lines += [Text(f"[ ] {item}") for item in lesson.checklist]
    lines.append(Text(_("Sources:"), style="bold"))
    lines += [
        Text(f"- {s.ref}" + (f" {s.url}" if s.url else ""), overflow="fold") for s in lesson.source
    ]
    console.print(Panel(Group(*lines), title=lesson.title))


def _step_words(ex: Exercise, step: LadderStep) -> str:
    return dose_words(
        kind=ex.dose.kind, sets=step.sets, reps=step.reps, hold_s=step.hold_s, load=step.load
    )


def _names(ids: list[str]) -> list[str]:
    from hipalign.core.library import default_library

    lib = default_library()
    return [lib[i].name if i in lib else i.replace("_", " ") for i in ids]


def render_exercise(ex: Exercise, console: Console) -> None:
    start = ex.start_step
    lines = [
        Text(ex.summary),
        Text(
            _("Position:")
            + f" {ex.position.replace('_', ' ')}   "
            + _("Intent:")
            + f" {', '.join(ex.intent)}"
        ),
        Text(_("Targets:") + f" {', '.join(t.replace('_', ' ') for t in ex.targets)}"),
        Text(
            _("Needs:")
            + f" {', '.join(e.replace('_', ' ') for e in ex.equipment) or _('nothing')}   "
            + _("Helpful:")
            + f" {', '.join(e.replace('_', ' ') for e in ex.optional_equipment) or '-'}"
        ),
        Text(
            _("Starting dose:")
            + f" {_step_words(ex, start)} ({ex.sidedness.replace('_', ' ')}), "
            + _("%(low)s-%(high)s days a week")
            % {"low": ex.dose.days_per_week[0], "high": ex.dose.days_per_week[1]}
        ),
        Text(_("From the source:") + f" {ex.dose.seed}"),
        Text(_("Steps:"), style="bold"),
        *(Text(f"{n}. {s}") for n, s in enumerate(ex.steps, 1)),
        Text(_("Common mistakes:"), style="bold"),
        *(Text(f"- {m}") for m in ex.mistakes),
        Text(_("Ladder (easiest first, * = start):"), style="bold"),
        *(
            Text(f"{'*' if i == ex.dose.start else ' '} {_step_words(ex, s)}")
            for i, s in enumerate(ex.ladder)
        ),
    ]
    if ex.contraindications:
        # The tags as words (issue 14.6: no codes in text a person reads).
        left_out = ", ".join(t.replace("_", " ") for t in ex.contraindications)
        lines.append(Text(_("Left out for:") + f" {left_out}", style="yellow"))
    if ex.substitutes:
        lines.append(Text(_("Substitutes:") + f" {', '.join(_names(ex.substitutes))}"))
    if ex.correction:
        lines.append(Text(_("Correction of the source:") + f" {ex.correction}", style="magenta"))
    lines.append(Text(_("Sources:"), style="bold"))
    # overflow="fold" breaks a long link across lines instead of cutting it (issue 14 item 5)
    lines += [
        Text(
            f"- {cite(s.cite)}" + (f" ({s.detail})" if s.detail else "") + f": {s.supports}",
            overflow="fold",
        )
        for s in ex.sources
    ]
    console.print(Panel(Group(*lines), title=f"{ex.name} ({ex.id})"))


def render_script(script: Script, console: Console) -> None:
    table = Table(
        title=_("Session script, %(min)s min %(s)s s")
        % {"min": script.total_s // 60, "s": script.total_s % 60}
    )
    for col in (_("At"), _("Step"), _("Seconds"), _("Cue")):
        table.add_column(col)
    for s in script.steps:
        table.add_row(f"{s.start_s // 60}:{s.start_s % 60:02d}", s.kind, str(s.duration_s), s.cue)
    console.print(table)
