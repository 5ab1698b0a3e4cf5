"""The camera coach times a lying hold, the side plank, per side in the player (issue 17).

As tests/e2e/test_coach_holds.py: no camera and no model, `window.HipalignCoachPlayer.feed`
runs landmark frames built here through the player's own frame path, and every body is built
from the thresholds of the rule the page itself was given (`coach.rules`): "held" is halfway
between the rule's `at_least` and a straight line, "sagging" is twice past `at_least`, the slope
is half the rule's `incline_at_most`.

The side plank is a strength exercise, so the planner puts it on a few weekdays only (never two
days running): whether today's session has it depends on the calendar. So that the tests do not,
a clinician linked with the person adds it (or the variant on the knees) on all seven days with
the prescription editor, as a clinician may, and Today always has it.

The rules want the camera in front of the body (`view: "front"`): the person lies on their side
across the picture, chest to the camera, shoulders and hips stacked one over the other.
"""

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hipalign.core.vocab import WEEKDAYS
from hipalign.web import pose_assets
from tests.conftest import need
from tests.e2e.conftest import NewContext
from tests.e2e.helpers import (
    Clinic,
    Player,
    Site,
    invite_code_make,
    invite_code_redeem,
    onboard,
    patient_id_of,
    player_data,
    sign_up,
)

pytestmark = need(pose_assets.check().ok, "needs the pose model files (bash scripts/assets)")

W, H = 1280, 960  # the picture (a laptop camera, landscape), pixels
FPS = 8  # frame times i / 8 are exact in binary, so the seconds held floor to what was fed
HOLD_S = 20  # the hold the clinician prescribes
# Landmark indices (BlazePose order, as pose.js's HipalignPose.LANDMARKS).
NOSE, L_SH, R_SH, L_EL, R_EL, L_WR, R_WR = 0, 11, 12, 13, 14, 15, 16
L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANK, R_ANK = 23, 24, 25, 26, 27, 28
L_HEEL, R_HEEL, L_TOE, R_TOE = 29, 30, 31, 32
PAIRS = [(1, 4), (2, 5), (3, 6), (7, 8), (9, 10)] + [(i, i + 1) for i in range(11, 33, 2)]
EXERCISES = ("side_plank", "side_plank_knees")


def lying(
    doc: dict[str, Any],
    rule: dict[str, Any],
    *,
    down: str,
    line_deg: float,
    incline_deg: float,
    back_to_camera: bool = False,
) -> list[dict[str, float]]:
    """33 landmarks of a person lying on their `down` side, seen from the front (chest to the
    camera), normalised with y down as pose.js gives them.

    line_deg: the interior shoulder-hip-line end angle (180 = straight; under it the hips sag
    towards the floor); the line ends at the ankles, or at the knees for a rule on
    `body_line_knees` (knees bent, the shins behind the thighs). incline_deg: the body's slope
    from horizontal, feet on the floor and head up. back_to_camera: the same body turned over, so
    its back faces the camera (left and right swapped, the face hidden)."""
    knees = rule["signal"] == "body_line_knees"
    trunk, thigh, shin = 200.0, 150.0, 140.0  # pixels
    half = doc["front_min_shoulder_width_of_trunk"] * trunk  # stacked: twice the front minimum
    theta, bend = math.radians(incline_deg), math.radians(180 - line_deg) / 2
    # Built lying on the left side, head to the picture's right; mirrored for the right side.
    # Every side's points are the middle line moved by the same amount, so each side's line has
    # the middle line's angle exactly; the upper side is up (n), the lower side down.
    n = (-math.sin(theta), math.cos(theta))
    leg_dir = (math.cos(theta - bend), math.sin(theta - bend))  # from the line's end up to the hips
    trunk_dir = (math.cos(theta + bend), math.sin(theta + bend))  # from the hips to the shoulders
    end = (200.0, 130.0 + half)  # the middle of the line's end, above the floor by `half`
    leg = thigh if knees else thigh + shin
    mid_hip = (end[0] + leg * leg_dir[0], end[1] + leg * leg_dir[1])
    mid_sh = (mid_hip[0] + trunk * trunk_dir[0], mid_hip[1] + trunk * trunk_dir[1])
    if knees:
        mid_knee = end
        mid_ank = (end[0] - 25 * leg_dir[0], end[1] - 25 * leg_dir[1])  # the shin points away
    else:
        mid_knee = (end[0] + shin * leg_dir[0], end[1] + shin * leg_dir[1])
        mid_ank = end

    def at(mid_pt: tuple[float, float], offset: float) -> tuple[float, float]:
        return (mid_pt[0] + offset * n[0], mid_pt[1] + offset * n[1])

    p: dict[int, tuple[float, float]] = {}
    for lower, (sh, el, wr, hip, knee, ank, heel, toe) in (
        (True, (L_SH, L_EL, L_WR, L_HIP, L_KNEE, L_ANK, L_HEEL, L_TOE)),
        (False, (R_SH, R_EL, R_WR, R_HIP, R_KNEE, R_ANK, R_HEEL, R_TOE)),
    ):
        o = -half if lower else half
        p[sh], p[hip], p[knee], p[ank] = (
            at(mid_sh, o),
            at(mid_hip, o),
            at(mid_knee, o),
            at(mid_ank, o),
        )
        p[heel] = (p[ank][0] - 12, p[ank][1])
        p[toe] = (p[ank][0] + 8, p[ank][1] - 20)
        if lower:  # the supporting forearm: elbow under the shoulder, hand forward on the floor
            p[el] = (p[sh][0], p[sh][1] - 110)
            p[wr] = (p[el][0] + 120, p[el][1])
        else:  # the other hand on the hip
            p[el] = (p[hip][0] + 70, p[hip][1] + 80)
            p[wr] = p[hip]
    head_dir = (math.cos(theta), math.sin(theta))
    p[NOSE] = (mid_sh[0] + 60 * head_dir[0], mid_sh[1] + 60 * head_dir[1])
    for i in range(1, 11):  # eyes, ears, mouth: around the nose
        p[i] = (p[NOSE][0] + (i - 5.5) * 3, p[NOSE][1] + (i - 5.5) * 4)
    for i, wr in ((17, L_WR), (19, L_WR), (21, L_WR), (18, R_WR), (20, R_WR), (22, R_WR)):
        p[i] = (p[wr][0] + 15, p[wr][1])
    if down == "right":  # mirrored: lying on the right side, head to the picture's left
        flipped = {i: (W - x, y) for i, (x, y) in p.items()}
        p = {}
        for a, b in PAIRS:
            p[a], p[b] = flipped[b], flipped[a]
        p[NOSE] = flipped[NOSE]
    if back_to_camera:
        swapped = dict(p)
        for a, b in PAIRS:
            swapped[a], swapped[b] = p[b], p[a]
        p = swapped
    lms = [
        {
            "x": p[i][0] / W,
            "y": 1 - p[i][1] / H,
            "z": 0.0,
            "visibility": 0.0 if back_to_camera and i <= 10 else 0.99,
        }
        for i in range(33)
    ]
    assert all(0 <= lm["x"] <= 1 and 0 <= lm["y"] <= 1 for lm in lms), lms  # all in the picture
    return lms


@dataclass
class Feeder:
    """Feeds frames to the page at FPS on one running clock (a step's tracker needs its frame
    times in order) and returns the tracker state the page gives back."""

    page: Page
    t: float = 0.0
    fed: list[float] = field(default_factory=list)

    def feed(self, lms: list[dict[str, float]], seconds: float) -> dict[str, Any]:
        frames = []
        for _ in range(round(seconds * FPS)):
            frames.append({"landmarks": lms, "width": W, "height": H, "t": self.t})
            self.fed.append(self.t)
            self.t += 1 / FPS
        st: dict[str, Any] = self.page.evaluate(
            "(frames) => window.HipalignCoachPlayer.feed(frames)", frames
        )
        return st


@dataclass
class OnHold:
    page: Page
    player: Player
    doc: dict[str, Any]  # the rules the page was given
    exercise: str
    side: str  # the step's side: the person lies on it
    prescribed_s: int
    feeder: Feeder
    username: str

    @property
    def rule(self) -> dict[str, Any]:
        return dict(self.doc["rules"][self.exercise])

    @property
    def other(self) -> str:
        return "right" if self.side == "left" else "left"

    def body(self, line_deg: float, **kw: Any) -> list[dict[str, float]]:
        kw.setdefault("incline_deg", self.rule["incline_at_most"] / 2)
        return lying(self.doc, self.rule, down=self.side, line_deg=line_deg, **kw)

    def held(self) -> list[dict[str, float]]:
        """Halfway between the rule's least straightness and a straight line."""
        return self.body((self.rule["at_least"] + 180) / 2)

    def sagging(self) -> list[dict[str, float]]:
        """The hips dropped twice as far past the rule's least straightness."""
        return self.body(180 - 2 * (180 - self.rule["at_least"]))

    def cues_shown(self) -> list[str]:
        return [
            t.strip()
            for t in self.page.get_by_test_id("coach-cues").locator("li").all_inner_texts()
        ]


def person_with_every_day(
    page: Page, new_context: NewContext, clinic: Clinic, exercise: str
) -> str:
    """A new person (the wizard's defaults: a session every day) whose clinician prescribes
    `exercise` on all seven days, each side, one set of one HOLD_S hold; returns the username."""
    username = sign_up(page, "plank")
    onboard(page)
    clinician = new_context("laptop", storage_state=clinic.clinician_state).new_page()
    invite_code_redeem(page, invite_code_make(clinician))
    clinician.goto(f"/clinic/patients/{patient_id_of(clinician, username)}/plan")
    # The wizard's plan may have it on some days already: then that row is changed.
    listed = clinician.locator(f'fieldset.rx-row:has(input[type="hidden"][value="{exercise}"])')
    if listed.count():
        row = listed
    else:
        row = clinician.locator("fieldset.rx-new").first
        row.locator('select[name$="-exercise"]').select_option(exercise)
    # By the fields' names: the row's figure is labelled with the side, too.
    row.locator('select[name$="-side"]').select_option(value="both")  # "each side"
    row.locator('input[name$="-sets"]').fill("1")
    row.locator('input[name$="-reps"]').fill("1")
    row.locator('input[name$="-hold_s"]').fill(str(HOLD_S))
    for day in WEEKDAYS:
        row.locator(f'input[type="checkbox"][value="{day}"]').check()
    clinician.get_by_label("Note to the person (what this change is for)").fill(
        "Side plank every day, timed by the camera."
    )
    clinician.get_by_role("button", name=re.compile(r"^Save as version")).click()
    problems = clinician.get_by_test_id("problems")
    assert problems.count() == 0, problems.inner_text()
    expect(clinician.get_by_role("status")).to_contain_text("Saved as plan version")
    return username


def on_the_first_hold(page: Page, new_context: NewContext, clinic: Clinic, exercise: str) -> OnHold:
    """Today of a new person with `exercise` every day, paused on its first hold step."""
    username = person_with_every_day(page, new_context, clinic, exercise)
    player = Player(page)
    player.open()
    data = player_data(page)
    doc = data["coach"]["rules"]
    rule = doc["rules"][exercise]
    assert rule["kind"] == "hold" and rule["signal"].startswith("body_line"), rule
    assert rule["view"] == "front", rule  # the bodies here are built seen from the front
    step = next(
        s for s in data["script"]["steps"] if s["kind"] == "hold" and s["exercise"] == exercise
    )
    (ex,) = (e for e in data["exercises"] if e["id"] == exercise)
    assert {s["side"] for s in ex["sides"]} == {"left", "right"}, ex  # timed per side
    (dose,) = (s for s in ex["sides"] if s["side"] == step["side"])
    player.begin_paused()
    for _ in range(200):  # past the exercises before it, not logging them
        if player.log_form.is_visible():
            player.log_skip.click()
            expect(player.log_form).to_be_hidden()
        elif player.kind.text_content() == "hold" and player.cue.text_content() == step["cue"]:
            break
        else:
            player.skip.click()
    expect(player.kind).to_have_text("hold")
    expect(player.cue).to_have_text(step["cue"])
    expect(page.get_by_test_id("coach")).to_be_visible()
    state = page.evaluate("window.HipalignCoachPlayer.state()")
    assert state is not None and state["frames"] == 0, state  # timed, nothing seen yet
    return OnHold(page, player, doc, exercise, step["side"], dose["hold_s"], Feeder(page), username)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_a_held_side_plank_is_timed_for_its_side_and_fills_the_log_as_the_cameras(
    laptop: Page, new_context: NewContext, clinic: Clinic, site: Site, exercise: str
) -> None:
    on = on_the_first_hold(laptop, new_context, clinic, exercise)
    page = laptop
    count = page.get_by_test_id("coach-count")
    view = page.get_by_test_id("coach-view")
    held = on.prescribed_s - 7  # not the prescribed time: the number is the camera's
    assert held >= 2 and 2 * on.rule["at_least"] - 180 > 90  # the bodies below make sense

    st = on.feeder.feed(on.sagging(), 1)  # hips still on the mat
    assert st["in_progress"] is False and st["best_hold_s"] == 0 and st["view"] is None, st
    expect(count).to_have_text(f"Longest hold: 0 s ({on.side} side)")
    st = on.feeder.feed(on.held(), held)
    expect(count).to_have_text(f"Holding: {held} s ({on.side} side)")
    assert st["in_progress"] is True and st["hold_s"] == held and st["view"] is None, st
    # Hips down for longer than the gap a flicker may bridge: the hold has ended.
    assert on.doc["min_gap_s"] < 1
    st = on.feeder.feed(on.sagging(), 1)
    expect(count).to_have_text(f"Longest hold: {held} s ({on.side} side)")
    assert st["in_progress"] is False and st["best_hold_s"] == held, st
    expect(view).to_have_text("")
    assert st["cues"] == [] and on.cues_shown() == []

    on.player.skip_to_log_form()
    assert on.player.sides_in_log_form() == 2
    timed = page.locator(f"#log-hold-{on.side}")
    assert timed.get_attribute("data-camera") == str(held) and timed.input_value() == str(held)
    expect(timed).to_be_editable()  # marked, and the person may still change it
    expect(page.get_by_test_id(f"log-camera-{on.side}")).to_have_text(
        f"Timed by the camera: {held} seconds. Change it if it is wrong."
    )
    untimed = page.locator(f"#log-hold-{on.other}")  # no frame in its step: the plan's number
    assert untimed.get_attribute("data-camera") is None
    assert untimed.input_value() == str(on.prescribed_s)
    expect(page.get_by_test_id(f"log-camera-{on.other}")).to_have_count(0)
    on.player.fill_log_and_save(pain=1)
    expect(on.player.decision).not_to_have_text("", timeout=10_000)  # the server answered
    expect(on.player.sync).to_have_attribute("data-pending", "0")  # both sides are sent

    rows = site.query(
        "SELECT l.side, l.hold_s_done, l.counted_by FROM hipalign_exerciselogrecord l "
        "JOIN auth_user u ON u.id = l.user_id WHERE u.username = ? AND l.exercise_id = ?",
        on.username,
        exercise,
    )
    assert sorted(rows) == sorted(
        [(on.side, held, "camera"), (on.other, on.prescribed_s, "person")]
    )


def test_a_camera_time_changed_by_the_person_is_logged_as_theirs(
    laptop: Page, new_context: NewContext, clinic: Clinic, site: Site
) -> None:
    on = on_the_first_hold(laptop, new_context, clinic, "side_plank")
    held = on.prescribed_s - 7
    on.feeder.feed(on.held(), held)
    on.feeder.feed(on.sagging(), 1)
    on.player.skip_to_log_form()
    timed = laptop.locator(f"#log-hold-{on.side}")
    expect(timed).to_have_value(str(held))
    timed.fill(str(held + 3))  # the person knows they held longer than the camera saw
    on.player.fill_log_and_save(pain=0)
    expect(on.player.sync).to_have_attribute("data-pending", "0")
    rows = site.query(
        "SELECT l.side, l.hold_s_done, l.counted_by FROM hipalign_exerciselogrecord l "
        "JOIN auth_user u ON u.id = l.user_id WHERE u.username = ? AND l.exercise_id = ?",
        on.username,
        "side_plank",
    )
    assert sorted(rows) == sorted(
        [(on.side, held + 3, "person"), (on.other, on.prescribed_s, "person")]
    )


@pytest.mark.parametrize("exercise", EXERCISES)
def test_sagging_hips_or_standing_up_are_not_held(
    laptop: Page, new_context: NewContext, clinic: Clinic, exercise: str
) -> None:
    on = on_the_first_hold(laptop, new_context, clinic, exercise)
    count = laptop.get_by_test_id("coach-count")

    st = on.feeder.feed(on.sagging(), 5)  # the hips dropped, held still: not a side plank
    assert st["frames"] == 5 * FPS and st["view"] is None, st
    assert st["in_progress"] is False and st["best_hold_s"] == 0, st
    expect(count).to_have_text(f"Longest hold: 0 s ({on.side} side)")
    # Straight, but upright (twice the rule's slope, at most vertical): standing, not lying.
    upright = on.body(180, incline_deg=min(90, 2 * on.rule["incline_at_most"]))
    st = on.feeder.feed(upright, 3)
    assert st["in_progress"] is False and st["best_hold_s"] == 0, st
    expect(count).to_have_text(f"Longest hold: 0 s ({on.side} side)")
    # The same frame path counts the held body at once: what was fed above was seen.
    st = on.feeder.feed(on.held(), 2)
    expect(count).to_have_text(f"Holding: 2 s ({on.side} side)")
    assert st["in_progress"] is True and st["hold_s"] == 2, st
    # A sag that only flickers (shorter than the gap a hold bridges) keeps the hold going;
    # one that lasts ends it.
    flicker = math.floor(on.doc["min_gap_s"] * FPS - 1e-9) / FPS
    assert flicker > 0
    st = on.feeder.feed(on.sagging(), flicker)
    st = on.feeder.feed(on.held(), 1)
    assert st["in_progress"] is True and st["hold_s"] == 2 + flicker + 1, st
    st = on.feeder.feed(on.sagging(), 2)
    assert st["in_progress"] is False and st["best_hold_s"] == 2 + flicker + 1, st


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_back_to_the_camera_gives_the_face_the_camera_prompt(
    laptop: Page, new_context: NewContext, clinic: Clinic, exercise: str
) -> None:
    on = on_the_first_hold(laptop, new_context, clinic, exercise)
    view = laptop.get_by_test_id("coach-view")
    words = on.doc["view_words"]

    st = on.feeder.feed(on.held(), 2)  # chest to the camera: no prompt
    assert st["view"] is None, st
    expect(laptop.get_by_test_id("coach-count")).to_have_text(f"Holding: 2 s ({on.side} side)")
    expect(view).to_have_text("")
    st = on.feeder.feed(on.body(180, back_to_camera=True), 2)
    assert st["view"] == "face_camera", st
    expect(view).to_have_text(words["face_camera"])
    expect(laptop.locator("#coach")).to_have_attribute("data-view", "face_camera")
    st = on.feeder.feed(on.held(), 2)  # turned back: the prompt goes
    assert st["view"] is None, st
    expect(view).to_have_text("")
