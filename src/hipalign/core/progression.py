"""Per exercise and per side: progress, hold or regress, by the pain-monitoring model.

Sources: Silbernagel 2007 pain-monitoring model (0-3 safe, 4-5 acceptable, above 5 too much;
the next morning decides) and the [rule]s of CLINICAL.md section 6: progress one ladder rung after
2 sessions at the full dose with pain <= 3 and a calm next morning; hold at 4-5 when the next
morning has settled; regress one rung (about 20-30 % less) when pain goes above 5 or the next
morning is worse; stop and review after 2 regressions in a row, sharp pain or new numbness.
"""

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hipalign.core.library.catalog import default_library
from hipalign.core.library.model import Exercise, LadderStep
from hipalign.core.vocab import LOAD_NEEDS, Side

SAFE_MAX = 3
ACCEPTABLE_MAX = 5
SESSIONS_TO_PROGRESS = 2
EFFORT_AT_LIMIT = 9  # effort 9-10 of 10: the dose is at the person's limit, so no step up [rule]

Action = Literal["progress", "hold", "regress", "stop_and_review"]
Pain = int


def pain_needed_unless_skipped(value: int | None, info: ValidationInfo) -> int | None:
    """Pain during may be left out of a skipped exercise's log only."""
    if value is None and not info.data.get("skipped", False):
        raise ValueError("needed, a whole number 0-10 (only a skipped exercise may leave it out)")
    return value


class ExerciseLog(BaseModel):
    """One logged set of work on one exercise and side.

    `skipped` (issue 14 item 2): the person skipped the exercise; the numbers are what was
    actually done (often 0) and pain during may be left out. A skip never moves the dose: decide
    leaves skipped logs out, except that sharp pain or new numbness reported with one still stops
    the exercise for a review (a safety signal, not progression)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: str = Field(min_length=1, max_length=64)  # client-generated, so a resend is recognised
    side: Side | None = None
    rung: int = Field(ge=0)  # the ladder rung that was prescribed
    sets_done: int = Field(ge=0, le=10)
    reps_done: int = Field(ge=0, le=100)  # per set, per side
    hold_s_done: int = Field(default=0, ge=0, le=600)
    pain_before: Pain | None = Field(default=None, ge=0, le=10)
    skipped: bool = False  # declared before pain_during, whose check reads it
    pain_during: Pain | None = Field(default=None, ge=0, le=10, validate_default=True)
    pain_next_morning: Pain | None = Field(default=None, ge=0, le=10)
    effort: int | None = Field(default=None, ge=0, le=10)
    sharp_pain: bool = False
    new_numbness: bool = False

    _pain_unless_skipped = field_validator("pain_during")(pain_needed_unless_skipped)


def counted(logs: list[ExerciseLog]) -> list[ExerciseLog]:
    """The logs that count for progression: every one but the skipped (issue 14 item 2)."""
    return [log for log in logs if not log.skipped]


def _pain(log: ExerciseLog) -> Pain:
    # Counted logs always carry pain during (ExerciseLog's validator); 0 is never used here.
    return log.pain_during if log.pain_during is not None else 0


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise: str
    side: Side | None
    action: Action
    rung: int  # the rung to do next time
    dose: LadderStep
    reasons: list[str]  # in plain words, naming the logs that decided
    triggered_by: list[str]  # log ids
    review_suggested: bool


def _completed(log: ExerciseLog, step: LadderStep) -> bool:
    return (
        log.sets_done >= step.sets and log.reps_done >= step.reps and log.hold_s_done >= step.hold_s
    )


def _worse_next_morning(log: ExerciseLog, previous: ExerciseLog | None) -> bool:
    """Next-morning pain above the pain before the session (or the previous next morning)."""
    if log.pain_next_morning is None:
        return False
    baseline = log.pain_before
    if baseline is None and previous is not None:
        baseline = previous.pain_next_morning
    if baseline is None:
        return log.pain_next_morning > ACCEPTABLE_MAX
    return log.pain_next_morning > baseline


def _usable_rung(ex: Exercise, rung: int, equipment: frozenset[str]) -> bool:
    need = LOAD_NEEDS.get(ex.ladder[rung].load)
    return need is None or need in equipment


def dose_at_rung(
    *, planned: tuple[int, int, int], planned_step: LadderStep, step: LadderStep
) -> tuple[int, int, int]:
    """(sets, reps, hold_s) at the rung a decision moved a side to.

    The planner adapts its rung's dose (one more set for the weaker side, seed 001; longer holds
    and more reps for older adults; extra balance sets toward the weekly balance minutes,
    Sherrington 2017): what it added over the rung it planned from carries to the new rung, so
    the first decision does not drop it. A planned dose below its rung (a high-pain start) does
    not pull the new rung down: that start is what the ladder moves away from."""
    base = (planned_step.sets, planned_step.reps, planned_step.hold_s)
    new = (step.sets, step.reps, step.hold_s)
    sets, reps, hold_s = (n + max(0, p - b) for n, p, b in zip(new, planned, base, strict=True))
    return sets, reps, hold_s


def in_sentence(name: str) -> str:
    """An exercise title inside a sentence: "Side plank" -> "side plank" (an acronym stays)."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def next_exercise_names(ex: Exercise, library: Mapping[str, Exercise] | None = None) -> str:
    """The exercises that can take over at the top of the ladder, by title ("" when none).

    A person never reads an id (issue 13): the titles come from the library."""
    lib = default_library() if library is None else library
    names = [in_sentence(lib[n].name) for n in ex.next_exercises if n in lib]
    return " or ".join(names)


# What a rule decides: the action, the rung for next time, the reasons, the logs that decided
# and whether a review is suggested.
_Verdict = tuple[Action, int, list[str], list[ExerciseLog], bool]


def _logs_to_decide(logs: list[ExerciseLog]) -> list[ExerciseLog]:
    """The counted logs; a newest skip with sharp pain or new numbness stays to stop the exercise."""
    newest = logs[-1] if logs else None
    if newest is not None and newest.skipped and (newest.sharp_pain or newest.new_numbness):
        return [*counted(logs[:-1]), newest]
    return counted(logs)


def _stop_verdict(last: ExerciseLog, rung: int, stopped: bool) -> _Verdict | None:
    """A stopped exercise stays stopped; sharp pain or new numbness stops it."""
    if stopped:
        return (
            "stop_and_review",
            rung,
            ["This exercise is stopped until a review; this log is kept, the dose stays."],
            [last],
            True,
        )
    if last.sharp_pain or last.new_numbness:
        what = "sharp pain" if last.sharp_pain else "new numbness"
        return (
            "stop_and_review",
            rung,
            [f"You reported {what}: stop this exercise and have a professional review it."],
            [last],
            True,
        )
    return None


def _back_verdict(
    last: ExerciseLog, prev: ExerciseLog | None, rung: int, previous_actions: tuple[Action, ...]
) -> _Verdict | None:
    """One step back when the pain was too much or the next morning worse (None when not)."""
    too_much = _pain(last) > ACCEPTABLE_MAX
    worse = _worse_next_morning(last, prev)
    if not (too_much or worse):
        return None
    reasons = []
    if too_much:
        reasons.append(f"Pain reached {_pain(last)}/10 during the exercise; above 5 is too much.")
    if worse:
        reasons.append(
            f"Pain the next morning ({last.pain_next_morning}/10) was worse than before."
        )
    second = bool(previous_actions) and previous_actions[-1] == "regress"
    if rung == 0:
        reasons.append("This is already the easiest dose: have a professional review it.")
        return ("stop_and_review", 0, reasons, [last], True)
    if second:
        # Issue 13 item 5: two steps back in a row stop the exercise until a review (one
        # rung lower, so it comes back at the easier dose).
        reasons.append(
            "This is the second step back in a row: stop this exercise until a "
            "professional has reviewed it."
        )
        return ("stop_and_review", rung - 1, reasons, [last], True)
    return ("regress", rung - 1, reasons, [last], False)


def _comfortable(log: ExerciseLog, step: LadderStep) -> bool:
    """The full dose, low pain during and the next morning, and effort short of the limit."""
    return (
        _completed(log, step)
        and _pain(log) <= SAFE_MAX
        and log.pain_next_morning is not None
        and log.pain_next_morning <= SAFE_MAX
        and (log.effort is None or log.effort < EFFORT_AT_LIMIT)
    )


def _up_verdict(
    ex: Exercise,
    logs: list[ExerciseLog],
    rung: int,
    equipment: frozenset[str],
    library: Mapping[str, Exercise] | None,
) -> _Verdict | None:
    """After enough comfortable sessions at this rung: one step up, or why not (None when not ready)."""
    recent = [log for log in logs[-SESSIONS_TO_PROGRESS:] if log.rung == rung]
    step = ex.ladder[rung]
    ready = len(recent) == SESSIONS_TO_PROGRESS and all(_comfortable(log, step) for log in recent)
    if not ready:
        return None
    nxt = rung + 1
    if nxt < len(ex.ladder) and _usable_rung(ex, nxt, equipment):
        return (
            "progress",
            nxt,
            [
                f"{SESSIONS_TO_PROGRESS} sessions at the full dose with pain at 3 or less and a "
                "calm next morning: one step up."
            ],
            recent,
            False,
        )
    if nxt >= len(ex.ladder):
        names = next_exercise_names(ex, library)
        more = f" Next, {names} can take over." if names else ""
        return (
            "hold",
            rung,
            ["You are at the top of this exercise's ladder." + more],
            recent,
            False,
        )
    need = LOAD_NEEDS.get(ex.ladder[nxt].load, "")
    return (
        "hold",
        rung,
        [f"The next step needs {need.replace('_', ' ')}, which you did not list."],
        recent,
        False,
    )


def _hold_reason(last: ExerciseLog, step: LadderStep) -> str:
    """Why the dose stays when nothing moved it, the first unmet condition named."""
    if _pain(last) > SAFE_MAX:
        return f"Pain of {_pain(last)}/10 is acceptable but not yet low: keep this dose."
    if last.pain_next_morning is None:
        return "Waiting for how it feels the next morning before changing the dose."
    if not _completed(last, step):
        return "Finish the full dose comfortably before stepping up."
    if last.effort is not None and last.effort >= EFFORT_AT_LIMIT:
        return f"Effort {last.effort}/10 is near your limit: keep this dose."
    return f"One more comfortable session at this dose before stepping up (needs {SESSIONS_TO_PROGRESS})."


def decide(
    ex: Exercise,
    logs: list[ExerciseLog],
    *,
    equipment: frozenset[str] = frozenset(),
    previous_actions: tuple[Action, ...] = (),
    stopped: bool = False,
    library: Mapping[str, Exercise] | None = None,
) -> Decision:
    """Decide the next dose from this exercise's logs for one side, oldest first.

    `previous_actions` are the earlier decisions for the same exercise and side, oldest first.
    `stopped`: the exercise is stopped until a review (see stopped_until_review); a log made
    meanwhile (another device, an offline outbox) is kept but changes nothing until the review.
    Skipped logs are left out (see ExerciseLog); when the newest log is a skip with sharp pain
    or new numbness, that stops the exercise for a review all the same.
    """
    logs = _logs_to_decide(logs)
    if not logs:
        raise ValueError("decide needs at least one log that was not skipped")
    last = logs[-1]
    prev = logs[-2] if len(logs) > 1 else None
    rung = min(last.rung, len(ex.ladder) - 1)
    verdict = (
        _stop_verdict(last, rung, stopped)
        or _back_verdict(last, prev, rung, previous_actions)
        or _up_verdict(ex, logs, rung, equipment, library)
        or ("hold", rung, [_hold_reason(last, ex.ladder[rung])], [last], False)
    )
    action, new_rung, reasons, used, review = verdict
    return Decision(
        exercise=ex.id,
        side=last.side,
        action=action,
        rung=new_rung,
        dose=ex.ladder[new_rung],
        reasons=reasons,
        triggered_by=[log.id for log in used],
        review_suggested=review,
    )


def stopped_until_review(action: str, *, decided_after_plan: bool) -> bool:
    """Whether an exercise is off the person's sessions: its newest decision stopped it (two
    steps back in a row, sharp pain, new numbness, the easiest dose too much) and no plan was
    made since. Only a new plan brings it back: a clinician's prescription or a new intake."""
    return action == "stop_and_review" and decided_after_plan


STOPPED_TEXT = (
    "Stopped until a review: ask your physical therapist or doctor to look at it. It comes "
    "back when your clinician changes your plan or you fill in the intake again."
)


def decide_history(
    ex: Exercise,
    logs: list[ExerciseLog],
    *,
    equipment: frozenset[str] = frozenset(),
    library: Mapping[str, Exercise] | None = None,
) -> list[Decision]:
    """Replay the logs of one side, oldest first: the decision after each one.

    Replaying lets "two regressions in a row" follow from the logs alone. A skip makes no
    decision of its own, unless it reported sharp pain or new numbness (then it stops).
    """
    logs = [log for log in logs if not log.skipped or log.sharp_pain or log.new_numbness]
    decisions: list[Decision] = []
    for k in range(1, len(logs) + 1):
        decisions.append(
            decide(
                ex,
                logs[:k],
                equipment=equipment,
                previous_actions=tuple(d.action for d in decisions),
                library=library,
            )
        )
    return decisions


# Review of outcomes against the person's own baseline (CLINICAL.md 3 and 6, [rule]).
NPRS_MCID_POINTS = 2
NPRS_MCID_FRACTION = 0.3

ReviewAction = Literal["continue", "rescreen_now", "see_physio", "see_physio_or_doctor"]


class ReviewResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    action: ReviewAction
    text: str
    worse_by: int = 0  # rescreen_now: NPRS points above the baseline (the text's number)


def nprs_meaningfully_better(baseline: int, now: int) -> bool:
    """Both 2 points and 30 % better ([rule] CLINICAL.md 3: Ostelo 2008)."""
    drop = baseline - now
    return drop >= NPRS_MCID_POINTS and drop >= NPRS_MCID_FRACTION * baseline


def review_check(week: int, baseline_nprs: int, current_nprs: int) -> ReviewResult:
    """What a review at `week` suggests from pain (NPRS 0-10) against the baseline."""
    if current_nprs - baseline_nprs >= NPRS_MCID_POINTS:
        return ReviewResult(
            action="rescreen_now",
            worse_by=current_nprs - baseline_nprs,
            text=(
                f"Pain is {current_nprs - baseline_nprs} points worse than at the start: answer the "
                "safety questions again now and contact a professional."
            ),
        )
    # Below 2 points at baseline no MCID is possible, so pain alone cannot judge the program.
    can_improve = baseline_nprs >= NPRS_MCID_POINTS
    if week >= 6 and can_improve and not nprs_meaningfully_better(baseline_nprs, current_nprs):
        return ReviewResult(
            action="see_physio_or_doctor",
            text=(
                "After 6 weeks there is no meaningful change in pain: see a physical therapist or "
                "doctor to look at the plan and the cause."
            ),
        )
    if week >= 4 and current_nprs >= baseline_nprs and baseline_nprs > 0:
        return ReviewResult(
            action="see_physio",
            text=(
                "After 4 weeks pain has not started to improve: answer the safety questions again "
                "and see a physical therapist."
            ),
        )
    return ReviewResult(action="continue", text="Keep going with the plan.")
