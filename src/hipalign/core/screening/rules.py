"""From an intake to a referral level with reasons (CLINICAL.md section 1).

The level is the most urgent one any rule reaches. Emergency and urgent always withhold the plan;
see_doctor withholds it until a clinician clears the person; recent hip surgery withholds it until
a clinician records the hip precautions.
"""

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from hipalign.core.intake import Intake
from hipalign.core.references import RULE, cite_all
from hipalign.core.screening.catalog import QUESTIONS
from hipalign.core.screening.limits import LIMITS
from hipalign.core.vocab import REFERRAL_ORDER, ReferralLevel

# Age limits from CLINICAL.md section 1: a limp under 18 is out of scope (GH); under 16 goes to
# orthopaedics (NE Devon); new back pain under 20 or over 55 sees a doctor first (GS).
LIMP_OUT_OF_SCOPE_BELOW = 18
LIMP_ORTHOPAEDICS_BELOW = 16
BACK_PAIN_YOUNG_BELOW = 20
BACK_PAIN_OLD_ABOVE = 55
# Leg length: above 20 mm goes to a clinician [rule] (CLINICAL.md section 4).
LEG_LENGTH_CLINICIAN_MM = 20
# Single-leg stance under 5 s marks a fall risk (Bohannon 2006).
FALL_RISK_STANCE_S = 5.0


class Reason(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    level: ReferralLevel
    text: str  # what was found, in plain words
    action: str  # what to do now, and how urgently
    source: str


class Referral(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    level: ReferralLevel
    reasons: list[Reason]
    plan_withheld: bool
    # Why the plan is withheld, in plain words; empty when a plan is given.
    withheld_because: str = ""
    # Extension (issue 13): catalog questions a stored intake has no answer for (a question
    # added after it was stored); they are asked at the next check-in or re-plan.
    unanswered: list[str] = []


def _rank(level: ReferralLevel) -> int:
    return REFERRAL_ORDER.index(level)


def _question_reasons(answers: Mapping[str, bool]) -> list[Reason]:
    """A reason per yes; a question left unanswered (the onboarding stopped before it) is not."""

    def flagged(qid: str) -> bool:
        return answers.get(qid) is True

    reasons = []
    for q in QUESTIONS:
        if not flagged(q.id):
            continue
        level, action = q.level, q.action
        if q.id == "cancer_history_or_weight_loss" and flagged("constant_night_pain"):
            action = "See your doctor within the next few days: a history of cancer or weight loss together with night pain should not wait."
        if q.id == "immunosuppressed_steroids_iv_drugs" and flagged("hot_swollen_joint_fever"):
            level = "emergency"
            action = "Go to an emergency department now: weakened immunity with a hot joint or fever can mean a joint infection."
        reasons.append(
            Reason(
                id=q.id,
                level=level,
                text=f"You answered yes to: {q.question}",
                action=action,
                source=cite_all(q.refs),
            )
        )
    return reasons


def _derived_reasons(intake: Intake) -> list[Reason]:
    """Reasons the answers imply without a safety question saying so, in a fixed order: the
    age-bound symptoms first, then what the tests found."""
    return _age_symptom_reasons(intake) + _finding_reasons(intake)


def _age_symptom_reasons(intake: Intake) -> list[Reason]:
    """A limp or back pain at an age where it needs a doctor first."""
    reasons: list[Reason] = []
    if "limp" in intake.symptoms and intake.age < LIMP_OUT_OF_SCOPE_BELOW:
        where = (
            "a children's orthopaedic team" if intake.age < LIMP_ORTHOPAEDICS_BELOW else "a doctor"
        )
        reasons.append(
            Reason(
                id="young_person_with_limp",
                level="see_doctor",
                text=f"A limp at age {intake.age} needs a medical check; it is outside what hipalign covers.",
                action=f"Arrange an appointment with {where} before any exercise program.",
                source=cite_all(("glos_hip_pathway", "ne_devon_hip_pain")),
            )
        )
    if "low_back_pain" in intake.symptoms and (
        intake.age < BACK_PAIN_YOUNG_BELOW or intake.age > BACK_PAIN_OLD_ABOVE
    ):
        reasons.append(
            Reason(
                id="back_pain_age",
                level="see_doctor",
                text=f"Back pain at age {intake.age}: when it is new, people under 20 or over 55 should see a doctor first.",
                action="See your doctor before starting, unless a clinician has already checked this back pain.",
                source=cite_all(("glos_spine_pathway",)),
            )
        )
    return reasons


def _finding_reasons(intake: Intake) -> list[Reason]:
    """What the self-tests found that a professional should look at (and a pregnancy)."""
    reasons: list[Reason] = []
    f = intake.findings
    if (
        f.leg_length_difference_mm is not None
        and f.leg_length_difference_mm > LEG_LENGTH_CLINICIAN_MM
    ):
        reasons.append(
            Reason(
                id="leg_length_difference_large",
                level="see_physio",
                text=f"A leg length difference of {f.leg_length_difference_mm:g} mm is more than exercise alone addresses.",
                action="Ask a physical therapist to measure it with blocks; exercises can start meanwhile.",
                source=cite_all((RULE, "badii2014")),
            )
        )
    if f.faber is not None and "groin_pain" in (f.faber.left, f.faber.right):
        reasons.append(
            Reason(
                id="groin_pain_on_test",
                level="see_physio",
                text="The FABER test brought on groin pain.",
                action="Have a physical therapist look at the hip joint; the plan leaves out end-range hip stretches until then.",
                source=cite_all(("physiohub_faber",)),
            )
        )
    if f.lateral_pain_in_stance is not None and True in (
        f.lateral_pain_in_stance.left,
        f.lateral_pain_in_stance.right,
    ):
        reasons.append(
            Reason(
                id="lateral_hip_pain_single_leg",
                level="see_physio",
                text="Standing on one leg brought on pain on the outside of the hip, which often comes from the gluteal tendons.",
                action="See a physical therapist for a tendon-friendly loading plan; the plan avoids lying on or stretching across the outer hip.",
                source=cite_all(("grimaldi2017",)),
            )
        )
    stance = f.single_leg_stance_s
    if stance is not None and any(
        v is not None and v < FALL_RISK_STANCE_S for v in (stance.left, stance.right)
    ):
        reasons.append(
            Reason(
                id="fall_risk_single_leg_stance",
                level="see_physio",
                text="Standing on one leg for less than 5 seconds points to a higher risk of falling.",
                action="Do balance work next to a sturdy support; a physical therapist can tailor a falls-prevention program.",
                source=cite_all(("bohannon2006", "sherrington2020")),
            )
        )
    if intake.pregnant:
        reasons.append(
            Reason(
                id="pregnancy_evaluate_first",
                level="see_physio",
                text="Exercise is safe in an uncomplicated pregnancy, and the plan is adjusted to your stage.",
                action="Check with your midwife or obstetrician that exercise suits your pregnancy; with any complication they decide.",
                source=cite_all(("acog2020",)),
            )
        )
    return reasons


def pain_peak(intake: Intake) -> int:
    """The higher of pain now and worst pain this week (NPRS 0-10)."""
    return max(intake.pain.now, intake.pain.worst_week)


def gentle_start(intake: Intake) -> bool:
    """Pain at rest (now, when the intake is filled in) high enough that every exercise starts
    at its easiest rung and strength work has no movement under load (limits.toml [pain]).

    A red flag at emergency or urgent withholds the plan anyway; after a clinician's clearance
    the gentle start still applies while pain is this high."""
    return intake.pain.now >= LIMITS.pain.gentle_start_from


def dynamic_strength_allowed(intake: Intake) -> bool:
    """False when pain now is above the pain-monitoring model's acceptable level (Silbernagel)."""
    return intake.pain.now <= LIMITS.pain.dynamic_strength_max and not gentle_start(intake)


def postpartum_early(intake: Intake) -> bool:
    w = intake.postpartum_weeks
    return w is not None and w < LIMITS.postpartum.see_physio_below_weeks


def caesarean_early(intake: Intake) -> bool:
    w = intake.postpartum_weeks
    return (
        intake.caesarean and w is not None and w < LIMITS.postpartum.caesarean_no_plank_below_weeks
    )


def pelvic_girdle_pain(intake: Intake) -> bool:
    """Groin, pubic or buttock pain while pregnant (limits.toml [pelvic_girdle])."""
    return intake.pregnant and any(s in intake.symptoms for s in LIMITS.pelvic_girdle.symptoms)


def child_hip_pain(intake: Intake) -> bool:
    """Hip, groin, thigh or knee pain under 16, with or without a limp (limits.toml [children]).

    Pain given as a number counts too: the intake asks about hip pain."""
    if intake.age >= LIMITS.children.pain_see_doctor_below_age:
        return False
    return pain_peak(intake) > 0 or any(s in intake.symptoms for s in LIMITS.children.symptoms)


def _issue13_reasons(intake: Intake) -> list[Reason]:
    """Children's hips, pain intensity, postpartum and pelvic girdle pain (issue 13, 1-4)."""
    return _child_and_pain_reasons(intake) + _birth_and_pelvis_reasons(intake)


def _child_and_pain_reasons(intake: Intake) -> list[Reason]:
    """A growing child's hip, groin, thigh or knee pain; pain high enough to need guidance."""
    reasons: list[Reason] = []
    if child_hip_pain(intake):
        reasons.append(
            Reason(
                id="child_hip_or_knee_pain",
                level="see_doctor",
                text=(
                    f"Hip, groin, thigh or knee pain at age {intake.age} needs a doctor to look at "
                    "the hip itself. While the bones are still growing, two hip problems (a slip "
                    "of the growth plate at the top of the thigh bone, and Perthes disease) often "
                    "show up as pain in the knee, thigh or groin rather than in the hip, and a "
                    "slip needs treatment quickly."
                ),
                action=(
                    "See a doctor this week, and tell them where it hurts even if it is only the "
                    "knee. Go the same day if walking gets harder or the pain gets worse, and to "
                    "an emergency department if you cannot stand on the leg. No exercise plan "
                    "until a clinician has cleared you."
                ),
                source=cite_all(LIMITS.children.sources),
            )
        )
    peak = pain_peak(intake)
    if peak >= LIMITS.pain.see_physio_from:
        gentle = (
            " Because your pain is high even at rest, the plan starts at the easiest step of "
            "every exercise, and strengthening is done as holds without movement or as gentle "
            "movement through a comfortable range."
            if gentle_start(intake)
            else ""
        )
        reasons.append(
            Reason(
                id="pain_high",
                level="see_physio",
                text=(
                    f"Your pain is high: {intake.pain.now}/10 now and {intake.pain.worst_week}/10 "
                    "at its worst this week. Pain this high (like pain at night or pain that "
                    "lasts for hours after activity) means the hip is easily irritated."
                ),
                action=(
                    "Ask a physical therapist to guide how much you do; keep exercise pain at 5 "
                    "or less and stop an exercise that makes it worse the next morning." + gentle
                ),
                source=cite_all(LIMITS.pain.sources),
            )
        )
    return reasons


def _birth_and_pelvis_reasons(intake: Intake) -> list[Reason]:
    """The first weeks after giving birth; pelvic girdle pain in pregnancy."""
    reasons: list[Reason] = []
    if postpartum_early(intake):
        weeks = intake.postpartum_weeks
        caesarean = (
            " After a caesarean, the plan also leaves out every kind of plank and any curling "
            f"up against a load until {LIMITS.postpartum.caesarean_no_plank_below_weeks} weeks, "
            "while the scar and the tummy wall heal."
            if caesarean_early(intake)
            else ""
        )
        reasons.append(
            Reason(
                id="postpartum_early",
                level="see_physio",
                text=(
                    f"You gave birth {weeks} week{'' if weeks == 1 else 's'} ago. For the first "
                    f"{LIMITS.postpartum.see_physio_below_weeks} weeks the pelvic floor and the "
                    "tummy muscles are still recovering from pregnancy and birth."
                ),
                action=(
                    "Ask a pelvic health physical therapist to check your pelvic floor and tummy "
                    "wall before harder trunk work. Until "
                    f"{LIMITS.postpartum.see_physio_below_weeks} weeks the plan leaves out forearm, "
                    "side and single-leg planks and other heavy trunk work."
                    + caesarean
                    + " Breathe "
                    "out as you make an effort, and stop and get checked if you notice leaking, a "
                    "heavy or dragging feeling in the vagina, or a ridge bulging along the middle "
                    "of your tummy."
                ),
                source=cite_all(
                    LIMITS.postpartum.sources
                    + (LIMITS.postpartum.caesarean_sources if caesarean_early(intake) else [])
                ),
            )
        )
    if pelvic_girdle_pain(intake):
        reasons.append(
            Reason(
                id="pelvic_girdle_pain_pregnancy",
                level="see_physio",
                text=(
                    "Groin, pubic or buttock pain in pregnancy often comes from the joints of the "
                    "pelvis (pregnancy-related pelvic girdle pain); it is common and treatable."
                ),
                action=(
                    "See a pelvic health physical therapist. The plan keeps both legs working "
                    "evenly: no standing on one leg, no wide-legged positions and no leg swings. "
                    "Keep your knees together when you turn in bed or get in and out of a car."
                ),
                source=cite_all(LIMITS.pelvic_girdle.sources),
            )
        )
    return reasons


STOPPED_BECAUSE = "A warning sign needs medical attention first, so no exercise plan is given."


def screen(intake: Intake) -> Referral:
    reasons = (
        _question_reasons(intake.screening) + _derived_reasons(intake) + _issue13_reasons(intake)
    )
    reasons.sort(key=lambda r: -_rank(r.level))
    level: ReferralLevel = reasons[0].level if reasons else "none"
    withheld = ""
    if level in ("emergency", "urgent"):
        withheld = STOPPED_BECAUSE
    elif level == "see_doctor" and not intake.cleared_by_clinician:
        withheld = "A doctor should see you first. Once a clinician clears you, the plan appears."
    elif intake.flagged("recent_hip_surgery") and intake.hip_precautions is None:
        withheld = "After recent surgery a clinician must record your hip precautions before a plan is made."
    return Referral(
        level=level,
        reasons=reasons,
        plan_withheld=bool(withheld),
        withheld_because=withheld,
        unanswered=intake.unanswered,
    )


def screen_answers(answers: Mapping[str, bool]) -> Referral:
    """The referral from the safety answers alone, some perhaps not given yet: the onboarding
    stops at the first yes that needs care now (catalog.STOP_LEVELS), before age, pain or the
    rest are asked, so only the question rules apply. The same rules as screen() for those."""
    reasons = sorted(_question_reasons(answers), key=lambda r: -_rank(r.level))
    level: ReferralLevel = reasons[0].level if reasons else "none"
    stopped = level in ("emergency", "urgent")
    return Referral(
        level=level,
        reasons=reasons,
        plan_withheld=stopped,
        withheld_because=STOPPED_BECAUSE if stopped else "",
    )
