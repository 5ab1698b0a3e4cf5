"""Hypothesis strategies for random valid intakes (hipalign.intake/1)."""

from typing import Any, get_args

from hypothesis import strategies as st

from hipalign.core.screening.catalog import QUESTION_IDS
from hipalign.core.vocab import EQUIPMENT, Limitation, Symptom

SYMPTOMS = list(get_args(Symptom))
LIMITATIONS = list(get_args(Limitation))


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _per_side(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={"left": values, "right": values})


seconds = st.floats(min_value=0, max_value=180, allow_nan=False).map(lambda v: round(v, 1))

findings = st.fixed_dictionaries(
    {},
    optional={
        "weaker_side": st.sampled_from(["left", "right", "none"]),
        "trendelenburg": _per_side(st.sampled_from(["positive", "negative"])),
        "single_leg_stance_s": _per_side(seconds),
        "thomas_test": _per_side(
            st.sampled_from(["normal", "hip_flexor_tight", "rectus_femoris_tight"])
        ),
        "pelvic_obliquity": st.fixed_dictionaries(
            {
                "degrees": st.floats(0, 10, allow_nan=False).map(lambda v: round(v, 1)),
                "high_side": st.sampled_from(["left", "right", "none"]),
                "source": st.sampled_from(["self", "clinician", "photo"]),
            }
        ),
        "pelvic_tilt": st.sampled_from(["anterior_increased", "neutral", "posterior"]),
        "plank_hold_s": seconds,
        "side_plank_hold_s": _per_side(seconds),
        "hip_rotation_restricted": _per_side(st.booleans()),
        "leg_length_difference_mm": st.floats(0, 40, allow_nan=False).map(lambda v: round(v, 1)),
        "faber": _per_side(st.sampled_from(["negative", "groin_pain", "other_pain"])),
        "lateral_pain_in_stance": _per_side(st.booleans()),
    },
)


@st.composite
def intakes(draw: st.DrawFn, red_flag_chance: bool = True) -> dict[str, Any]:
    # Most people answer no to every question; sometimes one or two flags are raised.
    flagged = (
        draw(st.sets(st.sampled_from(QUESTION_IDS), max_size=2))
        if red_flag_chance and draw(st.integers(0, 5)) == 0
        else set()
    )
    doc: dict[str, Any] = {
        "schema": "hipalign.intake/1",
        "age": draw(st.integers(10, 110)),
        "screening": {q: q in flagged for q in QUESTION_IDS},
        "symptoms": draw(st.lists(st.sampled_from(SYMPTOMS), unique=True, max_size=5)),
        "pain": {
            "now": draw(st.integers(0, 10)),
            "worst_week": draw(st.integers(0, 10)),
            "side": draw(st.sampled_from(["left", "right", "both", "none"])),
        },
        "findings": draw(findings),
        "cleared_by_clinician": draw(st.booleans()),
        "lifestyle": {
            "sitting_hours_per_day": draw(st.integers(0, 16)),
            "activities": draw(
                st.lists(
                    st.sampled_from(["running", "walking", "desk_work", "cycling"]),
                    unique=True,
                    max_size=3,
                )
            ),
        },
        "equipment": draw(st.lists(st.sampled_from(EQUIPMENT), unique=True)),
        "limitations": draw(st.lists(st.sampled_from(LIMITATIONS), unique=True, max_size=3)),
        "minutes_per_session": draw(st.integers(5, 90)),
        "sessions_per_week": draw(st.integers(1, 14)),
    }
    if draw(st.integers(0, 3)) == 0:
        doc["pregnancy"] = {"pregnant": True, "weeks": draw(st.integers(0, 42))}
    precautions = draw(
        st.sampled_from([None, None, "posterior_approach", "anterior_approach", "none"])
    )
    if precautions is not None:
        doc["hip_precautions"] = precautions
    return doc
