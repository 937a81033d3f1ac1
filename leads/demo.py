"""A handful of demo enquiries so a new tracker has something to show. Each is captured
through the real capture service, once (a fixed external id per enquiry)."""

from datetime import timedelta

from django.utils import timezone

from leads.choices import Channel
from leads.services import ContactDetails, lead_capture

ENQUIRIES = [
    (
        Channel.WEB_FORM,
        "Website enquiry form",
        3,
        ContactDetails(
            name="Rachel Turner", email="rachel.turner@example.com", phone="07912 345678"
        ),
        "Unfair dismissal",
        "I was dismissed last week after raising a grievance about my manager. I think it was "
        "unfair dismissal and I want advice before the tribunal deadline. I earn £48,000.",
    ),
    (
        Channel.EMAIL,
        "info@ mailbox",
        26,
        ContactDetails(
            name="Mark Ellis",
            email="mark.ellis@ellis-engineering.example",
            organisation="Ellis Engineering Ltd",
        ),
        "Sale of our business",
        "I am the managing director of Ellis Engineering Ltd (45 employees, turnover £6m). We "
        "have an offer of £3.2m for the company and need a solicitor for the sale.",
    ),
    (
        Channel.API,
        "Google Ads landing page",
        50,
        ContactDetails(name="Priti Patel", email="priti.patel@example.org"),
        "Buying a flat in Leeds",
        "We are buying a leasehold flat for £285,000 and hope to complete in six weeks. Could "
        "you quote for conveyancing?",
    ),
    (
        Channel.SOCIAL,
        "LinkedIn",
        75,
        ContactDetails(
            name="Ben Hartley",
            email="ben@hartleyrobotics.example",
            organisation="Hartley Robotics Ltd",
        ),
        "R&D tax credits",
        "We spent about £400k developing a new robotic arm last year. Can you help with an R&D "
        "tax credit claim before our year end?",
    ),
]


def load(*, stdout=None) -> None:
    """Capture the demo enquiries (once each)."""
    now = timezone.now()
    for number, (channel, source, hours_ago, contact, subject, message) in enumerate(
        ENQUIRIES, start=1
    ):
        lead_capture(
            channel=channel,
            contact=contact,
            subject=subject,
            message=message,
            source=source,
            arrived_at=now - timedelta(hours=hours_ago),
            provider="demo",
            external_id=f"demo-enquiry-{number}",
        )
    if stdout is not None:
        stdout.write(f"  demo enquiries: {len(ENQUIRIES)}")
