"""The firm's working hours as the tracker reads them: which arrivals came out of hours,
and how much working time a lead has waited.

The calendar is the firm's working calendar (Europe/London opening hours per weekday,
UK bank holidays of the firm's nation and the firm's own closure dates),
so the reports, the dashboard, the lead list and the follow-up due times all agree.
"""

import datetime as dt

from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.functions import ExtractIsoWeekDay, TruncDate, TruncTime
from django.db.models.lookups import GreaterThanOrEqual, In, LessThan

from firm.calendar import LONDON, WorkingCalendar, bank_holidays
from firm.selectors import working_calendar

__all__ = [
    "LONDON",
    "in_working_hours",
    "non_working_dates",
    "working_calendar",
    "working_seconds",
]


def non_working_dates(calendar: WorkingCalendar, first_year: int, last_year: int) -> list[dt.date]:
    """Bank holidays and the firm's closure dates in the years given."""
    dates = set(calendar.closures)
    for year in range(first_year, last_year + 1):
        dates |= bank_holidays(calendar.nation, year)
    return sorted(day for day in dates if first_year <= day.year <= last_year)


def working_seconds(calendar: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> float:
    """Working time between two moments, in seconds."""
    return calendar.working_between(start, end).total_seconds()


def in_working_hours(
    field: str, *, first_year: int, last_year: int, calendar: WorkingCalendar | None = None
) -> Case | Value:
    """A database expression: True when ``field`` (a datetime) fell in working hours in
    London, False when it fell out of hours (evenings, weekends, bank holidays, closures)."""
    calendar = calendar or working_calendar()
    weekday = ExtractIsoWeekDay(field, tzinfo=LONDON)
    local_time = TruncTime(field, tzinfo=LONDON)
    local_date = TruncDate(field, tzinfo=LONDON)
    # Days with the same hours share one test: one term per distinct opening time.
    by_hours: dict[tuple[dt.time, dt.time], list[int]] = {}
    for day, hours in calendar.hours.items():
        by_hours.setdefault(hours, []).append(day + 1)
    terms = [
        Q(In(weekday, sorted(days)))
        & Q(GreaterThanOrEqual(local_time, Value(opens)))
        & Q(LessThan(local_time, Value(closes)))
        for (opens, closes), days in by_hours.items()
    ]
    if not terms:
        return Value(False, output_field=BooleanField())
    condition = terms[0]
    for term in terms[1:]:
        condition |= term
    closed_days = non_working_dates(calendar, first_year, last_year)
    if closed_days:
        condition &= ~Q(In(local_date, closed_days))
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
