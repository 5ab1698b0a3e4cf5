"""The session script: one day's session as timed steps, and a pure player over it.

No clock lives here. A player (web page, terminal) feeds elapsed seconds into `tick` and renders
the state; the same script always has the same steps and the same total length, which is the
`minutes` the plan reports for that day.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hipalign.core.dosing import DoseKind
from hipalign.core.figure.words import side_words
from hipalign.core.vocab import Side, Sidedness

# Seconds, our [rule]: long enough to read the cue and get into position.
GET_READY_S = 10
SWITCH_SIDE_S = 5

# "warm_up": one move of the session's warm-up, before the first exercise (issue 13 item 14);
# a warm-up step belongs to no exercise, so players ask for no log and nothing counts it.
StepKind = Literal["warm_up", "get_ready", "reps", "hold", "rest", "switch_side", "done"]


class SideDose(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    side: Side | None  # None for bilateral and alternating exercises
    sets: int = Field(ge=1)
    reps: int = Field(ge=1)
    hold_s: int = Field(ge=0)


class WarmUpMove(BaseModel):
    """One gentle move of the warm-up, timed (core/planning/warm_up.toml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    seconds: int = Field(ge=1)
    how: str  # what to do, in our words: the step's cue


class ScriptItem(BaseModel):
    """What the script needs of one plan item; the doses are in the order they are done."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise: str
    name: str
    kind: DoseKind
    sidedness: Sidedness
    rep_s: int
    rest_s: int
    rep_rest_s: int
    doses: list[SideDose] = Field(min_length=1)


class Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    kind: StepKind
    exercise: str | None
    side: Side | None
    set: int | None
    rep: int | None
    duration_s: int  # seconds; 0 only for the final "done" step
    start_s: int  # seconds from the start of the session
    count: int | None  # reps to count during a "reps" step
    cue: str  # what the player says and shows when the step begins
    move: str | None = None  # a "warm_up" step's move, by name (extension of the script)


class Script(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_: Literal["hipalign.session/1"] = Field(default="hipalign.session/1", alias="schema")
    steps: list[Step]
    total_s: int

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _side_words(side: Side | None) -> str:
    # The figures' words for a side (one table for the core; the pages word a script again in
    # their language, web/player_words.py).
    return f", {side_words(side, 'single')}" if side else ""


def _item_steps(
    item: ScriptItem,
) -> list[tuple[StepKind, Side | None, int | None, int | None, int, int | None, str]]:
    """(kind, side, set, rep, duration, count, cue) for one item, without indexes and starts."""
    out: list[tuple[StepKind, Side | None, int | None, int | None, int, int | None, str]] = []
    first = item.doses[0]
    out.append(
        (
            "get_ready",
            first.side,
            None,
            None,
            GET_READY_S,
            None,
            f"Get ready: {item.name}{_side_words(first.side)}.",
        )
    )
    for d_index, dose in enumerate(item.doses):
        if d_index > 0:
            out.append(
                (
                    "switch_side",
                    dose.side,
                    None,
                    None,
                    SWITCH_SIDE_S,
                    None,
                    f"Switch to the {side_words(dose.side, 'single')}."
                    if dose.side
                    else "Next side.",
                )
            )
        for s in range(1, dose.sets + 1):
            if item.kind == "reps":
                # Alternating exercises do `reps` on each side within the set.
                per_set = dose.reps * (2 if item.sidedness == "alternating" else 1)
                pause = f", {dose.hold_s} s pause in each" if dose.hold_s else ""
                each = " each side" if item.sidedness == "alternating" else ""
                out.append(
                    (
                        "reps",
                        dose.side,
                        s,
                        None,
                        per_set * (item.rep_s + dose.hold_s),
                        per_set,
                        f"Set {s} of {dose.sets}: {dose.reps} slow repetitions{each}{pause}{_side_words(dose.side)}.",
                    )
                )
            else:
                for r in range(1, dose.reps + 1):
                    out.append(
                        (
                            "hold",
                            dose.side,
                            s,
                            r,
                            dose.hold_s,
                            None,
                            f"Hold {dose.hold_s} s ({r} of {dose.reps}, set {s} of {dose.sets}){_side_words(dose.side)}.",
                        )
                    )
                    if r < dose.reps and item.rep_rest_s:
                        out.append(
                            (
                                "rest",
                                dose.side,
                                s,
                                r,
                                item.rep_rest_s,
                                None,
                                f"Relax for {item.rep_rest_s} s.",
                            )
                        )
            if s < dose.sets and item.rest_s:
                out.append(
                    ("rest", dose.side, s, None, item.rest_s, None, f"Rest {item.rest_s} s.")
                )
    return out


def item_seconds(item: ScriptItem) -> int:
    return sum(step[4] for step in _item_steps(item))


def build_script(items: list[ScriptItem], warm_up: list[WarmUpMove] | None = None) -> Script:
    """The steps of a session: the warm-up's moves (if any), then each item's steps, then done."""
    steps: list[Step] = []
    t = 0
    moves = warm_up or []
    for n, move in enumerate(moves, start=1):
        steps.append(
            Step(
                index=len(steps),
                kind="warm_up",
                exercise=None,
                side=None,
                set=None,
                rep=None,
                duration_s=move.seconds,
                start_s=t,
                count=None,
                cue=f"Warm-up, {n} of {len(moves)}: {move.name}. {move.how}",
                move=move.name,
            )
        )
        t += move.seconds
    for item in items:
        for kind, side, set_, rep, duration, count, cue in _item_steps(item):
            steps.append(
                Step(
                    index=len(steps),
                    kind=kind,
                    exercise=item.exercise,
                    side=side,
                    set=set_,
                    rep=rep,
                    duration_s=duration,
                    start_s=t,
                    count=count,
                    cue=cue,
                )
            )
            t += duration
    steps.append(
        Step(
            index=len(steps),
            kind="done",
            exercise=None,
            side=None,
            set=None,
            rep=None,
            duration_s=0,
            start_s=t,
            count=None,
            cue="Session complete. Well done.",
        )
    )
    return Script(steps=steps, total_s=t)


class PlayerState(BaseModel):
    """Where a player is in a script. Immutable: every action returns a new state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = 0
    remaining_s: float
    paused: bool = False
    finished: bool = False


def start(script: Script) -> PlayerState:
    return PlayerState(
        index=0,
        remaining_s=float(script.steps[0].duration_s),
        finished=script.steps[0].kind == "done",
    )


def _enter(script: Script, index: int) -> PlayerState:
    index = min(index, len(script.steps) - 1)
    step = script.steps[index]
    return PlayerState(
        index=index, remaining_s=float(step.duration_s), finished=step.kind == "done"
    )


def tick(script: Script, state: PlayerState, elapsed_s: float) -> PlayerState:
    """Advance by `elapsed_s` seconds, crossing as many steps as that time covers."""
    if elapsed_s < 0:
        raise ValueError("elapsed_s must not be negative")
    if state.paused or state.finished:
        return state
    index, remaining = state.index, state.remaining_s - elapsed_s
    while remaining <= 0 and script.steps[index].kind != "done":
        index += 1
        remaining += script.steps[index].duration_s
    if script.steps[index].kind == "done":
        return _enter(script, index)
    return PlayerState(index=index, remaining_s=remaining)


def pause(state: PlayerState) -> PlayerState:
    return state.model_copy(update={"paused": True})


def resume(state: PlayerState) -> PlayerState:
    return state.model_copy(update={"paused": False})


def skip(script: Script, state: PlayerState) -> PlayerState:
    """Jump to the next step, keeping the paused flag."""
    return _enter(script, state.index + 1).model_copy(update={"paused": state.paused})


def skip_exercise(script: Script, state: PlayerState) -> PlayerState:
    """Jump to the get-ready step of the next exercise (or the end)."""
    current = script.steps[state.index].exercise
    i = state.index + 1
    while i < len(script.steps) - 1 and (
        script.steps[i].exercise == current or script.steps[i].kind != "get_ready"
    ):
        i += 1
    return _enter(script, i).model_copy(update={"paused": state.paused})


def skip_warm_up(script: Script, state: PlayerState) -> PlayerState:
    """From a warm-up step, jump to the first exercise's get-ready step; elsewhere no change."""
    if script.steps[state.index].kind != "warm_up":
        return state
    i = state.index
    while script.steps[i].kind == "warm_up":
        i += 1
    return _enter(script, i).model_copy(update={"paused": state.paused})


def back(script: Script, state: PlayerState) -> PlayerState:
    """Restart the current step, or go to the previous one when less than 2 s have run."""
    step = script.steps[state.index]
    ran = step.duration_s - state.remaining_s
    target = state.index - 1 if ran < 2 and state.index > 0 else state.index
    return _enter(script, target).model_copy(update={"paused": state.paused})
