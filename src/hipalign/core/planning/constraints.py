"""What an intake rules out, and why, in plain words.

Each rule names its source. `exclusion_reason` answers one question: may this person do this
exercise as written, and if not, what is the first reason?
"""

from pydantic import BaseModel, ConfigDict

from hipalign.core.intake import Intake
from hipalign.core.library.model import Exercise
from hipalign.core.planning.conditions import CONDITION_TAG_REASONS, condition_tags
from hipalign.core.screening.rules import FALL_RISK_STANCE_S
from hipalign.core.vocab import FLOOR_POSITIONS

PREGNANCY_SUPINE_FROM_WEEK = 13  # CLINICAL.md section 2 [rule]: none from week 13

# Tag -> (why it is excluded, source). The tag is active when the intake switches it on.
TAG_REASONS: dict[str, tuple[str, str]] = {
    "pregnancy": ("is not advised at any stage of pregnancy", "CLINICAL.md 2; seed 001"),
    "pregnancy_after_week_13": (
        "is done lying on the back, avoided from week 13 of pregnancy",
        "CLINICAL.md 2 [rule]; ACOG 804",
    ),
    "fall_risk": ("carries a risk of falling for you", "CLINICAL.md 2; seed 001; Bohannon 2006"),
    "hip_flexion_past_90": (
        "bends the hip past 90 degrees, which your hip precautions rule out",
        "Eannucci 2019",
    ),
    "hip_adduction_past_midline": (
        "brings the leg across the midline, which your hip precautions rule out",
        "Eannucci 2019",
    ),
    "hip_internal_rotation": (
        "turns the hip inwards, which your hip precautions rule out",
        "Eannucci 2019",
    ),
    "hip_extension_past_neutral": (
        "takes the leg behind the body, avoided after an anterior approach (limits uncertain)",
        "CLINICAL.md 1 (uncertain)",
    ),
    "hip_external_rotation": (
        "turns the hip outwards, avoided after an anterior approach (limits uncertain)",
        "CLINICAL.md 1 (uncertain)",
    ),
    "arm_support": (
        "puts weight through the wrists and shoulders you said are painful",
        "intake limitation",
    ),
    "lateral_hip_compression": (
        "presses on or stretches across the outer hip, which irritates painful gluteal tendons",
        "Grimaldi 2017 (secondary, CLINICAL.md 4)",
    ),
    "end_range_hip_stretch": (
        "stretches the hip to its end range after a test provoked groin pain",
        "CLINICAL.md 4 (FABER)",
    ),
    "impact": ("involves hopping or jumping", "Robertson 2017"),
} | CONDITION_TAG_REASONS


class Constraints(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tags: frozenset[str]  # active contraindication tags
    positions: dict[str, str]  # excluded position -> why
    equipment: frozenset[str]
    needs_support: bool  # balance-challenging moves need something sturdy to hold
    older_adult: bool


def balance_is_poor(intake: Intake) -> bool:
    stance = intake.findings.single_leg_stance_s
    short = stance is not None and any(
        v is not None and v < FALL_RISK_STANCE_S for v in (stance.left, stance.right)
    )
    return "poor_balance" in intake.limitations or short


def constraints_for(intake: Intake) -> Constraints:
    tags: set[str] = set()
    if intake.pregnant:
        tags |= {"pregnancy", "fall_risk"}
        if intake.pregnancy_weeks >= PREGNANCY_SUPINE_FROM_WEEK:
            tags.add("pregnancy_after_week_13")
    if balance_is_poor(intake):
        tags.add("fall_risk")
    if intake.hip_precautions == "posterior_approach":
        tags |= {"hip_flexion_past_90", "hip_adduction_past_midline", "hip_internal_rotation"}
    elif intake.hip_precautions == "anterior_approach":
        tags |= {"hip_extension_past_neutral", "hip_external_rotation"}
    if "wrist_or_shoulder_pain" in intake.limitations:
        tags.add("arm_support")
    f = intake.findings
    if "lateral_hip_pain" in intake.symptoms or (
        f.lateral_pain_in_stance is not None
        and True in (f.lateral_pain_in_stance.left, f.lateral_pain_in_stance.right)
    ):
        tags.add("lateral_hip_compression")
    if f.faber is not None and "groin_pain" in (f.faber.left, f.faber.right):
        tags.add("end_range_hip_stretch")
    if intake.flagged("runner_groin_pain_hopping"):
        tags.add("impact")
    tags |= condition_tags(intake)  # postpartum, pelvic girdle pain (issue 13)

    positions: dict[str, str] = {}
    if "cannot_get_to_floor" in intake.limitations:
        positions |= dict.fromkeys(FLOOR_POSITIONS, "is done on the floor, which you cannot get to")
    if "cannot_lie_prone" in intake.limitations:
        positions["prone"] = "is done lying face down, which you cannot do"
    if "cannot_lie_supine" in intake.limitations:
        positions["supine"] = "is done lying on your back, which you cannot do"
    return Constraints(
        tags=frozenset(tags),
        positions=positions,
        equipment=frozenset(intake.equipment),
        needs_support=intake.pregnant or balance_is_poor(intake),
        older_adult=intake.age >= 65,
    )


def exclusion_reason(ex: Exercise, c: Constraints) -> str | None:
    """The first reason this exercise may not be prescribed, or None when it may.

    The reason reads after the exercise's name: "<name> <reason>".
    """
    for tag in ex.contraindications:
        if tag in c.tags:
            why, source = TAG_REASONS[tag]
            return f"{why} ({source})"
    if ex.position in c.positions:
        return c.positions[ex.position]
    missing = [e for e in ex.equipment if e not in c.equipment]
    if missing:
        return f"needs {', '.join(m.replace('_', ' ') for m in missing)}, which you did not list"
    if (
        c.needs_support
        and "needs_support_for_balance" in ex.cautions
        and not c.equipment & {"sturdy_support", "wall"}
    ):
        return "needs a sturdy support or wall to hold for balance, which you did not list"
    return None
