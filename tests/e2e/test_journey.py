"""The main path of a person through the app, and the safety stop that replaces it."""

import re

import pytest
from playwright.sync_api import Page, expect

from hipalign.core.adherence import sessions_text
from hipalign.core.screening.catalog import QUESTIONS
from tests.e2e.helpers import (
    Player,
    Site,
    new_person_with_plan,
    onboard,
    player_data,
    shot,
    sign_up,
    text_of,
)

pytestmark = pytest.mark.e2e


def test_signup_onboarding_plan_session_log_progress(phone: Page, site: Site) -> None:
    name = "test_signup_onboarding_plan_session_log_progress"
    page = phone
    username = sign_up(page, "journey")

    def on_step(step: str) -> None:
        if step == "safety":
            shot(page, name, "onboarding-step1-phone")

    onboard(
        page,
        age=40,
        equipment=("mat", "resistance_band"),
        sessions_per_week=7,
        weaker_side="left",
        trendelenburg_left="positive",
        side_plank_s=(15, 40),
        on_step=on_step,
    )

    # The plan: a week of seven sessions, each exercise explained.
    expect(page.get_by_role("heading", name="Your plan", level=1)).to_be_visible()
    expect(page.get_by_test_id("week").locator(":scope > li.day")).to_have_count(7)
    exercises = page.locator("article.exercise")
    expect(exercises.first).to_be_visible()
    assert exercises.count() >= 3
    for i in range(exercises.count()):
        why = exercises.nth(i).locator("details", has_text="Why it is in your plan")
        expect(why.locator("ul.why > li").first).to_be_visible()
    # The side plank test (left 15 s, right 40 s) marks the left weaker; nothing is wrong on the
    # right, so one-leg strength work trains the left only and the plan says so (issue 13.12).
    side_plank = exercises.filter(has=page.get_by_role("heading", name="Side plank", exact=True))
    expect(side_plank.locator("ul.doses > li")).to_have_count(1)
    expect(side_plank.locator("ul.doses")).to_contain_text("Left:")
    expect(side_plank).to_contain_text("Only your left side, the weaker one")
    shot(page, name, "plan")

    # Today: the player. The page clock runs in real time, and lets the test jump ahead.
    page.clock.install()
    player = Player(page)
    player.open(warm_up=True)
    data = player_data(page)
    first = data["exercises"][0]
    warm = [s for s in data["script"]["steps"] if s["kind"] == "warm_up"]
    assert 2 <= len(warm) <= 4 and 120 <= sum(s["duration_s"] for s in warm) <= 180
    # The session opens with its warm-up (issue 13 item 14): it runs, counts down, and can be
    # skipped to the first exercise; it asks for no log and none is stored for it.
    exercise_line = page.locator("#player-exercise")
    expect(player.kind).to_have_text("warm_up")
    expect(player.start).to_have_text("Start warm-up")
    expect(exercise_line).to_have_text(f"Warm-up: {warm[0]['move']}")
    expect(player.skip_warm_up).to_be_visible()
    player.start.click()
    expect(player.root).to_have_attribute("data-state", "running")
    shown = text_of(player.countdown)
    expect(player.countdown).not_to_have_text(shown)  # the warm-up's countdown counts
    player.pause.click()  # the whole warm-up lasts seconds at the test speed: hold it here
    expect(player.kind).to_have_text("warm_up")
    player.skip_warm_up.click()
    expect(player.skip_warm_up).to_be_hidden()
    expect(player.kind).to_have_text("get_ready")
    expect(exercise_line).to_contain_text(first["name"])
    expect(player.log_form).to_be_hidden()
    player.pause.click()  # Resume
    expect(player.root).to_have_attribute("data-state", "running")
    expect(player.kind).to_have_text("reps")  # get_ready ended on its own
    shown = text_of(player.countdown)
    expect(player.countdown).not_to_have_text(shown)  # the countdown counts

    # Paused, nothing moves even when 10 s pass.
    player.pause.click()
    expect(player.root).to_have_attribute("data-state", "paused")
    frozen = (text_of(player.kind), text_of(player.countdown), text_of(player.progress_text))
    page.clock.run_for(10_000)
    expect(player.kind).to_have_text(frozen[0])
    expect(player.countdown).to_have_text(frozen[1])
    expect(player.progress_text).to_have_text(frozen[2])

    # Resumed, it moves on again; then skip to the end of the first exercise.
    player.pause.click()
    expect(player.root).to_have_attribute("data-state", "running")
    # Moved on by the page clock, half a second at a time, not by waiting on a busy machine:
    # to the next step, or, when the first exercise is one set, to the end of it and its log.
    for _ in range(120):
        if text_of(player.progress_text) != frozen[2] or player.log_form.is_visible():
            break
        page.clock.run_for(500)
    if not player.log_form.is_visible():
        expect(player.progress_text).not_to_have_text(frozen[2])
        player.pause.click()
        expect(player.root).to_have_attribute("data-state", "paused")
    player.skip_to_log_form()
    expect(player.log_form).to_contain_text(f"Log: {first['name']}")
    expect(player.log_form.locator("fieldset.log-side")).to_have_count(len(first["sides"]))
    shot(page, name, "log-form")

    player.fill_log_and_save(pain=2)
    if player.root.get_attribute("data-state") == "running":
        player.pause.click()  # the log came when the exercise ran out, so the player ran on
    expect(player.root).to_have_attribute("data-state", "paused")
    lines = player.decision.locator(".player-result-line")
    expect(lines).to_have_count(len(first["sides"]))
    for side in first["sides"]:
        # A per-side exercise says each side's decision; a two-sided one (the first exercise on
        # some weekdays) says one decision without a side.
        if side["side"]:
            expect(player.decision).to_contain_text(f"{side['side'].capitalize()} side:")
    # The server words the decision and its dose (core/words.py): "... next time 1 × 8".
    expect(lines.first).to_contain_text("next time")
    expect(lines.first).to_contain_text("\u00d7")
    expect(player.sync).to_have_text("All logs sent.")
    expect(player.log_form).to_be_hidden()
    shot(page, name, "decision")
    logged = sorted((e, s) for e, s, _ in site.logs_of(username))
    assert logged == sorted((first["id"], s["side"]) for s in first["sides"])

    # On to the first hold, and watch it run.
    player.skip_until_kind("hold")
    player.pause.click()
    expect(player.root).to_have_attribute("data-state", "running")
    expect(player.kind).to_have_text("hold")
    player.root.evaluate("(el) => el.scrollIntoView()")
    shot(page, name, "player-mid-hold", full_page=False)

    # Progress: one exercise of today's session logged is that share of one session (issue 14
    # item 3), and a chart per exercise side.
    share = sessions_text(round(1 / len(player_data(page)["exercises"]), 2))
    page.goto("/progress")
    adherence = page.locator("section", has=page.locator("#ad-h"))
    expect(adherence).to_contain_text(
        re.compile(rf"{re.escape(share)} of \d+ planned sessions? done in the last 8 weeks\.")
    )
    expect(adherence.locator("svg.chart desc")).to_contain_text(f"This week: {share} of ")
    numbers = adherence.locator("details.chart-data")
    numbers.locator("summary").click()
    expect(numbers.locator("thead th")).to_have_text(["Week of", "Done", "Planned"])
    weeks = numbers.locator("tbody tr")
    expect(weeks.last.locator("td").nth(1)).to_have_text(share)  # this week: part of one
    for i in range(weeks.count() - 1):
        expect(weeks.nth(i).locator("td").nth(1)).to_have_text("0")
    side_charts = page.get_by_test_id("side-chart")
    expect(side_charts).to_have_count(len(first["sides"]))
    for side in first["sides"]:
        label = f"{first['name']}, {side['side']} side" if side["side"] else first["name"]
        chart = side_charts.filter(has_text=label)
        expect(chart.locator("svg.chart")).to_be_visible()
    shot(page, name, "progress-chart")


def test_an_exercise_skipped_before_any_rep_is_logged_and_shown_as_skipped(
    phone: Page, site: Site
) -> None:
    """Issue 14 item 2: "Skip exercise" before a single rep opens a skip log at 0, not the full
    dose; the end screen lists what was done and what was skipped, not "Session complete"."""
    page = phone
    username = new_person_with_plan(page, "skips")
    player = Player(page)
    player.open()
    exercises = player_data(page)["exercises"]
    assert len(exercises) >= 2
    player.begin_paused()

    player.skip_exercise.click()  # still on "get ready": not one rep done
    expect(player.log_form).to_contain_text(f"Skipped: {exercises[0]['name']}")
    for field in player.log_form.locator(
        "input[type=number][id^='log-sets-'], input[id^='log-reps-']"
    ).all():
        expect(field).to_have_value("0")
    expect(player.log_skip).to_have_count(0)  # a skip is always logged
    player.log_save.click()  # pain is optional on a skip
    expect(player.log_form).to_be_hidden()
    # "Left side: skipped — ..." or, for a two-sided first exercise, "Skipped — ...".
    expect(player.decision).to_contain_text(
        re.compile("skipped — your dose stays as it was", re.IGNORECASE)
    )

    # The second exercise is done (its log form, full dose); the rest are skipped.
    player.skip_to_log_form()
    expect(player.log_form).to_contain_text(f"Log: {exercises[1]['name']}")
    player.fill_log_and_save(pain=1)
    for _ in exercises[2:]:
        player.skip_exercise.click()
        expect(player.log_form).to_have_attribute("data-skipped", "true")
        player.log_save.click()
        expect(player.log_form).to_be_hidden()

    title = page.get_by_test_id("player-done-title")
    expect(title).to_be_focused()
    expect(title).to_have_text("Session ended")
    summary = page.get_by_test_id("player-done-summary")
    expect(summary.locator("[data-outcome=done]")).to_have_text(f"Done: {exercises[1]['name']}")
    skipped = ", ".join(e["name"] for e in [exercises[0], *exercises[2:]])
    expect(summary.locator("[data-outcome=skipped]")).to_have_text(f"Skipped: {skipped}")
    expect(player.cue).to_have_text("Session ended.")
    expect(player.sync).to_have_text("All logs sent.")

    stored = site.query(
        "SELECT l.exercise_id, l.skipped, l.sets_done, l.reps_done, l.pain_during "
        "FROM hipalign_exerciselogrecord l JOIN auth_user u ON u.id = l.user_id "
        "WHERE u.username = ?",
        username,
    )
    first = {(s, d, r, p) for e, s, d, r, p in stored if e == exercises[0]["id"]}
    assert first == {(1, 0, 0, None)}  # skipped, nothing done, no pain made up
    assert {s for e, s, *_ in stored if e == exercises[1]["id"]} == {0}


def test_red_flag_answer_shows_what_to_do_and_no_plan(phone: Page, site: Site) -> None:
    """The emergency path (issue 14.4): a yes to an emergency question stops the wizard at once,
    on a page titled for it with a call link; Today keeps the card until a check-in clears it."""
    name = "test_red_flag_answer_shows_what_to_do_and_no_plan"
    page = phone
    emergencies = [q for q in QUESTIONS if q.level == "emergency"]
    question = emergencies[2]
    sign_up(page, "redflag")
    stop_now = page.get_by_test_id("stop-now")
    nxt = page.get_by_test_id("wizard-next")
    expect(stop_now).to_be_hidden()  # nothing needs care yet
    for q in QUESTIONS[: QUESTIONS.index(question)]:
        page.locator(f'input[name="q_{q.id}"][value="no"]').check()
    yes = page.locator(f'input[name="q_{question.id}"][value="yes"]')
    yes.check()

    # At once: the way on is gone, the stop is offered; the later questions need no answer.
    expect(stop_now).to_be_visible()
    expect(page.locator("#step-safety").get_by_role("alert")).to_contain_text("needs care now")
    # Right under the answer, not after the questions still to come.
    answered = page.locator(f"#id_q_{question.id}").locator("xpath=ancestor::div[1]")
    expect(answered.locator("xpath=following-sibling::*[1]")).to_have_attribute(
        "data-stop-panel", ""
    )
    expect(nxt).to_be_hidden()
    expect(page.locator("#step-about")).to_be_hidden()
    # A slip of the finger is undone by answering no: the wizard goes on again.
    page.locator(f'input[name="q_{question.id}"][value="no"]').check()
    expect(stop_now).to_be_hidden()
    expect(nxt).to_be_visible()
    yes.check()
    shot(page, name, "stop-offered-phone")
    stop_now.click()

    expect(page).to_have_url(re.compile(r"/onboarding/stop$"))
    expect(page).to_have_title(re.compile(r"^Get emergency care now"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Get emergency care now")
    card = page.get_by_test_id("safety-card")
    expect(card).to_have_class(re.compile(r"\blevel-emergency\b"))
    expect(card).to_contain_text(question.action)
    call = card.get_by_test_id("call-emergency")
    expect(call).to_have_attribute("href", "tel:112")
    expect(call).to_have_text("Call 112")
    expect(card.locator("cite").first).to_be_visible()
    expect(page.get_by_text("Print this plan")).to_have_count(0)
    expect(page.locator("#step-about")).to_have_count(0)
    expect(page.locator("article.exercise")).to_have_count(0)
    expect(page.locator('a[href^="/learn/"]')).to_have_count(0)
    shot(page, name, "result-phone")
    page.set_viewport_size({"width": 1366, "height": 800})
    shot(page, name, "result-desktop")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/today")
    expect(page.get_by_test_id("safety-card")).to_contain_text(question.action)
    expect(page.locator("#player")).to_have_count(0)
    shot(page, name, "today")

    # A check-in without the sign clears the card; with no plan yet, Today goes to the wizard.
    page.goto("/checkin")
    for q in QUESTIONS:
        page.locator(f'input[name="q_{q.id}"][value="no"]').check()
    page.get_by_label("Pain right now (0-10)").fill("1")
    page.get_by_label("Worst pain this past week (0-10)").fill("2")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_test_id("checkin-ok")).to_be_visible()
    page.goto("/today")
    expect(page).to_have_url(re.compile(r"/onboarding$"))


def test_wizard_next_needs_every_safety_answer(laptop: Page, site: Site) -> None:
    page = laptop
    sign_up(page, "wizard")
    safety = page.locator("#step-safety")
    page.get_by_test_id("wizard-next").click()
    expect(safety.get_by_role("alert")).to_have_text(
        f"Please answer this question ({len(QUESTIONS)} questions on this step are still open)."
    )
    expect(safety).to_be_visible()
    expect(page.locator("#step-about")).to_be_hidden()
    for q in QUESTIONS[:-1]:
        page.locator(f'input[name="q_{q.id}"][value="no"]').check()
    page.get_by_test_id("wizard-next").click()
    expect(safety.get_by_role("alert")).to_have_text("Please answer this question.")
    expect(page.locator(f'input[name="q_{QUESTIONS[-1].id}"]').first).to_be_focused()


def test_wizard_shows_only_the_buttons_of_the_current_step(laptop: Page, site: Site) -> None:
    page = laptop
    sign_up(page, "wizard")
    back = page.get_by_test_id("wizard-back")
    nxt = page.get_by_test_id("wizard-next")
    submit = page.get_by_test_id("onboarding-submit")
    seen: dict[str, tuple[bool, bool, bool]] = {}

    def on_step(step: str) -> None:
        seen[step] = (back.is_visible(), nxt.is_visible(), submit.is_visible())

    onboard(page, on_step=on_step)
    assert seen == {
        "safety": (False, True, False),
        "about": (True, True, False),
        "symptoms": (True, True, False),
        "setup": (True, True, False),
        "tests": (True, False, True),
    }
