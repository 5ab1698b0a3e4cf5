"""A score's change from baseline in the reader's language (issue 20). The core
(core.outcomes.engine.change) writes each change's English sentence and keeps the numbers beside
it; this module words the same numbers through the catalog, so English reads the core's own
sentence and Spanish its own. The questionnaires' names stay as published."""

from django.utils.translation import gettext, ngettext

from hipalign.core.outcomes.engine import Change, Measure


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
