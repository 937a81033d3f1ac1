"""What one inbound email costs in queries, bounded so it cannot silently grow. The
webhook stores the payload in one INSERT and answers (docs/performance.md): every round
trip there is time the ESP waits for. The worker's processing is bounded separately. The
queued work (processing, the pipeline) is only enqueued here, never run."""

from unittest import mock

import pytest

from leads.models import InboundMessage, Lead
from leads.services.inbound import inbound_email_process
from tests.factories import LeadFactory, UserFactory
from tests.leads.inbound_support import (
    corpus,
    frozen_clock,  # noqa: F401 (fixture)
    inbound_settings,  # noqa: F401 (fixture)
    post_postmark,
    postmark_payload,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("inbound_settings", "frozen_clock"),
]

# The webhook: the email's row, in one INSERT (autocommit: the INSERT is the transaction).
WEBHOOK_QUERIES = 1
# A replay: the INSERT that meets the unique index and inserts nothing, and one look-up
# of the row stored first that also says whether to queue it again.
REPLAY_QUERIES = 2
# The worker, a new enquiry: BEGIN; lock the row; staff look-up; thread look-ups; contact
# made in a savepoint (insert, release) and then locked; resubmission check; the
# contact's open leads; lead and reference; capture's link of the row; the row's parsed
# fields; timeline entry (and here, the corpus email having arrived hours before the
# held clock, the note of the capture delay); COMMIT.
PROCESS_NEW_ENQUIRY_QUERIES = 22


@pytest.fixture
def queued():
    with (
        mock.patch("leads.services.inbound.inbound_email_enqueue") as processing,
        mock.patch("leads.services.capture.pipeline_enqueue") as pipeline,
    ):
        yield processing, pipeline


@pytest.fixture
def busy_firm():
    """Other people's leads, staff and emails, so no count depends on an empty table."""
    UserFactory.create_batch(3)
    LeadFactory.create_batch(5)


@pytest.mark.usefixtures("busy_firm")
def test_webhook_stores_the_email_in_one_query_and_queues_its_processing(
    client, django_assert_num_queries, queued
):
    processing, _ = queued
    with django_assert_num_queries(WEBHOOK_QUERIES):
        response = post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")))

    assert response.status_code == 200
    inbound = InboundMessage.objects.get()
    assert bytes(inbound.raw_bytes) == corpus("gmail_enquiry.eml").encode()
    assert inbound.processed_at is None
    processing.assert_called_once_with(inbound_id=inbound.pk)


def test_replayed_webhook_is_answered_in_two_queries_and_stores_nothing(
    client, django_assert_num_queries, queued
):
    payload = postmark_payload(corpus("gmail_enquiry.eml"))
    post_postmark(client, payload)

    processing, _ = queued
    with django_assert_num_queries(REPLAY_QUERIES):
        response = post_postmark(client, payload)

    assert response.status_code == 200
    assert InboundMessage.objects.count() == 1
    processing.assert_called_once()  # its first message is on its way: not queued again


@pytest.mark.usefixtures("busy_firm")
def test_worker_makes_a_new_enquiry_in_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, queued
):
    _, pipeline = queued
    post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")))
    inbound = InboundMessage.objects.get()

    with django_assert_max_num_queries(PROCESS_NEW_ENQUIRY_QUERIES):
        inbound_email_process(inbound_id=inbound.pk)

    lead = Lead.objects.get(contact__email="jane.doe@gmail.com")
    inbound.refresh_from_db()
    assert inbound.lead == lead
    assert inbound.subject == lead.subject
    pipeline.assert_called_once_with(lead_id=lead.pk)
