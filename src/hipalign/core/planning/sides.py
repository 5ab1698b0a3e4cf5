"""Which side one-leg strength work trains (issue 13 item 12).

Seed 001 trains the weaker side: its prone hip extension and side-lying leg lift are done "on
your weaker side". The planner follows it when the other side is *symptom-free*: the intake
shows nothing on that side, so the extra work goes where the weakness is. When the other side
has something (pain, a positive test, a report that it feels weaker) both sides train and the
weaker one gets one set more.
"""

from hipalign.core.assessment import SIDE_GAP_RATIO, SIDE_PLANK_LOW_S, stance_norm_s
from hipalign.core.intake import Intake
from hipalign.core.vocab import Side

# Symptoms that are felt on one side or the other. With them, `pain.side` says where; a pain
# symptom with `pain.side` "none" leaves the side unknown, so neither side counts as
# symptom-free.
SIDED_SYMPTOMS: frozenset[str] = frozenset(
    {
        "hip_pain",
        "hip_tightness",
        "groin_pain",
        "lateral_hip_pain",
        "it_band_pain",
        "knee_pain",
        "ankle_foot_pain",
        "thigh_pain",
        "buttock_pain",
    }
)


def _gap_low(mine: float | None, other: float | None) -> bool:
    """`mine` is at least SIDE_GAP_RATIO below `other` (the assessment's side-gap rule)."""
    return (
        mine is not None
        and other is not None
        and other > 0
        and mine <= other * (1 - SIDE_GAP_RATIO)
    )


def _pain_findings(intake: Intake, side: Side) -> list[str]:
    if intake.pain.side in (side, "both"):
        return [f"pain on the {side}"]
    if intake.pain.side == "none" and SIDED_SYMPTOMS & set(intake.symptoms):
        return ["pain or tightness without a side"]
    return []


def _test_findings(intake: Intake, side: Side) -> list[str]:
    """Weakness reported, and tests positive or painful, on one side."""
    f = intake.findings
    found: list[str] = []
    if f.weaker_side == side:
        found.append(f"you feel the {side} side is weaker")
    if f.trendelenburg is not None and f.trendelenburg.get(side) == "positive":
        found.append(f"a positive standing test on the {side}")
    if f.lateral_pain_in_stance is not None and f.lateral_pain_in_stance.get(side):
        found.append(f"outer-hip pain standing on the {side} leg")
    if f.faber is not None and f.faber.get(side) in ("groin_pain", "other_pain"):
        found.append(f"pain in the FABER test on the {side}")
    if f.thomas_test is not None and f.thomas_test.get(side) not in (None, "normal"):
        found.append(f"a Thomas test on the {side} suggesting short muscles")
    if f.hip_rotation_restricted is not None and f.hip_rotation_restricted.get(side):
        found.append(f"restricted turning of the {side} hip")
    if f.hip_flexion_limited is not None and f.hip_flexion_limited.get(side):
        found.append(f"a limited bend of the {side} hip")
    return found


def _hold_findings(intake: Intake, side: Side) -> list[str]:
    """A stance or side plank well under the norm or the other side."""
    f = intake.findings
    other: Side = "right" if side == "left" else "left"
    found: list[str] = []
    stance = f.single_leg_stance_s
    if (
        stance is not None
        and (v := stance.get(side)) is not None
        and (v < stance_norm_s(intake.age) or _gap_low(v, stance.get(other)))
    ):
        found.append(f"a short stance on the {side} leg")
    sp = f.side_plank_hold_s
    if (
        sp is not None
        and (v := sp.get(side)) is not None
        and (v < SIDE_PLANK_LOW_S or _gap_low(v, sp.get(other)))
    ):
        found.append(f"a short side plank on the {side}")
    return found


def side_findings(intake: Intake, side: Side) -> list[str]:
    """What the intake shows on one side, in plain words (empty: the side is symptom-free).

    Counted: pain on that side, a positive or painful test on that side, a measured hold or
    stance well under the norm or the other side, and a report that the side feels weaker."""
    return (
        _pain_findings(intake, side) + _test_findings(intake, side) + _hold_findings(intake, side)
    )


def symptom_free(intake: Intake, side: Side) -> bool:
    """No pain and no positive test on this side (issue 13 item 12)."""
    return not side_findings(intake, side)


def only_weaker_side(intake: Intake, weaker: Side | None) -> bool:
    """One-leg strength work trains only the weaker side: it is known, and the other side is
    symptom-free."""
    if weaker is None:
        return False
    return symptom_free(intake, "right" if weaker == "left" else "left")
