"""A plan habit's title and reason in the reader's language (issue 20). The plan document keeps
the core's English words (core.education.coaching.lifestyle_for); the pages word them again by
the habit's id and the numbers kept with it; a reason made from the person's own answers
("You noted knee pain: …") through services/program/plan_words.py. One neither knows stays English."""

import re

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from hipalign.core.education.models import LifestyleItem
from hipalign.services.program import plan_words

TITLES: dict[str, str | Promise] = {
    "movement_breaks": gettext_lazy("Movement breaks"),
    "workstation_check": gettext_lazy("Check your workstation"),
    "footwear_check": gettext_lazy("Look at your shoes"),
    "running_load": gettext_lazy("Running load"),
    "gait_drills": gettext_lazy("Walking drills"),
}
# The fixed reasons, by the English the plan document holds.
REASONS: dict[str, str | Promise] = {
    "Once this week: go through the list where you sit most.": gettext_lazy(
        "Once this week: go through the list where you sit most."
    ),
    "You run: keep the week's running steady while your plan builds strength.": gettext_lazy(
        "You run: keep the week's running steady while your plan builds strength."
    ),
}
_BREAKS = re.compile(
    r"You sit about (?P<hours>[\d.]+) hours a day: stand up and move for 2-3 minutes at "
    r"(?P<times>[\d:, ]+)\."
)


def habit_title(item: LifestyleItem) -> str:
    return str(TITLES.get(item.id) or item.title)


def habit_reason(item: LifestyleItem) -> str:
    if item.reason in REASONS:
        return str(REASONS[item.reason])
    said = _BREAKS.fullmatch(item.reason)
    if item.id == "movement_breaks" and said:
        return gettext(
            "You sit about %(hours)s hours a day: stand up and move for 2-3 minutes at %(times)s."
        ) % {"hours": said["hours"], "times": said["times"]}
    # A reason naming the person's answers ("You noted knee pain: ..."), by its English.
    return plan_words.text_words(item.reason)
