"""What a review point suggests from outcome changes ([rule] CLINICAL.md 6, review):
worse by the MCID on anything -> answer the safety questions again now (the review comes
forward, whatever the week); week 4 with nothing moving the right way -> a physical therapist;
weeks 6-8 with no meaningful change -> a physical therapist or doctor, and a specialist when
structural signs are present. Surgery is never recommended: a specialist can discuss options."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from hipalign.core.intake import Intake
from hipalign.core.outcomes.engine import Change

ReviewAction = Literal["continue", "rescreen_now", "see_physio", "see_physio_or_doctor"]
LEG_LENGTH_MM = 20  # the derived see_physio flag of CLINICAL.md 1


class OutcomeReview(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    action: ReviewAction
    text: str
    specialist: bool  # structural signs: an orthopaedic specialist can discuss options
    source: str
    signs: tuple[str, ...] = ()  # the structural signs the text names (structural_signs)


SOURCE = "CLINICAL.md 6 (review [rule]); PMC6251828; Ostelo 2008"


def structural_signs(intake: Intake) -> list[str]:
    """Findings that point to the joint's structure rather than muscles (CLINICAL.md 1)."""
    signs = []
    f = intake.findings
    if f.leg_length_difference_mm is not None and f.leg_length_difference_mm > LEG_LENGTH_MM:
        signs.append(f"a leg-length difference of {f.leg_length_difference_mm:g} mm")
    if f.faber is not None and "groin_pain" in (f.faber.left, f.faber.right):
        signs.append("groin pain in the FABER test")
    if intake.flagged("recent_hip_surgery") or intake.hip_precautions not in (None, "none"):
        signs.append("recent hip surgery")
    return signs


def outcome_review(week: int, changes: list[Change], structural: list[str]) -> OutcomeReview:
    worse = [c for c in changes if c.worse]
    if worse:
        what = "; ".join(c.text for c in worse)
        return OutcomeReview(
            action="rescreen_now",
            text=f"{what} Answer the safety questions again now and contact a professional.",
            specialist=bool(structural),
            source=SOURCE,
        )
    judged = [c for c in changes if c.meaningful is not None]
    specialist = ""
    if structural:
        specialist = (
            f" Because of {', '.join(structural)}, an orthopaedic specialist can also look at the "
            "joint and discuss the options with you."
        )
    if week >= 6 and judged and not any(c.meaningful for c in judged):
        return OutcomeReview(
            action="see_physio_or_doctor",
            text=(
                "After 6 weeks none of your scores has changed enough to notice: see a physical "
                "therapist or doctor to look at the plan and the cause." + specialist
            ),
            specialist=bool(structural),
            source=SOURCE,
            signs=tuple(structural),
        )
    if week >= 4 and changes and not any(c.better_by > 0 for c in changes):
        return OutcomeReview(
            action="see_physio",
            text=(
                "After 4 weeks your scores have not started to improve: answer the safety "
                "questions again and see a physical therapist."
            ),
            specialist=False,
            source=SOURCE,
        )
    return OutcomeReview(
        action="continue", text="Keep going with the plan.", specialist=False, source=SOURCE
    )
