"""The SMTP path for real: Leadtrack's emails delivered to a local SMTP server (aiosmtpd)
with the headers a mail client threads on, not only to the in-memory backend."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from firm.demo import DEMO_PROFILE
from firm.services import firm_profile_update
from leads.choices import EmailState
from leads.services.email import outbound_email_send
from leads.services.replies import lead_reply_save
from tests.factories import LeadFactory, UserFactory


class Inbox:
    """An aiosmtpd handler that keeps what it is sent."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on the loopback address
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield inbox
    controller.stop()


def test_a_reply_goes_over_smtp_threaded_and_from_the_firm(
    db, smtp_server, django_capture_on_commit_callbacks
):
    firm_profile_update(**DEMO_PROFILE)
    lead = LeadFactory(subject="R&D tax credits", contact__email="siobhan@obriain.example")
    writer = UserFactory(first_name="Tom", last_name="Hughes")
    with django_capture_on_commit_callbacks(execute=True):
        email = lead_reply_save(
            lead=lead, actor=writer, subject="Re: R&D tax credits", text="I will call you."
        )
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "enquiries@ashdownmarsh.example"
    assert envelope.rcpt_tos == ["siobhan@obriain.example"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert str(message["From"]) == '"Tom Hughes, Ashdown Marsh" <enquiries@ashdownmarsh.example>'
    assert message["Reply-To"] == "enquiries@ashdownmarsh.example"
    assert message["Subject"] == "Re: R&D tax credits"
    assert message["Message-ID"].strip() == email.message_id
    assert message["X-Leadtrack-Reference"] == lead.reference
    assert "I will call you." in message.get_body(("plain",)).get_content()


def test_an_smtp_server_that_refuses_leaves_the_email_queued_with_the_reason(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    lead = LeadFactory(contact__email="siobhan@obriain.example")
    email = lead_reply_save(
        lead=lead, actor=UserFactory(), subject="Re: your enquiry", text="Hello"
    )
    email = outbound_email_send(email_id=email.pk)
    assert email.state == EmailState.QUEUED and "Connection" in email.error
