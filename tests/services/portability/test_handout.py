"""The PDF handout: a real PDF with the shipped font embedded, each exercise with its steps,
today's dose per side and why, and the disclaimer; built from this person's plan only."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import AuditEvent, ExerciseLogRecord
from hipalign.core.errors import InputError
from hipalign.core.words import TIMES
from hipalign.services.portability import handout
from hipalign.services.portability.exports import dose_text, plan_view
from hipalign.services.program import plans, recording
from tests.services.factories import LOG_TODAY, MONDAY, THURSDAY, log_payload, make_plan
from tests.services.pdf_text import flat, read_pdf
from tests.web.test_page_words import problems_in

pytestmark = pytest.mark.django_db


def test_handout_is_a_pdf_with_the_shipped_font_embedded(owner: User) -> None:
    make_plan(owner)

    pdf = read_pdf(handout.handout_render(owner, owner, MONDAY))

    assert pdf.pages >= 2
    assert sorted(f.split("+")[1] for f in pdf.fonts) == ["DejaVuSansBold", "DejaVuSansBook"]
    assert (handout.FONT_DIR / "LICENSE").is_file()


def test_handout_lists_every_exercise_with_steps_dose_per_side_and_why(
    owner: User,
) -> None:
    plan = make_plan(owner)
    view = plan_view(owner)

    pages = read_pdf(handout.handout_render(owner, owner, MONDAY)).text
    # Page footers fall between the lines a page break splits: leave them out.
    text = flat(
        "\n".join(x for x in pages.splitlines() if not x.startswith("hipalign plan handout"))
    )
    # Long words (file names in sources) may wrap anywhere: compare without white space.
    squashed = "".join(text.split())

    assert view.items
    for now in view.items.values():
        assert now.exercise.name in text
        assert flat(now.exercise.steps[0]) in text
        for side in now.sides:
            assert dose_text(now.exercise, side) in text
        for why in now.item.why:
            assert "".join(f"{why.text} (Source: {why.source})".split()) in squashed
    assert any(s.side for n in view.items.values() for s in n.sides)  # per-side doses shown
    assert flat(plans.plan_document(plan).disclaimer) in text
    assert "not a diagnosis" in text
    assert f"For: {owner.get_username()} · Date: Mon 2 Mar 2026" in text
    assert "Review points" in text and "Week 2" in text


def test_handout_shows_todays_dose_after_a_progression(owner: User) -> None:
    plan = make_plan(owner)
    for day in (MONDAY, THURSDAY):  # two full sessions, low pain, calm mornings: one rung up
        done = recording.log_record(owner, log_payload(plan, performed_on=day), today=LOG_TODAY)
        session = ExerciseLogRecord.objects.get(pk=done.log_id).session_id
        recording.next_morning_record(owner, str(session), 1)
    bridge = plan_view(owner).items["glute_bridge"]
    assert bridge.sides[0].reps == 10  # the ladder's next rung, not the planned 8

    text = flat(read_pdf(handout.handout_render(owner, owner, THURSDAY)).text)

    assert f"1 {TIMES} 10, 2 s pause each" in text


def test_handout_holds_nothing_of_another_person(owner: User, other: User) -> None:
    make_plan(owner)
    make_plan(other, age=71)

    text = read_pdf(handout.handout_render(owner, owner, MONDAY)).text

    assert other.get_username() not in text


def test_handout_without_a_plan_is_refused_naming_the_plan(owner: User) -> None:
    with pytest.raises(InputError) as exc:
        handout.handout_render(owner, owner, MONDAY)

    assert exc.value.problems[0].startswith("plan:")
    assert not AuditEvent.objects.filter(action="export.handout").exists()


def test_handout_is_audited_with_the_plan_id(owner: User) -> None:
    plan = make_plan(owner)

    handout.handout_render(owner, owner, MONDAY)

    event = AuditEvent.objects.get(action="export.handout")
    assert (event.actor_id, event.target, event.subject_id) == (owner.pk, str(plan.id), None)


# Issue 14.6: the handout passes the same check as every page.
HANDOUT_CASES: dict[str, dict[str, Any]] = {
    "general": {},
    "findings": {
        "findings": {
            "thomas_test": {"left": "hip_flexor_tight", "right": "normal"},
            "lateral_pain_in_stance": {"left": True, "right": False},
        },
        "lifestyle": {"sitting_hours_per_day": 9},
    },
}


@pytest.mark.parametrize("case", sorted(HANDOUT_CASES))
def test_the_handout_shows_no_internal_string(owner: User, case: str) -> None:
    from hipalign.services.portability import handout
    from tests.services.factories import MONDAY, make_plan
    from tests.services.pdf_text import flat, read_pdf

    make_plan(owner, **HANDOUT_CASES[case])
    text = flat(read_pdf(handout.handout_render(owner, owner, MONDAY)).text)
    text = text.replace(owner.get_username(), "NAME")

    assert "\u00d7" in text  # the doses are there, in the product's words
    assert problems_in(text) == []


def test_each_exercise_has_two_or_three_key_frames_drawn_as_vectors(
    owner: User,
) -> None:
    from hipalign.services.library import demos

    make_plan(owner)
    view = plan_view(owner)

    data = handout.handout_render(owner, owner, MONDAY)
    squashed = "".join(read_pdf(data).text.split())

    assert b"/Subtype /Image" not in data  # drawn, not pasted in as pictures
    for ex_id in view.items:
        frames = demos.demo_handout_frames(exercise_id=ex_id)
        assert 2 <= len(frames) <= 3
        for label, _ in frames:  # each drawing carries its caption
            assert "".join(label.split()) in squashed, (ex_id, label)
