"""The camera coach's rules in the core (issue 17): view problems, cues, the exported document."""

import json
import math
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


def _turned(lms: list[Landmark], deg: float) -> list[Landmark]:
    """The same body turned in the picture's plane by `deg` (about the picture's centre, in
    pixels): lying down, as in a side plank."""
    a = math.radians(deg)
    out = []
    for p in lms:
        dx, dy = (p.x - 0.5) * W, (0.5 - p.y) * H
        rx, ry = dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a)
        out.append(Landmark(x=0.5 + rx / W * 0.5, y=0.5 - ry / H * 0.5, visibility=p.visibility))
    return out


def _face_hidden(lms: list[Landmark]) -> list[Landmark]:
    """Nose, eyes, ears and mouth (0-10) not visible, as from behind."""
    return [
        Landmark(x=p.x, y=p.y, visibility=0.1 if i <= 10 else p.visibility)
        for i, p in enumerate(lms)
    ]


def test_facing_tells_the_front_from_the_back_and_says_when_it_cannot() -> None:
    front = _frame(0)
    back = _face_hidden(_seen_from_behind(front))
    assert coach.facing(front, W, H) == "camera"
    assert coach.facing(back, W, H) == "away"
    # Either sign alone is not enough: a mirrored picture of a front view (face seen, shoulders
    # in a back's order), a hidden face with a front's shoulder order.
    assert coach.facing(_seen_from_behind(front), W, H) is None
    assert coach.facing(_face_hidden(front), W, H) is None
    # Lying down (turned either way) keeps the answer: the order is read about the trunk.
    for deg in (90.0, -90.0, 180.0):
        assert coach.facing(_turned(front, deg), W, H) == "camera", deg
        assert coach.facing(_turned(back, deg), W, H) == "away", deg
    # Side-on: the shoulders barely spread across the trunk, so the order means nothing.
    side_on = list(front)
    mid_x = (front[11].x + front[12].x) / 2
    for i, dx in ((11, 0.01), (12, -0.01)):
        side_on[i] = Landmark(x=mid_x + dx * 0.5, y=front[i].y, visibility=1.0)
    assert coach.facing(side_on, W, H) is None


def test_a_front_rule_with_the_back_to_the_camera_asks_to_face_it() -> None:
    front = _frame(0)
    back = _face_hidden(_seen_from_behind(front))
    for rule in ("single_leg_balance", "standing_hip_abduction", "squat"):
        assert coach.view_problem(REP_RULES[rule], front, W, H) is None, rule
        assert coach.view_problem(REP_RULES[rule], back, W, H) == "face_camera", rule
        # Cannot tell which way (a mirrored camera): not held against the person.
        assert coach.view_problem(REP_RULES[rule], _seen_from_behind(front), W, H) is None
    # A side rule does not care which way a front view faces: it asks to turn side-on.
    assert coach.view_problem(REP_RULES["plank"], back, W, H) == "side_on"
