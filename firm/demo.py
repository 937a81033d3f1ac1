"""The demo firm's profile and working calendar: Ashdown Marsh LLP, solicitors and
chartered accountants in Leeds, regulated by the SRA (demo numbers), open 09:00-17:30
Monday to Friday with England and Wales's bank holidays and a Christmas shutdown."""

import datetime as dt

from django.utils import timezone

from firm.choices import Nation
from firm.models import Closure
from firm.services import firm_calendar_ensure, firm_profile_update

DEMO_PROFILE = {
    "trading_name": "Ashdown Marsh",
    "legal_name": "Ashdown Marsh LLP",
    "regulator": "Solicitors Regulation Authority",
    "regulator_number": "654321",
    "registered_office": "14 Park Square East\nLeeds\nLS1 2NE",
    "company_number": "OC412345",
    "phone": "0113 496 0000",
    "website": "https://www.ashdownmarsh.example",
    "privacy_url": "https://www.ashdownmarsh.example/privacy",
    "complaints_url": "https://www.ashdownmarsh.example/complaints",
    "email": "enquiries@ashdownmarsh.example",
    "response_promise": "within one working day",
}


def load(*, stdout=None) -> None:
    """Create or update the demo firm's profile and calendar (idempotent)."""
    firm_profile_update(**DEMO_PROFILE)
    calendar = firm_calendar_ensure()
    if calendar.nation != Nation.ENGLAND_AND_WALES:
        calendar.nation = Nation.ENGLAND_AND_WALES
        calendar.save(update_fields=["nation"])
    year = timezone.localdate().year
    Closure.objects.update_or_create(
        calendar=calendar,
        first_day=dt.date(year, 12, 29),
        defaults={"last_day": dt.date(year, 12, 31), "description": "Christmas shutdown"},
    )
    if stdout is not None:
        stdout.write(f"  firm: {DEMO_PROFILE['legal_name']}, working calendar (England and Wales)")
