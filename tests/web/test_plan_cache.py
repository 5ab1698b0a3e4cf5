"""The plan page's cached content is rendered again whenever anything it shows changes."""

import uuid
from dataclasses import dataclass, field, replace

from hipalign.web import plan_cache


@dataclass(frozen=True)
class Rec:
    pk: uuid.UUID
    version: int = 1
    author_id: int | None = None
    author_role: str = "person"


@dataclass(frozen=True)
class Side:
    side: str | None = "left"
    rung: int = 1
    sets: int = 2
    reps: int = 10
    hold_s: int = 0
    load: str = ""
    action: str | None = None
    reasons: list[str] = field(default_factory=list)
    review_suggested: bool = False


@dataclass(frozen=True)
class Item:
    sides: list[Side]


def test_the_same_state_reuses_the_rendering_and_any_change_renders_anew() -> None:
    plan_cache.clear()
    calls: list[int] = []

    def render() -> str:
        calls.append(1)
        return f"<p>body {len(calls)}</p>"

    rec = Rec(pk=uuid.uuid4())
    items = {"clamshell": Item([Side()])}
    first = plan_cache.plan_body(rec, True, items, render)
    again = plan_cache.plan_body(rec, True, {"clamshell": Item([Side()])}, render)
    assert first == again == "<p>body 1</p>" and len(calls) == 1
    # A decision stepped the dose up, a new version, the page as an earlier plan: all new.
    stepped = {"clamshell": Item([Side(rung=2, reps=12, action="progress", reasons=["up"])])}
    assert plan_cache.plan_body(rec, True, stepped, render) == "<p>body 2</p>"
    assert plan_cache.plan_body(replace(rec, version=2), True, items, render) == "<p>body 3</p>"
    assert plan_cache.plan_body(rec, False, items, render) == "<p>body 4</p>"
    assert plan_cache.plan_body(Rec(pk=uuid.uuid4()), True, items, render) == "<p>body 5</p>"
    assert len(calls) == 5


def test_the_cache_is_bounded() -> None:
    plan_cache.clear()
    for _ in range(plan_cache.MAX + 10):
        plan_cache.plan_body(Rec(pk=uuid.uuid4()), True, {}, lambda: "x")
    assert len(plan_cache._cache) == plan_cache.MAX
