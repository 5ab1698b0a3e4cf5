"""A score's change from baseline in the reader's language (issue 20). The core
(core.outcomes.engine.change) writes each change's English sentence and keeps the numbers beside
it; this module words the same numbers through the catalog, so English reads the core's own
sentence and Spanish its own. The questionnaires' names stay as published."""

import re

from django.utils.translation import gettext, ngettext

from hipalign.core.outcomes.engine import Change, Measure
from hipalign.core.outcomes.review import OutcomeReview
from hipalign.core.progression import ReviewResult


def _label(measure: Measure, what: str) -> str:
    if what == "total":
        if measure.id == "nprs":
            return gettext("pain score")
        if measure.id == "psfs":
            return gettext("average score over your activities")
        return gettext("%(name)s score") % {"name": measure.name}
    if what in measure.scales:
        return gettext("%(part)s score") % {"part": what}
    return gettext("score for %(activity)s") % {"activity": what}


def _moved(better_by: float) -> str:
    # Plural by the shown number: "1 point", "1.5 points" (a float is not a plural count).
    if better_by > 0:
        n = 1 if better_by == 1 else 2
        return ngettext("improved by %(n)s point", "improved by %(n)s points", n) % {
            "n": f"{better_by:g}"
        }
    if better_by < 0:
        n = 1 if better_by == -1 else 2
        return ngettext("got worse by %(n)s point", "got worse by %(n)s points", n) % {
            "n": f"{-better_by:g}"
        }
    return gettext("did not change")


def _verdict(measure: Measure) -> str:
    if measure.mcid is None:
        return gettext("no meaningful-change threshold is published for this measure")
    if measure.mcid_fraction:
        return gettext(
            "a change of %(mcid)s points or more, and at least %(share)s of where you started, "
            "is usually noticeable"
        ) % {"mcid": f"{measure.mcid:g}", "share": f"{measure.mcid_fraction:.0%}"}
    return gettext("a change of %(mcid)s points or more is usually noticeable") % {
        "mcid": f"{measure.mcid:g}"
    }


def change_words(c: Change, measure: Measure) -> str:
    """'Your pain score improved by 2 points (from 6 to 4); a change of 2 points or more is
    usually noticeable.' in the active language."""
    return gettext("Your %(label)s %(moved)s (from %(before)s to %(after)s); %(verdict)s.") % {
        "label": _label(measure, c.what),
        "moved": _moved(c.better_by),
        "before": f"{c.baseline:g}",
        "after": f"{c.now:g}",
        "verdict": _verdict(measure),
    }


# The core's structural signs (core.outcomes.review.structural_signs), by their English.
_LEG_LENGTH = re.compile(r"a leg-length difference of (?P<mm>\d+(?:\.\d+)?) mm")


def sign_words(sign: str) -> str:
    """One structural sign the review names, in the active language."""
    found = _LEG_LENGTH.fullmatch(sign)
    if found:
        return gettext("a leg-length difference of %(mm)s mm") % {"mm": found["mm"]}
    fixed = {
        "groin pain in the FABER test": gettext("groin pain in the FABER test"),
        "recent hip surgery": gettext("recent hip surgery"),
    }
    return fixed.get(sign, sign)


def outcome_review_words(review: OutcomeReview, worse: list[tuple[Change, Measure]]) -> str:
    """What the scores suggest (core.outcomes.review.outcome_review), in the active language;
    `worse` are the changes worse by the MCID with their measures, in the core's order."""
    if review.action == "rescreen_now":
        said = "; ".join(change_words(c, m) for c, m in worse)
        return gettext(
            "%(changes)s Answer the safety questions again now and contact a professional."
        ) % {"changes": said}
    if review.action == "see_physio_or_doctor":
        text = gettext(
            "After 6 weeks none of your scores has changed enough to notice: see a physical "
            "therapist or doctor to look at the plan and the cause."
        )
        if review.signs:
            signs = ", ".join(sign_words(s) for s in review.signs)
            text += " " + gettext(
                "Because of %(signs)s, an orthopaedic specialist can also look at the joint and "
                "discuss the options with you."
            ) % {"signs": signs}
        return text
    if review.action == "see_physio":
        return gettext(
            "After 4 weeks your scores have not started to improve: answer the safety questions "
            "again and see a physical therapist."
        )
    return gettext("Keep going with the plan.")


def pain_review_words(review: ReviewResult) -> str:
    """Today's pain review (core.progression.review_check) in the active language."""
    if review.action == "rescreen_now":
        # Always 2 points or more (the NPRS MCID), so one plural form.
        return gettext(
            "Pain is %(n)s points worse than at the start: answer the safety questions again now "
            "and contact a professional."
        ) % {"n": review.worse_by}
    if review.action == "see_physio_or_doctor":
        return gettext(
            "After 6 weeks there is no meaningful change in pain: see a physical therapist or "
            "doctor to look at the plan and the cause."
        )
    if review.action == "see_physio":
        return gettext(
            "After 4 weeks pain has not started to improve: answer the safety questions again "
            "and see a physical therapist."
        )
    return gettext("Keep going with the plan.")
