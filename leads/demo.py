"""A handful of demo enquiries so a new tracker has something to show. Each is captured
through the real capture service, once (a fixed external id per enquiry)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from leads.choices import Channel, ReferrerKind
from leads.services import ContactDetails, lead_capture, referral_source_get_or_create

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


def _load_staff_entries(*, now) -> None:
    """A referral from a referrer the firm knows, and a phone call, as staff log them."""
    owner = get_user_model().objects.filter(username="priya.shah").first()
    referrer = referral_source_get_or_create(
        name="Sam Lloyd",
        kind=ReferrerKind.PERSON,
        organisation="Northern Bank plc",
        email="sam.lloyd@northernbank.example",
        relationship_owner=owner,
    )
    referral_source_get_or_create(
        name="Hardy & Co Chartered Accountants",
        kind=ReferrerKind.FIRM,
        email="intros@hardyco.example",
        relationship_owner=owner,
    )
    lead_capture(
        channel=Channel.REFERRAL,
        contact=ContactDetails(
            name="Olivia Grant",
            email="olivia@grantlogistics.example",
            organisation="Grant Logistics Ltd",
        ),
        subject="Shareholder dispute",
        message="Sam at Northern Bank suggested we speak to you: two of our four "
        "shareholders want to sell and the articles are unclear. Turnover is about £12m.",
        source=f"Referral: {referrer}",
        arrived_at=now - timedelta(hours=20),
        provider="demo",
        external_id="demo-referral-1",
        actor=owner,
        referral_source=referrer,
    )
    lead_capture(
        channel=Channel.PHONE,
        contact=ContactDetails(name="Tom Baker", phone="0161 496 0123"),
        subject="Commercial lease renewal",
        message="Landlord proposes a 20% rent rise at renewal in October; wants to negotiate.",
        source="Phone call",
        arrived_at=now - timedelta(hours=6),
        provider="demo",
        external_id="demo-phone-1",
        actor=owner,
    )


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
    _load_staff_entries(now=now)
    if stdout is not None:
        stdout.write(f"  demo enquiries: {len(ENQUIRIES) + 2} (incl. a referral and a phone call)")
