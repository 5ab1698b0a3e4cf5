"""Messages between a person and their clinician (issue 18): one conversation per care link."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hipalign.adapters.db.models import AuditEvent, CareLink, Message
from hipalign.core.errors import InputError
from hipalign.core.words import day_words
from hipalign.services.care import clinic
from hipalign.services.care import links as care
from hipalign.services.identity import accounts
from hipalign.services.kernel.access import Forbidden, NotFound
from hipalign.services.messages import conversations as talk
from tests.services.factories import MONDAY, PASSWORD, log_payload, make_link, make_role, make_user

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _link(clinician: Any, person: Any) -> str:
    return str(CareLink.objects.get(clinician=clinician, patient=person, status="active").id)


_TICK = itertools.count()


def _send(
    actor: Any,
    link_id: str,
    body: str = "How many on the left?",
    cid: str = "msg-000001",
    **kw: Any,
) -> talk.Sent:
    """Each message a second after the one before, so their order is their time."""
    at = NOW + timedelta(seconds=next(_TICK))
    return talk.message_send(actor=actor, link_id=link_id, client_id=cid, body=body, now=at, **kw)


@pytest.mark.django_db
def test_a_double_submit_stores_one_message_and_another_text_under_the_id_is_refused(
    owner: Any, clinician: Any
) -> None:
    link = _link(clinician, owner)
    first = _send(owner, link)
    again = _send(owner, link)

    assert (first.created, again.created) == (True, False)
    assert again.message.pk == first.message.pk
    with pytest.raises(talk.MessageConflict):
        _send(owner, link, body="Something else")
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_reading_marks_the_other_sides_messages_read_and_the_counts_follow(
    owner: Any, clinician: Any
) -> None:
    link = _link(clinician, owner)
    _send(owner, link, cid="from-person-1")
    _send(owner, link, cid="from-person-2", body="And the right?")
    assert talk.unread_count_for_clinician(clinician=clinician) == 2
    assert talk.unread_count(person=owner) == 0  # their own messages are not news to them

    seen = talk.conversation_read(actor=clinician, link_id=link, now=NOW)

    assert seen.unread_on_opening == 2
    assert [m.body for m in seen.messages] == ["How many on the left?", "And the right?"]
    assert talk.unread_count_for_clinician(clinician=clinician) == 0
    _send(clinician, link, cid="from-clinician", body="Ten each side.")
    assert talk.unread_count(person=owner) == 1
    talk.conversation_read(actor=owner, link_id=link, now=NOW)
    assert talk.unread_count(person=owner) == 0


@pytest.mark.django_db
def test_every_clinician_read_and_write_is_audited_with_the_person_as_subject(
    owner: Any, clinician: Any
) -> None:
    link = _link(clinician, owner)
    _send(owner, link)
    before = AuditEvent.objects.count()

    talk.conversation_read(actor=clinician, link_id=link, now=NOW)
    _send(clinician, link, cid="reply-0001", body="Yes")

    rows = list(
        AuditEvent.objects.order_by("id")[before:].values(
            "actor_id", "action", "target", "subject_id"
        )
    )
    assert rows == [
        {
            "actor_id": clinician.pk,
            "action": "read:messages",
            "target": link,
            "subject_id": owner.pk,
        },
        {
            "actor_id": clinician.pk,
            "action": "write:messages",
            "target": link,
            "subject_id": owner.pk,
        },
    ]
    # No message text in the audit log.
    assert not AuditEvent.objects.filter(target__contains="How many").exists()


@pytest.mark.django_db
def test_another_person_or_clinician_gets_not_found_and_a_refused_send_stores_nothing(
    owner: Any, other: Any, clinician: Any
) -> None:
    link = _link(clinician, owner)
    stranger = make_role("carl_unlinked", "clinician")
    admin = make_role("ada_admin", "admin")
    for actor in (other, stranger, admin):
        with pytest.raises(NotFound):
            talk.conversation_read(actor=actor, link_id=link, now=NOW)
        with pytest.raises(NotFound):
            _send(actor, link)
    with pytest.raises(NotFound):
        talk.conversation_read(actor=owner, link_id="not-a-uuid", now=NOW)
    assert Message.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "cid", "problem"),
    [
        ("   \n ", "msg-000001", "Message: write something"),
        ("x" * 4001, "msg-000001", "at most 4,000 characters (this one has 4,001)"),
        ("bell \x07", "msg-000001", "control characters (U+0007)"),
        ("fine", "short", "client_id: 8-64"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    owner: Any, clinician: Any, body: str, cid: str, problem: str
) -> None:
    with pytest.raises(InputError) as exc:
        _send(owner, _link(clinician, owner), body=body, cid=cid)
    assert problem in exc.value.problems[0]
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_4000_characters_are_kept_whole(owner: Any, clinician: Any) -> None:
    sent = _send(owner, _link(clinician, owner), body="é" * 4000)
    sent.message.refresh_from_db()
    assert sent.message.body == "é" * 4000


@pytest.mark.django_db
def test_a_message_about_the_persons_log_shows_for_both_sides_and_a_foreign_one_is_refused(
    owner: Any, other: Any, clinician: Any, owner_plan: Any, other_plan: Any
) -> None:
    from hipalign.services.program import recording

    link = _link(clinician, owner)
    own = recording.log_record(
        owner, log_payload(owner_plan, client_id="own-log-0001"), today=owner_plan.starts_on
    )
    theirs = recording.log_record(
        other, log_payload(other_plan, client_id="other-log-01"), today=other_plan.starts_on
    )

    with pytest.raises(InputError) as exc:
        _send(clinician, link, cid="about-other", about=f"log:{theirs.log_id}")
    assert "About:" in exc.value.problems[0]
    assert Message.objects.count() == 0

    _send(clinician, link, cid="about-own-1", about=f"log:{own.log_id}")
    mine = talk.conversation_read(actor=owner, link_id=link, now=NOW).messages[0].about
    seen_by_clinician = (
        talk.conversation_read(actor=clinician, link_id=link, now=NOW).messages[0].about
    )
    assert mine is not None and seen_by_clinician is not None
    assert mine.label == seen_by_clinician.label
    assert mine.label.endswith(", " + day_words(MONDAY))
    assert mine.href == "/timeline"
    assert seen_by_clinician.href is not None
    assert seen_by_clinician.href.startswith(
        "/clinic/patients/"
    ) and seen_by_clinician.href.endswith("/timeline")
    values = [v for v, _ in talk.about_choices(actor=owner, link_id=link)]
    assert f"log:{own.log_id}" in values and f"log:{theirs.log_id}" not in values


@pytest.mark.django_db
def test_ending_the_link_closes_it_for_the_clinician_and_keeps_it_readable_for_the_person(
    owner: Any, clinician: Any
) -> None:
    link = _link(clinician, owner)
    _send(owner, link)
    care.link_end(owner, link, NOW)

    with pytest.raises(NotFound):
        talk.conversation_read(actor=clinician, link_id=link, now=NOW)
    with pytest.raises(NotFound):
        _send(clinician, link, cid="late-reply")
    assert talk.unread_count_for_clinician(clinician=clinician) == 0
    kept = talk.conversation_read(actor=owner, link_id=link, now=NOW)
    assert (kept.open, [m.body for m in kept.messages]) == (False, ["How many on the left?"])
    with pytest.raises(InputError):
        _send(owner, link, cid="after-end-1")
    assert Message.objects.count() == 1
    assert [c.open for c in talk.conversations_list(actor=owner)] == [False]
    assert talk.conversations_list(actor=clinician) == []


@pytest.mark.django_db
def test_unread_and_reply_needed_are_a_reason_in_the_attention_order(
    owner: Any, clinician: Any
) -> None:
    quiet = make_user("zed_quiet")
    make_link(clinician, quiet)
    link = _link(clinician, owner)
    rows = clinic.patients_attention(clinician, NOW.date())
    assert all(f.kind != "messages" for r in rows for f in r.flags)

    sent = _send(owner, link)
    rows = clinic.patients_attention(clinician, NOW.date())
    flags = {r.username: [f.text for f in r.flags if f.kind == "messages"] for r in rows}
    assert flags["ann_owner"] == ["Messages: 1 unread message."]
    assert flags["zed_quiet"] == []

    talk.conversation_read(actor=clinician, link_id=link, now=NOW)
    talk.message_reply_needed(
        actor=clinician, link_id=link, message_id=str(sent.message.id), needed=True
    )
    rows = clinic.patients_attention(clinician, NOW.date())
    assert [f.text for f in rows[0].flags if f.kind == "messages"] == [
        "Messages: 1 marked as needing a reply."
    ]
    # The clinician's answer clears the mark.
    _send(clinician, link, cid="answer-0001", body="Ten.")
    rows = clinic.patients_attention(clinician, NOW.date())
    assert all(f.kind != "messages" for r in rows for f in r.flags)


@pytest.mark.django_db
def test_only_the_linked_clinician_marks_a_message_as_needing_a_reply(
    owner: Any, clinician: Any
) -> None:
    link = _link(clinician, owner)
    sent = _send(owner, link)
    stranger = make_role("carl_unlinked", "clinician")
    with pytest.raises(Forbidden):
        talk.message_reply_needed(
            actor=owner, link_id=link, message_id=str(sent.message.id), needed=True
        )
    with pytest.raises(NotFound):
        talk.message_reply_needed(
            actor=stranger, link_id=link, message_id=str(sent.message.id), needed=True
        )
    sent.message.refresh_from_db()
    assert sent.message.needs_reply is False


@pytest.mark.django_db
def test_messages_are_in_the_persons_export_and_erased_with_the_account(
    owner: Any, clinician: Any
) -> None:
    link = _link(clinician, owner)
    _send(owner, link)
    _send(clinician, link, cid="reply-0001", body="Ten each side.")

    doc = accounts.account_export(owner)
    assert [(m["from"], m["body"], m["clinician"]) for m in doc["messages"]] == [
        ("person", "How many on the left?", "cleo_clinician"),
        ("clinician", "Ten each side.", "cleo_clinician"),
    ]
    assert accounts.account_export(clinician)["messages"] == []
    # The export still reads as an export document (the section is read for its shape).
    from hipalign.services.portability.account_document import ExportDocument

    ExportDocument.model_validate(doc)

    accounts.account_delete(owner, PASSWORD)
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_a_new_link_for_the_same_pair_is_a_new_conversation(owner: Any, clinician: Any) -> None:
    old = _link(clinician, owner)
    _send(owner, old)
    care.link_end(clinician, old, NOW)
    make_link(clinician, owner)
    new = _link(clinician, owner)
    assert new != old
    assert (
        talk.conversation_read(actor=clinician, link_id=new, now=NOW + timedelta(days=1)).messages
        == []
    )


@pytest.mark.django_db
def test_an_export_with_messages_imports_into_a_new_account_without_them(
    owner: Any, clinician: Any, owner_plan: Any
) -> None:
    link = _link(clinician, owner)
    _send(owner, link)
    doc = accounts.account_export(owner)
    assert len(doc["messages"]) == 1
    fresh: Any = make_user("new_install_me")

    result = accounts.account_import(fresh, doc, today=datetime.now(UTC).date())

    assert result.counts["plans"] == 1
    assert "messages" not in result.counts
    assert Message.objects.count() == 1  # only the original, on its care link
