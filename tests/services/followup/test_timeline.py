"""The timeline: every kind of event, newest first, paged by cursor, filtered by kind, and only
for the person themself or a linked clinician (whose every read is audited)."""

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import AuditEvent, CareLink, PostureUpload
from hipalign.core.adherence import sessions_text
from hipalign.core.errors import InputError
from hipalign.core.screening.catalog import QUESTION_IDS
from hipalign.services.followup import assessments, outcome_records, progress, timeline
from hipalign.services.kernel.access import NotFound
from hipalign.services.program import checkins, recording
from tests.services.factories import (
    FRIDAY,
    LOG_TODAY,
    MONDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    log_payload,
    make_plan,
    public_id,
)

TODAY = FRIDAY


@pytest.fixture
def history(owner: User, clinician: User) -> dict[str, Any]:
    """A week with one of everything: plan, logs per side, next-morning pain, a decision per log,
    a check-in, a score, a posture measurement and an assessment (which makes plan version 2)."""
    plan = make_plan(owner)
    session = uuid.uuid4()
    for side, pain in (("left", 2), ("right", 4)):
        recording.log_record(
            owner,
            log_payload(
                plan, session_id=session, exercise="clamshell", rung=0, side=side, pain_during=pain
            ),
            today=LOG_TODAY,
        )
    recording.next_morning_record(owner, str(session), 3)
    checkins.checkin_record(
        owner,
        dict.fromkeys(QUESTION_IDS, False),
        2,
        5,
        WEDNESDAY,
    )
    outcome_records.outcome_record(owner, "nprs", {"pain": 2}, WEDNESDAY)
    PostureUpload.objects.create(
        user=owner,
        kind="photo",
        status="done",
        result={
            "status": "ok",
            "reasons": [],
            "metrics": {"hip_tilt_deg": {"value": 1.5, "uncertainty": 0.8}},
            "high_side": "left",
            "frames": 1,
            "wording": "",
        },
    )
    assessments.assessment_record(
        clinician,
        public_id(owner),
        {"performed_on": THURSDAY.isoformat(), "tests": {"plank": {"seconds": 30}}},
        THURSDAY,
    )
    return {"plan": plan, "session": session}


def test_every_kind_of_event_is_on_the_timeline_newest_first(
    owner: User, history: dict[str, Any]
) -> None:
    t = timeline.timeline_for(owner, public_id(owner), TODAY)

    kinds = {e.kind for e in t.entries}
    assert kinds == {
        "log",
        "next_morning",
        "checkin",
        "decision",
        "outcome",
        "posture",
        "plan",
        "assessment",
        "adherence",
    }
    keys = [e.sort_key() for e in t.entries]
    assert keys == sorted(keys, reverse=True)
    assert t.next_cursor is None


def test_logs_and_decisions_keep_their_side_and_pain(owner: User, history: dict[str, Any]) -> None:
    t = timeline.timeline_for(owner, public_id(owner), TODAY, kinds=["log", "decision"])

    logs = {e.side: e for e in t.entries if e.kind == "log"}
    assert logs["left"].value == 2 and logs["right"].value == 4
    assert "pain during 4/10" in logs["right"].detail
    assert all(e.on == MONDAY for e in logs.values())
    assert {e.side for e in t.entries if e.kind == "decision"} == {"left", "right"}


def test_next_morning_pain_is_dated_the_morning_after(owner: User, history: dict[str, Any]) -> None:
    t = timeline.timeline_for(owner, public_id(owner), TODAY, kinds=["next_morning"])

    assert [(e.on, e.value) for e in t.entries] == [(TUESDAY, 3.0)]


def test_plan_changes_say_who_made_them(
    owner: User, clinician: User, history: dict[str, Any]
) -> None:
    t = timeline.timeline_for(owner, public_id(owner), TODAY, kinds=["plan"])

    titles = [e.title for e in t.entries]
    assert titles == [
        f"Plan version 2 by the clinician ({clinician.get_username()})",
        f"Plan version 1 by the person ({owner.get_username()})",
    ]


def test_the_weekly_adherence_counts_sessions_against_the_plan(
    owner: User, history: dict[str, Any]
) -> None:
    t = timeline.timeline_for(owner, public_id(owner), TODAY, kinds=["adherence"])

    [week] = t.entries
    # The counts are those of the progress page (the current plan counts from its start day).
    # The plan in effect (version 2, from the assessment) starts on Thursday: Monday's logs
    # fall before it, so nothing of them counts against it (issue 14 item 3).
    summary = progress.progress_summary(owner, TODAY).weeks[-1]
    assert summary.done == 0 and summary.planned >= 1
    said = sessions_text(summary.done)
    assert week.title == f"Week of 02 Mar: {said} of {summary.planned} sessions"
    assert (week.on, week.value) == (TODAY, summary.done)


def test_a_kind_filter_shows_only_those_kinds(owner: User, history: dict[str, Any]) -> None:
    t = timeline.timeline_for(owner, public_id(owner), TODAY, kinds=["checkin", "posture"])

    assert {e.kind for e in t.entries} == {"checkin", "posture"}
    assert t.kinds == ("checkin", "posture")


def test_an_unknown_kind_names_the_field(owner: User) -> None:
    with pytest.raises(InputError) as err:
        timeline.timeline_for(owner, public_id(owner), TODAY, kinds=["gossip"])

    assert err.value.problems[0].startswith("kind: gossip unknown")


def test_pages_follow_each_other_without_gaps_or_repeats(
    owner: User, history: dict[str, Any]
) -> None:
    whole = timeline.timeline_for(owner, public_id(owner), TODAY).entries
    paged: list[timeline.Entry] = []
    cursor = None
    for _ in range(len(whole)):
        page = timeline.timeline_for(owner, public_id(owner), TODAY, limit=2, cursor=cursor)
        paged += page.entries
        cursor = page.next_cursor
        if cursor is None:
            break

    assert paged == whole
    assert len(whole) > 4


def test_a_forged_cursor_is_refused(owner: User) -> None:
    with pytest.raises(InputError, match="cursor:"):
        timeline.timeline_for(owner, public_id(owner), TODAY, cursor="not-a-cursor")


def test_a_linked_clinicians_read_is_audited_without_health_data(
    owner: User, clinician: User, history: dict[str, Any]
) -> None:
    before = AuditEvent.objects.count()

    timeline.timeline_for(clinician, public_id(owner), TODAY)

    [row] = AuditEvent.objects.order_by("id")[before:]
    assert (row.actor_id, row.subject_id, row.action, row.target) == (
        clinician.pk,
        owner.pk,
        "read:timeline",
        public_id(owner),
    )


def test_the_persons_own_read_is_not_an_audit_event(owner: User, history: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()

    timeline.timeline_for(owner, public_id(owner), TODAY)

    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["other", "other_clinician", "admin"])
def test_no_one_else_reads_the_timeline(
    who: str, request: pytest.FixtureRequest, owner: User, history: dict[str, Any]
) -> None:
    with pytest.raises(NotFound):
        timeline.timeline_for(request.getfixturevalue(who), public_id(owner), TODAY)
    with pytest.raises(NotFound):
        timeline.overview_for(request.getfixturevalue(who), public_id(owner))


def test_an_ended_link_ends_timeline_access_at_once(
    owner: User, clinician: User, history: dict[str, Any]
) -> None:
    timeline.timeline_for(clinician, public_id(owner), TODAY)
    CareLink.objects.filter(clinician=clinician, patient=owner).update(status="ended")

    with pytest.raises(NotFound):
        timeline.timeline_for(clinician, public_id(owner), TODAY)


def test_the_overview_gives_the_link_plan_author_and_last_check_in(
    owner: User, clinician: User, history: dict[str, Any]
) -> None:
    ov = timeline.overview_for(clinician, public_id(owner))

    assert ov.linked_since is not None
    assert ov.plan is not None and ov.plan.version == 2
    assert ov.plan_author == f"the clinician ({clinician.get_username()})"
    assert ov.last_checkin is not None and ov.last_checkin.performed_on == WEDNESDAY
    assert ov.last_assessment is not None and ov.last_assessment.performed_on == THURSDAY
