"""Learn pages, habit check-offs, the habits and the one reminder on Today, and the onboarding
questions about running, working hours and quiet hours (issue 7)."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.html import escape

from hipalign.adapters.db.models import HabitCheck, IntakeRecord, PlanRecord
from hipalign.core.education.catalog import default_lessons
from hipalign.services.program import plans, recording
from hipalign.services.program.today import session_today
from hipalign.web import views
from tests.services.factories import LOG_TODAY, MONDAY, all_counts, make_plan, only_the_denial_added
from tests.web.conftest import SetToday, logged_in, no_answers

pytestmark = pytest.mark.django_db

NEXT_MONDAY = MONDAY + timedelta(days=7)


def sitter_plan(user: User, **lifestyle: Any) -> PlanRecord:
    """Sits 9 h, default working hours: breaks 09:45, 10:30, ... 16:30 and a workstation check."""
    return make_plan(user, lifestyle={"sitting_hours_per_day": 9, **lifestyle})


def check(client: Client, plan: PlanRecord | str, item: str, slot: str) -> Any:
    plan_id = plan if isinstance(plan, str) else str(plan.id)
    return client.post("/habits/check", {"plan_id": plan_id, "item_id": item, "slot": slot})


@pytest.fixture
def minute_now(monkeypatch: pytest.MonkeyPatch) -> Any:
    def pin(hhmm: str) -> None:
        h, m = hhmm.split(":")
        monkeypatch.setattr(views, "_minute_now", lambda: int(h) * 60 + int(m))

    pin("10:00")
    return pin


# --- /learn ---------------------------------------------------------------------------------


def test_learn_lists_every_lesson_with_a_link(owner_client: Client) -> None:
    response = owner_client.get("/learn")

    html = response.content.decode()
    assert response.status_code == 200
    lessons = default_lessons()
    assert len(lessons) == 12
    for lesson in lessons.values():
        assert f'href="/learn/{lesson.id}"' in html
        assert escape(lesson.title) in html
    assert 'data-testid="my-lessons"' not in html  # no plan yet: nothing picked
    assert "Picked for you" not in html


def test_learn_shows_the_lessons_picked_for_a_person_with_a_plan(
    owner: User, owner_client: Client
) -> None:
    plan = sitter_plan(owner)
    mine = plans.plan_document(plan).lessons

    html = owner_client.get("/learn").content.decode()

    assert "Picked for you" in html
    picked = html.split('data-testid="my-lessons"', 1)[1].split("</ul>", 1)[0]
    assert picked.count("<li>") == len(mine)
    assert mine[0].id == "sitting_and_movement_breaks"
    assert picked.index("/learn/sitting_and_movement_breaks") < picked.index(
        "/learn/how_the_hip_works"
    )
    for link in mine:
        assert f'href="/learn/{link.id}"' in picked
        assert escape(link.reason) in picked
    assert "9 hours" in picked


def test_learn_shows_picked_lessons_for_a_withheld_plan_too(
    owner: User, owner_client: Client
) -> None:
    from hipalign.core.screening.catalog import QUESTIONS

    emergency = next(q.id for q in QUESTIONS if q.level == "emergency")
    assert make_plan(owner, screening={emergency: True}).withheld
    html = owner_client.get("/learn").content.decode()
    assert 'data-testid="my-lessons"' in html


def test_a_lesson_page_shows_the_lesson_and_its_sources(owner_client: Client) -> None:
    lesson = default_lessons()["sitting_and_movement_breaks"]

    response = owner_client.get("/learn/sitting_and_movement_breaks")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{escape(lesson.title)}</h1>" in html
    assert escape(lesson.summary) in html
    for section in lesson.section:
        assert escape(section.heading) in html
        assert all(escape(t) in html for t in section.text)
    sources = html.split('<ul class="sources">', 1)[1].split("</ul>", 1)[0]
    assert sources.count("<li>") == len(lesson.source)
    for s in lesson.source:
        assert escape(s.ref) in sources
        if s.url:
            assert escape(s.url) in sources
    assert all(escape(c) in html for c in lesson.checklist)


@pytest.mark.parametrize("lesson_id", sorted(default_lessons()))
def test_every_lesson_page_renders(owner_client: Client, lesson_id: str) -> None:
    response = owner_client.get(f"/learn/{lesson_id}")
    assert response.status_code == 200
    assert escape(default_lessons()[lesson_id].title) in response.content.decode()


def test_an_unknown_lesson_is_not_found(owner_client: Client) -> None:
    assert owner_client.get("/learn/moonwalking").status_code == 404


@pytest.mark.parametrize("url", ["/learn", "/learn/how_the_hip_works", "/learn/moonwalking"])
def test_learn_pages_send_anonymous_visitors_to_the_login(url: str, owner: User) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


# --- POST /habits/check -----------------------------------------------------------------------


def test_ticking_a_break_shows_it_done(owner: User, owner_client: Client) -> None:
    plan = sitter_plan(owner)

    response = check(owner_client, plan, "movement_breaks", "10:30")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="habit-done"') == 1
    assert "10:30 done" in html
    assert 'name="slot" value="10:30"' not in html  # no button left for the ticked slot
    assert 'name="slot" value="11:15"' in html
    assert list(HabitCheck.objects.filter(user=owner).values_list("item_id", "slot")) == [
        ("movement_breaks", "10:30")
    ]


def test_ticking_a_once_a_day_item(owner: User, owner_client: Client) -> None:
    plan = sitter_plan(owner)
    response = check(owner_client, plan, "workstation_check", "")
    assert response.status_code == 200
    assert 'data-testid="habit-done">done</span>' in response.content.decode()
    assert HabitCheck.objects.filter(user=owner, item_id="workstation_check", slot="").count() == 1


def test_a_double_post_stores_one_row(owner: User, owner_client: Client) -> None:
    plan = sitter_plan(owner)

    first = check(owner_client, plan, "movement_breaks", "09:45")
    second = check(owner_client, plan, "movement_breaks", "09:45")

    assert (first.status_code, second.status_code) == (200, 200)
    assert "09:45 done" in second.content.decode()
    assert HabitCheck.objects.filter(user=owner).count() == 1


def test_another_persons_plan_is_not_found_and_stores_nothing(
    owner: User, other: User, owner_client: Client
) -> None:
    sitter_plan(owner)
    theirs = sitter_plan(other)
    before = all_counts()

    response = check(owner_client, theirs, "movement_breaks", "09:45")

    assert response.status_code == 404
    assert only_the_denial_added(before, "denied.not_found")
    assert HabitCheck.objects.count() == 0


@pytest.mark.parametrize(
    ("item", "slot", "named"),
    [
        ("movement_breaks", "09:00", "slot"),
        ("juggling", "", "item"),
        ("movement_breaks", "", "slot"),
    ],
)
def test_a_bad_item_or_slot_is_refused_with_422_and_stores_nothing(
    owner: User, owner_client: Client, item: str, slot: str, named: str
) -> None:
    plan = sitter_plan(owner)
    before = all_counts()

    response = check(owner_client, plan, item, slot)

    assert response.status_code == 422
    assert f"{named}: " in response.content.decode()
    assert all_counts() == before


def test_ticking_needs_a_login_and_a_post(owner: User) -> None:
    plan = sitter_plan(owner)
    assert check(Client(), plan, "movement_breaks", "09:45").status_code == 302
    assert logged_in(owner).get("/habits/check").status_code == 405
    assert HabitCheck.objects.count() == 0


# --- /today -----------------------------------------------------------------------------------


def test_today_shows_the_habits_with_a_button_per_break(
    owner: User, owner_client: Client, minute_now: Any
) -> None:
    plan = sitter_plan(owner)
    check(owner_client, plan, "movement_breaks", "09:45")

    html = owner_client.get("/today").content.decode()

    habits = html.split('data-testid="habits"', 1)[1]
    assert "Movement breaks" in habits and "Check your workstation" in habits
    assert habits.count('data-testid="habit-check"') == 9 + 1  # 9 breaks left, 1 workstation
    assert habits.count('data-testid="habit-done"') == 1
    assert f'name="plan_id" value="{plan.id}"' in habits
    assert 'href="/learn/sitting_and_movement_breaks"' in habits


def test_today_without_habit_items_shows_no_habits(
    owner_plan: PlanRecord, owner_client: Client, minute_now: Any
) -> None:
    html = owner_client.get("/today").content.decode()
    assert 'data-testid="habits"' not in html


def test_today_shows_one_reminder_when_several_are_due(
    owner: User, owner_client: Client, set_today: SetToday, minute_now: Any
) -> None:
    sitter_plan(owner)
    set_today(NEXT_MONDAY)  # a session planned, breaks ahead and the check-in due
    minute_now("09:00")

    html = owner_client.get("/today").content.decode()

    assert html.count('data-testid="reminder"') == 1
    assert 'data-kind="session"' in html


def test_today_reminds_of_the_next_break_after_the_session(
    owner: User, owner_client: Client, minute_now: Any
) -> None:
    from tests.services.factories import log_payload

    plan = sitter_plan(owner)
    recording.log_record(owner, log_payload(plan, performed_on=MONDAY), today=LOG_TODAY)
    minute_now("10:00")

    html = owner_client.get("/today").content.decode()

    assert html.count('data-testid="reminder"') == 1
    assert 'data-kind="break" data-at="10:30"' in html


def test_today_shows_no_reminder_in_the_quiet_hours(
    owner: User, owner_client: Client, minute_now: Any
) -> None:
    sitter_plan(owner, quiet_hours={"start": "22:00", "end": "07:00"})
    minute_now("23:30")
    html = owner_client.get("/today").content.decode()
    assert 'data-testid="reminder"' not in html
    minute_now("07:00")
    assert 'data-testid="reminder"' in owner_client.get("/today").content.decode()


# --- /plan ------------------------------------------------------------------------------------


def test_the_plan_page_shows_the_daily_habits_and_the_lessons(
    owner: User, owner_client: Client
) -> None:
    plan = sitter_plan(owner)
    doc = plans.plan_document(plan)

    html = owner_client.get("/plan").content.decode()

    assert "Daily habits" in html and "Movement breaks" in html
    assert escape(doc.plan.lifestyle[0].reason) in html if doc.plan else False
    listed = html.split('data-testid="plan-lessons"', 1)[1].split("</ul>", 1)[0]
    assert listed.count("<li>") == len(doc.lessons)


def test_today_offers_the_daily_stretches_on_a_day_without_a_session_and_not_on_a_session_day(
    owner: User, owner_client: Client, set_today: SetToday, minute_now: Any
) -> None:
    # Issue 13 item 13: knees to chest and the straddle stretch are daily in the seed; Today
    # offers them as a habit outside the session days only. 30 minutes: room for knees to
    # chest after the warm-up (a 20-minute session fills first).
    plan = make_plan(owner, minutes_per_session=30, lifestyle={"sitting_hours_per_day": 9})
    body = plans.plan_document(plan).plan
    assert body is not None
    assert {"knee_to_chest", "seated_straddle_stretch"} & {
        it.exercise for d in body.days for it in d.items
    }
    session_days = {d.day for d in body.days}
    week = [MONDAY + timedelta(days=i) for i in range(7)]
    on = next(d for d in week if plans.weekday_of(d) in session_days)
    off = next(d for d in week if plans.weekday_of(d) not in session_days)

    set_today(on)
    on_page = owner_client.get("/today").content.decode()
    set_today(off)
    off_page = owner_client.get("/today").content.decode()

    assert 'id="player"' in on_page and 'id="player"' not in off_page
    assert "Daily stretches" not in on_page
    assert 'value="daily_stretches"' not in on_page
    habits = off_page.split('data-testid="habits"', 1)[1]
    assert "Daily stretches" in habits
    assert 'name="item_id" value="daily_stretches"' in habits


def test_the_plan_page_says_the_balance_minutes_a_week_against_the_target(
    owner: User, owner_client: Client
) -> None:
    plan = make_plan(owner, age=72, equipment=["mat", "sturdy_support"])
    dose = plans.plan_document(plan).plan.balance  # type: ignore[union-attr]
    assert dose is not None

    html = owner_client.get("/plan").content.decode()

    section = html.split('data-testid="balance-dose"', 1)[1].split("</section>", 1)[0]
    assert escape(dose.text) in section
    assert "3 hours a week" in section and "Sherrington" in section
    assert "sherrington2017" not in section  # the person sees the reference, never its id


def test_the_plan_page_has_no_balance_section_for_a_younger_person_with_steady_balance(
    owner: User, owner_client: Client
) -> None:
    make_plan(owner)
    assert 'data-testid="balance-dose"' not in owner_client.get("/plan").content.decode()


def test_the_plan_page_shows_the_warm_up_before_every_session_with_its_moves(
    owner: User, owner_client: Client
) -> None:
    plan = make_plan(owner)
    body = plans.plan_document(plan).plan
    assert body is not None
    warm = body.days[0].warm_up
    assert warm is not None

    html = owner_client.get("/plan").content.decode()

    week = html.split('data-testid="week"', 1)[1].split("</ul>\n</section>", 1)[0]
    assert week.count('href="#warm-up">Warm-up</a>') == len(body.days)
    section = html.split('data-testid="warm-up"', 1)[1].split("</section>", 1)[0]
    for move in warm.moves:
        assert escape(move.name) in section and escape(move.how) in section
        assert f"{move.seconds} s" in section
    assert escape(warm.why) in section and "Fradkin" in section
    assert "fradkin2010" not in section and "march_on_the_spot" not in section


def test_todays_player_gets_the_warm_up_first_and_no_exercise_for_it(
    owner: User, owner_client: Client
) -> None:
    make_plan(owner)
    t = session_today(owner, MONDAY)
    assert t is not None and t.script is not None and t.day is not None
    assert t.day.warm_up is not None
    moves = len(t.day.warm_up.moves)
    kinds = [s.kind for s in t.script.steps]
    assert kinds[:moves] == ["warm_up"] * moves and kinds[moves] == "get_ready"
    assert all(n.exercise.id in {it.exercise for it in t.day.items} for n in t.items)

    html = owner_client.get("/today").content.decode()
    assert 'data-testid="player-skip-warm-up"' in html


# --- onboarding -------------------------------------------------------------------------------


def onboarding_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        **no_answers(),
        "age": "40",
        "pregnant": "no",
        "pain_now": "2",
        "pain_worst_week": "3",
        "pain_side": "none",
        "minutes_per_session": "20",
        "sessions_per_week": "3",
    }
    form.update(changes)
    return form


def test_the_onboarding_page_asks_about_running_working_and_quiet_hours(
    owner_client: Client,
) -> None:
    html = owner_client.get("/onboarding").content.decode()
    for name in ("runs", "work_start", "work_end", "quiet_start", "quiet_end"):
        assert f'name="{name}"' in html, name


@pytest.mark.parametrize(
    ("given", "named", "label"),
    [
        ({"work_start": "09:00"}, "work_end", "Working hours end"),
        ({"work_end": "17:00"}, "work_start", "Working hours start"),
        ({"quiet_start": "22:00"}, "quiet_end", "Quiet hours end"),
        ({"quiet_end": "07:00"}, "quiet_start", "Quiet hours start"),
    ],
)
def test_a_start_without_an_end_rerenders_naming_the_field_and_stores_nothing(
    owner_client: Client, given: dict[str, str], named: str, label: str
) -> None:
    before = all_counts()

    response = owner_client.post("/onboarding", onboarding_form(sitting_hours_per_day="8", **given))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [named]
    assert "give both the start and the end" in errors[named][0]
    alert = response.content.decode().split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert f'<a href="#id_{named}">{label}' in alert
    assert all_counts() == before


def test_working_and_quiet_hours_and_running_reach_the_stored_intake_and_the_plan(
    owner: User, owner_client: Client
) -> None:
    form = onboarding_form(
        sitting_hours_per_day="8",
        runs="on",
        work_start="08:00",
        work_end="16:30",
        quiet_start="22:00",
        quiet_end="07:00",
    )

    response = owner_client.post("/onboarding", form)

    assert response.status_code == 302
    life = IntakeRecord.objects.get(user=owner).document["lifestyle"]
    assert life == {
        "sitting_hours_per_day": 8,
        "activities": ["running"],
        "working_hours": {"start": "08:00", "end": "16:30"},
        "quiet_hours": {"start": "22:00", "end": "07:00"},
    }
    doc = plans.plan_document(PlanRecord.objects.get(user=owner))
    assert doc.plan is not None
    breaks = next(it for it in doc.plan.lifestyle if it.id == "movement_breaks")
    assert breaks.times[0] == "08:45" and breaks.times[-1] == "15:30"
    assert "running_load" in {it.id for it in doc.plan.lifestyle}


def test_changing_answers_starts_from_the_stored_hours(owner: User, owner_client: Client) -> None:
    owner_client.post(
        "/onboarding",
        onboarding_form(sitting_hours_per_day="8", work_start="08:00", work_end="16:30"),
    )
    form = owner_client.get("/onboarding").context["form"]
    assert (form.initial["work_start"], form.initial["work_end"]) == ("08:00", "16:30")
    assert form.initial["quiet_start"] is None


# --- the hip diagram (issue 16) ---------------------------------------------------------------


def test_the_hip_lesson_shows_the_diagram_with_the_muscles_of_the_persons_plan(
    owner: User, owner_client: Client
) -> None:
    from hipalign.core.library import default_library
    from hipalign.services.program.targets import plan_muscles

    plain = owner_client.get("/learn/how_the_hip_works").content.decode()
    assert 'data-testid="hip-diagram"' in plain
    assert "your plan works" not in plain  # no plan yet: nothing highlighted
    plan = sitter_plan(owner)
    doc = plans.plan_document(plan)
    assert doc.plan is not None
    first = doc.plan.days[0].items[0].exercise
    muscles = plan_muscles(owner)
    assert set(default_library()[first].targets) <= muscles

    html = owner_client.get("/learn/how_the_hip_works").content.decode()

    figure = html.split('data-testid="hip-diagram"', 1)[1].split("</figure>", 1)[0]
    assert "<title" in figure and "Highlighted, the muscles your plan works:" in figure
    assert 'fill="#b93d0c"' in figure
    other = owner_client.get("/learn/footwear").content.decode()
    assert 'data-testid="hip-diagram"' not in other


def test_the_diagram_shows_only_the_readers_own_plan(owner: User, other_client: Client) -> None:
    sitter_plan(owner)
    html = other_client.get("/learn/how_the_hip_works").content.decode()
    assert 'data-testid="hip-diagram"' in html
    assert "your plan works" not in html and 'fill="#b93d0c"' not in html
