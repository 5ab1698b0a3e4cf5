"""Plan rules for the issue-13 conditions: a high-pain start, the postpartum weeks and pelvic
girdle pain in pregnancy. Kept apart from the planner so its other rules can change freely;
the planner calls these few functions (constraints, start rung, strength swap, notes).

Thresholds and sources are data (core/screening/limits.toml); the reasons a person reads cite
the bibliography.
"""

from collections.abc import Callable

from hipalign.core.intake import Intake
from hipalign.core.library import Exercise, Library
from hipalign.core.references import cite_all
from hipalign.core.screening.limits import LIMITS
from hipalign.core.screening.rules import (
    caesarean_early,
    dynamic_strength_allowed,
    gentle_start,
    pelvic_girdle_pain,
    postpartum_early,
)
from hipalign.core.vocab import MUSCLE_GROUP

AllowedFn = Callable[[Exercise], bool]

# Tag -> (why it is excluded, source), in the form of planning.constraints.TAG_REASONS.
CONDITION_TAG_REASONS: dict[str, tuple[str, str]] = {
    "high_load_trunk": (
        "puts a heavy load on the tummy muscles and pelvic floor, which are still recovering in "
        f"the first {LIMITS.postpartum.see_physio_below_weeks} weeks after the birth",
        cite_all(LIMITS.postpartum.sources),
    ),
    "any_plank": (
        "is a plank, left out for the first "
        f"{LIMITS.postpartum.caesarean_no_plank_below_weeks} weeks after a caesarean while the "
        "scar and tummy wall heal",
        cite_all(LIMITS.postpartum.caesarean_sources),
    ),
    "loaded_trunk_flexion": (
        "curls the trunk up against a load, left out for the first "
        f"{LIMITS.postpartum.caesarean_no_plank_below_weeks} weeks after a caesarean",
        cite_all(LIMITS.postpartum.caesarean_sources),
    ),
    "asymmetric_single_leg_load": (
        "loads one leg more than the other, which strains painful pelvic joints in pregnancy",
        cite_all(LIMITS.pelvic_girdle.sources),
    ),
    "wide_stance": (
        "takes the legs wide apart, which strains painful pelvic joints in pregnancy",
        cite_all(LIMITS.pelvic_girdle.sources),
    ),
    "leg_swing": (
        "swings one leg, which strains painful pelvic joints in pregnancy",
        cite_all(LIMITS.pelvic_girdle.sources),
    ),
}


def condition_tags(intake: Intake) -> set[str]:
    """The contraindication tags the issue-13 conditions switch on."""
    tags: set[str] = set()
    if postpartum_early(intake):
        tags.add("high_load_trunk")
    if caesarean_early(intake):
        tags |= {"any_plank", "loaded_trunk_flexion"}
    if pelvic_girdle_pain(intake):
        tags |= {"asymmetric_single_leg_load", "wide_stance", "leg_swing"}
    return tags


def high_pain_rung(rung: int, intake: Intake) -> int:
    """The easiest rung of every ladder when pain at rest is high (limits.toml [pain])."""
    return 0 if gentle_start(intake) else rung


def moves_under_load(ex: Exercise) -> bool:
    """Strength work with movement (repetitions); a hold is isometric already."""
    return ex.primary_intent == "strengthen" and ex.dose.kind == "reps"


def pain_swap(
    ex: Exercise, intake: Intake, library: Library, allowed: AllowedFn
) -> tuple[Exercise | None, str]:
    """With pain above the acceptable level, strength work with movement becomes a hold without
    movement or range-of-motion work for the same main muscle group.

    Returns the exercise to use (itself when no swap applies, None when nothing allowed fits)
    and the reason in plain words ("" when unchanged)."""
    if dynamic_strength_allowed(intake) or not moves_under_load(ex):
        return ex, ""
    group = MUSCLE_GROUP[ex.targets[0]]
    pain = intake.pain.now
    for candidate in LIMITS.pain_swap.get(group, []):
        if candidate in library and allowed(library[candidate]):
            swap = library[candidate]
            return swap, (
                f"Your pain is {pain}/10, above the 5 that exercise should stay within, so "
                f"{swap.name} (no movement under load, or gentle movement) stands in for "
                f"{ex.name} until pain settles."
            )
    return None, (
        f"{ex.name} is left out while your pain is {pain}/10: above 5, strength work with "
        "movement is too much, and no hold or gentle movement for the same muscles is allowed "
        "for you."
    )


PAIN_SOURCE = cite_all(LIMITS.pain.sources)


def condition_notes(ex: Exercise, intake: Intake) -> list[str]:
    """How to do an exercise given the issue-13 conditions (pelvic-floor-aware wording)."""
    notes: list[str] = []
    trunk = "abdominals" in ex.targets or "obliques" in ex.targets
    if (
        intake.postpartum_weeks is not None
        and postpartum_early(intake)
        and (trunk or ex.primary_intent == "strengthen")
    ):
        notes.append(
            "Breathe out and gently lift your pelvic floor as you make the effort; stop if you "
            "leak, feel heaviness in the vagina, or see a ridge bulge along the middle of your "
            "tummy."
        )
    if pelvic_girdle_pain(intake) and ex.position in ("supine", "side_lying", "quadruped"):
        notes.append(
            "Keep your knees together when you get down and up, and roll onto your side first."
        )
    if gentle_start(intake):
        notes.append("Starts at the easiest step because your pain is high: stop if it rises.")
    return notes


def condition_summary(intake: Intake) -> str:
    """What the issue-13 conditions changed, for the end of the plan's summary ("" if none)."""
    parts: list[str] = []
    if gentle_start(intake):
        parts.append(
            f"Your pain is {intake.pain.now}/10 at rest, so every exercise starts at its easiest "
            "step and strength work is done as holds without movement or gentle range-of-motion "
            "work."
        )
    elif not dynamic_strength_allowed(intake):
        parts.append(
            f"Your pain is {intake.pain.now}/10, so strength work is done as holds without "
            "movement or gentle range-of-motion work until it settles to 5 or less."
        )
    if postpartum_early(intake):
        parts.append(
            "Planks and other heavy trunk work wait until "
            f"{LIMITS.postpartum.see_physio_below_weeks} weeks after the birth"
            + (
                "; after your caesarean no plank of any kind before "
                f"{LIMITS.postpartum.caesarean_no_plank_below_weeks} weeks"
                if caesarean_early(intake)
                else ""
            )
            + "."
        )
    if pelvic_girdle_pain(intake):
        parts.append(
            "Both legs work evenly to spare the pelvic joints: no standing on one leg, wide "
            "stances or leg swings."
        )
    return "".join(" " + p for p in parts)


def pain_swap_problems(library: Library) -> list[str]:
    """Problems of limits.toml [pain_swap] against the library (for `hipalign library validate`):
    every id must be an exercise, and none may be strength work with movement under load."""
    problems: list[str] = []
    for group, ids in LIMITS.pain_swap.items():
        for ex_id in ids:
            where = f"screening limits: pain_swap.{group}"
            if ex_id not in library:
                problems.append(f"{where}: {ex_id!r} is not an exercise of the library")
            elif moves_under_load(library[ex_id]):
                problems.append(
                    f"{where}: {ex_id!r} is strength work with movement; a swap must be a hold "
                    "or range-of-motion work"
                )
    return problems
