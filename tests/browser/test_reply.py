"""Answering an enquirer from the lead page in a real browser: a real inbound email
arrives, a partner starts from a template, edits it, attaches a file and sends it; the
sent message's headers are the firm's and threaded; the enquirer's answer, posted as the
ESP would, joins the same lead."""

from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.test import Client

from firm.demo import DEMO_PROFILE
from firm.services import firm_profile_update
from followups.choices import ReplyPurpose
from followups.models import FollowUp, ReplyTemplate
from leads.choices import ActivityKind, EmailKind, EmailState, InboundKind
from leads.models import InboundMessage, Lead, OutboundEmail
from tests.browser.test_tracker import sign_in
from tests.factories import firm_people
from tests.followups.factories import PolicyFactory, StepFactory
from tests.leads.inbound_support import (
    TRACKING,
    WEBHOOK_SECRET,
    post_postmark,
    postmark_payload,
)
from tests.leads.test_replies import ENQUIRY_ID, SUBJECT, enquiry_mime

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def arrived(transactional_db, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": WEBHOOK_SECRET}
    settings.LEADTRACK_TRACKING_ADDRESS = TRACKING
    firm_profile_update(**{**DEMO_PROFILE, "email": TRACKING})
    people = firm_people()
    StepFactory(policy=PolicyFactory(name="Default", tier=""))
    ReplyTemplate.objects.create(
        name="First response",
        purpose=ReplyPurpose.FIRST_RESPONSE,
        body="Dear {enquirer_name},\n\nThank you for your enquiry about {matter} "
        "({reference}). I am {owner_name}; my direct line is {owner_direct_line}.",
    )
    response = post_postmark(Client(), postmark_payload(enquiry_mime()))
    assert response.status_code == 200
    lead = InboundMessage.objects.get(message_id=ENQUIRY_ID).lead
    return {"lead": lead, **people}


def test_partner_replies_from_the_lead_page_and_the_answer_joins_the_lead(
    arrived, page, screenshot, tmp_path
):
    lead = arrived["lead"]
    sign_in(page, "pat.partner")
    page.goto(f"/admin/leads/lead/{lead.pk}/change/")
    page.wait_for_selector("#reply-box")
    assert page.input_value("#reply-subject") == f"Re: {SUBJECT} [{lead.reference}]"

    page.select_option("#reply-template", label="First response: First response")
    page.click("#reply-template-form input[type=submit]")
    page.wait_for_selector("#reply-body")
    body = page.input_value("#reply-body")
    assert "Dear Siobhán Ó Briain," in body
    lead.refresh_from_db()
    owner = lead.owner.get_full_name()  # routing gave it to a fee earner: their name
    assert lead.reference in body and f"I am {owner};" in body and "0113 496 0000" in body
    page.fill("#reply-body", body + "\n\nCould you send last year's accounts?")
    letter = tmp_path / "engagement-letter.pdf"
    letter.write_bytes(b"%PDF-1.4 engagement letter")
    page.set_input_files("#reply-attachments", str(letter))
    mail.outbox.clear()
    screenshot("reply-box")
    page.click("#reply-send")
    page.wait_for_selector(".messagelist")
    assert "Reply sent to siobhan@obriain.example" in page.inner_text(".messagelist")
    assert "Reply to the enquirer from Pat Partner" in page.inner_text("#conversation")
    screenshot("reply-sent")

    email = OutboundEmail.objects.get(lead=lead, kind=EmailKind.REPLY)
    assert email.state == EmailState.SENT
    [sent] = [m for m in mail.outbox if m.to == ["siobhan@obriain.example"]]
    message = message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    assert message["From"].addresses[0].display_name == "Pat Partner, Ashdown Marsh"
    assert message["From"].addresses[0].addr_spec == TRACKING
    assert message["Reply-To"] == TRACKING
    assert message["In-Reply-To"] == ENQUIRY_ID
    assert message["References"] == ENQUIRY_ID
    assert message["Message-ID"].strip() == email.message_id
    assert message["X-Leadtrack-Reference"] == lead.reference
    assert message["Subject"].strip() == f"Re: {SUBJECT} [{lead.reference}]"  # not &amp;
    assert "last year's accounts" in message.get_body(("plain",)).get_content()
    assert [p.get_filename() for p in message.iter_attachments()] == ["engagement-letter.pdf"]
    lead.refresh_from_db()
    assert lead.first_response_at is not None
    assert lead.activities.filter(kind=ActivityKind.MESSAGE_SENT).count() == 1
    assert FollowUp.objects.get(lead=lead, kind="first_contact").completed_at is not None

    answer = enquiry_mime(
        subject=f"Re: {email.subject}",
        message_id="<CAF=answer.browser.0002@mail.gmail.com>",
        body="Attached. Thanks, Siobhán",
        in_reply_to=email.message_id,
        references=f"{ENQUIRY_ID} {email.message_id}",
    )
    assert post_postmark(Client(), postmark_payload(answer)).status_code == 200
    inbound = InboundMessage.objects.get(message_id="<CAF=answer.browser.0002@mail.gmail.com>")
    assert (inbound.kind, inbound.lead_id) == (InboundKind.REPLY, lead.pk)
    assert Lead.objects.count() == 1
    page.reload()
    assert "Attached. Thanks" in page.inner_text("#conversation")


def test_a_draft_is_saved_and_finished_later(arrived, page):
    lead = arrived["lead"]
    sign_in(page, "pat.partner")
    page.goto(f"/admin/leads/lead/{lead.pk}/change/")
    page.fill("#reply-body", "A first go at the answer")
    page.click("#reply-draft")
    page.wait_for_selector(".messagelist")
    assert "Draft saved" in page.inner_text(".messagelist")
    draft = OutboundEmail.objects.get(lead=lead, kind=EmailKind.REPLY)
    assert draft.state == EmailState.DRAFT
    page.click("text=Finish and send this draft")
    page.wait_for_selector("#reply-form input[name=draft]", state="attached")
    assert page.input_value("#reply-body") == "A first go at the answer"
    page.fill("#reply-body", "The finished answer")
    page.click("#reply-send")
    page.wait_for_selector(".messagelist")
    draft.refresh_from_db()
    assert draft.state == EmailState.SENT and "The finished answer" in draft.body_text
