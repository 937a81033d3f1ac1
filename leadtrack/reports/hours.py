"""The firm's working hours as the tracker reads them: which arrivals came out of hours,
and how much working time a lead has waited.

One small module so the reports, the dashboard and the lead list agree. Opening hours
and working days come from settings (``LEADTRACK_OPENING_HOURS``,
``LEADTRACK_WORKING_DAYS``), bank holidays from the ``holidays`` package (England and
Wales by default, ``LEADTRACK_BANK_HOLIDAY_SUBDIV``), all in Europe/London.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.functions import ExtractIsoWeekDay, TruncDate, TruncTime
from django.db.models.lookups import GreaterThanOrEqual, In, LessThan

LONDON = zoneinfo.ZoneInfo("Europe/London")


@dataclass(frozen=True)
class WorkingHours:
    opens: dt.time
    closes: dt.time
    weekdays: frozenset[int]  # ISO: Monday 1 .. Sunday 7

    def bank_holidays(self, first_year: int, last_year: int) -> frozenset[dt.date]:
        return _bank_holidays(first_year, last_year)

    def is_working_day(self, day: dt.date) -> bool:
        return day.isoweekday() in self.weekdays and day not in _bank_holidays(day.year, day.year)

    def is_working_time(self, moment: dt.datetime) -> bool:
        """Whether an aware moment falls inside the firm's opening hours (London)."""
        local = moment.astimezone(LONDON)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def working_seconds(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working time between two aware moments, in seconds (0 when end <= start)."""
        if end <= start:
            return 0.0
        start_local, end_local = start.astimezone(LONDON), end.astimezone(LONDON)
        total = 0.0
        day = start_local.date()
        while day <= end_local.date():
            if self.is_working_day(day):
                day_open = dt.datetime.combine(day, self.opens, tzinfo=LONDON)
                day_close = dt.datetime.combine(day, self.closes, tzinfo=LONDON)
                lo, hi = max(day_open, start_local), min(day_close, end_local)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += dt.timedelta(days=1)
        return total


@lru_cache(maxsize=32)
def _bank_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    subdiv = getattr(settings, "LEADTRACK_BANK_HOLIDAY_SUBDIV", "ENG")
    calendar = holidays.country_holidays(
        "GB", subdiv=subdiv, years=range(first_year, last_year + 1)
    )
    return frozenset(calendar)


def _parse_hours(text: str) -> tuple[dt.time, dt.time]:
    try:
        opens_text, closes_text = (part.strip() for part in text.split("-"))
        opens, closes = dt.time.fromisoformat(opens_text), dt.time.fromisoformat(closes_text)
    except ValueError as exc:
        raise ValueError(
            f"LEADTRACK_OPENING_HOURS is “{text}”; write it as HH:MM-HH:MM, e.g. 09:00-17:30."
        ) from exc
    if closes <= opens:
        raise ValueError(f"LEADTRACK_OPENING_HOURS “{text}” closes before it opens.")
    return opens, closes


def working_hours() -> WorkingHours:
    """The firm's working hours from settings."""
    opens, closes = _parse_hours(settings.LEADTRACK_OPENING_HOURS)
    return WorkingHours(
        opens=opens, closes=closes, weekdays=frozenset(settings.LEADTRACK_WORKING_DAYS)
    )


def in_working_hours(field: str, *, first_year: int, last_year: int) -> Case:
    """A database expression: True when ``field`` (a datetime) fell in working hours in
    London, False when it fell out of hours (evenings, weekends, bank holidays)."""
    hours = working_hours()
    weekday = ExtractIsoWeekDay(field, tzinfo=LONDON)
    local_time = TruncTime(field, tzinfo=LONDON)
    local_date = TruncDate(field, tzinfo=LONDON)
    bank_holidays = sorted(hours.bank_holidays(first_year, last_year))
    condition = (
        Q(In(weekday, sorted(hours.weekdays)))
        & Q(GreaterThanOrEqual(local_time, Value(hours.opens)))
        & Q(LessThan(local_time, Value(hours.closes)))
    )
    if bank_holidays:
        condition &= ~Q(In(local_date, bank_holidays))
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
