"""Starting a new episode of care: only explicitly, by the person or a linked clinician; the
next scores are its baseline and the earlier ones stay (issue 14, item 1)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from hipalign.adapters.db.models import AuditEvent, CareEpisode, OutcomeRecord
from hipalign.core.errors import InputError
from hipalign.services.followup.outcome_records import (
    outcome_record,
    outcomes_baseline_missing,
    outcomes_summary,
)
from hipalign.services.kernel.access import NotFound
from hipalign.services.program import episodes, plans
from tests.core.conftest import intake_doc
from tests.services.factories import MONDAY, all_counts, make_plan, public_id, snapshot

pytestmark = pytest.mark.django_db
PSFS = {"stairs": 3, "walking": 4, "car": 5}
LATER = MONDAY + timedelta(weeks=3)


def _scored(owner: User) -> None:
    make_plan(owner, pain={"now": 6, "worst_week": 7})
    outcome_record(owner, "psfs", PSFS, MONDAY)


def test_the_person_starts_a_new_episode_and_its_next_scores_are_the_baseline(
    owner: User,
) -> None:
    _scored(owner)

    started = episodes.episode_start(owner, public_id=public_id(owner), today=LATER, confirmed=True)

    assert (started.episode.started_on, started.episode.started_by_role) == (LATER, "person")
    s = outcomes_summary(owner, LATER)
    assert (s.week, s.psfs_activities, [v.records for v in s.views if v.records]) == (1, [], [])
    assert outcomes_baseline_missing(owner, plans.plan_current(owner))  # type: ignore[arg-type]
    assert OutcomeRecord.objects.filter(user=owner).count() == 2  # the earlier ones stay
    outcome_record(owner, "psfs", {"sitting": 2, "running": 1, "lifting": 3}, LATER)
    assert sorted(outcomes_summary(owner, LATER).psfs_activities) == [
        "lifting",
        "running",
        "sitting",
    ]
    event = AuditEvent.objects.order_by("-id").filter(action="episode.start").get()
    assert (event.actor_id, event.subject_id, event.target) == (
        owner.pk,
        None,
        str(started.episode.id),
    )


def test_a_linked_clinician_starts_one_and_it_is_audited_with_the_person(
    owner: User, clinician: User
) -> None:
    _scored(owner)

    started = episodes.episode_start(
        clinician, public_id=public_id(owner), today=LATER, confirmed=True
    )

    assert started.patient.pk == owner.pk
    assert (started.episode.started_by_id, started.episode.started_by_role) == (
        clinician.pk,
        "clinician",
    )
    event = AuditEvent.objects.filter(action="episode.start").get()
    assert (event.actor_id, event.subject_id) == (clinician.pk, owner.pk)


@pytest.mark.parametrize("who", ["other", "other_clinician", "admin"])
def test_anyone_else_gets_not_found_and_nothing_changes(
    owner: User, who: str, request: pytest.FixtureRequest
) -> None:
    _scored(owner)
    actor = request.getfixturevalue(who)
    if who == "other":
        make_plan(actor)
    pid = public_id(owner)
    before, counts = snapshot(owner.pk), all_counts()

    with pytest.raises(NotFound):
        episodes.episode_start(actor, public_id=pid, today=LATER, confirmed=True)

    assert snapshot(owner.pk) == before and all_counts() == counts


def test_without_the_confirmation_nothing_starts_and_the_box_is_named(
    owner: User,
) -> None:
    _scored(owner)
    pid = public_id(owner)
    before = snapshot(owner.pk)

    with pytest.raises(InputError) as exc:
        episodes.episode_start(owner, public_id=pid, today=LATER, confirmed=False)

    assert exc.value.problems == [
        f"confirm: tick '{episodes.CONFIRM_LABEL}' to start one; nothing was changed"
    ]
    assert snapshot(owner.pk) == before


def test_no_episode_starts_before_there_is_a_plan(owner: User) -> None:
    with pytest.raises(InputError, match="once there is a plan"):
        episodes.episode_start(owner, public_id=public_id(owner), today=LATER, confirmed=True)
    assert not CareEpisode.objects.filter(user=owner).exists()


def test_a_double_submit_starts_one_episode(owner: User) -> None:
    _scored(owner)
    first = episodes.episode_start(owner, public_id=public_id(owner), today=LATER, confirmed=True)
    again = episodes.episode_start(owner, public_id=public_id(owner), today=LATER, confirmed=True)

    assert again.episode.pk == first.episode.pk
    assert CareEpisode.objects.filter(user=owner).count() == 2  # the first episode and this one


def test_an_intake_after_a_new_episode_gives_it_the_onboarding_pain_as_baseline(
    owner: User,
) -> None:
    _scored(owner)
    episodes.episode_start(owner, public_id=public_id(owner), today=LATER, confirmed=True)

    plans.intake_submit(owner, intake_doc(pain={"now": 3, "worst_week": 4}), LATER)

    nprs = next(v for v in outcomes_summary(owner, LATER).views if v.measure.id == "nprs")
    assert [r.total for r in nprs.records] == [3.0]


def test_the_clinicians_list_compares_pain_within_the_current_episode(
    owner: User, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hipalign.core.attention import Signals
    from hipalign.services.care import clinic

    seen: list[Signals] = []
    real = clinic.attention_flags  # type: ignore[attr-defined]  # patched where clinic reads it

    def spy(signals: Signals, *args: object, **kwargs: object) -> object:
        seen.append(signals)
        return real(signals, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(clinic, "attention_flags", spy)
    _scored(owner)  # onboarding pain 6 is the first episode's baseline
    outcome_record(owner, "nprs", {"pain": 4}, MONDAY + timedelta(days=9))
    clinic.patients_attention(clinician, LATER)
    assert (seen[-1].baseline_nprs, seen[-1].latest_nprs) == (6.0, 4.0)

    episodes.episode_start(clinician, public_id=public_id(owner), today=LATER, confirmed=True)
    outcome_record(owner, "nprs", {"pain": 2}, LATER)
    clinic.patients_attention(clinician, LATER)

    assert (seen[-1].baseline_nprs, seen[-1].latest_nprs) == (2.0, 2.0)
