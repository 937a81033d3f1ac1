"""Every email the product sends is the firm's: From its name at its address, its footer
(legal name, regulator and number, office, phone, privacy and complaints links), and
subjects in plain text."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from firm.calendar import LONDON
from firm.demo import DEMO_PROFILE
from firm.services import firm_profile_update
from leads.choices import EmailKind
from leads.models import OutboundEmail
from leads.services.email import email_message, outbound_email_queue
from leads.steps import acknowledge
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


def _acknowledgement(lead):
    acknowledge(lead=lead)
    return OutboundEmail.objects.get(lead=lead, kind=EmailKind.ACKNOWLEDGEMENT)


def test_a_form_acknowledgement_repeats_the_reference_and_what_was_sent(lead):
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=LONDON), tick=False):
        lead.arrived_at = dt.datetime(2026, 3, 3, 9, 55, tzinfo=LONDON)
        lead.message = "We need advice on R&D tax credits.\nCan you help?"
        lead.save()
        email = _acknowledgement(lead)
    assert email.subject == f"We have your enquiry ({lead.reference}) · Ashdown Marsh"
    assert "Organisation: Ó Briain & Daughters Ltd" in email.body_text
    assert "> We need advice on R&D tax credits.\n> Can you help?" in email.body_text
    assert "A member of our team will reply within one working day." in email.body_text
    assert email.in_reply_to == ""


def test_an_enquiry_that_arrived_long_ago_is_not_promised_a_reply_within_a_day(lead):
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=LONDON), tick=False):
        lead.arrived_at = dt.datetime(2025, 11, 3, 10, 0, tzinfo=LONDON)
        lead.save()
        email = _acknowledgement(lead)
    assert "within one working day" not in email.body_text
    assert "sorry it has taken us until now" in email.body_text


def test_out_of_hours_the_acknowledgement_says_when_the_office_opens(lead):
    friday_night = dt.datetime(2026, 3, 6, 21, 0, tzinfo=LONDON)
    with time_machine.travel(friday_night, tick=False):
        lead.arrived_at = friday_night - dt.timedelta(minutes=5)
        lead.save()
        email = _acknowledgement(lead)
    assert "opens again on Monday 9 March at 09:00" in email.body_text
    assert "reply within one working day" in email.body_text
