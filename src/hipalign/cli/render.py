"""Text rendering of plans, exercises and scripts for people reading a terminal."""

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hipalign.core.education.catalog import Lesson
from hipalign.core.library import Exercise, LadderStep
from hipalign.core.planning.document import Item, PlanDocument
from hipalign.core.references import cite
from hipalign.core.session_script import Script
from hipalign.core.vocab import WEEKDAYS
from hipalign.core.words import dose_words

LEVEL_WORDS = {
    "emergency": "EMERGENCY: get help now",
    "urgent": "URGENT: be seen today",
    "see_doctor": "See a doctor before starting",
    "see_physio": "A physical therapist can help",
    "none": "None of the safety questions raised a warning sign",
}


def dose_text(item: Item, kind: str) -> str:
    """The plan item's dose in core.words' wording ("3 × 12"), then which side."""
    what = dose_words(kind=kind, sets=item.sets, reps=item.reps, hold_s=item.hold_s, load=item.load)
    if item.side in ("left", "right"):
        return f"{what}, {item.side} side only"
    if item.side == "both":
        lead = f", {item.lead_side} first" if item.lead_side else ""
        return f"{what} per side{lead}"
    return what


def render_plan(doc: PlanDocument, library: dict[str, Exercise], console: Console) -> None:
    ref = doc.referral
    style = {"emergency": "bold red", "urgent": "bold red", "see_doctor": "bold yellow"}.get(
        ref.level, "bold"
    )
    lines: list[Text] = [Text(LEVEL_WORDS[ref.level], style=style)]
    for r in ref.reasons:
        lines.append(Text(f"- {r.text}\n  What to do: {r.action}"))
    if ref.plan_withheld:
        lines.append(Text(f"\nNo plan: {ref.withheld_because}", style="bold"))
    console.print(Panel(Group(*lines), title="Safety check", expand=False))

    if doc.patterns:
        console.print(Text("\nWhat your answers suggest", style="bold"))
        for p in doc.patterns:
            console.print(f"- {p.text}")
            for e in p.evidence:
                console.print(
                    f"    because: {e.detail}" + (" (measured)" if e.measured else " (reported)")
                )
    console.print(Text(doc.disclaimer, style="italic"))
    plan = doc.plan
    if plan is None:
        _render_lessons(doc, console)
        return
    console.print(Text(f"\nYour {plan.weeks}-week plan", style="bold"))
    console.print(plan.summary)

    days = list(plan.days)
    week = Table(title="The week", show_lines=False)
    week.add_column("Exercise")
    for d in days:
        week.add_column(d.day.capitalize() + ("" if d.session == 1 else " (2)"), justify="center")
    names: dict[str, str] = {}
    for d in days:
        for it in d.items:
            names.setdefault(it.exercise, it.name)
    for ex_id, name in names.items():
        week.add_row(
            name, *("x" if any(i.exercise == ex_id for i in d.items) else "" for d in days)
        )
    week.add_row(Text("Minutes", style="bold"), *(f"{d.minutes:g}" for d in days))
    console.print(week)
    warm = next((d.warm_up for d in days if d.warm_up), None)
    if warm is not None:  # issue 13 item 14: the warm-up opens every session
        moves = "; ".join(f"{m.name} ({m.seconds} s)" for m in warm.moves)
        console.print(Text("Warm-up before every session: ", style="bold") + Text(moves))
    if plan.balance is not None:  # issue 13 item 10
        console.print(Text("Balance practice: ", style="bold") + Text(plan.balance.text))

    seen: set[str] = set()
    for d in sorted(days, key=lambda d: (WEEKDAYS.index(d.day), d.session)):
        for it in d.items:
            if it.exercise in seen:
                continue
            seen.add(it.exercise)
            ex = library[it.exercise]
            body: list[Text] = [
                Text(
                    f"Dose: {dose_text(it, ex.dose.kind)}; rest {it.rest_s} s between sets",
                    style="bold",
                ),
                Text(
                    f"Position: {ex.position.replace('_', ' ')}"
                    + (
                        f"; needs: {', '.join(e.replace('_', ' ') for e in ex.equipment)}"
                        if ex.equipment
                        else ""
                    )
                ),
            ]
            body += [Text(f"{n}. {s}") for n, s in enumerate(ex.steps, 1)]
            body += [Text(f"Note: {n}", style="yellow") for n in it.notes]
            body += [
                Text(f"Why: {w.text} Source: {w.source}", style="cyan", overflow="fold")
                for w in it.why
            ]
            console.print(Panel(Group(*body), title=it.name, expand=True))
    if plan.left_out:
        console.print(Text("Left out", style="bold"))
        for lo in plan.left_out:
            console.print(f"- {lo.reason}")
    console.print(Text("Reviews", style="bold"))
    for rv in plan.reviews:
        when = f"week {rv.week}" + (f"-{rv.until_week}" if rv.until_week else "")
        console.print(f"- {when}: {rv.what}")
    if plan.lifestyle:
        console.print(Text("Daily habits", style="bold"))
        for item in plan.lifestyle:
            console.print(f"- {item.title}: {item.reason}")
            if item.moves:
                moves = ", ".join(library[m].name for m in item.moves if m in library)
                console.print(f"    routine: {moves}")
            for c in item.checklist:
                console.print(f"    [ ] {c}")
    _render_lessons(doc, console)


def _render_lessons(doc: PlanDocument, console: Console) -> None:
    if doc.lessons:
        console.print(Text("Worth reading", style="bold"))
        for link in doc.lessons:
            # The lesson by its title first; its id only as the argument of the command that
            # opens it (issue 14.6: no bare ids in text a person reads).
            console.print(f"- {link.title}. {link.reason} (to read: hipalign learn show {link.id})")


def render_lesson(lesson: Lesson, console: Console) -> None:
    lines = [Text(lesson.summary, style="italic"), Text(f"About {lesson.minutes} min to read.")]
    for sec in lesson.section:
        lines.append(Text(sec.heading, style="bold"))
        lines += [Text(p) for p in sec.text]
    if lesson.checklist:
        lines.append(Text("Checklist:", style="bold"))
        lines += [Text(f"[ ] {item}") for item in lesson.checklist]
    lines.append(Text("Sources:", style="bold"))
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
        Text(f"Position: {ex.position.replace('_', ' ')}   Intent: {', '.join(ex.intent)}"),
        Text(f"Targets: {', '.join(t.replace('_', ' ') for t in ex.targets)}"),
        Text(
            f"Needs: {', '.join(e.replace('_', ' ') for e in ex.equipment) or 'nothing'}   "
            f"Helpful: {', '.join(e.replace('_', ' ') for e in ex.optional_equipment) or '-'}"
        ),
        Text(
            f"Starting dose: {_step_words(ex, start)}"
            + f" ({ex.sidedness.replace('_', ' ')}), {ex.dose.days_per_week[0]}-{ex.dose.days_per_week[1]} days a week"
        ),
        Text(f"From the source: {ex.dose.seed}"),
        Text("Steps:", style="bold"),
        *(Text(f"{n}. {s}") for n, s in enumerate(ex.steps, 1)),
        Text("Common mistakes:", style="bold"),
        *(Text(f"- {m}") for m in ex.mistakes),
        Text("Ladder (easiest first, * = start):", style="bold"),
        *(
            Text(f"{'*' if i == ex.dose.start else ' '} {_step_words(ex, s)}")
            for i, s in enumerate(ex.ladder)
        ),
    ]
    if ex.contraindications:
        # The tags as words (issue 14.6: no codes in text a person reads).
        left_out = ", ".join(t.replace("_", " ") for t in ex.contraindications)
        lines.append(Text(f"Left out for: {left_out}", style="yellow"))
    if ex.substitutes:
        lines.append(Text(f"Substitutes: {', '.join(_names(ex.substitutes))}"))
    if ex.correction:
        lines.append(Text(f"Correction of the source: {ex.correction}", style="magenta"))
    lines.append(Text("Sources:", style="bold"))
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
    table = Table(title=f"Session script, {script.total_s // 60} min {script.total_s % 60} s")
    for col in ("At", "Step", "Seconds", "Cue"):
        table.add_column(col)
    for s in script.steps:
        table.add_row(f"{s.start_s // 60}:{s.start_s % 60:02d}", s.kind, str(s.duration_s), s.cue)
    console.print(table)
