"""The `hipalign` command. Each command parses its input, calls one service, renders the result.

Bad input exits with status 2 and one message on stderr, and writes nothing.
"""

import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hipalign.cli import words
from hipalign.cli.render import render_exercise, render_lesson, render_plan, render_script
from hipalign.cli.words import _
from hipalign.core.errors import InputError
from hipalign.core.i18n import (
    IN_PROGRESS,
    LANGUAGE_NAMES,
    OFFERED,
    SOURCE_LANGUAGE,
    from_environment,
)
from hipalign.core.i18n import catalog as i18n_catalog
from hipalign.core.intake import Intake
from hipalign.core.outcomes.engine import installed, not_installed_reason
from hipalign.core.planning.document import PlanDocument
from hipalign.core.progression import ExerciseLog
from hipalign.core.session_script import Script
from hipalign.core.vocab import EQUIPMENT, WEEKDAYS
from hipalign.core.words import code_words, decision_words, dose_words
from hipalign.services.followup import outcomes
from hipalign.services.library import demos, education
from hipalign.services.program import planning

app = typer.Typer(
    help="hipalign: decision support for hip-balance exercise programs (not a diagnosis).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
library_app = typer.Typer(help="The exercise library.", no_args_is_help=True)
screening_app = typer.Typer(help="The red-flag screening questions.", no_args_is_help=True)
app.add_typer(library_app, name="library")
app.add_typer(screening_app, name="screening")
learn_app = typer.Typer(
    help="Short lessons: the hip, patterns, causes, habits, who to see.", no_args_is_help=True
)
app.add_typer(learn_app, name="learn")
outcomes_app = typer.Typer(
    help="Outcome measures: NPRS, PSFS, and hip questionnaires.", no_args_is_help=True
)
app.add_typer(outcomes_app, name="outcomes")
posture_app = typer.Typer(
    help="Posture from a photo or a still clip (the vision extra).", no_args_is_help=True
)
app.add_typer(posture_app, name="posture")
movement_app = typer.Typer(
    help="Reps and holds in an exercise video (the vision extra).", no_args_is_help=True
)
app.add_typer(movement_app, name="movement")
audit_app = typer.Typer(
    help="The audit log's hash chain: check it, export it signed.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")

i18n_app = typer.Typer(help="Languages: translation coverage and checks.", no_args_is_help=True)
app.add_typer(i18n_app, name="i18n")

# The language of the content the CLI prints (issue 20): --lang, else LANGUAGE/LC_ALL/LANG.
_chosen_language: dict[str, str] = {}


@app.callback()
def _main(
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of exercise and screening texts: "
            + ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())
            + "; default from LANGUAGE/LANG.",
        ),
    ] = None,
) -> None:
    if lang is not None and lang not in LANGUAGE_NAMES:
        _fail(f"--lang must be one of {', '.join(LANGUAGE_NAMES)} (got {lang!r})")
    _chosen_language["value"] = lang or from_environment(os.environ)
    words.language_use(_chosen_language["value"])


def _language() -> str:
    return _chosen_language.get("value", SOURCE_LANGUAGE)


MAX_INPUT_BYTES = 1_000_000  # an intake or log file is a few kB; refuse anything absurd


class Format(StrEnum):
    text = "text"
    json = "json"


class SchemaName(StrEnum):
    intake = "intake"
    plan = "plan"
    session = "session"
    log = "log"


def _out() -> Console:
    # A pipe gets a fixed width so text output does not depend on the terminal.
    return Console(width=None if sys.stdout.isatty() else 100, highlight=False)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _read(path: Path, what: str) -> str:
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            _fail(f"{what} file {path} is larger than {MAX_INPUT_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"{what} file {path} does not exist")
    except IsADirectoryError:
        _fail(f"{what} path {path} is a folder, not a file")
    except UnicodeDecodeError:
        _fail(f"{what} file {path} is not UTF-8 text")
    except OSError as exc:
        _fail(f"cannot read {what} file {path}: {exc.strerror}")


def _intake(path: Path) -> Intake:
    try:
        return planning.intake_parse(_read(path, "intake"))
    except InputError as exc:
        _fail(exc.message)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


IntakeOpt = Annotated[Path, typer.Option("--intake", help="intake JSON file (hipalign.intake/1)")]
FormatOpt = Annotated[Format, typer.Option("--format", help="text for people, json for programs")]


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 exposes it to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    data: Annotated[
        Path, typer.Option(help="Folder for the database and the secret key.", file_okay=False)
    ] = Path("data"),
    threads: Annotated[int, typer.Option(min=1, max=64, help="Worker threads.")] = 8,
) -> None:
    """Run the web app on embedded SQLite in DATA (created and migrated on start), or on
    PostgreSQL when HIPALIGN_DATABASE_URL is set (migrated on start too)."""
    from hipalign.web.server import serve as run

    typer.echo(
        f"hipalign: serving on http://{'localhost' if host == '127.0.0.1' else host}:{port}/ (data in {data.resolve()})"
    )
    from django.db import OperationalError

    try:
        run(host, port, data, threads)
    except OperationalError as exc:
        # The driver's message names host, port and user, never the password.
        typer.echo(f"hipalign: cannot use the database: {exc}".rstrip(), err=True)
        raise typer.Exit(1) from None


@app.command()
def worker(
    data: Annotated[
        Path, typer.Option(help="The data folder `hipalign serve` uses.", file_okay=False)
    ] = Path("data"),
    once: Annotated[bool, typer.Option(help="Run what is queued, then stop.")] = False,
) -> None:
    """Run the background jobs: posture analyses queued with HIPALIGN_JOBS=worker, and the
    reminders due to people who turned push or email on (queued here every minute).

    This is django-tasks-db's worker with the app's settings; run as many as you like, on any
    machine that reaches the database. SIGTERM lets the current job finish first."""
    import os

    from hipalign.web.server import prepare

    # The worker reads the database queue whatever the servers' HIPALIGN_JOBS says (a shared
    # environment file may say inline): with inline servers it simply finds nothing to do.
    os.environ["HIPALIGN_JOBS"] = "worker"
    prepare(data)
    from hipalign.services.ops.worker import worker_run

    try:
        worker_run(once=once)
    except InputError as exc:
        _fail(exc.problems[0])


@app.command()
def unlock(
    username: Annotated[str, typer.Argument(help="The account to let in again.")],
    data: Annotated[
        Path, typer.Option(help="The data folder `hipalign serve` uses.", file_okay=False)
    ] = Path("data"),
) -> None:
    """Lift an account's failed-log-in lock from every address (written to the audit log)."""
    from hipalign.web.server import prepare

    prepare(data)
    from hipalign.services.identity.accounts import account_unlock

    try:
        cleared = account_unlock(username=username)
    except InputError as exc:
        _fail(exc.problems[0])
    if cleared:
        typer.echo(f"hipalign: {username} unlocked ({cleared} address counter(s) cleared)")
    else:
        typer.echo(f"hipalign: {username} was not locked; nothing changed but the audit entry")


@app.command("totp-rekey")
def totp_rekey(
    data: Annotated[
        Path, typer.Option(help="The data folder `hipalign serve` uses.", file_okay=False)
    ] = Path("data"),
) -> None:
    """Re-seal every stored TOTP secret under the newest key (the first of HIPALIGN_TOTP_KEYS or
    of the data folder's totp_keys file); after it, older keys can be removed."""
    from hipalign.web.server import prepare

    prepare(data)
    from hipalign.services.identity.mfa import mfa_rekey

    typer.echo(f"hipalign: {mfa_rekey()} two-step sign-in secret(s) sealed under the newest key")


@app.command()
def plan(intake: IntakeOpt, format: FormatOpt = Format.text) -> None:
    """Screen an intake and print the plan (or why no plan is given)."""
    doc = planning.plan_generate(_intake(intake))
    if format is Format.json:
        _print_json(doc.model_dump(mode="json", by_alias=True))
    else:
        render_plan(doc, {e.id: e for e in planning.library_list(language=_language())}, _out())


@app.command()
def session(
    intake: IntakeOpt,
    day: Annotated[str, typer.Option("--day", help="mon, tue, ... sun")],
    session_number: Annotated[int, typer.Option("--session", min=1, max=2)] = 1,
    format: FormatOpt = Format.text,
) -> None:
    """Print the timed session script of one planned day."""
    if day not in WEEKDAYS:
        _fail(f"--day must be one of {', '.join(WEEKDAYS)} (got {day!r})")
    parsed = _intake(intake)
    try:
        script = planning.session_script_build(parsed, day, session_number)
    except InputError as exc:
        _fail(exc.message)
    if format is Format.json:
        _print_json(script.model_dump(mode="json", by_alias=True))
    else:
        render_script(script, _out())


@app.command()
def progress(
    exercise: Annotated[str, typer.Option("--exercise", help="exercise id")],
    logs: Annotated[Path, typer.Option("--logs", help="JSON list of logs, oldest first")],
    equipment: Annotated[
        list[str] | None, typer.Option("--equipment", help="equipment the person has (repeat)")
    ] = None,
    format: FormatOpt = Format.text,
) -> None:
    """Decide progress / hold / regress per side from an exercise's logs."""
    have = frozenset(equipment or [])
    if unknown := sorted(have - set(EQUIPMENT)):
        _fail(f"--equipment {unknown[0]!r} is not known; allowed: {', '.join(EQUIPMENT)}")
    text = _read(logs, "logs")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"logs are not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
    if not isinstance(data, list):
        _fail("logs must be a JSON list of log objects (see `hipalign schema log`)")
    try:
        decisions = planning.progression_decide(exercise, data, have)
    except InputError as exc:
        _fail(exc.message)
    if format is Format.json:
        _print_json([d.model_dump(mode="json") for d in decisions])
        return
    console = _out()
    library = {e.id: e for e in planning.library_list(language=_language())}
    for d in decisions:
        side = f", {d.side} side" if d.side else ""
        ex = library.get(d.exercise)
        dose = dose_words(
            kind=ex.dose.kind if ex else "reps",
            sets=d.dose.sets,
            reps=d.dose.reps,
            hold_s=d.dose.hold_s,
            load=d.dose.load,
        )
        name = ex.name if ex else d.exercise
        console.print(f"[bold]{name}{side}:[/bold] {decision_words(d.action, dose)}")
        for r in d.reasons:
            console.print(f"  {r}")
        if d.review_suggested:
            console.print("  [yellow]A review with a professional is suggested.[/yellow]")


@app.command()
def schema(
    name: Annotated[SchemaName, typer.Argument(help="intake, plan, session or log")],
) -> None:
    """Print the JSON Schema of a document."""
    models: dict[SchemaName, type[BaseModel]] = {
        SchemaName.intake: Intake,
        SchemaName.plan: PlanDocument,
        SchemaName.session: Script,
        SchemaName.log: ExerciseLog,
    }
    model = models[name]
    _print_json(model.model_json_schema(by_alias=True))


def _library_row(ex: Any) -> dict[str, Any]:
    return {
        "id": ex.id,
        "name": ex.name,
        "position": ex.position,
        "equipment": ex.equipment,
        "optional_equipment": ex.optional_equipment,
        "intent": ex.intent,
        "targets": ex.targets,
        "contraindications": ex.contraindications,
        "sidedness": ex.sidedness,
        "substitutes": ex.substitutes,
    }


@library_app.command("list")
def library_list(format: FormatOpt = Format.text) -> None:
    """List every exercise."""
    exercises = planning.library_list(language=_language())
    if format is Format.json:
        _print_json([_library_row(e) for e in exercises])
        return
    table = Table(title=_("%(n)s exercises") % {"n": len(exercises)})
    for col in ("id", _("name"), _("position"), _("intent"), _("needs")):
        table.add_column(col)
    for e in exercises:
        # Words in the table, as the pages show them; the id column and --format json keep ids.
        table.add_row(
            e.id,
            e.name,
            code_words(e.position),
            ", ".join(code_words(i) for i in e.intent),
            ", ".join(code_words(q) for q in e.equipment) or "-",
        )
    _out().print(table)


@library_app.command("show")
def library_show(
    exercise_id: Annotated[str, typer.Argument(metavar="ID")], format: FormatOpt = Format.text
) -> None:
    """Show one exercise: steps, dose, ladder, contraindications, sources."""
    try:
        ex = planning.library_get(exercise_id, language=_language())
    except InputError as exc:
        _fail(exc.message)
    if format is Format.json:
        _print_json(ex.model_dump(mode="json"))
    else:
        render_exercise(ex, _out())


@library_app.command("validate")
def library_validate() -> None:
    """Check every entry: fields, tags, references, doses within guideline ranges."""
    _validated("the library has", planning.library_validate())
    typer.echo(f"library ok: {len(planning.library_list())} exercises")


class SideName(StrEnum):
    left = "left"
    right = "right"


class ImageKind(StrEnum):
    svg = "svg"
    png = "png"


@library_app.command("demo")
def library_demo(
    exercise_id: Annotated[str, typer.Argument(metavar="ID")],
    side: Annotated[SideName, typer.Option("--side", help="The side that works.")] = SideName.right,
    frame: Annotated[
        int | None, typer.Option("--frame", help="Key frame N (from 1) as a still.")
    ] = None,
    all_frames: Annotated[
        bool, typer.Option("--all-frames", help="Every key frame, one file each in --out.")
    ] = False,
    image: Annotated[ImageKind, typer.Option("--format", help="svg or png.")] = ImageKind.svg,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (a folder with --all-frames; default: stdout)."),
    ] = None,
) -> None:
    """Draw the exercise's demonstration: the animation (SVG), the end position (PNG), or key
    frames."""
    if frame is not None and all_frames:
        _fail("--frame and --all-frames cannot be used together; choose one")
    try:
        if all_frames:
            if out is None:
                _fail("--all-frames needs --out FOLDER to write the frames into")
            files = demos.demo_all_frames(
                exercise_id=exercise_id,
                side=side.value,
                image_format=image.value,
                language=_language(),
            )
            try:
                out.mkdir(parents=True, exist_ok=True)
                for name, data in files:
                    (out / name).write_bytes(data)
            except OSError as exc:
                _fail(f"cannot write into --out folder {out}: {exc.strerror}")
            typer.echo(f"wrote {len(files)} key frames to {out}")
            return
        data = demos.demo_image(
            exercise_id=exercise_id,
            side=side.value,
            frame=frame,
            image_format=image.value,
            language=_language(),
        )
    except InputError as exc:
        _fail(exc.message)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        out.write_bytes(data)
    except OSError as exc:
        _fail(f"cannot write --out file {out}: {exc.strerror}")


def _validated(whose: str, problems: list[str]) -> None:
    """Exit 1 listing every problem on stderr, or return when there are none."""
    if problems:
        typer.echo(f"error: {whose} {len(problems)} problem(s):", err=True)
        for p in problems:
            typer.echo(f"  - {p}", err=True)
        raise typer.Exit(1)


@screening_app.command("list")
def screening_list(format: FormatOpt = Format.text) -> None:
    """List the screening questions with their referral level."""
    questions = planning.screening_list(language=_language())
    if format is Format.json:
        _print_json([{"id": q.id, "question": q.question, "level": q.level} for q in questions])
        return
    table = Table(title=_("Screening questions (yes = warning sign)"))
    for col in ("id", _("level"), _("question")):
        table.add_column(col)
    for q in questions:
        table.add_row(q.id, q.level, q.question)
    _out().print(table)


@i18n_app.command("check")
def i18n_check() -> None:
    """Coverage of every language, and every problem of its files (exit 1 on any problem, or on
    any untranslated text of a language offered to people)."""
    for code in (*OFFERED, *IN_PROGRESS):
        if code == SOURCE_LANGUAGE:
            continue
        report = i18n_catalog.coverage(code)
        state = "offered" if code in OFFERED else "in progress"
        parts = ", ".join(f"{kind} {done}/{total}" for kind, (done, total) in report.counts.items())
        typer.echo(f"{code} ({LANGUAGE_NAMES[code]}, {state}): {report.share:.0%} ({parts})")
    # The pages' words: the gettext catalogs of the web app (web/locale_build.py).
    from hipalign.web.server import message_catalogs_report

    failures = list(i18n_catalog.check_all())
    for code, (problems, done, total) in message_catalogs_report().items():
        state = "offered" if code in OFFERED else "in progress"
        typer.echo(f"{code} pages ({state}): {done}/{total} messages translated")
        # Every message problem fails CI: the pages offer every catalog they ship.
        failures.extend(problems)
    _validated("the translations have", failures)
    typer.echo("translations ok")


@learn_app.command("list")
def learn_list(format: FormatOpt = Format.text) -> None:
    """List the lessons."""
    lessons = education.lesson_list()
    if format is Format.json:
        _print_json(
            [
                {
                    "id": x.id,
                    "title": x.title,
                    "summary": x.summary,
                    "topics": x.topics,
                    "minutes": x.minutes,
                }
                for x in lessons
            ]
        )
        return
    table = Table(title=f"{len(lessons)} lessons")
    for col in ("id", "title", "minutes"):
        table.add_column(col)
    for x in lessons:
        table.add_row(x.id, x.title, str(x.minutes))
    _out().print(table)


@learn_app.command("show")
def learn_show(
    lesson_id: Annotated[str, typer.Argument(metavar="ID")], format: FormatOpt = Format.text
) -> None:
    """Show one lesson with its sources."""
    try:
        lesson = education.lesson_get(lesson_id)
    except InputError as exc:
        _fail(exc.message)
    if format is Format.json:
        _print_json(lesson.model_dump(mode="json"))
    else:
        render_lesson(lesson, _out())


@learn_app.command("validate")
def learn_validate() -> None:
    """Check every lesson: fields, sources, wording."""
    _validated("the lessons have", education.lesson_validate())
    typer.echo(f"lessons ok: {len(education.lesson_list())} lessons")


@outcomes_app.command("list")
def outcomes_list(
    texts: Annotated[
        Path | None,
        typer.Option(help="Item wording you are licensed to use: JSON item id -> text."),
    ] = None,
    format: FormatOpt = Format.text,
) -> None:
    """List the measures, their scoring, meaningful change and whether they are installed."""
    loaded = _texts(texts)
    rows: list[dict[str, Any]] = [
        {
            "id": m.id,
            "name": m.name,
            "scale": list(m.scale),
            "higher_is_better": m.higher_is_better,
            "mcid": m.mcid,
            "installed": installed(m, (loaded or {}).get(m.id)),
            "note": "" if installed(m, (loaded or {}).get(m.id)) else not_installed_reason(m),
            "source": m.source,
        }
        for m in outcomes.measure_list(language=_language())
    ]
    if format is Format.json:
        _print_json(rows)
        return
    table = Table(title="Outcome measures")
    for col in ("id", "name", "scale", "MCID", "installed"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["name"]),
            "{}-{}".format(*r["scale"]),
            "-" if r["mcid"] is None else f"{r['mcid']:g}",
            "yes" if r["installed"] else "no: wording not shipped",
        )
    _out().print(table)


def _texts(path: Path | None) -> dict[str, dict[str, str]] | None:
    if path is None:
        return None
    try:
        return outcomes.texts_parse(_read(path, "texts"))
    except InputError as exc:
        _fail(exc.message)


@outcomes_app.command("score")
def outcomes_score(
    measure: Annotated[str, typer.Argument(metavar="MEASURE")],
    answers: Annotated[
        Path, typer.Option(help="JSON object: item id -> answer (PSFS: activity -> rating).")
    ],
    format: FormatOpt = Format.text,
) -> None:
    """Score one filled questionnaire."""
    try:
        result = outcomes.outcome_score(measure, _read(answers, "answers"))
    except InputError as exc:
        _fail(exc.message)
    if format is Format.json:
        _print_json(result.model_dump(mode="json"))
        return
    m = outcomes.measure_get(measure)
    if result.total is not None:
        typer.echo(
            f"{m.name}: {result.total:g} ({'higher' if m.higher_is_better else 'lower'} is better; {result.answered} answered)"
        )
    for part, value in result.scales.items():
        typer.echo(f"{m.name}, {part}: {value:g} of 100 (100 is best)")


def _with_progress[T](format: Format, run: Callable[[Callable[[int, int], None]], T]) -> T:
    """Run a frame-by-frame analysis with a progress bar on a terminal (none for JSON or pipes);
    bad input exits 2 with one message."""
    with Progress(transient=True, disable=format is Format.json or not sys.stderr.isatty()) as bar:
        task = bar.add_task("analysing", total=None)
        try:
            return run(lambda i, n: bar.update(task, completed=i, total=n))
        except InputError as exc:
            _fail(exc.message)


@posture_app.command("analyze")
def posture_analyze(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A standing front or back photo, or a 2-3 s still clip."
        ),
    ],
    overlay: Annotated[
        Path | None, typer.Option(help="Write the annotated picture (PNG) here.")
    ] = None,
    format: FormatOpt = Format.text,
) -> None:
    """Hip and shoulder lines, trunk lean and shift, each with its uncertainty.

    Signs (VISION.md 3), seen as the person stands facing the camera: hip_tilt_deg and
    shoulder_tilt_deg are positive when the person's LEFT side is higher; trunk_lean_deg is the
    trunk's angle from vertical, positive counter-clockwise in the picture; lateral_shift_pct is
    mid-shoulder minus mid-hip, sideways, in % of trunk length, positive towards the picture's right.
    """
    from hipalign.services.posture import analysis as posture

    result = _with_progress(format, lambda tick: posture.posture_analyze(file, overlay, tick))
    if format is Format.json:
        _print_json(result.model_dump(mode="json"))
        return
    if result.status != "ok":
        typer.echo("Could not measure:")
        for r in result.reasons:
            typer.echo(f"- {r}")
        return
    names = {
        "hip_tilt_deg": ("Hip line", "°"),
        "shoulder_tilt_deg": ("Shoulder line", "°"),
        "trunk_lean_deg": ("Trunk lean", "°"),
        "lateral_shift_pct": ("Sideways shift", "% of trunk length"),
    }
    for key, (label, unit) in names.items():
        v = result.metrics[key]
        shown = f"{v.value:+.1f}{unit} ± {v.uncertainty:.1f}"
        # Issue 17: the picture and its mirror image disagree by more than the size itself.
        typer.echo(f"{label}: {shown}" if v.reliable else f"{label}: could not measure reliably")
    typer.echo(f"Higher hip: {result.high_side or 'could not measure reliably'}")
    typer.echo(result.wording)
    for r in result.reasons:
        typer.echo(f"Note: {r}")


@movement_app.command("analyze")
def movement_analyze(
    video: Annotated[Path, typer.Argument(metavar="VIDEO")],
    exercise: Annotated[str, typer.Option(help="The exercise id (see `hipalign library list`).")],
    format: FormatOpt = Format.text,
) -> None:
    """Count reps per side, or time the longest hold; says what could not be counted."""
    from hipalign.services.posture import analysis as posture

    result = _with_progress(format, lambda tick: posture.movement_analyze(video, exercise, tick))
    if format is Format.json:
        _print_json(result.model_dump(mode="json"))
        return
    typer.echo(f"{result.exercise}: {result.measures}")
    for side, rc in result.reps.items():
        more = " (+1 in progress at the end)" if rc.in_progress else ""
        typer.echo(f"- {side}: {rc.completed} rep(s){more}")
    if result.hold_s is not None:
        typer.echo(f"- longest hold: {result.hold_s:.1f} s")
    if result.kind == "not_counted":
        typer.echo("Not counted from video.")
    for n in result.notes:
        typer.echo(f"Note: {n}")


DataOpt = Annotated[
    Path, typer.Option(help="The data folder `hipalign serve` uses.", file_okay=False)
]


@audit_app.command("verify")
def audit_verify(
    data: DataOpt = Path("data"),
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="An earlier export (or its last line, the anchor): says whether rows have gone.",
        ),
    ] = None,
    format: FormatOpt = Format.text,
) -> None:
    """Rehash the audit chain; print its length and head. Exit 1 when it does not hold."""
    anchor = ""
    if against is not None:
        anchor = _last_line(against)
    from hipalign.web.server import prepare

    prepare(data)
    from hipalign.services.kernel.audit_log import operator_chain_check

    try:
        check = operator_chain_check(anchor=anchor)
    except InputError as exc:
        _fail(f"--against {against}: {exc.problems[0].partition(': ')[2]}")
    s = check.state
    if format is Format.json:
        _print_json(
            {
                "holds": check.holds,
                "problem": check.problem,
                "length": s.length,
                "head_id": s.head_id,
                "head_hash": s.head_hash,
                "broken_at": s.broken_at,
                "legacy_rows": s.legacy_rows,
                "compared": check.compared,
            }
        )
    elif check.holds:
        typer.echo(f"audit chain holds: {s.length} rows, head row {s.head_id} hash {s.head_hash}")
        if check.compared:
            typer.echo("it still holds every row of the anchor")
    else:
        typer.echo(f"audit chain does NOT hold: {check.problem}")
        typer.echo(f"(last good: {s.length} rows, head row {s.head_id} hash {s.head_hash})")
    if not check.holds:
        raise typer.Exit(1)


def _last_line(path: Path) -> str:
    """The last non-empty line of an export or anchor file, streamed (exports can be large)."""
    last = ""
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    last = line
    except FileNotFoundError:
        _fail(f"--against file {path} does not exist")
    except IsADirectoryError:
        _fail(f"--against path {path} is a folder, not a file")
    except UnicodeDecodeError:
        _fail(f"--against file {path} is not UTF-8 text")
    except OSError as exc:
        _fail(f"cannot read --against file {path}: {exc.strerror}")
    if not last:
        _fail(f"--against file {path} is empty")
    return last


@audit_app.command("export")
def audit_export(
    data: DataOpt = Path("data"),
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
) -> None:
    """Write the whole audit log as JSON Lines whose last line is a signed anchor of its head;
    keep it outside the server, and compare later with `hipalign audit verify --against`."""
    from datetime import UTC, datetime

    if out is not None and out.exists():
        _fail(f"--out file {out} exists already; an export never overwrites one")
    from hipalign.web.server import prepare

    prepare(data)
    from hipalign.services.kernel.audit_log import operator_export

    lines = operator_export(now=datetime.now(UTC))
    if out is None:
        for line in lines:
            sys.stdout.write(line)
        return
    try:
        fh = out.open("x", encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write --out file {out}: {exc.strerror}")
    try:
        with fh:
            fh.writelines(lines)
    except OSError as exc:
        out.unlink(missing_ok=True)  # ours (made just above): no half export is left behind
        _fail(f"cannot write --out file {out}: {exc.strerror}")
    typer.echo(f"audit log written to {out}", err=True)


def _database(data: Path) -> Any:
    import os

    from hipalign.services.ops.backup import BackupError, database_for

    try:
        return database_for(data_dir=data, url=os.environ.get("HIPALIGN_DATABASE_URL", ""))
    except BackupError as exc:
        _fail(exc.message)


@app.command()
def migrate(data: DataOpt = Path("data")) -> None:
    """Apply the database migrations and seed the library, then stop (what `hipalign serve`
    does at start): run it once during an upgrade, before starting several processes."""
    from hipalign.web.server import database_label, prepare

    prepare(data)
    typer.echo(f"hipalign: database {database_label()} is migrated")


@app.command()
def backup(
    data: DataOpt = Path("data"),
    out: Annotated[
        Path | None, typer.Option("--out", help="The backup file to write (a tar file).")
    ] = None,
    verify: Annotated[
        Path | None,
        typer.Option("--verify", help="Check this backup file without restoring it."),
    ] = None,
    with_keys: Annotated[
        bool,
        typer.Option(
            "--with-keys",
            help="Also include the data folder's audit_key and totp_keys files (never the "
            "secret key): a self-contained backup that must then be kept as safe as the keys.",
        ),
    ] = False,
) -> None:
    """Back up the whole install while it runs: the database (SQLite's online backup, or
    pg_dump when HIPALIGN_DATABASE_URL is set), the data folder's uploads and media, and a
    manifest (version, migrations, row counts per table, sha256 of every file)."""
    from datetime import UTC, datetime

    from hipalign.services.ops.backup import BackupError, backup_create, backup_verify

    if (out is None) == (verify is None):
        _fail("give either --out FILE (make a backup) or --verify FILE (check one)")
    try:
        if verify is not None:
            manifest = backup_verify(path=verify)
            d = manifest.data
            typer.echo(
                f"backup {verify} is whole: {d['database']['engine']} database, "
                f"{len(d['files'])} entries, {sum(manifest.row_counts.values())} rows, "
                f"made {d['created_at']} by hipalign {d['app_version']}"
            )
            return
        assert out is not None
        bucket = os.environ.get("HIPALIGN_S3_BUCKET", "").strip()
        summary = backup_create(
            data_dir=data,
            db=_database(data),
            out=out,
            now=datetime.now(UTC),
            with_keys=with_keys,
            bucket=bucket,
        )
    except BackupError as exc:
        if verify is not None:
            typer.echo(f"error: backup {verify} is damaged: {exc.message}", err=True)
            raise typer.Exit(1) from None
        _fail(exc.message)
    typer.echo(
        f"backup written to {summary.path}: {summary.engine} database, {summary.rows} rows, "
        f"{summary.files} other file(s), {summary.bytes} bytes"
        + ("" if summary.keys_included else "; keys not included (see `--with-keys`)")
        + (
            f"; uploads and clinic media are in the S3 bucket {bucket}, not in this file: "
            "back the bucket up with its own versioning"
            if bucket
            else ""
        )
    )


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="The backup file (from `hipalign backup`).")],
    data: DataOpt = Path("data"),
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Put the backup in place of a folder (and database) that is not empty; the "
            "old folder is kept beside it.",
        ),
    ] = False,
) -> None:
    """Restore a backup into an empty data folder (and, with HIPALIGN_DATABASE_URL, an empty
    PostgreSQL database); checks it before and after, and migrates it forward to this code."""
    import os

    from hipalign.services.ops import backup as ops

    db = _database(data)
    try:
        staged = ops.restore_stage(path=file, data_dir=data, db=db, replace=replace)
    except ops.BackupError as exc:
        _fail(exc.message)
    try:
        os.environ["HIPALIGN_DATA"] = str(staged.folder)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipalign.web.settings")
        import django

        django.setup()
        from django.db.migrations.loader import MigrationLoader

        known: dict[str, set[str]] = {}
        for app_label, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
            known.setdefault(app_label, set()).add(name)
        newer = ops.unknown_migrations(manifest=staged.manifest, known=known)
        if newer:
            _fail(
                f"the backup is from a newer hipalign (it has migration {newer[0]}, which this "
                "code lacks): upgrade hipalign first; nothing was restored"
            )
        ops.restore_database(staged=staged, path=file, db=db)
        from hipalign.web.server import prepare

        prepare(staged.folder)  # migrations forward, library seed
        from django.db import connections

        after = ops.pg_facts(db=db)[1] if db.engine == "postgresql" else None
        connections.close_all()
        if after is None:
            after = ops.sqlite_facts(path=staged.folder / ops.SQLITE_NAME)[1]
        old = ops.restore_finish(staged=staged)
    except ops.BackupError as exc:
        ops.restore_abandon(staged=staged)
        _fail(exc.message)
    except BaseException:
        ops.restore_abandon(staged=staged)
        raise
    before = staged.manifest.migrations
    forward = sum(len(v) for v in after.values()) - sum(len(v) for v in before.values())
    typer.echo(
        f"restored {file} into {data.resolve()}: {sum(staged.manifest.row_counts.values())} "
        f"rows and {len(staged.manifest.entries) - 1} other file(s) checked"
        + (f"; {forward} migration(s) applied forward" if forward else "")
    )
    if old is not None:
        typer.echo(f"the replaced folder is kept at {old}; delete it once the install works")
    for key in staged.missing_keys:
        typer.echo(
            f"warning: the backup's data was made under a {key} this install does not have: "
            f"put the original {key} file in {data.resolve()} (or set "
            f"{ops.KEY_ENV[key]}) before starting, or "
            + (
                "the audit chain check fails"
                if key == "audit_key"
                else "two-step sign-in codes are refused"
            ),
            err=True,
        )


# Last, so `python -m hipalign.cli.main` sees every command registered above.
if __name__ == "__main__":  # pragma: no cover
    app()
