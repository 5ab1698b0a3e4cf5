"""The plan page's content, rendered once per plan state and reused (bench/web_speed.py).

The page is the same for everyone who may see a plan until the plan or a dose changes: its
text comes from the stored plan version (`plan_document` is cached by plan id), the figures
from the library, the doses and decisions from `plan_items_now`. The key holds all of these, so a
new version, a new decision, a changed author, time zone or language renders anew, and
nothing a request carries (CSRF token, CSP nonce, user) is inside the cached part. Kept
in-process (each server process its own, at most MAX entries, least recently used out first).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

MAX = 512
_cache: "OrderedDict[tuple[Any, ...], str]" = OrderedDict()
_lock = threading.Lock()


def fingerprint(items_now: Mapping[str, Any]) -> tuple[Any, ...]:
    """Everything of today's doses the page shows: per exercise and side, rung, dose, last
    decision and its reasons."""
    return tuple(
        (
            ex_id,
            tuple(
                (
                    s.side,
                    s.rung,
                    s.sets,
                    s.reps,
                    s.hold_s,
                    s.load,
                    s.action,
                    tuple(s.reasons),
                    s.review_suggested,
                )
                for s in n.sides
            ),
        )
        for ex_id, n in items_now.items()
    )


def plan_body(
    rec: Any, is_current: bool, items_now: Mapping[str, Any], render: Callable[[], str]
) -> SafeString:
    key = (
        rec.pk,
        rec.version,
        rec.author_id,
        # The author's name as the page shows it (a username may change; one query, as before).
        rec.author.get_username() if rec.author_role == "clinician" and rec.author_id else None,
        is_current,
        timezone.get_current_timezone_name(),
        translation.get_language(),  # the page's words are in the reader's language
        fingerprint(items_now),
    )
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return mark_safe(found)  # rendered by our own template, escaped there
    body = render()
    with _lock:
        _cache[key] = body
        while len(_cache) > MAX:
            _cache.popitem(last=False)
    return mark_safe(body)


def clear() -> None:
    with _lock:
        _cache.clear()
