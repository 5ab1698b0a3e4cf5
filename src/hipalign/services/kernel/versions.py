"""A person's program version: a number that changes whenever what adherence reads changes.

Every write of an exercise log, its deletion, a new plan version and an account import bump
`Profile.program_version` inside the writer's own transaction, so the number commits with the
rows it stands for. A reader that reads the number before the rows can keep what it computed
from those rows under that number (services/followup/adherence.py, the clinician's list): if a
write commits in between, the kept result carries the older number and is recomputed on the
next read; it is never taken for newer than it is (issue 19).

A person without a profile row (an account made before roles existed) has no number: a reader
then recomputes every time."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import F

from hipalign.adapters.db.models import Profile


def program_changed(*, user_id: int) -> None:
    """Mark the person's program rows changed; call inside the transaction that changes them."""
    Profile.objects.filter(user_id=user_id).update(program_version=F("program_version") + 1)


def program_versions(*, user_ids: Any) -> dict[int, tuple[str, int] | None]:
    """Per person id in `user_ids` (ids or a subquery of ids): their profile's public id and
    program version, None for a person without a profile row. The public id is random per
    profile, so a kept result never passes for a later account given a reused integer id."""
    return {
        pk: None if version is None else (str(public_id), version)
        for pk, public_id, version in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "profile__public_id", "profile__program_version"
        )
    }
