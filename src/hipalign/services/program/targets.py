"""What a person's current plan works: the muscles its exercises target (the lesson diagram)."""

from django.contrib.auth.models import User

from hipalign.core.library import default_library
from hipalign.services.program.plans import plan_current, plan_document


def plan_muscles(user: User) -> frozenset[str]:
    """Every muscle the exercises of the person's current plan target (none without a plan)."""
    rec = plan_current(user)
    doc = plan_document(rec) if rec else None
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
