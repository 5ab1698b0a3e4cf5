"""The plan page model (issue 15: one read model per page): a plan version, its document and
each exercise at today's dose. The plan page, the JSON API and the exports (PDF handout,
calendar) all build it here, so they cannot drift apart."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import User

from hipalign.adapters.db.models import PlanRecord
from hipalign.core.i18n import SOURCE_LANGUAGE
from hipalign.core.planning.document import PlanDocument
from hipalign.services.program import doses, plans


@dataclass(frozen=True)
class PlanView:
    rec: PlanRecord
    doc: PlanDocument
    is_current: bool
    owner: User
    # The reader's language: the exercise words of `items` are in it where translated.
    language: str = SOURCE_LANGUAGE

    @cached_property
    def items(self) -> dict[str, doses.ItemNow]:
        """Each exercise at the person's dose now (after progression decisions); read on first
        use only, so the API, which sends the document alone, does not pay for it."""
        return doses.plan_items_now(self.owner, self.doc, language=self.language)


def plan_view_of(
    owner: User,
    rec: PlanRecord,
    *,
    current: PlanRecord | None,
    language: str = SOURCE_LANGUAGE,
) -> PlanView:
    """The view of one plan version of `owner`; `current` is their current plan as the caller
    read it (so the page reads it once); `language` is the reader's."""
    return PlanView(
        rec, plans.plan_document(rec), current is not None and rec == current, owner, language
    )


def plan_view(owner: User, *, language: str = SOURCE_LANGUAGE) -> PlanView | None:
    """The view of the person's current plan; None before the first plan."""
    rec = plans.plan_current(owner)
    return None if rec is None else plan_view_of(owner, rec, current=rec, language=language)
