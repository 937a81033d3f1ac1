"""Queueing many emails of one template at once: one INSERT whatever the number, each
sent after commit, and the same dedupe guarantees as queueing one."""

from unittest import mock

import pytest
from django.core import mail

from leads.choices import EmailKind, EmailState
from leads.models import OutboundEmail
from leads.services import EmailDraft, outbound_email_queue, outbound_emails_queue_many

pytestmark = pytest.mark.django_db


def _draft(number: int, **kwargs) -> EmailDraft:
    address = f"member{number}@firm.example"
    return EmailDraft(
        to=[address],
        context={
            "recipient": {"name": f"Member {number}"},
            "items": [{"reference": f"LD-2026-{number:05d}", "contact": "Ada Client", "tier": "A"}],
            "count": 1,
            "more": 0,
            "all_url": "https://leadtrack.example/admin/",
        },
        dedupe_key=kwargs.pop("dedupe_key", f"test:{address}"),
        **kwargs,
    )


def _queue(drafts) -> list[OutboundEmail]:
    return outbound_emails_queue_many(
        kind=EmailKind.ESCALATION, template="emails/escalation", drafts=drafts
    )


def test_many_emails_are_queued_with_one_insert_and_each_sent_after_commit(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    drafts = [_draft(number) for number in range(20)]
    # The firm's profile once, looking up the keys, then one INSERT in a savepoint
    # (3 statements).
    with django_capture_on_commit_callbacks() as callbacks:
        with django_assert_max_num_queries(5):
            emails = _queue(drafts)
        assert mail.outbox == []  # nothing is sent before commit
    assert [email.to for email in emails] == [draft.to for draft in drafts]
    assert all(email.pk for email in emails)
    assert emails[3].subject == "1 overdue follow-up needs action · Ashdown Marsh LLP"
    assert "Dear Member 3," in emails[3].body_text and "LD-2026-00003" in emails[3].body_html
    assert len({email.message_id for email in emails}) == 20

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 20
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {EmailState.SENT}


def test_an_email_already_queued_under_its_key_is_returned_not_queued_again(
    django_capture_on_commit_callbacks,
):
    first = outbound_email_queue(
        kind=EmailKind.ESCALATION,
        to=["member1@firm.example"],
        template="emails/escalation",
        context=_draft(1).context,
        dedupe_key="test:member1@firm.example",
    )
    with django_capture_on_commit_callbacks() as callbacks:
        emails = _queue([_draft(1), _draft(2)])
    assert emails[0] == first
    assert OutboundEmail.objects.count() == 2
    assert len(callbacks) == 1  # only the new email is sent


def test_repeated_dedupe_keys_are_refused_and_nothing_is_queued():
    with pytest.raises(ValueError, match="own dedupe_key"):
        _queue([_draft(1), _draft(2, dedupe_key="test:member1@firm.example")])
    assert OutboundEmail.objects.count() == 0


def test_nothing_to_queue_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert _queue([]) == []


def test_a_key_queued_meanwhile_by_another_transaction_returns_that_email():
    other = outbound_email_queue(
        kind=EmailKind.ESCALATION,
        to=["member1@firm.example"],
        template="emails/escalation",
        context=_draft(1).context,
        dedupe_key="test:member1@firm.example",
    )
    # The other transaction committed after this one looked the keys up.
    with mock.patch.object(OutboundEmail.objects, "in_bulk", return_value={}):
        emails = _queue([_draft(1), _draft(2)])
    assert emails[0] == other
    assert emails[1].to == ["member2@firm.example"]
    assert OutboundEmail.objects.count() == 2
