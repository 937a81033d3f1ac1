"""Replies from the tracker: a real inbound email, answered from the lead, threaded so the
enquirer's answer joins the same lead; drafts, failures and retries, attachments; and
the acknowledgement as a reply to the emailed enquiry."""

import datetime as dt
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from django.core import mail

from firm.demo import DEMO_PROFILE
from firm.services import firm_profile_update
from followups.models import FollowUp
from leads.choices import ActivityKind, EmailKind, EmailState, InboundKind
from leads.models import InboundMessage, Lead, OutboundEmail
from leads.services.email import outbound_email_send
from leads.services.replies import ReplyFile, lead_reply_retry, lead_reply_save
from tests.factories import UserFactory
from tests.followups.factories import PolicyFactory, StepFactory
from tests.leads.inbound_support import (
    NOW,
    TRACKING,
    frozen_clock,  # noqa: F401 (fixture)
    inbound_settings,  # noqa: F401 (fixture)
    post_postmark,
    postmark_payload,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("inbound_settings", "frozen_clock"),
]

SUBJECT = "R&D tax credits for Ó Briain & Daughters Ltd"
ENQUIRY_ID = "<CAF=enquiry.obriain.0001@mail.gmail.com>"


def enquiry_mime(
    *,
    subject: str = SUBJECT,
    message_id: str = ENQUIRY_ID,
    body: str = "Hello, we are a small engineering firm and would like help claiming R&D "
    "tax credits for 2025. Could someone call me this week?\n\nSiobhán Ó Briain",
    in_reply_to: str = "",
    references: str = "",
    when: dt.datetime = NOW - dt.timedelta(minutes=20),
) -> str:
    message = EmailMessage()
    message["From"] = "Siobhán Ó Briain <siobhan@obriain.example>"
    message["To"] = TRACKING
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = references or in_reply_to
    message.set_content(body)
    return message.as_string()


@pytest.fixture
def profile(db):
    firm_profile_update(**{**DEMO_PROFILE, "email": TRACKING})


@pytest.fixture
def writer(db):
    return UserFactory(username="tom.hughes", first_name="Tom", last_name="Hughes")


@pytest.fixture
def lead(client, profile):
    StepFactory(policy=PolicyFactory(name="Default", tier=""))
    response = post_postmark(client, postmark_payload(enquiry_mime()))
    assert response.status_code == 200
    return InboundMessage.objects.get(message_id=ENQUIRY_ID).lead


def sent_reply(writer, lead, **kwargs) -> tuple[OutboundEmail, EmailMessage]:
    mail.outbox.clear()
    email = lead_reply_save(
        lead=lead,
        actor=writer,
        subject=kwargs.pop("subject", f"Re: {SUBJECT} [{lead.reference}]"),
        text=kwargs.pop("text", "Dear Siobhán,\n\nThank you: I will call you tomorrow."),
        **kwargs,
    )
    email.refresh_from_db()
    assert len(mail.outbox) == 1
    return email, message_from_bytes(mail.outbox[0].message().as_bytes(), policy=policy.default)


def test_reply_is_threaded_from_the_writer_at_the_firm_and_its_answer_joins_the_lead(
    client, lead, writer
):
    email, message = sent_reply(writer, lead)

    assert email.state == EmailState.SENT
    assert message["From"].addresses[0].display_name == "Tom Hughes, Ashdown Marsh"
    assert message["From"].addresses[0].addr_spec == TRACKING
    assert message["Reply-To"] == TRACKING
    assert message["To"].addresses[0].addr_spec == "siobhan@obriain.example"
    assert message["In-Reply-To"] == ENQUIRY_ID
    assert message["References"] == ENQUIRY_ID
    assert message["Message-ID"].strip() == email.message_id and lead.reference in email.message_id
    assert message["X-Leadtrack-Reference"] == lead.reference
    # Plain text: not "R&amp;D", not "&amp; Daughters".
    assert message["Subject"].strip() == f"Re: {SUBJECT} [{lead.reference}]"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "I will call you tomorrow." in text and "Tom Hughes" in text
    assert "Solicitors Regulation Authority (number 654321)" in text
    assert "https://www.ashdownmarsh.example/privacy" in text
    assert "<img" not in html and "src=" not in html  # no remote content
    assert "Complaints procedure" in html

    lead.refresh_from_db()
    assert lead.first_response_at == NOW
    activity = lead.activities.get(kind=ActivityKind.MESSAGE_SENT)
    assert activity.actor == writer
    assert activity.data["text"] == email.body_text
    first_contact = FollowUp.objects.get(lead=lead, kind="first_contact")
    assert first_contact.completed_at == NOW

    # The enquirer answers, as their mail client does: In-Reply-To our Message-ID.
    answer = enquiry_mime(
        subject=f"Re: {email.subject}",
        message_id="<CAF=answer.obriain.0002@mail.gmail.com>",
        body="Tomorrow at 10 suits me. Thanks, Siobhán",
        in_reply_to=email.message_id,
        references=f"{ENQUIRY_ID} {email.message_id}",
        when=NOW,
    )
    assert post_postmark(client, postmark_payload(answer)).status_code == 200
    inbound = InboundMessage.objects.get(message_id="<CAF=answer.obriain.0002@mail.gmail.com>")
    assert inbound.kind == InboundKind.REPLY
    assert inbound.lead == lead
    assert Lead.objects.count() == 1

    # A second reply continues the thread from the enquirer's answer.
    second, message = sent_reply(writer, lead, text="See you then.")
    assert message["In-Reply-To"] == "<CAF=answer.obriain.0002@mail.gmail.com>"
    assert message["References"].split() == [
        ENQUIRY_ID,
        email.message_id,
        "<CAF=answer.obriain.0002@mail.gmail.com>",
    ]
    lead.refresh_from_db()
    assert lead.first_response_at == NOW  # the first time only


def test_a_draft_is_not_sent_until_it_is_finished(lead, writer):
    mail.outbox.clear()
    draft = lead_reply_save(
        lead=lead, actor=writer, subject="Re: R&D", text="First thoughts", send=False
    )
    assert draft.state == EmailState.DRAFT and mail.outbox == []
    assert outbound_email_send(email_id=draft.pk).state == EmailState.DRAFT
    assert not lead.activities.filter(kind=ActivityKind.MESSAGE_SENT).exists()

    sent = lead_reply_save(
        lead=lead, actor=writer, subject="Re: R&D", text="Finished text", draft=draft
    )
    assert sent.pk == draft.pk
    sent.refresh_from_db()
    assert sent.state == EmailState.SENT
    assert mail.outbox[-1].subject == "Re: R&D"
    assert "Finished text" in mail.outbox[-1].body


def test_a_failed_send_is_kept_with_its_reason_and_can_be_retried(lead, writer, settings):
    settings.EMAIL_BACKEND = "tests.routing.failing_backend.FailingBackend"
    mail.outbox.clear()
    email = lead_reply_save(lead=lead, actor=writer, subject="Re: R&D", text="Hello")
    for _ in range(4):
        outbound_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.state == EmailState.FAILED
    assert email.error
    assert not lead.activities.filter(kind=ActivityKind.MESSAGE_SENT).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lead_reply_retry(email=email, actor=writer)
    email.refresh_from_db()
    assert email.state == EmailState.SENT and email.error == ""
    assert lead.activities.filter(kind=ActivityKind.MESSAGE_SENT).count() == 1


def test_attachments_are_sent_within_the_limit_and_refused_beyond_it(lead, writer, settings):
    settings.LEADTRACK_REPLY_ATTACHMENTS_MAX_BYTES = 1000
    pdf = ReplyFile(
        filename="engagement-letter.pdf", content_type="application/pdf", data=b"%PDF" * 10
    )
    email, message = sent_reply(writer, lead, files=[pdf])
    attached = list(message.iter_attachments())
    assert [part.get_filename() for part in attached] == ["engagement-letter.pdf"]
    assert attached[0].get_content() == b"%PDF" * 10

    before = OutboundEmail.objects.count()
    big = ReplyFile(filename="big.pdf", content_type="application/pdf", data=b"x" * 1001)
    with pytest.raises(Exception, match="the most one email may carry"):
        lead_reply_save(lead=lead, actor=writer, subject="Re: R&D", text="Here", files=[big])
    assert OutboundEmail.objects.count() == before


def test_bad_replies_are_refused_and_change_nothing(lead, writer):
    before = OutboundEmail.objects.count()
    with pytest.raises(Exception, match="Write the reply"):
        lead_reply_save(lead=lead, actor=writer, subject="Re: R&D", text="   ")
    with pytest.raises(Exception, match="subject"):
        lead_reply_save(lead=lead, actor=writer, subject="\n", text="Hello")
    assert OutboundEmail.objects.count() == before


def test_the_acknowledgement_replies_in_the_enquirers_thread_and_quotes_what_was_asked(lead):
    ack = OutboundEmail.objects.get(lead=lead, kind=EmailKind.ACKNOWLEDGEMENT)
    assert ack.subject == f"Re: {SUBJECT} [{lead.reference}]"
    assert ack.in_reply_to == ENQUIRY_ID and ack.references == [ENQUIRY_ID]
    assert 'You asked: "Hello, we are a small engineering firm' in ack.body_text
    assert "&amp;" not in ack.subject and "&amp;" not in ack.body_text
    assert ack.state == EmailState.SENT
    # Tuesday 12:10 London, open: the plain promise.
    assert "A member of our team will reply within one working day." in ack.body_text
    assert "Authorised and regulated by the Solicitors Regulation Authority" in ack.body_text


def test_an_answer_quoting_only_our_message_id_joins_the_lead_even_when_that_email_is_gone(
    client, lead, writer
):
    """Our Message-IDs carry the lead's reference: an answer whose In-Reply-To names one
    joins the lead even when the email it answers is no longer on record (erased, or
    sent before the records were imported), and with a subject that names nothing."""
    email, _ = sent_reply(writer, lead)
    message_id = email.message_id
    OutboundEmail.objects.filter(pk=email.pk).delete()
    answer = enquiry_mime(
        subject="Re: your email",
        message_id="<CAF=answer.obriain.0003@mail.gmail.com>",
        body="Yes, that works.",
        in_reply_to=message_id,
        when=NOW,
    )
    assert post_postmark(client, postmark_payload(answer)).status_code == 200
    inbound = InboundMessage.objects.get(message_id="<CAF=answer.obriain.0003@mail.gmail.com>")
    assert inbound.kind == InboundKind.REPLY and inbound.lead == lead
    assert Lead.objects.count() == 1


def test_a_message_id_on_someone_elses_domain_naming_a_reference_does_not_join(client, lead):
    """Only Message-IDs we made are read for a reference; anyone can write "LD-..." in theirs."""
    answer = enquiry_mime(
        subject="Something else entirely",
        message_id="<CAF=other.0004@mail.gmail.com>",
        body="A new matter: my neighbour's fence.",
        in_reply_to=f"<1.2.3.{lead.reference}.reply.abc@elsewhere.example>",
        when=NOW,
    )
    assert post_postmark(client, postmark_payload(answer)).status_code == 200
    inbound = InboundMessage.objects.get(message_id="<CAF=other.0004@mail.gmail.com>")
    assert inbound.lead != lead
    assert Lead.objects.count() == 2


def test_the_reference_header_of_our_email_joins_a_message_sent_back_to_us(client, lead):
    """A message that keeps our X-Leadtrack-Reference header (forwarded or redirected back
    to the firm's address) joins the lead the header names."""
    message = message_from_bytes(
        enquiry_mime(
            subject="Fwd: documents",
            message_id="<CAF=fwd.0005@mail.gmail.com>",
            body="Forwarding the documents you asked for.",
            when=NOW,
        ).encode(),
        policy=policy.default,
    )
    message["X-Leadtrack-Reference"] = lead.reference
    assert post_postmark(client, postmark_payload(message.as_string())).status_code == 200
    inbound = InboundMessage.objects.get(message_id="<CAF=fwd.0005@mail.gmail.com>")
    assert inbound.lead == lead
    assert Lead.objects.count() == 1
