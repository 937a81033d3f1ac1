"""Writes of the firm app: the profile and the calendar rows made once from the
environment's defaults (the admin then edits them), and the demo firm's values."""

from django.db import transaction

from firm.choices import Weekday
from firm.models import SINGLETON_ID, FirmCalendar, FirmProfile, WorkingHours
from firm.selectors import cache_clear, calendar_defaults, profile_defaults


@transaction.atomic
def firm_profile_ensure() -> FirmProfile:
    """The profile row, created from the defaults the first time."""
    profile, _ = FirmProfile.objects.get_or_create(pk=SINGLETON_ID, defaults=profile_defaults())
    cache_clear()
    return profile


@transaction.atomic
def firm_calendar_ensure() -> FirmCalendar:
    """The calendar row with a row of hours for each weekday, created from the defaults
    the first time (Monday to Friday open, the weekend closed)."""
    defaults = calendar_defaults()
    calendar, _ = FirmCalendar.objects.get_or_create(
        pk=SINGLETON_ID, defaults={"nation": defaults["nation"]}
    )
    have = set(calendar.hours.values_list("weekday", flat=True))
    WorkingHours.objects.bulk_create(
        [
            WorkingHours(
                calendar=calendar,
                weekday=day,
                is_open=day < Weekday.SATURDAY,
                opens_at=defaults["opens_at"],
                closes_at=defaults["closes_at"],
            )
            for day in Weekday.values
            if day not in have
        ]
    )
    cache_clear()
    return calendar


@transaction.atomic
def firm_profile_update(**values) -> FirmProfile:
    """Set profile fields (validated), creating the row first if need be."""
    profile = firm_profile_ensure()
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    cache_clear()
    return profile
