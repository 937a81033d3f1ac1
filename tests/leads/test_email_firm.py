"""Every email the product sends is the firm's: From its name at its address, its footer
(legal name, regulator and number, office, phone, privacy and complaints links), and
subjects in plain text."""

import pytest
from django.core import mail

from firm.demo import DEMO_PROFILE
from firm.services import firm_profile_update
from leads.choices import EmailKind
from leads.services.email import email_message, outbound_email_queue
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

TEMPLATES = ["acknowledgement", "brief", "brief_digest", "digest", "escalation", "weekly_summary"]


@pytest.fixture
def lead():
    firm_profile_update(**DEMO_PROFILE)
    return LeadFactory(
        subject="R&D tax credits",
        contact__name="Siobhán Ó Briain",
        contact__organisation="Ó Briain & Daughters Ltd",
    )


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_email_carries_the_firms_footer_and_comes_from_the_firm(lead, template):
    email = outbound_email_queue(
        kind=EmailKind.OTHER,
        to=["someone@example.com"],
        template=f"emails/{template}",
        context={
            "lead": lead,
            "contact": lead.contact,
            "count": 1,
            "briefs": [],
            "member": {"name": "Tom Hughes", "user": {"first_name": "Tom"}},
            "head": {"name": "Priya Shah", "user": {"first_name": "Priya"}},
            "team": {"name": "Employment"},
        },
        dedupe_key=f"test:{template}",
        lead=lead,
    )
    for text in (email.body_text, email.body_html):
        assert "Ashdown Marsh LLP" in text
        assert "Authorised and regulated by the Solicitors Regulation Authority" in text
        assert "654321" in text and "14 Park Square East, Leeds, LS1 2NE" in text
        assert "OC412345" in text and "0113 496 0000" in text
        assert "https://www.ashdownmarsh.example/privacy" in text
        assert "https://www.ashdownmarsh.example/complaints" in text
    message = email_message(email)
    assert message.from_email == "Ashdown Marsh <enquiries@ashdownmarsh.example>"
    assert message.reply_to == ["enquiries@ashdownmarsh.example"]
    assert "Leadtrack <" not in message.from_email


def test_subjects_are_plain_text_not_html_escaped(lead):
    email = outbound_email_queue(
        kind=EmailKind.BRIEF,
        to=["tom@example.com"],
        template="emails/brief",
        context={"lead": lead, "contact": lead.contact, "tier": "A"},
        dedupe_key="test:brief-subject",
        lead=lead,
    )
    assert email.subject == (
        f"Tier A · New lead {lead.reference}: Siobhán Ó Briain (Ó Briain & Daughters Ltd)"
    )
    assert "&amp;" not in email.body_text and "Ó Briain & Daughters Ltd" in email.body_text
    assert "Ó Briain &amp; Daughters Ltd" in email.body_html  # HTML is still escaped
    email_message(email).send()
    assert mail.outbox[-1].subject == email.subject


def test_site_url_follows_port_for_a_local_run():
    """``make run PORT=8731`` exports PORT; with no SITE_URL, links point at that port."""
    import os
    import subprocess
    import sys

    environment = {**os.environ, "PORT": "8731", "DEBUG": "true"}
    environment.pop("SITE_URL", None)
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "leadtrack.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8731"
