"""Machine mail through the real webhook URLs: every real bounce, delay, abuse report and
auto-reply in ``tests/leads/data/machine-mail/`` (see its PROVENANCE.md), posted as
Postmark's inbound JSON and as Mailgun's raw MIME, is answered 2xx and stored with what
it is, and is never a lead and never mailed. A bounce of Leadtrack's own mail is matched
to the email it reports on, and the owner is asked to phone instead."""

import re
from pathlib import Path

import pytest

from followups.choices import FollowUpKind
from followups.models import FollowUp
from leads.choices import MACHINE_KINDS, ActivityKind, EmailKind, EmailState, InboundKind
from leads.inbound import machine
from leads.inbound.classification import automated_verdict
from leads.inbound.parsing import email_read, mime_parse
from leads.models import Contact, InboundMessage, Lead, OutboundEmail
from leads.selectors import lead_acknowledged
from leads.steps import acknowledge
from tests.factories import LeadFactory, UserFactory
from tests.leads.inbound_support import (
    NOW,
    frozen_clock,  # noqa: F401 (fixture)
    inbound_settings,  # noqa: F401 (fixture)
    mailgun_fields,
    post_mailgun,
    post_postmark,
    postmark_payload,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("inbound_settings", "frozen_clock"),
]

MACHINE_MAIL = Path(__file__).parent / "data" / "machine-mail"
SAMPLES = sorted(MACHINE_MAIL.rglob("*.eml"))
SAMPLE_IDS = [str(path.relative_to(MACHINE_MAIL)) for path in SAMPLES]
ACK_ID = "<LD-2026-90001.acknowledgement.0a1b2c3d4e5f@ashdownmarsh.example>"
ENQUIRER = "kijitora@example.jp"


def sample(name: str) -> str:
    return (MACHINE_MAIL / name).read_bytes().decode("utf-8", errors="replace")


def verdict_of(mime: str):
    return automated_verdict(email=email_read(mime_parse(mime)), envelope_sender=None)


def assert_kept_as_machine_mail(response, mailoutbox) -> InboundMessage:
    assert response.status_code == 200, response.content
    inbound = InboundMessage.objects.get()
    assert inbound.kind in MACHINE_KINDS, (inbound.kind, inbound.reason)
    assert inbound.processed_at is not None
    assert inbound.reason
    assert inbound.machine_detector
    assert Lead.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert mailoutbox == []
    return inbound


def test_the_corpus_holds_at_least_a_hundred_real_messages():
    assert len(SAMPLES) >= 100
    assert (MACHINE_MAIL / "PROVENANCE.md").exists()


@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_real_machine_mail_posted_by_postmark_is_kept_never_a_lead_never_mailed(
    client, mailoutbox, path
):
    mime = path.read_bytes().decode("utf-8", errors="replace")

    response = post_postmark(client, postmark_payload(mime))

    inbound = assert_kept_as_machine_mail(response, mailoutbox)
    # The raw email Postmark included is what is stored, as bytes.
    assert bytes(inbound.raw_bytes).decode("utf-8", errors="replace") == mime


@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_real_machine_mail_posted_by_mailgun_as_raw_mime_is_kept_never_a_lead_never_mailed(
    client, mailoutbox, path
):
    mime = path.read_bytes().decode("utf-8", errors="replace")

    response = post_mailgun(client, mailgun_fields(mime))

    assert_kept_as_machine_mail(response, mailoutbox)


@pytest.mark.parametrize(
    ("name", "kind", "failed", "original"),
    [
        (
            "sisimai/email-amazonses-03.eml",
            InboundKind.BOUNCE,
            ["kijitora@example.jp"],
            "<00000132d6ca0cd4-ff6d8ee5-29a0-4501-a68a-3ff8695254bb-000000@email.amazonses.com>",
        ),
        (
            "sisimai/email-google-02.eml",
            InboundKind.BOUNCE,
            ["aougoueioaldljgoiuiorghladkgke@example.fr"],
            "<45B7FBD7-1218-4FCD-ACA1-4706F111E682@gmail.com>",
        ),
        (
            "sisimai/arf-03.eml",
            InboundKind.FEEDBACK_REPORT,
            [],
            "<f6fbba8a761ce682e1b00a323a21b372@example.net>",
        ),
        ("sisimai/rfc3834-01.eml", InboundKind.AUTO_REPLY, [], ""),
        ("flufl-bounce/dsn_05.eml", InboundKind.DELIVERY_REPORT, ["userx@example.cz"], ""),
        ("flufl-bounce/qmail_01.eml", InboundKind.BOUNCE, ["userx@example.de"], ""),
        ("flufl-bounce/postfix_01.eml", InboundKind.BOUNCE, ["xxxxx@local.ie"], ""),
        ("flufl-bounce/yahoo_01.eml", InboundKind.BOUNCE, ["userx@example.com"], ""),
        ("flufl-bounce/microsoft_01.eml", InboundKind.BOUNCE, ["userx@example.com"], ""),
        ("flufl-bounce/exim_01.eml", InboundKind.BOUNCE, ["userx@its.example.nl"], ""),
    ],
)
def test_each_report_is_stored_with_its_kind_failed_addresses_and_original(
    client, name, kind, failed, original
):
    post_postmark(client, postmark_payload(sample(name)))

    inbound = InboundMessage.objects.get()
    assert inbound.kind == kind
    assert inbound.failed_recipients == failed
    if original:
        assert inbound.original_message_id == original


def test_mail_from_a_bare_mailer_daemon_is_stored_as_a_bounce_not_refused(client, mailoutbox):
    # Postfix's bounce template writes "From: MAILER-DAEMON (Mail Delivery System)";
    # unqualified, it has no domain and so is no address at all.
    mime = re.sub(
        r"(?m)^From: .*$",
        "From: MAILER-DAEMON (Mail Delivery System)",
        sample("flufl-bounce/postfix_01.eml"),
        count=1,
    )

    response = post_postmark(client, postmark_payload(mime))

    inbound = assert_kept_as_machine_mail(response, mailoutbox)
    assert inbound.kind == InboundKind.BOUNCE
    assert inbound.from_email == ""
    assert inbound.from_name == "MAILER-DAEMON (Mail Delivery System)"
    assert inbound.failed_recipients == ["xxxxx@local.ie"]


def test_a_challenge_response_message_is_recognised(client, mailoutbox):
    mime = (
        "Return-Path: <>\nFrom: Jane Doe <jane.doe@example.org>\n"
        "To: enquiries@ashdownmarsh.example\nSubject: Please confirm your message\n"
        "Auto-Submitted: auto-replied\nX-Delivery-Agent: TMDA/1.1.12 (Macallan)\n"
        "Message-ID: <tmda.1@example.org>\n\n"
        "My spam filter holds mail from unknown senders. Reply to this message to confirm "
        "you are a person.\n"
    )

    inbound = assert_kept_as_machine_mail(post_postmark(client, postmark_payload(mime)), mailoutbox)

    assert inbound.kind == InboundKind.CHALLENGE


def test_a_person_writing_about_non_delivery_is_still_an_enquiry():
    mime = (
        "From: Jane Doe <jane.doe@example.org>\nTo: enquiries@ashdownmarsh.example\n"
        "Subject: Non-delivery of goods by my supplier\nMessage-ID: <p.1@example.org>\n\n"
        "My supplier has not delivered and will not refund me. Can you help?\n"
    )

    assert verdict_of(mime) is None


def test_a_report_the_bounce_library_cannot_read_is_still_a_bounce(monkeypatch):
    def broken(message):
        raise RuntimeError("detector failed")

    monkeypatch.setattr(machine, "all_failures", broken)

    verdict = verdict_of(sample("sisimai/email-amazonses-03.eml"))

    assert verdict.kind == InboundKind.BOUNCE
    assert verdict.failed_recipients == ()


# ---------------------------------------------------------------------------
# Bounces of Leadtrack's own mail
# ---------------------------------------------------------------------------


@pytest.fixture
def acknowledged_lead():
    owner = UserFactory(username="fiona", first_name="Fiona", last_name="Earner")
    lead = LeadFactory(
        reference="LD-2026-90001",
        contact__email=ENQUIRER,
        contact__phone="+447700900123",
        owner=owner,
        status="assigned",
    )
    OutboundEmail.objects.create(
        lead=lead,
        kind=EmailKind.ACKNOWLEDGEMENT,
        dedupe_key=f"acknowledgement:lead:{lead.pk}",
        to=[ENQUIRER],
        subject="We have your enquiry",
        body_text="...",
        message_id=ACK_ID,
        state=EmailState.SENT,
        sent_at=NOW,
        activity_kind=ActivityKind.ACKNOWLEDGEMENT_SENT,
    )
    return lead


def ses_bounce_of(message_id: str) -> str:
    original = "<00000132d6ca0cd4-ff6d8ee5-29a0-4501-a68a-3ff8695254bb-000000@email.amazonses.com>"
    return sample("sisimai/email-amazonses-03.eml").replace(original, message_id)


def test_a_bounced_acknowledgement_is_matched_by_message_id_and_the_owner_asked_to_phone(
    client, mailoutbox, acknowledged_lead
):
    assert lead_acknowledged(lead=acknowledged_lead)

    response = post_postmark(client, postmark_payload(ses_bounce_of(ACK_ID)))

    assert response.status_code == 200
    inbound = InboundMessage.objects.get()
    email = OutboundEmail.objects.get()
    assert inbound.kind == InboundKind.BOUNCE
    assert inbound.bounced_email == email
    assert inbound.lead == acknowledged_lead
    assert email.state == EmailState.BOUNCED
    assert email.bounced_at is not None
    assert ENQUIRER in email.bounce_reason
    contact = Contact.objects.get(pk=acknowledged_lead.contact_id)
    assert contact.email_undeliverable_at is not None
    bounced = acknowledged_lead.activities.get(kind=ActivityKind.EMAIL_BOUNCED)
    assert "phone instead" in bounced.summary
    assert "not been acknowledged" in bounced.summary
    assert bounced.data["matched_by"] == f"the original Message-ID {ACK_ID}"
    call = FollowUp.objects.get(lead=acknowledged_lead)
    assert call.kind == FollowUpKind.CALL
    assert call.guidance.startswith("Phone: email bounced.")
    assert "+447700900123" in call.guidance
    assert call.owner == acknowledged_lead.owner
    # A bounced acknowledgement is no acknowledgement, and nothing was mailed.
    assert not lead_acknowledged(lead=acknowledged_lead)
    assert Lead.objects.count() == 1
    assert mailoutbox == []


def test_a_bounce_without_the_original_message_id_is_matched_by_its_recipient(
    client, acknowledged_lead
):
    # Gmail's bounce, addressed to our enquirer, with the original's Message-Id line cut.
    mime = (
        sample("sisimai/email-google-02.eml")
        .replace("aougoueioaldljgoiuiorghladkgke@example.fr", ENQUIRER)
        .replace("Message-Id: <45B7FBD7-1218-4FCD-ACA1-4706F111E682@gmail.com>\n", "")
    )

    post_postmark(client, postmark_payload(mime))

    inbound = InboundMessage.objects.get()
    assert inbound.bounced_email == OutboundEmail.objects.get()
    assert OutboundEmail.objects.get().state == EmailState.BOUNCED
    activity = acknowledged_lead.activities.get(kind=ActivityKind.EMAIL_BOUNCED)
    assert activity.data["matched_by"] == f"the recipient {ENQUIRER}"


def test_a_second_report_of_the_same_bounce_asks_nobody_twice(client, acknowledged_lead):
    post_postmark(client, postmark_payload(ses_bounce_of(ACK_ID)))
    again = ses_bounce_of(ACK_ID).replace(
        "Message-Id: <00000132d6ca199d", "Message-Id: <00000132d6ca199e"
    )

    response = post_postmark(client, postmark_payload(again))

    assert response.status_code == 200
    assert InboundMessage.objects.count() == 2
    assert acknowledged_lead.activities.filter(kind=ActivityKind.EMAIL_BOUNCED).count() == 1
    assert FollowUp.objects.filter(lead=acknowledged_lead).count() == 1


def test_a_delay_report_on_our_email_does_not_mark_it_bounced(client, acknowledged_lead):
    mime = (
        ses_bounce_of(ACK_ID)
        .replace("Action: failed", "Action: delayed")
        .replace("Status: 5.0.0 (permanent failure)", "Status: 4.4.7")
    )

    post_postmark(client, postmark_payload(mime))

    assert InboundMessage.objects.get().kind == InboundKind.DELIVERY_REPORT
    assert OutboundEmail.objects.get().state == EmailState.SENT
    assert not FollowUp.objects.filter(lead=acknowledged_lead).exists()


def test_a_bounce_of_mail_we_never_sent_changes_nothing(client, acknowledged_lead):
    # SES reports on its own message to the same address: not ours, so not matched.
    post_postmark(client, postmark_payload(sample("sisimai/email-amazonses-03.eml")))

    inbound = InboundMessage.objects.get()
    assert inbound.bounced_email is None
    assert OutboundEmail.objects.get().state == EmailState.SENT
    assert Contact.objects.get(pk=acknowledged_lead.contact_id).email_undeliverable_at is None


def test_an_undeliverable_address_is_not_acknowledged_again(client, acknowledged_lead):
    post_postmark(client, postmark_payload(ses_bounce_of(ACK_ID)))
    second = LeadFactory(contact=Contact.objects.get(pk=acknowledged_lead.contact_id))
    second.channel = "email"

    acknowledge(lead=second)

    assert not OutboundEmail.objects.filter(lead=second).exists()


def test_machine_mail_is_listed_in_the_admin_with_what_it_is(
    client, acknowledged_lead, django_assert_max_num_queries
):
    post_postmark(client, postmark_payload(ses_bounce_of(ACK_ID)))
    for name in ["sisimai/arf-03.eml", "sisimai/rfc3834-01.eml", "flufl-bounce/qmail_01.eml"]:
        post_postmark(client, postmark_payload(sample(name)))
    client.force_login(UserFactory(username="ops", is_superuser=True))

    with django_assert_max_num_queries(14):
        response = client.get("/admin/leads/inboundmessage/?kind=bounce")

    page = response.content.decode()
    assert response.status_code == 200
    assert ENQUIRER in page
    assert "userx@example.de" in page
    assert "RFC 3464" in page
    assert f"/admin/leads/outboundemail/{OutboundEmail.objects.get().pk}/change/" in page
    assert "Feedback or abuse report" in client.get("/admin/leads/inboundmessage/").content.decode()


def test_a_bounce_on_a_closed_lead_is_recorded_without_a_call_to_make(client, acknowledged_lead):
    Lead.objects.filter(pk=acknowledged_lead.pk).update(
        status="lost", closed_reason="Went elsewhere"
    )

    post_postmark(client, postmark_payload(ses_bounce_of(ACK_ID)))

    assert OutboundEmail.objects.get().state == EmailState.BOUNCED
    assert acknowledged_lead.activities.filter(kind=ActivityKind.EMAIL_BOUNCED).exists()
    assert not FollowUp.objects.filter(lead=acknowledged_lead).exists()


def test_a_bounced_brief_to_a_colleague_asks_nobody_to_phone_the_enquirer(
    client, acknowledged_lead
):
    brief_id = "<LD-2026-90001.brief.9f8e7d6c5b4a@ashdownmarsh.example>"
    OutboundEmail.objects.create(
        lead=acknowledged_lead,
        kind=EmailKind.BRIEF,
        dedupe_key="brief:1",
        to=["left.the.firm@ashdownmarsh.example"],
        subject="New lead",
        body_text="...",
        message_id=brief_id,
        state=EmailState.SENT,
        sent_at=NOW,
    )

    post_postmark(
        client,
        postmark_payload(
            ses_bounce_of(brief_id).replace(ENQUIRER, "left.the.firm@ashdownmarsh.example")
        ),
    )

    assert OutboundEmail.objects.get(kind=EmailKind.BRIEF).state == EmailState.BOUNCED
    assert OutboundEmail.objects.get(kind=EmailKind.ACKNOWLEDGEMENT).state == EmailState.SENT
    assert Contact.objects.get(pk=acknowledged_lead.contact_id).email_undeliverable_at is None
    assert not FollowUp.objects.filter(lead=acknowledged_lead).exists()


def test_flufl_bounce_reads_only_the_top_of_a_huge_text_report():
    lines = "".join(f"<user{i}@example.com>:\nSorry, no mailbox here.\n\n" for i in range(20_000))
    mime = f"Return-Path: <>\nFrom: MAILER-DAEMON@mx.example\nSubject: failure notice\n\n{lines}"
    message = mime_parse(mime)

    read = machine._bounded(message)

    assert read is not message
    assert len(read.get_payload()) <= machine.READ_MAX_CHARS
    small = mime_parse(sample("sisimai/email-amazonses-03.eml"))
    assert machine._bounded(small) is small
    assert verdict_of(mime).kind == InboundKind.BOUNCE
