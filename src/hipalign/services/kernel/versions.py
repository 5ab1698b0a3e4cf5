"""A person's program version: a number that changes whenever what adherence reads changes.

Every write of an exercise log, its deletion, a new plan version and an account import bump
`Profile.program_version` inside the writer's own transaction, so the number commits with the
rows it stands for. A reader that reads the number before the rows can keep what it computed
from those rows under that number (services/followup/adherence.py, the clinician's list): if a
write commits in between, the kept result carries the older number and is recomputed on the
next read; it is never taken for newer than it is (issue 19).

A person without a profile row (an account made before roles existed) has no number: a reader
then recomputes every time."""

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
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


Versions = Mapping[int, tuple[str, int] | None]


class KeptByVersion[V]:
    """Per-person values computed from program rows, kept in this process under the version
    read before those rows (see above) and a key (the windows or the day they were computed
    for). Bounded, least recently used out; locked, as the server's request threads share it."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: OrderedDict[tuple[int, Hashable], tuple[tuple[str, int], V]] = OrderedDict()
        self._lock = threading.Lock()

    def split(self, versions: Versions, key: Hashable) -> tuple[dict[int, V], list[int]]:
        """The kept values still true for `versions`, and the people to compute again."""
        found: dict[int, V] = {}
        stale: list[int] = []
        with self._lock:
            for uid, version in versions.items():
                kept = self._kept.get((uid, key))
                if version is not None and kept is not None and kept[0] == version:
                    self._kept.move_to_end((uid, key))
                    found[uid] = kept[1]
                else:
                    stale.append(uid)
        return found, stale

    def keep(self, versions: Versions, key: Hashable, values: Mapping[int, V]) -> None:
        """Keep each person's freshly computed value under the version read before it."""
        with self._lock:
            for uid, value in values.items():
                version = versions.get(uid)
                if version is not None:
                    self._kept[(uid, key)] = (version, value)
                    self._kept.move_to_end((uid, key))
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
