"""The camera coach's hold timing and form cues in the player, in headless Chromium (issue 17).

No camera and no model: `window.HipalignCoachPlayer.feed(frames)` runs landmark frames built
here through the player's own frame path (coach_player.js `onFrame`, as the camera's frames).
The bodies are built from the thresholds in the rules the page itself was given (the player's
data, `coach.rules`, rendered from the core), never from numbers of this file's own, so a changed
threshold keeps each test on its meaning: "twice past the threshold" must give the cue, "half of
it" must not.

The person is 70: the plan puts single-leg balance (a hold the camera times, with the pelvic
drop and trunk lean cues) in every session, after leg swings (reps, with the tempo cue). The
knee cue belongs to the reference squat only (the library has no squat-like exercise), so its
test counts the leg swings step with the squat rule, as test_coach.py's rep test does.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page, expect

from hipalign.web import pose_assets
from tests.conftest import need
from tests.e2e.helpers import Player, Site, onboard, player_data, sign_up

pytestmark = need(pose_assets.check().ok, "needs the pose model files (bash scripts/assets)")

W, H = 720, 1280  # the picture, pixels
FPS = 8  # frame times i / 8 are exact in binary, so the seconds held floor to what was fed
EXERCISE = "single_leg_balance"
# Landmark indices (BlazePose order, as pose.js's HipalignPose.LANDMARKS).
NOSE, L_SH, R_SH, L_EL, R_EL, L_WR, R_WR = 0, 11, 12, 13, 14, 15, 16
L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANK, R_ANK = 23, 24, 25, 26, 27, 28
L_HEEL, R_HEEL, L_TOE, R_TOE = 29, 30, 31, 32


def body(
    doc: dict[str, Any],
    *,
    lifted: str | None = None,
    lift_pct: float = 0.0,
    drop_deg: float = 0.0,
    lean_deg: float = 0.0,
    knee_in_deg: float = 0.0,
    knee_out_deg: float = 0.0,
    visibility: float = 0.99,
    dim: tuple[int, ...] = (),
    dim_to: float = 0.0,
) -> list[dict[str, float]]:
    """33 landmarks of a person standing facing the camera (their left on the picture's right),
    normalised with y down as pose.js gives them.

    lifted / lift_pct: that foot off the floor by lift_pct % of the trunk length (mid-hip to
    mid-shoulder); drop_deg: the hip line tilted down on the lifted side (negative: down on the
    standing side); lean_deg: the trunk leaning sideways from vertical; knee_in_deg /
    knee_out_deg: both knees moved towards / away from the midline until the hip-knee-ankle
    angle is 180 minus that; dim: these landmarks get visibility `dim_to`."""
    trunk, hip_half, thigh = 300.0, 45.0, 220.0  # pixels
    shoulder_half = doc["front_min_shoulder_width_of_trunk"] * trunk  # twice the front minimum
    mid_hip = (W / 2, 560.0)
    lean = math.radians(lean_deg)
    mid_sh = (mid_hip[0] - trunk * math.sin(lean), mid_hip[1] + trunk * math.cos(lean))
    # The lifted side's hip goes down by drop_deg (right lifted: right hip lower).
    d = math.radians(drop_deg) * (1 if lifted == "left" else -1)
    p: dict[int, tuple[float, float]] = {
        L_HIP: (mid_hip[0] + hip_half * math.cos(d), mid_hip[1] - hip_half * math.sin(d)),
        R_HIP: (mid_hip[0] - hip_half * math.cos(d), mid_hip[1] + hip_half * math.sin(d)),
        L_SH: (mid_sh[0] + shoulder_half, mid_sh[1]),
        R_SH: (mid_sh[0] - shoulder_half, mid_sh[1]),
    }
    p[NOSE] = (mid_sh[0], mid_sh[1] + 70)
    bend = math.radians(knee_in_deg or knee_out_deg) / 2
    for side, hip, knee, ankle, heel, toe, outward in (
        ("left", L_HIP, L_KNEE, L_ANK, L_HEEL, L_TOE, 1.0),
        ("right", R_HIP, R_KNEE, R_ANK, R_HEEL, R_TOE, -1.0),
    ):
        up = lift_pct / 100 * trunk if side == lifted else 0.0
        hx, hy = p[hip]
        floor = mid_hip[1] - 2 * thigh  # the feet stay where they are when the hips tilt
        shift = thigh * math.tan(bend) * (outward if knee_out_deg else -outward)
        p[ankle] = (hx, floor + up)
        p[knee] = (hx + shift, (hy + floor + up) / 2)
        p[heel] = (hx - 10 * outward, floor + up - 15)
        p[toe] = (hx + 15 * outward, floor + up - 25)
    for sh, el, wr, out in ((L_SH, L_EL, L_WR, 1.0), (R_SH, R_EL, R_WR, -1.0)):
        sx, sy = p[sh]
        p[el] = (sx + 15 * out, sy - 130)
        p[wr] = (sx + 20 * out, sy - 250)
    for i in range(1, 11):  # eyes, ears, mouth: around the nose
        p[i] = (p[NOSE][0] + (i - 5.5) * 6, p[NOSE][1] + (10 if i < 9 else -15))
    for i, wr in ((17, L_WR), (19, L_WR), (21, L_WR), (18, R_WR), (20, R_WR), (22, R_WR)):
        p[i] = (p[wr][0], p[wr][1] - 20)
    return [
        {
            "x": p[i][0] / W,
            "y": 1 - p[i][1] / H,
            "z": 0.0,
            "visibility": dim_to if i in dim else visibility,
        }
        for i in range(33)
    ]


@dataclass
class Feeder:
    """Feeds frames to the page at FPS on one running clock (a step's tracker needs its frame
    times in order) and returns the tracker state the page gives back."""

    page: Page
    t: float = 0.0
    fed: list[float] = field(default_factory=list)

    def feed(self, lms: list[dict[str, float]], seconds: float) -> dict[str, Any]:
        n = round(seconds * FPS)
        frames = []
        for _ in range(n):
            frames.append({"landmarks": lms, "width": W, "height": H, "t": self.t})
            self.fed.append(self.t)
            self.t += 1 / FPS
        st: dict[str, Any] = self.page.evaluate(
            "(frames) => window.HipalignCoachPlayer.feed(frames)", frames
        )
        return st


@dataclass
class OnStep:
    page: Page
    player: Player
    doc: dict[str, Any]  # the rules the page was given
    exercise: str  # the rule the step is counted with
    side: str  # the step's side
    prescribed_s: int  # the hold the plan gives this side
    rep_s: int  # the time per repetition the plan gives this exercise
    feeder: Feeder
    username: str

    @property
    def rule(self) -> dict[str, Any]:
        return dict(self.doc["rules"][self.exercise])

    def cue(self, measure: str) -> dict[str, Any]:
        (c,) = (c for c in self.doc["cues"] if c["measure"] == measure)
        assert self.exercise in c["exercises"], c
        return dict(c)

    def cues_shown(self) -> list[str]:
        return [
            t.strip()
            for t in self.page.get_by_test_id("coach-cues").locator("li").all_inner_texts()
        ]


def on_the_first(page: Page, kind: str = "hold", exercise: str = EXERCISE) -> OnStep:
    """A new 70-year-old person's Today, paused on the exercise's first step of `kind` (the
    session's first of that kind), counted with the exercise's own rule.

    30 minutes a session, so the exercise is in every day's session: at 20 minutes leg swings
    fit only on some weekdays and the test would depend on the day it runs."""
    username = sign_up(page, "holds")
    onboard(page, age=70, minutes_per_session=30)
    player = Player(page)
    player.open()
    data = player_data(page)
    doc = data["coach"]["rules"]
    assert doc["rules"][exercise]["kind"] == kind, doc["rules"].get(exercise)
    step = next(
        s for s in data["script"]["steps"] if s["kind"] == kind and s["exercise"] == exercise
    )
    (ex,) = (e for e in data["exercises"] if e["id"] == exercise)
    (dose,) = (s for s in ex["sides"] if s["side"] == step["side"])
    player.begin_paused()
    player.skip_until_kind(kind)
    expect(player.cue).to_have_text(step["cue"])  # the first of its kind is the exercise's
    expect(page.get_by_test_id("coach")).to_be_visible()
    state = page.evaluate("window.HipalignCoachPlayer.state()")
    assert state is not None and state["frames"] == 0, state  # timed, nothing seen yet
    rep_s = data["coach"]["rep_s"][exercise]
    return OnStep(
        page, player, doc, exercise, step["side"], dose["hold_s"], rep_s, Feeder(page), username
    )


def test_a_held_single_leg_stance_is_timed_and_fills_the_log_as_the_cameras(
    laptop: Page, site: Site
) -> None:
    on = on_the_first(laptop)
    page, doc = laptop, on.doc
    count = page.get_by_test_id("coach-count")
    other = "right" if on.side == "left" else "left"
    # In position: one foot off the floor by twice the rule's minimum.
    up = body(doc, lifted=other, lift_pct=2 * on.rule["at_least"])
    down = body(doc)
    held = max(2, on.prescribed_s - 3)  # not the prescribed time: the number is the camera's

    st = on.feeder.feed(down, 1)
    assert st["in_progress"] is False and st["best_hold_s"] == 0, st
    expect(count).to_have_text(f"Longest hold: 0 s ({on.side} side)")
    st = on.feeder.feed(up, held)
    expect(count).to_have_text(f"Holding: {held} s ({on.side} side)")
    assert st["in_progress"] is True and st["hold_s"] == held, st
    # Foot down for longer than the gap a flicker may bridge: the hold has ended.
    assert doc["min_gap_s"] < 1
    st = on.feeder.feed(down, 1)
    expect(count).to_have_text(f"Longest hold: {held} s ({on.side} side)")
    assert st["in_progress"] is False and st["best_hold_s"] == held, st
    assert on.cues_shown() == [] and st["cues"] == []  # level hips, upright: no cue

    on.player.skip_to_log_form()
    timed = page.locator(f"#log-hold-{on.side}")
    assert timed.get_attribute("data-camera") == str(held) and timed.input_value() == str(held)
    expect(page.get_by_test_id(f"log-camera-{on.side}")).to_have_text(
        f"Timed by the camera: {held} seconds. Change it if it is wrong."
    )
    untimed = page.locator(f"#log-hold-{other}")  # no frame in its steps: the plan's number
    assert untimed.get_attribute("data-camera") is None
    assert untimed.input_value() == str(on.prescribed_s)
    expect(page.get_by_test_id(f"log-camera-{other}")).to_have_count(0)
    on.player.fill_log_and_save(pain=1)
    expect(on.player.decision).not_to_have_text("", timeout=10_000)  # the server answered
    expect(on.player.sync).to_have_attribute("data-pending", "0")  # both sides are sent

    rows = site.query(
        "SELECT l.side, l.hold_s_done, l.counted_by FROM hipalign_exerciselogrecord l "
        "JOIN auth_user u ON u.id = l.user_id WHERE u.username = ? AND l.exercise_id = ?",
        on.username,
        EXERCISE,
    )
    assert sorted(rows) == sorted([(on.side, held, "camera"), (other, on.prescribed_s, "person")])


def test_the_hip_dropping_on_the_lifted_side_gives_the_trendelenburg_cue(
    laptop: Page, site: Site
) -> None:
    on = on_the_first(laptop)
    cue = on.cue("pelvic_drop")
    doc, lifted = on.doc, ("right" if on.side == "left" else "left")
    # The foot is lifted enough both for the hold and for the cue to know the lifted side.
    lift = 2 * max(on.rule["at_least"], doc["foot_lifted_pct"])
    count = laptop.get_by_test_id("coach-count")

    def hips(drop_deg: float) -> list[dict[str, float]]:
        return body(doc, lifted=lifted, lift_pct=lift, drop_deg=drop_deg)

    st = on.feeder.feed(hips(0), 2)  # level
    expect(count).to_have_text(f"Holding: 2 s ({on.side} side)")  # the frames were seen
    assert st["cues"] == [] and on.cues_shown() == []
    st = on.feeder.feed(hips(cue["threshold"] / 2), 2)  # dropping, but under the threshold
    assert st["cues"] == [] and on.cues_shown() == []
    st = on.feeder.feed(hips(-2 * cue["threshold"]), 2)  # down on the standing side instead
    assert st["cues"] == [] and on.cues_shown() == []
    # Past the threshold: not for a moment shorter than cue_min_s (landmark noise), then shown.
    brief = math.ceil(doc["cue_min_s"] * FPS) / FPS - 1 / FPS
    st = on.feeder.feed(hips(2 * cue["threshold"]), brief)
    assert st["cues"] == [] and on.cues_shown() == []
    st = on.feeder.feed(hips(2 * cue["threshold"]), 1)
    assert st["cues"] == ["pelvic_drop"], st
    expect(laptop.get_by_test_id("coach-cues").locator("li")).to_have_text([cue["sentence"]])
    assert st["in_progress"] is True  # still holding: the cue is about form, not the count
    st = on.feeder.feed(hips(0), 1)  # level again: the cue goes
    assert st["cues"] == [] and on.cues_shown() == []


def test_a_trunk_leaning_to_the_side_gives_its_cue(laptop: Page, site: Site) -> None:
    on = on_the_first(laptop)
    cue = on.cue("trunk_lean")
    doc, lifted = on.doc, ("right" if on.side == "left" else "left")
    lift = 2 * max(on.rule["at_least"], doc["foot_lifted_pct"])

    st = on.feeder.feed(body(doc, lifted=lifted, lift_pct=lift, lean_deg=cue["threshold"] / 2), 2)
    assert st["in_progress"] is True and st["cues"] == [] and on.cues_shown() == []
    for lean in (2 * cue["threshold"], -2 * cue["threshold"]):  # over either leg
        on.feeder.feed(body(doc, lifted=lifted, lift_pct=lift), 1)
        st = on.feeder.feed(body(doc, lifted=lifted, lift_pct=lift, lean_deg=lean), 2)
        assert st["cues"] == ["trunk_lean"], (lean, st)
        expect(laptop.get_by_test_id("coach-cues").locator("li")).to_have_text([cue["sentence"]])


def test_no_cue_is_given_on_landmarks_not_visible_enough(laptop: Page, site: Site) -> None:
    on = on_the_first(laptop)
    cue = on.cue("pelvic_drop")
    doc, lifted = on.doc, ("right" if on.side == "left" else "left")
    lift = 2 * max(on.rule["at_least"], doc["foot_lifted_pct"])
    view = laptop.get_by_test_id("coach-view")
    floor = doc["min_visibility"]

    def dropping(hip_visibility: float) -> list[dict[str, float]]:
        return body(
            doc,
            lifted=lifted,
            lift_pct=lift,
            drop_deg=2 * cue["threshold"],
            dim=(L_HIP, R_HIP),
            dim_to=hip_visibility,
        )

    # The hips, which the drop is measured on, just under the visibility the rules require.
    st = on.feeder.feed(dropping(floor - 0.01), 3)
    assert st["cues"] == [] and on.cues_shown() == [], st
    expect(view).to_have_text(doc["view_words"]["whole_body"])
    # The same body with the hips just visible enough: the cue, and no view message.
    st = on.feeder.feed(dropping(floor), 3)
    assert st["cues"] == ["pelvic_drop"], st
    expect(view).to_have_text("")
    expect(laptop.get_by_test_id("coach-cues").locator("li")).to_have_text([cue["sentence"]])


def side_view(thigh_deg: float) -> list[dict[str, float]]:
    """33 landmarks of a person standing side-on, facing the picture's right, the left leg
    (near the camera) straight at `thigh_deg` from hanging down (forward positive)."""
    hip, trunk, leg = (W / 2, 560.0), 300.0, 220.0
    a = math.radians(thigh_deg)
    p: dict[int, tuple[float, float]] = {
        L_SH: (hip[0] + 5, hip[1] + trunk),
        R_SH: (hip[0] - 5, hip[1] + trunk),
        L_HIP: (hip[0] + 3, hip[1]),
        R_HIP: (hip[0] - 3, hip[1]),
        L_KNEE: (hip[0] + 3 + leg * math.sin(a), hip[1] - leg * math.cos(a)),
        L_ANK: (hip[0] + 3 + 2 * leg * math.sin(a), hip[1] - 2 * leg * math.cos(a)),
        R_KNEE: (hip[0] - 3, hip[1] - leg),
        R_ANK: (hip[0] - 3, hip[1] - 2 * leg),
    }
    p[NOSE] = (hip[0] + 45, hip[1] + trunk + 70)
    for i in range(33):
        p.setdefault(i, (p[NOSE][0] - 10, p[NOSE][1]) if i < 11 else p[L_HIP if i > 28 else L_SH])
    p[L_HEEL], p[L_TOE] = p[L_ANK], (p[L_ANK][0] + 25, p[L_ANK][1])
    return [
        {"x": p[i][0] / W, "y": 1 - p[i][1] / H, "z": 0.0, "visibility": 0.99} for i in range(33)
    ]


def test_repetitions_faster_than_the_tempo_give_the_slow_down_cue(laptop: Page, site: Site) -> None:
    on = on_the_first(laptop, "reps", "leg_swings")
    rule, cue = on.rule, on.cue("rep_time")
    count = laptop.get_by_test_id("coach-count")
    assert on.rep_s > 0 and rule["active"] == "high", (on.rep_s, rule)
    # Past each of the rule's thresholds by half their gap: forward swing, back.
    margin = (rule["enter_beyond"] - rule["leave_beyond"]) / 2
    forward, back = (
        side_view(rule["enter_beyond"] + margin),
        side_view(rule["leave_beyond"] - margin),
    )
    shortest = cue["threshold"] * on.rep_s  # a repetition shorter than this is too fast

    def reps(n: int, each_s: float) -> dict[str, Any]:
        assert each_s / 2 >= 2 * rule["min_phase_s"]  # each phase is a movement, not a flicker
        st: dict[str, Any] = {}
        for _ in range(n):
            on.feeder.feed(forward, each_s / 2)
            st = on.feeder.feed(back, each_s / 2)
        return st

    on.feeder.feed(back, 1)
    st = reps(3, 2 * shortest)  # twice the shortest: slow enough
    expect(count).to_have_text(f"Counted: 3 ({on.side} side)")
    assert st["cues"] == [] and on.cues_shown() == [], st
    st = reps(2, shortest / 2)  # half of it: too fast
    expect(count).to_have_text(f"Counted: 5 ({on.side} side)")
    assert st["cues"] == ["too_fast"], st
    expect(laptop.get_by_test_id("coach-cues").locator("li")).to_have_text([cue["sentence"]])
    st = reps(1, 2 * shortest)  # slow again: the cue goes
    assert st["count"] == 6 and st["cues"] == [] and on.cues_shown() == [], st


def test_the_knee_moving_inwards_gives_its_cue_on_the_squat_rule(laptop: Page, site: Site) -> None:
    # The knee cue belongs to squat-like moves, and the library has none: as the rep test does,
    # count a reps step with the reference squat rule.
    on = on_the_first(laptop, "reps", "leg_swings")
    laptop.evaluate("window.HipalignCoachPlayer.useRule('squat')")
    on.exercise = "squat"
    doc, cue = on.doc, on.cue("knee_valgus")
    assert doc["knee_valgus_max_bend_deg"] > 2 * cue["threshold"]

    st = on.feeder.feed(body(doc, knee_in_deg=cue["threshold"] / 2), 2)
    assert st["frames"] > 0 and st["view"] is None and st["cues"] == [], st
    assert on.cues_shown() == []
    st = on.feeder.feed(body(doc, knee_out_deg=2 * cue["threshold"]), 2)  # outwards: bow legs
    assert st["cues"] == [] and on.cues_shown() == [], st
    st = on.feeder.feed(body(doc, knee_in_deg=2 * cue["threshold"]), 2)
    assert st["cues"] == ["knee_valgus"], st
    expect(laptop.get_by_test_id("coach-cues").locator("li")).to_have_text([cue["sentence"]])
    # Bent deeper than the cue reads (a squat's bend projects as a large angle): no cue.
    st = on.feeder.feed(body(doc, knee_in_deg=doc["knee_valgus_max_bend_deg"] + 5), 2)
    assert st["cues"] == [] and on.cues_shown() == [], st
