"""Reads of the firm's profile and working calendar, each loaded at most once per
request or Celery task (a thread-local memo cleared when a request or task starts and
whenever a profile or calendar row is saved or deleted), so a page or a sweep that asks
a thousand times runs the queries once and never sees a stale calendar after an edit.

Until a partner saves them in the admin, the settings' defaults stand in (nothing is
written by a read): ``LEADTRACK_FIRM_NAME``, ``DEFAULT_FROM_EMAIL``,
``LEADTRACK_RESPONSE_PROMISE`` and ``LEADTRACK_BUSINESS_*``.
"""

import datetime as dt
import threading
from email.utils import parseaddr

from django.conf import settings

from firm.calendar import WorkingCalendar
from firm.models import Closure, FirmCalendar, FirmProfile, WorkingHours

_memo = threading.local()


def cache_clear(*args, **kwargs) -> None:
    """Forget what this thread loaded (connected to request and task starts and to saves)."""
    _memo.__dict__.clear()


def profile_defaults() -> dict:
    """A first run's profile, from the environment."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return {
        "trading_name": settings.LEADTRACK_FIRM_NAME or name,
        "legal_name": settings.LEADTRACK_FIRM_NAME or name,
        "email": address or "enquiries@example.co.uk",
        "response_promise": settings.LEADTRACK_RESPONSE_PROMISE,
    }


def calendar_defaults() -> dict:
    """A first run's calendar, from the environment: nation, and the same hours Monday
    to Friday."""
    return {
        "nation": settings.LEADTRACK_BUSINESS_NATION,
        "opens_at": dt.time.fromisoformat(settings.LEADTRACK_BUSINESS_OPENS),
        "closes_at": dt.time.fromisoformat(settings.LEADTRACK_BUSINESS_CLOSES),
    }


def firm_profile() -> FirmProfile:
    """The firm's profile (an unsaved one from the defaults until it is saved)."""
    profile = getattr(_memo, "profile", None)
    if profile is None:
        profile = FirmProfile.objects.first() or FirmProfile(**profile_defaults())
        _memo.profile = profile
    return profile


def working_calendar() -> WorkingCalendar:
    """The firm's working calendar as plain data (two queries, once per request/task)."""
    calendar = getattr(_memo, "calendar", None)
    if calendar is None:
        calendar = _calendar_load()
        _memo.calendar = calendar
    return calendar


def _calendar_load() -> WorkingCalendar:
    defaults = calendar_defaults()
    rows = list(WorkingHours.objects.select_related("calendar").order_by("weekday"))
    closures = Closure.objects.values_list("first_day", "last_day")
    days: set[dt.date] = set()
    for first, last in closures:
        days.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    if rows:
        nation = rows[0].calendar.nation
        hours = {row.weekday: (row.opens_at, row.closes_at) for row in rows if row.is_open}
        return WorkingCalendar(nation=nation, hours=hours, closures=frozenset(days))
    nation = FirmCalendar.objects.values_list("nation", flat=True).first() or defaults["nation"]
    return WorkingCalendar.standard(
        nation=nation,
        opens_at=defaults["opens_at"],
        closes_at=defaults["closes_at"],
        closures=days,
    )
