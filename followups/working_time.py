"""Working time: due times counted in the firm's business hours.

Europe/London wall-clock opening hours on working days, skipping the UK bank holidays of
the firm's nation (the ``holidays`` package, subdivision ENG/SCT/NIR) and the firm's own
closure dates. Arithmetic is done on aware datetimes built from the London wall clock of
each day, so the March and October clock changes fall out of ``zoneinfo``: a working hour
is always sixty real minutes, and opening time is always 09:00 on the clock.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from followups.choices import IntervalUnit

LONDON = ZoneInfo("Europe/London")
# A working calendar with no working day in this many days is misconfigured.
SEARCH_DAYS = 3700


@lru_cache(maxsize=64)
def bank_holidays(nation: str, year: int) -> frozenset[dt.date]:
    """The nation's bank holidays in a year (England and Wales share England's)."""
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year).keys())


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable snapshot of the firm's calendar, loaded once per operation."""

    nation: str = "ENG"
    opens_at: dt.time = dt.time(9, 0)
    closes_at: dt.time = dt.time(17, 30)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    closures: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def load(cls) -> "WorkingCalendar":
        """The firm's calendar as configured in the admin (settings' defaults until then)."""
        from followups.models import ClosureDate
        from followups.selectors import business_calendar

        calendar = business_calendar()
        return cls(
            nation=calendar.nation,
            opens_at=calendar.opens_at,
            closes_at=calendar.closes_at,
            weekdays=calendar.working_weekdays,
            closures=frozenset(ClosureDate.objects.values_list("date", flat=True)),
        )

    @property
    def day_length(self) -> dt.timedelta:
        today = dt.date(2000, 1, 3)
        return dt.datetime.combine(today, self.closes_at) - dt.datetime.combine(
            today, self.opens_at
        )

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() in self.weekdays
            and day not in self.closures
            and day not in bank_holidays(self.nation, day.year)
        )

    def opening_hours(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The day's opening and closing moments, aware, from the London wall clock."""
        return (
            dt.datetime.combine(day, self.opens_at, tzinfo=LONDON),
            dt.datetime.combine(day, self.closes_at, tzinfo=LONDON),
        )

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(LONDON)
        if not self.is_working_day(local.date()):
            return False
        opens, closes = self.opening_hours(local.date())
        return opens <= local < closes

    def next_working_day(self, day: dt.date) -> dt.date:
        for offset in range(1, SEARCH_DAYS):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("The business calendar has no working day; tick some working days.")

    def add_working(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment ``duration`` of working time after ``start``.

        Time outside opening hours does not count; a zero duration from outside hours
        lands on the next opening.
        """
        if duration < dt.timedelta(0):
            raise ValueError("Working time cannot be counted backwards.")
        local = start.astimezone(LONDON)
        day = local.date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
            cursor = self.opening_hours(day)[0]
        else:
            opens, closes = self.opening_hours(day)
            if local >= closes:
                day = self.next_working_day(day)
                cursor = self.opening_hours(day)[0]
            else:
                cursor = max(local, opens)
        remaining = duration
        while True:
            closes = self.opening_hours(day)[1]
            available = closes - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            day = self.next_working_day(day)
            cursor = self.opening_hours(day)[0]

    def add(
        self, start: dt.datetime, interval: int, unit: str, *, calendar_time: bool = False
    ) -> dt.datetime:
        """``interval`` ``unit`` after ``start``: in working time (a day is one day's
        opening hours), or in calendar time (a day is the same clock time the next day)."""
        unit = IntervalUnit(unit)
        if calendar_time:
            if unit == IntervalUnit.DAYS:
                local = start.astimezone(LONDON)
                wall = local.replace(tzinfo=None) + dt.timedelta(days=interval)
                return wall.replace(tzinfo=LONDON)
            minutes = interval * (60 if unit == IntervalUnit.HOURS else 1)
            return start + dt.timedelta(minutes=minutes)
        if unit == IntervalUnit.DAYS:
            return self.add_working(start, self.day_length * interval)
        minutes = interval * (60 if unit == IntervalUnit.HOURS else 1)
        return self.add_working(start, dt.timedelta(minutes=minutes))

    def working_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """How much working time lies between two moments (zero if end is not later)."""
        if end <= start:
            return dt.timedelta(0)
        total = dt.timedelta(0)
        day = start.astimezone(LONDON).date()
        last = end.astimezone(LONDON).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self.opening_hours(day)
                low, high = max(opens, start), min(closes, end)
                if high > low:
                    total += high - low
            day += dt.timedelta(days=1)
        return total
