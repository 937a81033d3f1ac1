"""Inbound email through the real webhook URLs, with payloads built as Postmark sends
them: new enquiries, replies, staff replies, forwards, and mail that is never a lead."""

from datetime import UTC, datetime

import pytest

from leads.choices import ActivityKind, ArrivalBasis, Channel, InboundKind, RawFormat, Status
from leads.models import Activity, InboundMessage, Lead, OutboundEmail
from tests.factories import LeadFactory, UserFactory
from tests.leads.inbound_support import (
    corpus,
    frozen_clock,  # noqa: F401 (fixture)
    inbound_settings,  # noqa: F401 (fixture)
    post_postmark,
    postmark_payload,
)

# Real commits, so on-commit work (the pipeline, the acknowledgement) runs as in production.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("inbound_settings", "frozen_clock"),
]

ACK_ID = "<177251.LD-2026-00001.acknowledgement.5f2c1d0e9a7b@ashdownmarsh.example>"


def only_inbound() -> InboundMessage:
    return InboundMessage.objects.get()


def test_new_enquiry_becomes_a_lead_with_raw_kept_and_true_arrival_time(client, mailoutbox):
    mime = corpus("gmail_enquiry.eml")

    response = post_postmark(client, postmark_payload(mime))

    assert response.status_code == 200
    inbound = only_inbound()
    assert bytes(inbound.raw_bytes) == mime.encode()
    assert inbound.raw_format == RawFormat.MIME
    assert inbound.kind == InboundKind.ENQUIRY
    assert inbound.message_id == "<CAF=7k9x1ENQUIRY0001@mail.gmail.com>"
    lead = inbound.lead
    assert lead.channel == Channel.EMAIL
    assert lead.contact.email == "jane.doe@gmail.com"
    assert lead.contact.name == "Jane Doe"
    assert lead.subject == "Help with a commercial lease renewal"
    assert "£8,000 increase" in lead.message
    # The newest Received header (Postmark's MX), not the sender's Date.
    assert lead.arrived_at == datetime(2026, 3, 3, 9, 58, 12, tzinfo=UTC)
    assert inbound.arrival_basis == ArrivalBasis.RECEIVED
    assert lead.captured_at > lead.arrived_at
    assert lead.source == "Email to enquiries@ashdownmarsh.example"
    assert list(lead.activities.values_list("kind", flat=True))[0] == ActivityKind.CAPTURED
    # The pipeline ran (eager in unit tests) and acknowledged the enquirer once.
    assert [m.to for m in mailoutbox] == [["jane.doe@gmail.com"]]


def test_postmark_without_raw_email_keeps_the_json_and_reads_the_email_from_it(client):
    payload = postmark_payload(corpus("gmail_enquiry.eml"), raw=False)

    response = post_postmark(client, payload)

    assert response.status_code == 200
    inbound = only_inbound()
    assert inbound.raw_format == RawFormat.JSON
    assert b'"FromFull"' in bytes(inbound.raw_bytes)
    assert inbound.lead.contact.email == "jane.doe@gmail.com"


def test_every_message_delivered_three_times_creates_one_of_each(client, mailoutbox):
    names = [
        "gmail_enquiry.eml",
        "outlook_out_of_office.eml",
        "dsn_bounce.eml",
        "gmail_forward.eml",
        "with_attachment.eml",
        "mailing_list.eml",
    ]
    for _ in range(3):
        for name in names:
            response = post_postmark(client, postmark_payload(corpus(name)))
            assert response.status_code == 200, (name, response.content)

    assert InboundMessage.objects.count() == len(names)
    assert Lead.objects.count() == 3  # the enquiry, the forward, the attachment
    assert Activity.objects.filter(kind=ActivityKind.CAPTURED).count() == 3
    assert len(mailoutbox) == 3


def test_same_message_id_through_another_esp_event_is_not_captured_twice(client):
    first = postmark_payload(corpus("gmail_enquiry.eml"))
    second = dict(first, MessageID="another-postmark-event-id")

    post_postmark(client, first)
    response = post_postmark(client, second)

    assert response.status_code == 200
    assert Lead.objects.count() == 1


def test_reply_to_acknowledgement_joins_the_lead_without_a_second_acknowledgement(
    client, mailoutbox
):
    lead = LeadFactory(
        channel=Channel.EMAIL, contact__email="jane.doe@gmail.com", reference="LD-2026-00001"
    )
    OutboundEmail.objects.create(
        lead=lead,
        kind="acknowledgement",
        dedupe_key="ack:1",
        to=["jane.doe@gmail.com"],
        subject="We have your enquiry",
        body_text="...",
        message_id=ACK_ID,
        state="sent",
    )
    received = []
    from leads import signals

    def receiver(sender, lead, inbound_message, **kwargs):
        received.append((lead.pk, inbound_message.pk))

    signals.message_received.connect(receiver)
    try:
        post_postmark(client, postmark_payload(corpus("outlook_reply.eml")))
    finally:
        signals.message_received.disconnect(receiver)

    inbound = only_inbound()
    assert inbound.kind == InboundKind.REPLY
    assert inbound.lead == lead
    assert "break clause" in inbound.summary
    assert "Thank you for your enquiry" not in inbound.summary  # quoted history stripped
    assert "Thank you for your enquiry" in inbound.body_text  # but kept in full
    assert Lead.objects.count() == 1
    activity = lead.activities.get(kind=ActivityKind.MESSAGE_RECEIVED)
    # Joined through the one capture service, saying why.
    assert activity.summary.startswith("Further message by email (arrived 03 Mar 2026 11:20)")
    assert "In-Reply-To/References name an email we sent" in activity.summary
    assert received == [(lead.pk, inbound.pk)]
    assert mailoutbox == []


def test_lead_reference_in_the_subject_threads_a_reply(client):
    lead = LeadFactory(reference="LD-2026-00001", contact__email="someone@else.example")
    payload = postmark_payload(corpus("outlook_reply.eml"))
    payload["RawEmail"] = payload["RawEmail"].replace(ACK_ID, "<unknown@example.com>")

    post_postmark(client, payload)

    assert only_inbound().lead == lead
    assert only_inbound().reason == "Lead reference LD-2026-00001 in the subject"


def test_known_sender_writing_without_a_thread_gets_a_new_lead_on_the_same_contact(client):
    lead = LeadFactory(contact__email="jane.doe@gmail.com", status=Status.ASSIGNED)

    post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")))

    inbound = only_inbound()
    assert inbound.kind == InboundKind.ENQUIRY
    assert inbound.lead != lead
    assert inbound.lead.contact == lead.contact
    assert "Second enquiry from an existing contact" in inbound.reason
    assert lead.activities.filter(kind=ActivityKind.SECOND_ENQUIRY).exists()


def test_known_sender_with_old_or_closed_leads_gets_a_new_lead(client):
    LeadFactory(contact__email="jane.doe@gmail.com", arrived_at=datetime(2026, 3, 1, tzinfo=UTC))
    LeadFactory(contact__email="jane.doe@gmail.com", status=Status.WON)

    post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")))

    assert only_inbound().kind == InboundKind.ENQUIRY
    assert Lead.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("outlook_out_of_office.eml", InboundKind.AUTO_REPLY),
        ("gmail_vacation.eml", InboundKind.AUTO_REPLY),
        ("dsn_bounce.eml", InboundKind.BOUNCE),
        ("mailing_list.eml", InboundKind.MAILING_LIST),
    ],
)
def test_automatic_mail_is_kept_but_never_a_lead_or_acknowledged(client, mailoutbox, name, kind):
    response = post_postmark(client, postmark_payload(corpus(name)))

    assert response.status_code == 200
    inbound = only_inbound()
    assert inbound.kind == kind
    assert inbound.reason
    assert inbound.processed_at is not None
    assert Lead.objects.count() == 0
    assert mailoutbox == []


def test_out_of_office_reply_to_an_acknowledgement_is_linked_but_logs_nothing(client):
    lead = LeadFactory(reference="LD-2026-00001")
    OutboundEmail.objects.create(
        lead=lead,
        kind="acknowledgement",
        dedupe_key="ack:1",
        to=["x@example.com"],
        subject="We have your enquiry",
        body_text="...",
        message_id=ACK_ID,
        state="sent",
    )

    post_postmark(client, postmark_payload(corpus("outlook_out_of_office.eml")))

    assert only_inbound().lead == lead
    assert not lead.activities.filter(kind=ActivityKind.MESSAGE_RECEIVED).exists()


def test_spam_flagged_by_the_esp_is_held_for_review_not_routed(client, mailoutbox):
    payload = postmark_payload(corpus("gmail_enquiry.eml"))
    payload["RawEmail"] = "X-Spam-Status: Yes\nX-Spam-Score: 9.1\n" + payload["RawEmail"]

    post_postmark(client, payload)

    inbound = only_inbound()
    assert inbound.kind == InboundKind.SPAM
    assert inbound.spam_score == 9.1
    assert Lead.objects.count() == 0
    assert mailoutbox == []


def test_released_spam_is_captured(client):
    from leads.services.inbound import inbound_email_release

    payload = postmark_payload(corpus("gmail_enquiry.eml"))
    payload["RawEmail"] = "X-Spam-Status: Yes\n" + payload["RawEmail"]
    post_postmark(client, payload)

    inbound = inbound_email_release(inbound=only_inbound())

    assert inbound.kind == InboundKind.ENQUIRY
    assert inbound.lead.contact.email == "jane.doe@gmail.com"


@pytest.mark.parametrize(
    ("name", "sender", "forwarder", "subject", "text"),
    [
        (
            "gmail_forward.eml",
            "r.okafor@outlook.com",
            "fiona.earner@ashdownmarsh.example",
            "Probate for my late mother's estate",
            "grant of probate",
        ),
        (
            "outlook_forward.eml",
            "samir@haddad-bakeries.co.uk",
            "priya.shah@ashdownmarsh.example",
            "Employment tribunal claim - urgent",
            "ET3 response",
        ),
        (
            "apple_forward_attached.eml",
            "claire.bennett@bennett-holdings.co.uk",
            "tom.hughes@ashdownmarsh.example",
            "Share purchase - due diligence",
            "2.4 million",
        ),
    ],
)
def test_forwarded_enquiry_is_a_lead_for_the_original_sender(
    client, name, sender, forwarder, subject, text
):
    post_postmark(client, postmark_payload(corpus(name)))

    inbound = only_inbound()
    assert inbound.kind == InboundKind.ENQUIRY, inbound.reason
    lead = inbound.lead
    assert lead.contact.email == sender
    assert forwarder in lead.source
    assert lead.source.startswith("Forwarded by ")
    assert lead.subject == subject
    assert text in lead.message
    assert inbound.arrival_basis == ArrivalBasis.FORWARDED
    assert lead.arrived_at.date().isoformat() == "2026-03-02"


def test_staff_reply_with_tracking_address_in_cc_is_logged_as_contact(client):
    user = UserFactory(username="tom.hughes", email="tom.hughes@ashdownmarsh.example")
    post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")))
    lead = Lead.objects.get()
    sent = []
    from leads import signals

    def receiver(sender, lead, at, actor, **kwargs):
        sent.append((lead.pk, at, actor))

    signals.message_sent.connect(receiver)
    try:
        post_postmark(client, postmark_payload(corpus("staff_reply_cc.eml")))
    finally:
        signals.message_sent.disconnect(receiver)

    reply = InboundMessage.objects.get(message_id__contains="staff.reply")
    assert reply.kind == InboundKind.STAFF_REPLY
    assert reply.lead == lead
    lead.refresh_from_db()
    assert lead.first_response_at == datetime(2026, 3, 3, 11, 45, 9, tzinfo=UTC)
    activity = lead.activities.get(kind=ActivityKind.MESSAGE_SENT)
    assert activity.actor == user
    assert sent == [(lead.pk, lead.first_response_at, user)]


def test_enquirer_answering_a_staff_reply_joins_the_lead_through_its_message_id(client):
    post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")))
    post_postmark(client, postmark_payload(corpus("staff_reply_cc.eml")))

    post_postmark(client, postmark_payload(corpus("apple_mail_reply.eml")))

    lead = Lead.objects.get()
    reply = InboundMessage.objects.get(message_id__contains="APPLEREPLY01")
    assert reply.lead == lead
    assert reply.kind == InboundKind.REPLY
    assert reply.summary == "Thursday at 2pm suits me. I will bring the current lease.\n\nJane"


def test_staff_email_with_no_lead_is_kept_unmatched(client):
    mime = (
        corpus("staff_reply_cc.eml")
        .replace("In-Reply-To: <CAF=7k9x1ENQUIRY0001@mail.gmail.com>\n", "")
        .replace("References: <CAF=7k9x1ENQUIRY0001@mail.gmail.com>\n", "")
    )

    post_postmark(client, postmark_payload(mime))

    inbound = only_inbound()
    assert inbound.kind == InboundKind.STAFF_REPLY
    assert inbound.lead is None
    assert "no lead was found" in inbound.reason
    assert Lead.objects.count() == 0


def test_hostile_html_is_sanitised_and_names_cannot_inject_headers(client):
    response = post_postmark(client, postmark_payload(corpus("hostile_html.eml")))

    assert response.status_code == 200
    inbound = only_inbound()
    html = inbound.body_html
    for bad in ("<script", "onload", "<img", "tracker.example", "javascript:", "<iframe", "<style"):
        assert bad not in html
    assert "supplier contract" in inbound.body_text
    assert "alert" not in inbound.body_text
    lead = inbound.lead
    assert "\n" not in lead.contact.name and "\r" not in lead.contact.name
    assert "\n" not in lead.subject
    assert lead.contact.email == "mallory@example.net"


def test_invalid_charset_and_impossible_date_are_still_captured(client):
    response = post_postmark(client, postmark_payload(corpus("bad_charset.eml")))

    assert response.status_code == 200
    inbound = only_inbound()
    assert "moved the fence" in inbound.body_text
    assert "\ufffd" in inbound.body_text
    assert inbound.arrival_basis == ArrivalBasis.RECEIVED
    assert inbound.lead.contact.email == "worf@example.org"


def test_attachments_are_stored_with_a_safe_name_and_within_limits(client, settings):
    post_postmark(client, postmark_payload(corpus("with_attachment.eml")))

    attachment = only_inbound().attachments.get()
    assert attachment.filename == "draft_agreement.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.file.read().startswith(b"%PDF-1.4")
    assert attachment.lead == only_inbound().lead


def test_attachment_over_the_limit_is_recorded_but_not_kept(client, settings):
    settings.LEADTRACK_ATTACHMENT_MAX_BYTES = 10

    post_postmark(client, postmark_payload(corpus("with_attachment.eml")))

    attachment = only_inbound().attachments.get()
    assert not attachment.file
    assert attachment.refused_reason.startswith("Larger than")
    assert only_inbound().kind == InboundKind.ENQUIRY


def test_future_date_is_not_trusted(client):
    mime = corpus("gmail_enquiry.eml")
    mime = "\n".join(
        line for line in mime.split("\n") if not line.startswith(("Received", "        Tue"))
    )
    mime = mime.replace(
        "Date: Tue, 3 Mar 2026 09:58:01 +0000", "Date: Tue, 3 Mar 2099 09:58:01 +0000"
    )

    post_postmark(client, postmark_payload(mime))

    inbound = only_inbound()
    assert inbound.arrival_basis == ArrivalBasis.RECEIPT
    assert inbound.arrived_at == inbound.received_at
