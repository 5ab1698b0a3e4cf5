"""The hip diagram of the lesson on how the hip works, with the muscles a person's plan works."""

from django.contrib.auth.models import User

from hipalign.core.figure.hip_diagram import hip_diagram_svg, targeted_words
from hipalign.core.library import default_library
from hipalign.services.program import today as program


def plan_muscles(user: User) -> frozenset[str]:
    """Every muscle the exercises of the person's current plan target (none without a plan)."""
    rec = program.plan_current(user)
    doc = program.plan_document(rec) if rec else None
    if doc is None or doc.plan is None:
        return frozenset()
    library = default_library()
    return frozenset(
        m
        for day in doc.plan.days
        for item in day.items
        if item.exercise in library
        for m in library[item.exercise].targets
    )


def hip_diagram(*, user: User) -> tuple[str, list[str]]:
    """The diagram's SVG for this person, and the words for the muscles it highlights."""
    muscles = plan_muscles(user)
    return hip_diagram_svg(muscles), targeted_words(muscles)
