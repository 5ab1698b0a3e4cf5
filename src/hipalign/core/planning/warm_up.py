"""The warm-up that opens every session (issue 13 item 14), from warm_up.toml (package data,
read once): 2-4 gentle standing moves adding up to 2-3 minutes. It is a phase of its own in the
session script (steps of kind "warm_up"), not an exercise: players ask for no log of it, and
adherence and progression never see it.
"""

import tomllib
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from hipalign.core.i18n.catalog import WARM_UP, localized
from hipalign.core.planning.document import WarmUp
from hipalign.core.references import check_ids, cite_all
from hipalign.core.session_script import WarmUpMove


class _WarmUpData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    sources: list[str] = Field(min_length=1)
    moves: list[WarmUpMove] = Field(min_length=2, max_length=4)


def _raw() -> dict[str, object]:
    text = (resources.files("hipalign.core.planning") / "warm_up.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def _data(language: str = "en") -> _WarmUpData:
    raw = _raw() if language == "en" else localized(WARM_UP, "warm_up.toml", _raw(), language)
    return _WarmUpData.model_validate(raw)


@cache
def moves_in(language: str) -> dict[str, WarmUpMove]:
    """The warm-up's moves by id, their name and how-to in `language` (English where it has no
    translation): a stored plan keeps the English it was made with, the pages show these."""
    return {m.id: m for m in _data(language).moves}


@cache
def warm_up() -> WarmUp:
    """The session warm-up. Raises ValueError when the data breaks its rules (checked in tests
    and by `hipalign library validate` through the planner)."""
    data = _data()
    problems = check_ids(data.sources, "warm_up.toml sources")
    if problems:
        raise ValueError("; ".join(problems))
    seconds = sum(m.seconds for m in data.moves)
    minutes = f"{round(seconds / 30) / 2:g}".replace(".5", "½")  # to the half minute
    return WarmUp(
        seconds=seconds,
        moves=data.moves,
        why=(
            f"About {minutes} minutes of gentle moves next to a support warm up your hips and "
            "legs before the exercises. It is not logged and does not count as an exercise; "
            "if you are already warm, you can skip it."
        ),
        source=cite_all(data.sources),
        refs=list(data.sources),
    )
