"""The session script: timed steps built from plan items, and the pure player over them."""

from typing import Any

import pytest

from hipalign.core.session_script import (
    GET_READY_S,
    SWITCH_SIDE_S,
    PlayerState,
    Script,
    ScriptItem,
    SideDose,
    WarmUpMove,
    back,
    build_script,
    item_seconds,
    pause,
    resume,
    skip,
    skip_exercise,
    skip_warm_up,
    start,
    tick,
)


def make_item(exercise: str = "ex", **overrides: Any) -> ScriptItem:
    data: dict[str, Any] = {
        "exercise": exercise,
        "name": exercise.replace("_", " ").title(),
        "kind": "reps",
        "sidedness": "bilateral",
        "rep_s": 3,
        "rest_s": 20,
        "rep_rest_s": 0,
        "doses": [{"side": None, "sets": 2, "reps": 8, "hold_s": 0}],
    }
    data.update(overrides)
    return ScriptItem.model_validate(data)


def per_side_hold(exercise: str = "stretch") -> ScriptItem:
    return make_item(
        exercise,
        kind="hold",
        sidedness="per_side",
        rep_s=0,
        rest_s=15,
        rep_rest_s=5,
        doses=[
            {"side": "left", "sets": 1, "reps": 3, "hold_s": 30},
            {"side": "right", "sets": 1, "reps": 3, "hold_s": 30},
        ],
    )


@pytest.fixture
def script() -> Script:
    """Two exercises: a bilateral reps item, then a per-side hold item."""
    return build_script([make_item("bridge"), per_side_hold("stretch")])


def _kinds(script: Script) -> list[str]:
    return [s.kind for s in script.steps]


# --- building ---------------------------------------------------------------------------------


def test_total_length_is_the_sum_of_step_durations_and_the_start_of_done(script: Script) -> None:
    assert script.total_s == sum(s.duration_s for s in script.steps)
    assert script.steps[-1].kind == "done"
    assert script.steps[-1].start_s == script.total_s
    assert script.steps[-1].duration_s == 0


def test_steps_are_indexed_in_order_and_start_where_the_previous_one_ends(script: Script) -> None:
    assert [s.index for s in script.steps] == list(range(len(script.steps)))
    assert script.steps[0].start_s == 0
    for prev, step in zip(script.steps, script.steps[1:], strict=False):
        assert step.start_s == prev.start_s + prev.duration_s


def test_only_the_final_done_step_has_zero_duration(script: Script) -> None:
    assert [s.kind for s in script.steps if s.duration_s == 0] == ["done"]


def test_a_reps_item_is_get_ready_then_sets_with_rest_between_them() -> None:
    script = build_script([make_item(doses=[{"side": None, "sets": 3, "reps": 8, "hold_s": 0}])])
    assert _kinds(script) == ["get_ready", "reps", "rest", "reps", "rest", "reps", "done"]
    assert script.steps[0].duration_s == GET_READY_S
    assert [s.set for s in script.steps if s.kind == "reps"] == [1, 2, 3]
    assert all(s.duration_s == 20 for s in script.steps if s.kind == "rest")


def test_a_per_side_item_with_two_doses_has_exactly_one_switch_side_step() -> None:
    script = build_script([per_side_hold()])
    switches = [s for s in script.steps if s.kind == "switch_side"]
    assert len(switches) == 1
    assert switches[0].side == "right"
    assert switches[0].duration_s == SWITCH_SIDE_S
    before = [s.side for s in script.steps[: switches[0].index] if s.kind == "hold"]
    after = [s.side for s in script.steps[switches[0].index :] if s.kind == "hold"]
    assert set(before) == {"left"}
    assert set(after) == {"right"}


def test_get_ready_names_the_first_side() -> None:
    script = build_script([per_side_hold()])
    assert script.steps[0].side == "left"
    assert "left side" in script.steps[0].cue


def test_a_hold_item_with_3_reps_has_3_holds_and_2_rests_between_them() -> None:
    item = make_item(
        kind="hold",
        rep_s=0,
        rest_s=30,
        rep_rest_s=5,
        doses=[{"side": None, "sets": 1, "reps": 3, "hold_s": 20}],
    )
    script = build_script([item])
    assert _kinds(script) == ["get_ready", "hold", "rest", "hold", "rest", "hold", "done"]
    assert [s.rep for s in script.steps if s.kind == "hold"] == [1, 2, 3]
    assert all(s.duration_s == 20 for s in script.steps if s.kind == "hold")
    assert all(s.duration_s == 5 for s in script.steps if s.kind == "rest")


def test_a_hold_item_without_rep_rest_has_holds_back_to_back() -> None:
    item = make_item(
        kind="hold",
        rep_s=0,
        rest_s=30,
        rep_rest_s=0,
        doses=[{"side": None, "sets": 2, "reps": 3, "hold_s": 20}],
    )
    kinds = _kinds(build_script([item]))
    assert kinds == ["get_ready", "hold", "hold", "hold", "rest", "hold", "hold", "hold", "done"]


@pytest.mark.parametrize(("reps", "rep_s", "hold_s"), [(8, 3, 0), (10, 4, 2), (1, 15, 5)])
def test_a_reps_step_lasts_reps_times_rep_plus_pause(reps: int, rep_s: int, hold_s: int) -> None:
    item = make_item(rep_s=rep_s, doses=[{"side": None, "sets": 1, "reps": reps, "hold_s": hold_s}])
    (step,) = [s for s in build_script([item]).steps if s.kind == "reps"]
    assert step.duration_s == reps * (rep_s + hold_s)
    assert step.count == reps


def test_an_alternating_reps_step_counts_both_sides_and_lasts_twice_as_long() -> None:
    dose = [{"side": None, "sets": 1, "reps": 10, "hold_s": 1}]
    plain = make_item(rep_s=3, doses=dose)
    alternating = make_item(rep_s=3, sidedness="alternating", doses=dose)
    (one,) = [s for s in build_script([plain]).steps if s.kind == "reps"]
    (two,) = [s for s in build_script([alternating]).steps if s.kind == "reps"]
    assert two.duration_s == 2 * one.duration_s == 2 * 10 * (3 + 1)
    assert two.count == 20
    assert "each side" in two.cue


@pytest.mark.parametrize(
    "item",
    [make_item(), per_side_hold(), make_item(sidedness="alternating", rep_rest_s=4)],
    ids=["reps", "per_side_hold", "alternating"],
)
def test_item_seconds_agrees_with_the_built_script_for_a_single_item(item: ScriptItem) -> None:
    assert item_seconds(item) == build_script([item]).total_s


def test_script_length_is_the_sum_of_its_items() -> None:
    items = [
        make_item("a"),
        per_side_hold("b"),
        make_item(
            "c", kind="hold", rep_s=0, doses=[{"side": None, "sets": 2, "reps": 2, "hold_s": 15}]
        ),
    ]
    assert build_script(items).total_s == sum(item_seconds(i) for i in items)


def test_per_side_hold_length_adds_up_by_hand() -> None:
    # get ready 10; left: 3 holds of 30 + 2 rests of 5; switch 5; right: the same
    assert item_seconds(per_side_hold()) == GET_READY_S + 2 * (3 * 30 + 2 * 5) + SWITCH_SIDE_S


def test_an_empty_plan_is_only_the_done_step() -> None:
    script = build_script([])
    assert _kinds(script) == ["done"]
    assert script.total_s == 0
    assert start(script).finished is True


def test_the_script_serialises_with_its_schema_tag(script: Script) -> None:
    assert script.model_dump(by_alias=True)["schema"] == "hipalign.session/1"


# --- player -----------------------------------------------------------------------------------


def test_start_is_the_first_step_with_its_full_duration(script: Script) -> None:
    state = start(script)
    assert state == PlayerState(index=0, remaining_s=float(GET_READY_S))


def test_tick_within_a_step_counts_down(script: Script) -> None:
    state = tick(script, start(script), 3.5)
    assert state.index == 0
    assert state.remaining_s == pytest.approx(GET_READY_S - 3.5)


@pytest.mark.parametrize("elapsed", [0.5, 10.0, 37.0, 55.0, 81.0, 150.0, 201.5])
def test_tick_across_several_steps_lands_on_the_right_step_and_remaining_time(
    script: Script, elapsed: float
) -> None:
    state = tick(script, start(script), elapsed)
    # the step running at `elapsed` seconds, with its own end as the reference
    expected = next(s for s in script.steps if s.start_s <= elapsed < s.start_s + s.duration_s)
    assert state.index == expected.index
    assert state.remaining_s == pytest.approx(expected.start_s + expected.duration_s - elapsed)
    assert state.finished is False


def test_tick_of_37_seconds_lands_in_the_rest_after_the_first_set(script: Script) -> None:
    # get ready 10 s, then 8 reps of 3 s (24 s) end at 34 s; the 20 s rest runs to 54 s
    state = tick(script, start(script), 37.0)
    assert script.steps[state.index].kind == "rest"
    assert state.index == 2
    assert state.remaining_s == pytest.approx(17.0)


def test_many_small_ticks_end_where_one_big_tick_does(script: Script) -> None:
    state = start(script)
    for _ in range(97):
        state = tick(script, state, 1.0)
    big = tick(script, start(script), 97.0)
    assert state.index == big.index
    assert state.remaining_s == pytest.approx(big.remaining_s)


def test_tick_while_paused_changes_nothing(script: Script) -> None:
    paused = pause(tick(script, start(script), 4.0))
    assert tick(script, paused, 60.0) == paused


def test_pause_then_resume_continues_from_the_same_place(script: Script) -> None:
    running = tick(script, start(script), 4.0)
    paused = pause(running)
    assert paused.paused is True
    assert (paused.index, paused.remaining_s) == (running.index, running.remaining_s)
    resumed = resume(paused)
    assert resumed.paused is False
    assert tick(script, resumed, 2.0).remaining_s == pytest.approx(running.remaining_s - 2.0)


def test_skip_goes_to_the_next_step_with_its_full_time(script: Script) -> None:
    state = skip(script, tick(script, start(script), 4.0))
    assert state.index == 1
    assert state.remaining_s == script.steps[1].duration_s


def test_skip_keeps_the_player_paused(script: Script) -> None:
    state = skip(script, pause(start(script)))
    assert state.index == 1
    assert state.paused is True


def test_skip_exercise_goes_to_the_next_exercises_get_ready(script: Script) -> None:
    state = skip_exercise(script, tick(script, start(script), 15.0))
    step = script.steps[state.index]
    assert step.kind == "get_ready"
    assert step.exercise == "stretch"
    assert state.remaining_s == GET_READY_S


def test_skip_exercise_on_the_last_exercise_finishes(script: Script) -> None:
    last_get_ready = max(s.index for s in script.steps if s.kind == "get_ready")
    state = skip(script, start(script))
    while state.index < last_get_ready:
        state = skip(script, state)
    done = skip_exercise(script, state)
    assert done.finished is True
    assert done.index == len(script.steps) - 1


def test_skip_exercise_keeps_the_player_paused(script: Script) -> None:
    assert skip_exercise(script, pause(start(script))).paused is True


def test_back_within_2_seconds_goes_to_the_previous_step(script: Script) -> None:
    on_second = skip(script, start(script))
    state = back(script, tick(script, on_second, 1.5))
    assert state.index == 0
    assert state.remaining_s == script.steps[0].duration_s


def test_back_after_2_seconds_restarts_the_current_step(script: Script) -> None:
    on_second = skip(script, start(script))
    state = back(script, tick(script, on_second, 2.0))
    assert state.index == 1
    assert state.remaining_s == script.steps[1].duration_s


def test_back_on_the_first_step_restarts_it(script: Script) -> None:
    state = back(script, tick(script, start(script), 0.5))
    assert state == start(script)


def test_back_keeps_the_player_paused(script: Script) -> None:
    state = back(script, pause(skip(script, start(script))))
    assert state.index == 0
    assert state.paused is True


def test_negative_elapsed_time_is_rejected(script: Script) -> None:
    with pytest.raises(ValueError, match="negative"):
        tick(script, start(script), -0.1)


def test_ticking_past_the_end_finishes_on_the_done_step(script: Script) -> None:
    state = tick(script, start(script), script.total_s + 100.0)
    assert state.finished is True
    assert state.index == len(script.steps) - 1
    assert state.remaining_s == 0


def test_ticking_exactly_to_the_end_finishes(script: Script) -> None:
    assert tick(script, start(script), float(script.total_s)).finished is True


def test_ticking_a_finished_player_changes_nothing(script: Script) -> None:
    done = tick(script, start(script), script.total_s + 1.0)
    assert tick(script, done, 30.0) == done


def test_zero_elapsed_time_changes_nothing(script: Script) -> None:
    state = tick(script, start(script), 12.0)
    assert tick(script, state, 0.0) == state


def test_side_dose_rejects_zero_sets() -> None:
    with pytest.raises(ValueError, match="sets"):
        SideDose(side=None, sets=0, reps=1, hold_s=0)


# --- the warm-up phase (issue 13 item 14) -----------------------------------------------------


def warm_moves() -> list[WarmUpMove]:
    return [
        WarmUpMove(id="march", name="March", seconds=60, how="March gently."),
        WarmUpMove(id="steps", name="Side steps", seconds=40, how="Step side to side."),
    ]


def test_the_warm_up_moves_come_first_as_steps_of_no_exercise() -> None:
    script = build_script([make_item("bridge")], warm_moves())
    warm = [s for s in script.steps if s.kind == "warm_up"]
    assert [s.index for s in warm] == [0, 1]
    assert [(s.move, s.duration_s, s.start_s) for s in warm] == [
        ("March", 60, 0),
        ("Side steps", 40, 60),
    ]
    assert all(s.exercise is None for s in warm)
    assert warm[0].cue == "Warm-up, 1 of 2: March. March gently."
    assert script.steps[2].kind == "get_ready" and script.steps[2].start_s == 100
    assert script.total_s == 100 + item_seconds(make_item("bridge"))


def test_the_warm_up_runs_into_the_first_exercise_on_its_own() -> None:
    script = build_script([make_item("bridge")], warm_moves())
    state = tick(script, start(script), 100.5)
    assert script.steps[state.index].kind == "get_ready"
    assert script.steps[state.index].exercise == "bridge"


def test_skip_warm_up_goes_to_the_first_exercise_and_nowhere_else() -> None:
    script = build_script([make_item("bridge")], warm_moves())
    state = pause(tick(script, start(script), 30))
    skipped = skip_warm_up(script, state)
    assert script.steps[skipped.index].kind == "get_ready"
    assert skipped.paused and skipped.remaining_s == GET_READY_S
    assert skip_warm_up(script, skipped) == skipped  # past the warm-up: nothing to skip
    # Skip exercise from the warm-up lands on the same step (the player's Shift+Right).
    assert skip_exercise(script, state).index == skipped.index


def test_a_script_without_a_warm_up_has_no_warm_up_steps() -> None:
    script = build_script([make_item("bridge")])
    assert script.steps[0].kind == "get_ready"
    assert all(s.kind != "warm_up" and s.move is None for s in script.steps)
