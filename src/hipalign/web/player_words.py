"""The session player's cues in the page's language (issue 20). The core writes each step's cue
in English (core/session_script.py, pure: no catalog); for another language the Today page words
the same steps again from their fields and the person's doses, with the pages' catalog; the
warm-up's moves from the warm-up file's translation (core/planning/es/warm_up.toml)."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from hipalign.core.i18n import SOURCE_LANGUAGE
from hipalign.core.planning.warm_up import moves_in
from hipalign.services.program.doses import ItemNow


def side_words(side: str | None) -> str:
    return _("left side") if side == "left" else _("right side")


def _with_side(text: str, side: str | None) -> str:
    return f"{text}, {side_words(side)}." if side else f"{text}."


def _cue(step: dict[str, Any], doses: dict[tuple[str, str | None], Any]) -> str | None:
    kind, side = step["kind"], step.get("side")
    if kind == "done":
        return _("Session complete. Well done.")
    if kind == "switch_side":
        return (
            _("Switch to the %(side)s.") % {"side": side_words(side)} if side else _("Next side.")
        )
    if kind == "rest":
        values = {"seconds": step["duration_s"]}
        return (
            _("Relax for %(seconds)s s.") % values
            if step.get("rep")
            else _("Rest %(seconds)s s.") % values
        )
    found = doses.get((step.get("exercise") or "", side))
    if found is None:
        return None
    exercise, dose = found
    if kind == "get_ready":
        return _with_side(_("Get ready: %(name)s") % {"name": exercise.name}, side)
    sets = {"set": step.get("set"), "sets": dose.sets}
    if kind == "reps":
        if exercise.sidedness == "alternating":
            text = _("Set %(set)s of %(sets)s: %(reps)s slow repetitions each side")
        else:
            text = _("Set %(set)s of %(sets)s: %(reps)s slow repetitions")
        text = text % {**sets, "reps": dose.reps}
        if dose.hold_s:
            text += ", " + _("%(seconds)s s pause in each") % {"seconds": dose.hold_s}
        return _with_side(text, side)
    if kind == "hold":
        text = _("Hold %(seconds)s s (%(rep)s of %(reps)s, set %(set)s of %(sets)s)") % {
            **sets,
            "seconds": dose.hold_s,
            "rep": step.get("rep"),
            "reps": dose.reps,
        }
        return _with_side(text, side)
    return None


def worded_script(
    script: dict[str, Any], items: Iterable[ItemNow], language: str
) -> dict[str, Any]:
    """The script (as the page sends it) with each step's cue in `language`; English as made."""
    if language == SOURCE_LANGUAGE:
        return script
    doses: dict[tuple[str, str | None], Any] = {
        (n.exercise.id, s.side): (n.exercise, s) for n in items for s in n.sides
    }
    steps = []
    moves = [st for st in script["steps"] if st["kind"] == "warm_up"]
    for step in script["steps"]:
        if step["kind"] == "warm_up":
            steps.append(_warm_up_step(step, moves.index(step) + 1, len(moves), language))
            continue
        cue = _cue(step, doses)
        steps.append({**step, "cue": cue} if cue else step)
    return {**script, "steps": steps}


def _warm_up_step(step: dict[str, Any], n: int, total: int, language: str) -> dict[str, Any]:
    """A warm-up move's step in `language`: the script names the move by its English name, the
    warm-up file keys its translation by the move's id."""
    english = {m.name: m.id for m in moves_in(SOURCE_LANGUAGE).values()}
    move = moves_in(language).get(english.get(str(step.get("move")), ""))
    if move is None:
        return step
    cue = _("Warm-up, %(n)s of %(total)s: %(name)s. %(how)s") % {
        "n": n,
        "total": total,
        "name": move.name,
        "how": move.how,
    }
    return {**step, "cue": cue, "move": move.name}
