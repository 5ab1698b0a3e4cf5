"""What an intake rules out, and why, in plain words.

Each rule names its source. `exclusion_reason` answers one question: may this person do this
exercise as written, and if not, what is the first reason?
"""

from collections.abc import Collection

from pydantic import BaseModel, ConfigDict

from hipalign.core.intake import Intake
from hipalign.core.library.model import Exercise
from hipalign.core.planning.conditions import CONDITION_TAG_REASONS, condition_tags
from hipalign.core.screening.limits import LIMITS
from hipalign.core.screening.rules import FALL_RISK_STANCE_S
from hipalign.core.vocab import FLOOR_POSITIONS

PREGNANCY_SUPINE_FROM_WEEK = 13  # CLINICAL.md section 2 [rule]: none from week 13
OLDER_ADULT_PLANK_AGE = 65  # planks are not first-line from 65 (issue 13 item 9, our rule)

# Tag -> (why it is excluded, bibliography ids). A condition that switches a tag on for its own
# reason (gluteal tendon pain also rules out crossing the midline) gives its own words below.
TAG_REASONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pregnancy": (
        "is not advised at any stage of pregnancy",
        ("seed_hip_exercises_eleven", "hipalign_rule"),
    ),
    "pregnancy_after_week_13": (
        "is done lying on the back, avoided from week 13 of pregnancy",
        ("acog2020", "hipalign_rule"),
    ),
    "fall_risk": ("carries a risk of falling for you", ("bohannon2006", "hipalign_rule")),
    "hip_flexion_past_90": (
        "bends the hip past 90 degrees, which your hip precautions rule out",
        ("eannucci2019",),
    ),
    "hip_adduction_past_midline": (
        "brings the leg across the midline, which your hip precautions rule out",
        ("eannucci2019",),
    ),
    "hip_internal_rotation": (
        "turns the hip inwards, which your hip precautions rule out",
        ("eannucci2019",),
    ),
    "hip_extension_past_neutral": (
        "takes the leg behind the body, avoided after an anterior-approach hip replacement",
        ("deak_statpearls_hip_precautions", "hipalign_rule"),
    ),
    "hip_external_rotation": (
        "turns the hip outwards, avoided after an anterior-approach hip replacement",
        ("deak_statpearls_hip_precautions", "hipalign_rule"),
    ),
    "hip_extension_external_rotation": (
        "takes the leg back and turns it out together, avoided after an anterior-approach hip "
        "replacement",
        ("deak_statpearls_hip_precautions", "hipalign_rule"),
    ),
    "arm_support": (
        "puts weight through the wrists and shoulders you said are painful",
        ("hipalign_rule",),
    ),
    "lateral_hip_compression": (
        "presses on or stretches across the outer hip, which irritates painful gluteal tendons",
        ("grimaldi2015", "grimaldi2017"),
    ),
    "side_lying": (
        "is done lying on your side: with outer-hip pain the lower hip is pressed and the top "
        "leg drops across, which both squeeze the painful tendons; it can come back later, "
        "once pain allows",
        ("grimaldi2015", "mellor2018"),
    ),
    "end_range_hip_stretch": (
        "stretches the hip to its end range after a test provoked groin pain",
        ("physiohub_faber",),
    ),
    "end_range_hip_flexion": (
        "pulls the hip to the end of its bend, which your groin pain rules out for now",
        ("physiohub_faber", "hipalign_rule"),
    ),
    "hip_flexion_adduction_internal_rotation": (
        "bends the hip deeply while turning the knee in, the position that provokes groin pain",
        ("physiohub_faber", "hipalign_rule"),
    ),
    "floor_plank": (
        "is a full plank on the floor; an easier incline or knee version comes first and leads "
        "to it",
        ("hipalign_rule",),
    ),
    "impact": ("involves hopping or jumping", ("robertson2017",)),
}
# The issue-13 conditions (postpartum, pelvic girdle pain) give their words in
# planning.conditions and their sources in screening/limits.toml.
_CONDITION_REFS: dict[str, list[str]] = {
    "high_load_trunk": LIMITS.postpartum.sources,
    "any_plank": LIMITS.postpartum.caesarean_sources,
    "loaded_trunk_flexion": LIMITS.postpartum.caesarean_sources,
    "asymmetric_single_leg_load": LIMITS.pelvic_girdle.sources,
    "wide_stance": LIMITS.pelvic_girdle.sources,
    "leg_swing": LIMITS.pelvic_girdle.sources,
}
TAG_REASONS |= {
    tag: (why, tuple(_CONDITION_REFS[tag])) for tag, (why, _) in CONDITION_TAG_REASONS.items()
}

# Reasons a condition gives when it switches on a tag that another condition also uses.
_OUTER_HIP_ADDUCTION = (
    "brings the leg across the midline, which squeezes painful outer-hip (gluteal) tendons",
    ("grimaldi2015",),
)
_PLANK_WHY = {
    "age": "is a full plank on the floor, not a first exercise from 65; the incline or knee "
    "version comes first and its ladder leads here",
    "balance": "is a full plank on the floor, not a first exercise with poor balance; the "
    "incline or knee version comes first and its ladder leads here",
    "surgery": "is a full plank on the floor, not a first exercise after hip surgery; the "
    "incline or knee version comes first and its ladder leads here",
}


class Constraints(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tags: frozenset[str]  # active contraindication tags
    # why each active tag excludes, when the condition that switched it on has its own words
    # (tag -> (text, bibliography ids)); other tags read TAG_REASONS
    reasons: dict[str, tuple[str, tuple[str, ...]]] = {}
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


def groin_pain_rules_out_end_range(intake: Intake) -> bool:
    """Groin pain on FABER, or reported groin pain with a hip whose bend is limited."""
    f = intake.findings
    if f.faber is not None and "groin_pain" in (f.faber.left, f.faber.right):
        return True
    limited = f.hip_flexion_limited
    return "groin_pain" in intake.symptoms and (
        limited is not None and True in (limited.left, limited.right)
    )


def plank_not_first_line(intake: Intake) -> str | None:
    """Why a full floor plank is not a first exercise for this person, or None."""
    if intake.age >= OLDER_ADULT_PLANK_AGE:
        return "age"
    if balance_is_poor(intake):
        return "balance"
    if intake.hip_precautions in ("posterior_approach", "anterior_approach") or intake.flagged(
        "recent_hip_surgery"
    ):
        return "surgery"
    return None


def tag_reason(tag: str, c: "Constraints") -> tuple[str, tuple[str, ...]]:
    """The words and bibliography ids for an active tag."""
    return c.reasons.get(tag) or TAG_REASONS[tag]


# The movements each hip-replacement approach's precautions rule out.
_PRECAUTION_TAGS: dict[str, frozenset[str]] = {
    "posterior_approach": frozenset(
        {"hip_flexion_past_90", "hip_adduction_past_midline", "hip_internal_rotation"}
    ),
    "anterior_approach": frozenset(
        {
            "hip_extension_past_neutral",
            "hip_external_rotation",
            "hip_extension_external_rotation",
        }
    ),
}

# Limitations that rule out positions, in order (a later one overrides an earlier reason).
_POSITION_LIMITS: tuple[tuple[str, Collection[str], str], ...] = (
    ("cannot_get_to_floor", FLOOR_POSITIONS, "is done on the floor, which you cannot get to"),
    ("cannot_lie_prone", ("prone",), "is done lying face down, which you cannot do"),
    ("cannot_lie_supine", ("supine",), "is done lying on your back, which you cannot do"),
)


def _lateral_hip_pain(intake: Intake) -> bool:
    f = intake.findings
    return "lateral_hip_pain" in intake.symptoms or (
        f.lateral_pain_in_stance is not None
        and True in (f.lateral_pain_in_stance.left, f.lateral_pain_in_stance.right)
    )


def _body_tags(intake: Intake) -> set[str]:
    """Tags from pregnancy, balance, hip precautions, arm support and outer-hip pain."""
    tags: set[str] = set()
    if intake.pregnant:
        tags |= {"pregnancy", "fall_risk"}
        if intake.pregnancy_weeks >= PREGNANCY_SUPINE_FROM_WEEK:
            tags.add("pregnancy_after_week_13")
    if balance_is_poor(intake):
        tags.add("fall_risk")
    tags |= _PRECAUTION_TAGS.get(intake.hip_precautions or "", frozenset())
    if "wrist_or_shoulder_pain" in intake.limitations:
        tags.add("arm_support")
    if _lateral_hip_pain(intake):
        tags.add("lateral_hip_compression")
    return tags


def _positions(intake: Intake) -> dict[str, str]:
    positions: dict[str, str] = {}
    for limitation, ruled_out, reason in _POSITION_LIMITS:
        if limitation in intake.limitations:
            positions |= dict.fromkeys(ruled_out, reason)
    return positions


def constraints_for(intake: Intake) -> Constraints:
    tags = _body_tags(intake)
    reasons: dict[str, tuple[str, tuple[str, ...]]] = {}
    if "lateral_hip_compression" in tags:
        # Gluteal tendon pain: no side-lying work on either side early on, and no adduction
        # across the midline (Grimaldi 2015); the abductors are loaded standing or isometrically.
        tags.add("side_lying")
        if "hip_adduction_past_midline" not in tags:
            reasons["hip_adduction_past_midline"] = _OUTER_HIP_ADDUCTION
        tags.add("hip_adduction_past_midline")
    if groin_pain_rules_out_end_range(intake):
        tags |= {
            "end_range_hip_stretch",
            "end_range_hip_flexion",
            "hip_flexion_adduction_internal_rotation",
        }
    plank_why = plank_not_first_line(intake)
    if plank_why:
        tags.add("floor_plank")
        reasons["floor_plank"] = (_PLANK_WHY[plank_why], ("hipalign_rule",))
    if intake.flagged("runner_groin_pain_hopping"):
        tags.add("impact")
    tags |= condition_tags(intake)  # postpartum, pelvic girdle pain (issue 13)
    return Constraints(
        tags=frozenset(tags),
        reasons=reasons,
        positions=_positions(intake),
        equipment=frozenset(intake.equipment),
        needs_support=intake.pregnant or balance_is_poor(intake),
        older_adult=intake.age >= 65,
    )


def exclusion(ex: Exercise, c: Constraints) -> tuple[str, tuple[str, ...]] | None:
    """The first reason this exercise may not be prescribed with its bibliography ids, or None."""
    for tag in ex.contraindications:
        if tag in c.tags:
            return tag_reason(tag, c)
    reason = exclusion_reason(ex, c)
    return None if reason is None else (reason, ("hipalign_rule",))


def exclusion_reason(ex: Exercise, c: Constraints) -> str | None:
    """The first reason this exercise may not be prescribed, or None when it may.

    The reason reads after the exercise's name: "<name> <reason>".
    """
    for tag in ex.contraindications:
        if tag in c.tags:
            return tag_reason(tag, c)[0]
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
