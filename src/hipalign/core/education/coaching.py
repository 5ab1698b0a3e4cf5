"""Personal lessons and lifestyle items from the intake and the patterns.

Each link and item carries the reason it is there, in the person's own numbers, and a source.
Times are minutes since midnight or "HH:MM" strings: the core has no clock (DESIGN.md 4)."""

from collections.abc import Mapping

from hipalign.core.assessment import Pattern
from hipalign.core.education.catalog import Lesson, default_lessons
from hipalign.core.education.habits import habit_reasons, habit_triggers
from hipalign.core.education.models import ItemKind, LessonLink, LifestyleItem
from hipalign.core.intake import Hours, Intake
from hipalign.core.library import Exercise
from hipalign.core.planning.constraints import constraints_for, exclusion_reason
from hipalign.core.references import RULE, cite_all

# [rule] Sitting this many hours a day or more gets scheduled movement breaks; from SITTING_LONG
# hours they come more often. WHO 2020 asks to limit and break up sedentary time without a fixed
# interval; Dunstan 2012 broke sitting every 20 min. Hourly (45 min for long sitters) is our
# compromise between benefit and reminders a person will accept.
SITTING_BREAKS_FROM_H = 4
SITTING_LONG_H = 8
BREAK_EVERY_MIN = 60
BREAK_EVERY_LONG_MIN = 45
MAX_BREAKS_PER_DAY = 10
DEFAULT_WORKING_HOURS = Hours(start="09:00", end="17:00")
BREAK_REFS = ("who2020_activity", "dunstan2012", "seed_hip_mechanics_overview", RULE)
BREAK_SOURCE = cite_all(BREAK_REFS)  # the interval is our rule
# A routine of about 2-3 minutes (seed 003 'movement breaks'): standing moves that need at most
# a desk or a wall, in this order of preference.
BREAK_MOVES = (
    "hip_flexor_stretch",
    "leg_swings",
    "pelvic_tilt_standing",
    "standing_hip_abduction",
    "standing_hip_extension",
    "standing_isometric_abduction",
)
BREAK_MOVES_COUNT = 3
AT_WORK = ("sturdy_support", "wall")  # a desk and a wall are at hand where people sit to work


def to_minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def to_hhmm(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def inside_hours(minute: int, span: Hours | None) -> bool:
    """Whether a minute of the day falls in the span (which may run past midnight)."""
    if span is None:
        return False
    start, end = to_minutes(span.start), to_minutes(span.end)
    if start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end  # past midnight


def break_schedule(sitting_hours: float, working: Hours | None, quiet: Hours | None) -> list[str]:
    """Movement-break times within the working hours, never in the quiet hours.

    The first break comes one interval after work starts and the last at least half an interval
    before the end, because nobody needs a break at the moment they arrive or leave."""
    if sitting_hours < SITTING_BREAKS_FROM_H:
        return []
    work = working or DEFAULT_WORKING_HOURS
    every = BREAK_EVERY_LONG_MIN if sitting_hours >= SITTING_LONG_H else BREAK_EVERY_MIN
    start, end = to_minutes(work.start), to_minutes(work.end)
    if end <= start:
        end += 24 * 60
    times: list[str] = []
    t = start + every
    while t <= end - every // 2 and len(times) < MAX_BREAKS_PER_DAY:
        if not inside_hours(t % (24 * 60), quiet):
            times.append(to_hhmm(t))
        t += every
    return times


def break_moves(intake: Intake, library: Mapping[str, Exercise]) -> list[str]:
    """The break routine: standing moves this person may do, with what a workplace has."""
    c = constraints_for(intake)
    c = c.model_copy(update={"equipment": frozenset(c.equipment) | frozenset(AT_WORK)})
    chosen = [
        ex_id
        for ex_id in BREAK_MOVES
        if ex_id in library and exclusion_reason(library[ex_id], c) is None
    ]
    return chosen[:BREAK_MOVES_COUNT]


def _gait_signs(intake: Intake) -> list[str]:
    signs = [s.replace("_", " ") for s in intake.symptoms if s in ("uneven_gait", "limp")]
    t = intake.findings.trendelenburg
    if t is not None and "positive" in (t.left, t.right):
        signs.append("the pelvis dropped in the standing test")
    return signs


def lessons_for(intake: Intake, patterns: list[Pattern]) -> list[LessonLink]:
    """The lessons that fit this person, most personal first; everyone gets the basics."""
    lessons = default_lessons()
    links: list[tuple[str, str]] = []
    sitting = intake.lifestyle.sitting_hours_per_day
    if sitting >= SITTING_BREAKS_FROM_H:
        links.append(
            (
                "sitting_and_movement_breaks",
                f"You sit about {sitting:g} hours a day: here is why breaks matter for your hips.",
            )
        )
        links.append(
            ("workstation_setup", "A few changes to where you sit can make the hours easier.")
        )
    if intake.pregnant:
        links.append(
            (
                "exercise_in_pregnancy",
                f"You are {intake.pregnancy_weeks} weeks pregnant: what changes in your plan, and when to stop.",
            )
        )
    if "running" in intake.lifestyle.activities:
        links.append(("running_load", "You run: how to build up without overloading your hips."))
    gait = _gait_signs(intake)
    if gait:
        links.append(
            (
                "gait_and_walking",
                f"You noted {', '.join(gait)}: cues and drills for walking evenly.",
            )
        )
    if patterns:
        names = ", ".join(p.name.lower() for p in patterns)
        links.append(
            (
                "patterns_not_diagnoses",
                f"Your plan works on {names}: what such a pattern means, and what it does not.",
            )
        )
    if intake.hip_precautions not in (None, "none") or intake.flagged("recent_hip_surgery"):
        links.append(("what_surgery_is_for", "You told us about hip surgery: what it is for."))
    links += [
        ("how_the_hip_works", "The joint, the muscles your plan works on, and how they connect."),
        ("pain_monitoring_rules", "How your plan uses your pain scores to step up or back."),
        ("common_causes", "What can add to hip trouble in everyday life."),
        ("which_professional", "Who does what, and when to see someone."),
    ]
    seen: set[str] = set()
    out = []
    for lesson_id, reason in links:
        if lesson_id in lessons and lesson_id not in seen:
            seen.add(lesson_id)
            out.append(LessonLink(id=lesson_id, title=lessons[lesson_id].title, reason=reason))
    return out


def _checklist_item(
    lesson: Lesson, item_id: str, kind: ItemKind, title: str, reason: str, per_week: int
) -> LifestyleItem:
    # the lesson's sources, then those of the trigger that brought the habit in (habits.toml)
    refs = [*(s.cite for s in lesson.source), *habit_triggers()[item_id].sources]
    return LifestyleItem(
        id=item_id,
        kind=kind,
        title=title,
        reason=reason,
        checklist=list(lesson.checklist),
        per_week=per_week,
        lesson=lesson.id,
        source=cite_all(refs),
    )


def lifestyle_for(
    intake: Intake, patterns: list[Pattern], library: Mapping[str, Exercise]
) -> list[LifestyleItem]:
    """Habit items for the plan: movement breaks, workstation, footwear, running load, gait.

    Each appears only when an answer points to it (education/habits.toml, issue 14 item 15)."""
    lessons = default_lessons()
    items: list[LifestyleItem] = []
    life = intake.lifestyle
    times = break_schedule(life.sitting_hours_per_day, life.working_hours, life.quiet_hours)
    if (
        times
        and habit_reasons("movement_breaks", intake)
        and "sitting_and_movement_breaks" in lessons
    ):
        moves = break_moves(intake, library)
        items.append(
            LifestyleItem(
                id="movement_breaks",
                kind="breaks",
                title="Movement breaks",
                reason=(
                    f"You sit about {life.sitting_hours_per_day:g} hours a day: stand up and move "
                    f"for 2-3 minutes at {', '.join(times)}."
                ),
                times=times,
                moves=moves,
                per_week=5,  # working days [rule]
                lesson="sitting_and_movement_breaks",
                source=BREAK_SOURCE,
            )
        )
    if habit_reasons("workstation_check", intake) and "workstation_setup" in lessons:
        items.append(
            _checklist_item(
                lessons["workstation_setup"],
                "workstation_check",
                "checklist",
                "Check your workstation",
                "Once this week: go through the list where you sit most.",
                1,
            )
        )
    shoes = habit_reasons("footwear_check", intake)
    if shoes and "footwear" in lessons:
        items.append(
            _checklist_item(
                lessons["footwear"],
                "footwear_check",
                "guidance",
                "Look at your shoes",
                f"You noted {', '.join(shoes)}: shoes are one thing worth checking.",
                1,
            )
        )
    if habit_reasons("running_load", intake) and "running_load" in lessons:
        items.append(
            _checklist_item(
                lessons["running_load"],
                "running_load",
                "guidance",
                "Running load",
                "You run: keep the week's running steady while your plan builds strength.",
                1,
            )
        )
    gait = habit_reasons("gait_drills", intake)
    if gait and "gait_and_walking" in lessons:
        items.append(
            _checklist_item(
                lessons["gait_and_walking"],
                "gait_drills",
                "drills",
                "Walking drills",
                f"You noted {', '.join(gait)}: a few minutes of drills on 3 days a week.",
                3,
            )
        )
    return items
