"""Guideline dose ranges, used to validate the library and every prescribed dose.

Sources (CLINICAL.md section 6): stretching per ACSM (10-30 s, 30-60 s for older adults, 2-3 or
more days a week); strength per ACSM 2009 (8-12 repetitions, older adults 10-15, 1-3 sets,
2-3 days a week, 48 h apart; the lower bound of 5 leaves room for a 20-30 % regression from 8);
isometric holds 10 s building to 45 s [rule]; plank up to 60 s (seed 001). Mobility and motor
control ranges are our [rule], set around the seed doses (10-15 swings, 10-15 tilts).
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict

DoseKind = Literal["reps", "hold"]


class DoseRange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sets: tuple[int, int]
    reps: tuple[int, int]
    hold_s: tuple[int, int]
    days_per_week: tuple[int, int]


# Keyed by (primary intent, dose kind). For "reps" doses hold_s is a pause within each rep.
GUIDELINE_RANGES: dict[tuple[str, str], DoseRange] = {
    ("stretch", "hold"): DoseRange(sets=(1, 3), reps=(1, 5), hold_s=(10, 60), days_per_week=(2, 7)),
    ("strengthen", "reps"): DoseRange(
        sets=(1, 3), reps=(5, 15), hold_s=(0, 5), days_per_week=(2, 3)
    ),
    ("strengthen", "hold"): DoseRange(
        sets=(1, 3), reps=(1, 5), hold_s=(10, 60), days_per_week=(2, 3)
    ),
    ("mobilize", "reps"): DoseRange(sets=(1, 3), reps=(5, 20), hold_s=(0, 5), days_per_week=(2, 7)),
    ("control", "reps"): DoseRange(sets=(1, 3), reps=(5, 15), hold_s=(0, 10), days_per_week=(2, 7)),
    ("control", "hold"): DoseRange(sets=(1, 3), reps=(1, 5), hold_s=(10, 45), days_per_week=(2, 7)),
}

# Older adults hold stretches 30-60 s (ACSM); we apply it from 65.
OLDER_ADULT_AGE = 65
OLDER_ADULT_MIN_STRETCH_S = 30
OLDER_ADULT_MIN_REPS = 10  # ACSM: older adults 10-15 repetitions at a lighter load


def dose_problems(
    intent: str, kind: str, sets: int, reps: int, hold_s: int, where: str
) -> list[str]:
    """Every way a dose falls outside the guideline range, as messages naming `where`."""
    rng = GUIDELINE_RANGES.get((intent, kind))
    if rng is None:
        allowed = ", ".join(f"{i}/{k}" for i, k in GUIDELINE_RANGES)
        return [
            f"{where}: no guideline for intent {intent!r} with dose kind {kind!r} (allowed: {allowed})"
        ]
    problems = []
    for name, value in (("sets", sets), ("reps", reps), ("hold_s", hold_s)):
        low, high = getattr(rng, name)
        if not low <= value <= high:
            problems.append(
                f"{where}: {name}={value} is outside the {intent} guideline range {low}-{high}"
            )
    return problems
