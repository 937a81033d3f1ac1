"""What one inbound email costs in queries, bounded so it cannot silently grow: the
webhook must answer fast (docs/performance.md), and every round trip to the database
is time the ESP waits for. The pipeline is only enqueued here, never run."""

from unittest import mock

import pytest

from leads.models import InboundMessage, Lead
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

# Duplicate check; BEGIN; staff look-up; contact look-up; contact, lead, reference,
# email row and timeline entry written; COMMIT.
NEW_ENQUIRY_QUERIES = 10
# The same, with the sender's open lead found instead of a contact and lead written.
JOIN_QUERIES = 8


@pytest.fixture
def pipeline_enqueue():
    with mock.patch("leads.services.inbound.pipeline_enqueue") as enqueue:
        yield enqueue


@pytest.fixture
def busy_firm():
    """Other people's leads, staff and emails, so no count depends on an empty table."""
    UserFactory.create_batch(3)
    LeadFactory.create_batch(5)


@pytest.mark.usefixtures("busy_firm")
def test_new_enquiry_is_captured_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, pipeline_enqueue
):
    with django_assert_max_num_queries(NEW_ENQUIRY_QUERIES):
        response = post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")))

    assert response.status_code == 200
    lead = Lead.objects.get(contact__email="jane.doe@gmail.com")
    assert InboundMessage.objects.get(lead=lead).raw == corpus("gmail_enquiry.eml")
    pipeline_enqueue.assert_called_once_with(lead_id=lead.pk)


@pytest.mark.usefixtures("busy_firm")
def test_email_from_a_known_sender_joins_their_lead_in_fewer_queries(
    client, django_assert_max_num_queries, pipeline_enqueue
):
    post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")))
    again = corpus("gmail_enquiry.eml").replace("Message-ID: <", "Message-ID: <again.")

    with django_assert_max_num_queries(JOIN_QUERIES):
        response = post_postmark(client, postmark_payload(again))

    assert response.status_code == 200
    assert Lead.objects.filter(contact__email="jane.doe@gmail.com").count() == 1
    assert InboundMessage.objects.filter(lead__contact__email="jane.doe@gmail.com").count() == 2


def test_replayed_webhook_is_answered_with_two_queries(
    client, django_assert_num_queries, pipeline_enqueue
):
    payload = postmark_payload(corpus("gmail_enquiry.eml"))
    post_postmark(client, payload)

    with django_assert_num_queries(2):
        response = post_postmark(client, payload)

    assert response.status_code == 200
    assert InboundMessage.objects.count() == 1
