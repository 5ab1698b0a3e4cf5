"""The camera coach's rules in the core (issue 17): view problems, cues, the exported document."""

import json
from pathlib import Path

from hipalign.core.posture import coach
from hipalign.core.posture.geometry import Landmark
from hipalign.core.posture.reps import REP_RULES

RECORDED = json.loads(
    (Path(__file__).parents[2] / "web" / "coach_data" / "squat_landmarks.json").read_text()
)
W, H = RECORDED["width"], RECORDED["height"]


def _frame(n: int) -> list[Landmark]:
    return [Landmark(x=x, y=y, visibility=v) for x, y, v in RECORDED["frames"][n]]


def test_a_front_view_of_the_whole_body_shows_a_front_rule_and_not_a_side_one() -> None:
    standing = _frame(0)
    assert coach.view_problem(REP_RULES["squat"], standing, W, H) is None
    assert coach.view_problem(REP_RULES["plank"], standing, W, H) == "side_on"
    assert coach.view_problem(REP_RULES["clamshell"], standing, W, H) is None  # not counted


def test_hidden_ankles_ask_to_step_back() -> None:
    lms = _frame(0)
    lms[27] = Landmark(x=lms[27].x, y=lms[27].y, visibility=0.1)
    assert coach.view_problem(REP_RULES["squat"], lms, W, H) == "whole_body"
    lms[28] = Landmark(x=lms[28].x, y=1.2, visibility=0.9)  # below the picture
    assert coach.view_problem(REP_RULES["glute_bridge"], lms, W, H) == "whole_body"


def test_no_cue_is_given_on_landmarks_that_are_not_visible() -> None:
    lms = _frame(0)
    lms[23] = Landmark(x=lms[23].x, y=lms[23].y, visibility=0.3)
    for cue in coach.CUES:
        assert coach.cue_value(cue, lms, W, H) is None, cue.id


def test_pelvic_drop_is_positive_when_the_lifted_sides_hip_drops() -> None:
    (cue,) = (c for c in coach.CUES if c.id == "pelvic_drop")
    lms = _frame(0)
    assert coach.cue_value(cue, lms, W, H) is None  # both feet down: no lifted side
    lift = [Landmark(x=p.x, y=p.y, visibility=p.visibility) for p in lms]
    lift[27] = Landmark(x=lms[27].x, y=lms[27].y - 0.05, visibility=1.0)  # left foot up
    level = coach.cue_value(cue, lift, W, H)
    lift[23] = Landmark(x=lms[23].x, y=lms[23].y + 0.02, visibility=1.0)  # left hip lower
    dropped = coach.cue_value(cue, lift, W, H)
    assert level is not None and dropped is not None
    assert dropped > cue.threshold > level


def test_a_repetition_in_under_half_its_time_is_too_fast() -> None:
    assert coach.too_fast([2.0, 3.0], rep_s=3)  # 1 s for a 3 s repetition
    assert not coach.too_fast([2.0, 4.0], rep_s=3)
    assert not coach.too_fast([2.0], rep_s=3)  # one rep: nothing to compare


def test_every_cue_names_a_real_source_a_sentence_and_counted_exercises() -> None:
    for cue in coach.CUES:
        assert "doi:" in cue.source or "PMID" in cue.source, cue.id
        assert cue.sentence.endswith(".") and "[rule]" not in cue.sentence
        assert cue.exercises and all(REP_RULES[e].kind != "not_counted" for e in cue.exercises)


def test_the_document_holds_the_session_rules_and_the_reference_only() -> None:
    doc = coach.rules_document(["plank", "clamshell"])
    assert set(doc["rules"]) == {"plank", "clamshell", "squat"}
    assert doc["rules"]["plank"]["at_least"] == REP_RULES["plank"].at_least
    json.dumps(doc)  # plain data


def _seen_from_behind(lms: list[Landmark]) -> list[Landmark]:
    """The same body turned to face away from the camera: every point mirrored across the
    picture, the landmarks keeping their anatomical names (left stays left)."""
    return [Landmark(x=1.0 - p.x, y=p.y, visibility=p.visibility) for p in lms]


def test_pelvic_drop_reads_the_same_whichever_way_the_person_faces() -> None:
    (cue,) = (c for c in coach.CUES if c.id == "pelvic_drop")
    base = _frame(0)
    for foot, hip in ((27, 23), (28, 24)):  # left foot up, then right
        lifted = list(base)
        lifted[foot] = Landmark(x=base[foot].x, y=base[foot].y - 0.05, visibility=1.0)
        dropped = list(lifted)
        dropped[hip] = Landmark(x=base[hip].x, y=base[hip].y + 0.02, visibility=1.0)
        for body in (lifted, dropped):
            facing = coach.cue_value(cue, body, W, H)
            away = coach.cue_value(cue, _seen_from_behind(body), W, H)
            assert facing is not None and away is not None
            assert abs(facing - away) < 1e-9, (foot, facing, away)
        # Level hips give no cue from behind either (they read about 180 degrees before).
        assert coach.cue_value(cue, _seen_from_behind(lifted), W, H) < cue.threshold  # type: ignore[operator]
        assert coach.cue_value(cue, _seen_from_behind(dropped), W, H) > cue.threshold  # type: ignore[operator]
