"""The acknowledgement: once per genuine new enquiry, naming the firm, the reference and
when to expect an answer; never for joined enquiries or staff-logged channels, never
twice, and safe against a hostile name."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from leads.choices import ActivityKind, Channel, EmailKind, EmailState
from leads.models import OutboundEmail
from leads.services import ContactDetails, lead_capture, pipeline_run
from leads.steps import acknowledge

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    """Capture with its after-commit work (pipeline, email send) run, as in production."""

    def run(channel=Channel.WEB_FORM, *, name="Jane Doe", email="jane@example.com", **kwargs):
        kwargs.setdefault("message", "Advice on a commercial lease, please.")
        with django_capture_on_commit_callbacks(execute=True):
            return lead_capture(
                channel=channel, contact=ContactDetails(name=name, email=email), **kwargs
            )

    return run


@time_machine.travel(NOW, tick=False)
def test_new_web_enquiry_gets_one_acknowledgement_naming_reference_and_promise(
    run_commits, settings
):
    settings.LEADTRACK_FIRM_NAME = "Ashdown Marsh LLP"
    settings.LEADTRACK_RESPONSE_PROMISE = "within one working day"
    lead = run_commits().lead

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jane@example.com"]
    assert lead.reference in message.subject
    assert "Ashdown Marsh LLP" in message.subject
    assert "within one working day" in message.body
    assert lead.reference in message.body
    assert message.extra_headers["X-Leadtrack-Reference"] == lead.reference
    message_id = message.extra_headers["Message-ID"]
    assert lead.reference in message_id and "acknowledgement" in message_id
    stored = OutboundEmail.objects.get(lead=lead)
    assert stored.kind == EmailKind.ACKNOWLEDGEMENT
    assert stored.state == EmailState.SENT
    assert stored.message_id == message_id
    entry = lead.activities.get(kind=ActivityKind.ACKNOWLEDGEMENT_SENT)
    assert entry.data["message_id"] == message_id


@time_machine.travel(NOW, tick=False)
def test_acknowledgement_is_never_sent_twice(run_commits, django_capture_on_commit_callbacks):
    lead = run_commits().lead
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(lead=lead)  # a retried step
        pipeline_run(lead_id=lead.pk)  # a resumed pipeline
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.filter(lead=lead).count() == 1


@time_machine.travel(NOW, tick=False)
def test_joined_enquiry_gets_no_second_acknowledgement(run_commits):
    first = run_commits(Channel.EMAIL)
    second = run_commits(Channel.WEB_FORM, message=f"One more thing on {first.lead.reference}")
    assert second.joined
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.filter(lead=first.lead).count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.REFERRAL, Channel.IMPORT])
def test_staff_logged_and_imported_channels_get_no_acknowledgement(run_commits, channel):
    lead = run_commits(channel).lead
    lead.refresh_from_db()
    assert not lead.send_acknowledgement
    assert lead.pipeline_completed_at is not None
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.API, Channel.SOCIAL])
def test_channels_where_the_enquirer_wrote_in_are_acknowledged(run_commits, channel):
    run_commits(channel)
    assert len(mail.outbox) == 1


@time_machine.travel(NOW, tick=False)
def test_capture_told_not_to_acknowledge_sends_nothing(run_commits):
    run_commits(Channel.WEB_FORM, acknowledge=False)
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
def test_enquirer_without_email_gets_nothing_and_the_pipeline_completes(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_capture(
            channel=Channel.API,
            contact=ContactDetails(name="Caller", phone="020 7946 0000"),
            message="Please ring me",
        ).lead
    lead.refresh_from_db()
    assert lead.pipeline_completed_at is not None
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
def test_hostile_name_cannot_add_headers_to_the_acknowledgement(run_commits):
    run_commits(name="Eve\r\nBcc: victim@example.com\r\nSubject: Win", email="eve@example.com")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.bcc == []
    assert message.to == ["eve@example.com"]
    raw = message.message().as_string()
    headers, _, _ = raw.partition("\n\n")
    assert "Bcc:" not in headers
    assert "victim@example.com" not in headers
    assert "Subject: Win" not in headers
    assert "Dear Eve Bcc: victim@example.com Subject: Win," in message.body
