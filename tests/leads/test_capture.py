"""Capture across channels: one contact per person, joining an open lead, replays, and
bad input that changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from leads import signals
from leads.choices import ActivityKind, Channel, InboundKind, Status
from leads.models import Activity, Contact, InboundMessage, Lead
from leads.services import ContactDetails, lead_capture, lead_change_status

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def capture(channel=Channel.WEB_FORM, *, email="jane@example.com", phone="", **kwargs):
    kwargs.setdefault("message", "I need advice about a lease.")
    return lead_capture(
        channel=channel,
        contact=ContactDetails(name="Jane Doe", email=email, phone=phone),
        **kwargs,
    )


def counts() -> tuple[int, int, int, int]:
    return (
        Contact.objects.count(),
        Lead.objects.count(),
        InboundMessage.objects.count(),
        Activity.objects.count(),
    )


@time_machine.travel(NOW, tick=False)
def test_same_person_quoting_the_reference_is_one_contact_with_the_enquiry_joined():
    first = capture(Channel.EMAIL, email="Jane@Example.com", provider="postmark")
    reference = first.lead.reference
    second = capture(
        Channel.WEB_FORM, email="jane@example.com ", message=f"Following up on {reference}."
    )

    assert first.created and not first.joined
    assert second.joined and not second.created
    assert second.lead.pk == first.lead.pk
    assert second.reason == f"Lead reference {reference} quoted in the enquiry"
    assert Contact.objects.count() == 1
    assert Lead.objects.count() == 1
    inbound = InboundMessage.objects.order_by("pk")
    assert [message.lead_id for message in inbound] == [first.lead.pk, first.lead.pk]
    assert inbound.last().kind == InboundKind.ENQUIRY
    assert inbound.last().body_text == f"Following up on {reference}."
    kinds = list(first.lead.activities.values_list("kind", flat=True))
    assert kinds == [ActivityKind.CAPTURED, ActivityKind.MESSAGE_RECEIVED]
    joined = first.lead.activities.get(kind=ActivityKind.MESSAGE_RECEIVED)
    assert "Following up on" in joined.summary
    assert joined.data["inbound_message_id"] == inbound.last().pk


@time_machine.travel(NOW, tick=False)
def test_known_contact_writing_again_gets_a_new_lead_noted_on_both_timelines():
    first = capture(message="I need advice about a lease.")
    second = capture(Channel.EMAIL, provider="postmark", message="Now a divorce question.")

    assert second.created and not second.joined
    assert second.lead.pk != first.lead.pk
    assert second.lead.contact_id == first.lead.contact_id
    assert second.other_open_leads == (first.lead,)
    assert Contact.objects.count() == 1
    for lead in (first.lead, second.lead):
        entry = lead.activities.get(kind=ActivityKind.SECOND_ENQUIRY)
        assert entry.get_kind_display() == "Second enquiry from an existing contact"
    new_entry = second.lead.activities.get(kind=ActivityKind.SECOND_ENQUIRY)
    assert first.lead.reference in new_entry.summary
    old_entry = first.lead.activities.get(kind=ActivityKind.SECOND_ENQUIRY)
    assert second.lead.reference in old_entry.summary


@time_machine.travel(NOW, tick=False)
def test_same_matter_named_by_the_channel_joins_and_links_the_stored_message():
    first = capture()
    stored = InboundMessage.objects.create(
        provider="postmark", channel=Channel.EMAIL, external_id="<reply@example.com>"
    )  # as the email path stores it before processing
    second = capture(
        Channel.EMAIL,
        message="Thanks, Tuesday suits me.",
        inbound=stored,
        same_matter=first.lead,
        same_matter_reason="In-Reply-To names an email we sent",
    )

    assert second.joined and second.lead.pk == first.lead.pk
    assert InboundMessage.objects.count() == 2
    stored.refresh_from_db()
    assert stored.lead_id == first.lead.pk
    assert stored.kind == InboundKind.REPLY
    assert stored.reason == "In-Reply-To names an email we sent"
    assert stored.processed_at is not None


@time_machine.travel(NOW, tick=False)
def test_stored_message_captured_twice_makes_one_lead():
    stored = InboundMessage.objects.create(
        provider="postmark", channel=Channel.EMAIL, external_id="<first@example.com>"
    )
    first = capture(Channel.EMAIL, inbound=stored, forwarded_by="Sam <sam@firm.example>")
    again = capture(Channel.EMAIL, inbound=stored)

    assert first.created and not again.created and again.lead.pk == first.lead.pk
    assert Lead.objects.count() == 1 and InboundMessage.objects.count() == 1
    captured = first.lead.activities.get(kind=ActivityKind.CAPTURED)
    assert captured.summary.endswith("forwarded by Sam <sam@firm.example>")


@time_machine.travel(NOW, tick=False)
def test_reference_of_another_contacts_lead_makes_a_new_lead_and_says_so():
    other = capture(email="someone@else.example")
    mine = capture(message=f"About {other.lead.reference}")

    assert mine.created and mine.lead.pk != other.lead.pk
    assert "another contact's lead" in mine.reason
    assert mine.lead.activities.filter(kind=ActivityKind.NOTE).exists()


@time_machine.travel(NOW, tick=False)
def test_same_matter_that_is_closed_makes_a_new_lead_and_says_so():
    first = capture()
    lead_change_status(lead=first.lead, status=Status.LOST, reason="Went elsewhere")
    second = capture(
        message="Can we start again?", same_matter=first.lead, same_matter_reason="Reply"
    )

    assert second.created and second.lead.pk != first.lead.pk
    assert second.reason == "Reply, but LD-2026-00001 is lost, so this is a new lead"


@time_machine.travel(NOW, tick=False)
def test_joining_sends_message_received_with_the_inbound_message():
    received = []

    def receiver(sender, lead, inbound_message, **kwargs):
        received.append((lead.pk, inbound_message.pk))

    signals.message_received.connect(receiver)
    try:
        first = capture()
        second = capture(message=f"Another question on {first.lead.reference}")
    finally:
        signals.message_received.disconnect(receiver)
    assert received == [
        (first.lead.pk, InboundMessage.objects.get(lead=second.lead, payload__joined=True).pk)
    ]


@time_machine.travel(NOW, tick=False)
def test_phone_numbers_in_different_forms_match_one_contact():
    first = capture(Channel.PHONE, email="", phone="07912 345678")
    second = capture(Channel.EMAIL, email="", phone="+44 7912 345678")
    assert Contact.objects.get().phone == "+447912345678"
    assert second.lead.contact_id == first.lead.contact_id


@time_machine.travel(NOW, tick=False)
def test_email_match_learns_the_phone_number():
    capture(email="jane@example.com")
    capture(email="jane@example.com", phone="020 7946 0000")
    assert Contact.objects.get().phone == "+442079460000"


def test_enquiry_weeks_later_with_the_reference_still_joins():
    with time_machine.travel(NOW, tick=False):
        first = capture()
    with time_machine.travel(NOW + timedelta(days=60), tick=False):
        second = capture(subject=f"Re: {first.lead.reference}")
    assert second.joined and second.lead.pk == first.lead.pk


@time_machine.travel(NOW, tick=False)
def test_enquiry_does_not_join_a_closed_lead():
    first = capture()
    lead_change_status(lead=first.lead, status=Status.DISQUALIFIED, reason="Conflict")
    second = capture(message=f"About {first.lead.reference}")
    assert second.created and second.lead.pk != first.lead.pk


@time_machine.travel(NOW, tick=False)
def test_join_false_always_makes_a_new_lead():
    first = capture()
    second = capture(join=False, message=f"About {first.lead.reference}")
    assert second.created and second.lead.pk != first.lead.pk


@time_machine.travel(NOW, tick=False)
def test_replayed_delivery_returns_the_first_lead_and_writes_nothing():
    first = capture(provider="api", external_id="key-1")
    before = counts()
    again = capture(provider="api", external_id="key-1")
    assert again.lead.pk == first.lead.pk
    assert not again.created and not again.joined
    assert counts() == before


@time_machine.travel(NOW, tick=False)
def test_supplied_arrival_time_is_kept_and_reference_uses_its_year():
    arrived = NOW - timedelta(days=400)
    lead = capture(arrived_at=arrived).lead
    assert lead.arrived_at == arrived
    assert lead.captured_at == NOW
    assert lead.reference.startswith("LD-2025-")


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("arrived_at", "problem"),
    [
        (NOW + timedelta(hours=1), "in the future"),
        (datetime(2026, 11, 25, 9, 0), "UTC offset"),  # noqa: DTZ001 (naive on purpose)
        (NOW - timedelta(days=4000), "days ago"),
    ],
)
def test_unbelievable_arrival_time_is_refused_and_nothing_written(arrived_at, problem):
    with pytest.raises(ValidationError) as error:
        capture(arrived_at=arrived_at)
    assert problem in error.value.message_dict["arrived_at"][0]
    assert counts() == (0, 0, 0, 0)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("email", "phone", "field"),
    [
        ("not-an-email", "", "email"),
        ("", "12", "phone"),
        ("", "", "email"),
    ],
)
def test_bad_contact_details_are_refused_and_nothing_written(email, phone, field):
    with pytest.raises(ValidationError) as error:
        capture(email=email, phone=phone)
    assert field in error.value.message_dict
    assert counts() == (0, 0, 0, 0)


@time_machine.travel(NOW, tick=False)
def test_unknown_channel_is_refused():
    with pytest.raises(ValidationError):
        capture(channel="carrier_pigeon")
    assert counts() == (0, 0, 0, 0)


@time_machine.travel(NOW, tick=False)
def test_oversized_message_is_refused_not_cut():
    with pytest.raises(ValidationError) as error:
        capture(message="x" * 20_001)
    assert "the most we accept is 20,000" in error.value.message_dict["message"][0]
    assert counts() == (0, 0, 0, 0)


@time_machine.travel(NOW, tick=False)
def test_nul_and_control_characters_are_removed_not_stored():
    result = capture(
        message="Hello\x00 there\x1b\r\nsecond line\ttab",
        raw="raw\x00body",
        payload={"field\x00": ["a\x00b", {"c": "d\x00"}]},
        utm={"utm_source": "ads\x00"},
    )
    lead = Lead.objects.get(pk=result.lead.pk)
    assert lead.message == "Hello there\nsecond line\ttab"
    assert lead.utm == {"utm_source": "ads"}
    inbound = InboundMessage.objects.get()
    assert inbound.raw == "rawbody"
    assert inbound.payload == {"field": ["ab", {"c": "d"}]}


@time_machine.travel(NOW, tick=False)
def test_header_injection_in_name_is_flattened_to_one_line():
    result = lead_capture(
        channel=Channel.API,
        contact=ContactDetails(name="Eve\r\nBcc: victim@example.com", email="eve@example.com"),
        message="Hi",
    )
    assert result.lead.contact.name == "Eve Bcc: victim@example.com"


@time_machine.travel(NOW, tick=False)
def test_captured_entry_names_channel_and_arrival_and_actor(staff_user):
    lead = capture(Channel.PHONE, actor=staff_user).lead
    entry = lead.activities.get()
    assert entry.kind == ActivityKind.CAPTURED
    assert entry.actor == staff_user
    assert "from phone (arrived 25 Nov 2026 10:00)" in entry.summary


@time_machine.travel(NOW, tick=False)
def test_capture_commits_then_enqueues_the_pipeline(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lead = capture().lead
    assert len(callbacks) >= 1
    lead.refresh_from_db()
    assert lead.pipeline_completed_at is not None


@time_machine.travel(NOW, tick=False)
def test_joined_enquiry_does_not_enqueue_a_pipeline(django_capture_on_commit_callbacks):
    first = capture()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        capture(message=f"again, on {first.lead.reference}")
    assert callbacks == []
