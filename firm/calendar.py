"""Working time: the firm's one working calendar as plain data, and the arithmetic on it.

``WorkingCalendar`` is an immutable snapshot (nation for bank holidays, opening hours per
weekday, closure dates) with no database access, so a pure function anywhere (the
qualification app's extraction, a report) can be handed one as an argument; the firm's
own calendar is loaded by ``firm.selectors.working_calendar()``.

Europe/London wall-clock opening hours on working days, skipping the UK bank holidays of
the firm's nation (the ``holidays`` package, subdivision ENG/SCT/NIR) and the firm's own
closure dates. Arithmetic is done on aware datetimes built from the London wall clock of
each day, so the March and October clock changes fall out of ``zoneinfo``: a working hour
is always sixty real minutes, and opening time is always what the clock says.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
# A working calendar with no working day in this many days is misconfigured.
SEARCH_DAYS = 3700
STANDARD_OPENS = dt.time(9, 0)
STANDARD_CLOSES = dt.time(17, 30)
# Interval units (the follow-up policies' vocabulary, spelled out here as plain strings
# because this module sits below every app).
DAYS, HOURS, MINUTES = "days", "hours", "minutes"

Hours = tuple[dt.time, dt.time]


@lru_cache(maxsize=64)
def bank_holidays(nation: str, year: int) -> frozenset[dt.date]:
    """The nation's bank holidays in a year (England and Wales share England's)."""
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year).keys())


def _standard_hours() -> dict[int, Hours]:
    return {day: (STANDARD_OPENS, STANDARD_CLOSES) for day in range(5)}


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable snapshot of a working calendar.

    ``hours`` maps a weekday (Monday 0) to its opening and closing times; a weekday not
    in it is not worked. Build one with ``WorkingCalendar.standard(...)`` for the same
    hours every working day.
    """

    nation: str = "ENG"
    hours: Mapping[int, Hours] = field(default_factory=_standard_hours)
    closures: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for weekday, (opens, closes) in self.hours.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"{weekday} is not a weekday (0 is Monday, 6 Sunday).")
            if opens >= closes:
                raise ValueError("A working day must close after it opens.")
        # Frozen dataclass: a read-only copy so a snapshot cannot be changed under a caller.
        object.__setattr__(self, "hours", dict(sorted(self.hours.items())))

    def __hash__(self) -> int:
        return hash((self.nation, tuple(self.hours.items()), self.closures))

    @classmethod
    def standard(
        cls,
        *,
        nation: str = "ENG",
        opens_at: dt.time = STANDARD_OPENS,
        closes_at: dt.time = STANDARD_CLOSES,
        weekdays: Iterable[int] = (0, 1, 2, 3, 4),
        closures: Iterable[dt.date] = (),
    ) -> "WorkingCalendar":
        """The same opening hours on each of ``weekdays``."""
        return cls(
            nation=nation,
            hours={day: (opens_at, closes_at) for day in weekdays},
            closures=frozenset(closures),
        )

    # -- the shape of the week ---------------------------------------------------------

    @property
    def weekdays(self) -> frozenset[int]:
        """The weekdays worked (Monday 0)."""
        return frozenset(self.hours)

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() in self.hours
            and day not in self.closures
            and day not in bank_holidays(self.nation, day.year)
        )

    def opening_hours(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The day's opening and closing moments, aware, from the London wall clock (a
        day that is not worked gives its weekday's hours, or the standard ones)."""
        opens, closes = self.hours.get(day.weekday(), (STANDARD_OPENS, STANDARD_CLOSES))
        return (
            dt.datetime.combine(day, opens, tzinfo=LONDON),
            dt.datetime.combine(day, closes, tzinfo=LONDON),
        )

    def day_length(self, day: dt.date) -> dt.timedelta:
        opens, closes = self.opening_hours(day)
        return closes - opens

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(LONDON)
        if not self.is_working_day(local.date()):
            return False
        opens, closes = self.opening_hours(local.date())
        return opens <= local < closes

    def is_within_hours(self, moment: dt.datetime) -> bool:
        """Whether something may fall due at ``moment``: on a working day, from opening
        up to and including closing time ("by close of business")."""
        local = moment.astimezone(LONDON)
        if not self.is_working_day(local.date()):
            return False
        opens, closes = self.opening_hours(local.date())
        return opens <= local <= closes

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day after ``day``."""
        for offset in range(1, SEARCH_DAYS):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("The working calendar has no working day; give some days hours.")

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself when the firm is open then, else when it next opens."""
        local = moment.astimezone(LONDON)
        day = local.date()
        if self.is_working_day(day):
            opens, closes = self.opening_hours(day)
            if local < opens:
                return opens
            if local < closes:
                return moment
        return self.opening_hours(self.next_working_day(day))[0]

    # -- arithmetic --------------------------------------------------------------------

    def _start(self, start: dt.datetime) -> tuple[dt.date, dt.datetime]:
        """The working day and moment counting starts from (the next opening if closed)."""
        local = start.astimezone(LONDON)
        day = local.date()
        if self.is_working_day(day):
            opens, closes = self.opening_hours(day)
            if local < closes:
                return day, max(local, opens)
        day = self.next_working_day(day)
        return day, self.opening_hours(day)[0]

    def add_working(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment ``duration`` of working time after ``start``.

        Time outside opening hours does not count; a zero duration from outside hours
        lands on the next opening.
        """
        if duration < dt.timedelta(0):
            raise ValueError("Working time cannot be counted backwards.")
        day, cursor = self._start(start)
        remaining = duration
        while True:
            closes = self.opening_hours(day)[1]
            available = closes - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            day = self.next_working_day(day)
            cursor = self.opening_hours(day)[0]

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """``days`` working days after ``start``: the same point in the working day that
        many working days on (capped at that day's close); from an opening, the close of
        the last of those days."""
        if days < 0:
            raise ValueError("Working time cannot be counted backwards.")
        day, cursor = self._start(start)
        if days == 0:
            return cursor
        into_day = cursor - self.opening_hours(day)[0]
        if into_day == dt.timedelta(0):
            for _ in range(days - 1):
                day = self.next_working_day(day)
            return self.opening_hours(day)[1]
        for _ in range(days):
            day = self.next_working_day(day)
        opens, closes = self.opening_hours(day)
        return min(opens + into_day, closes)

    def add(
        self, start: dt.datetime, interval: int, unit: str, *, calendar_time: bool = False
    ) -> dt.datetime:
        """``interval`` ``unit`` (days, hours or minutes) after ``start``: in working
        time (a day is one working day), or in calendar time (a day is the same clock
        time the next day)."""
        unit = str(unit)
        if unit not in (DAYS, HOURS, MINUTES):
            raise ValueError(f"“{unit}” is not an interval unit (days, hours or minutes).")
        if calendar_time:
            if unit == DAYS:
                local = start.astimezone(LONDON)
                wall = local.replace(tzinfo=None) + dt.timedelta(days=interval)
                return wall.replace(tzinfo=LONDON)
            minutes = interval * (60 if unit == HOURS else 1)
            return start + dt.timedelta(minutes=minutes)
        if unit == DAYS:
            return self.add_working_days(start, interval)
        minutes = interval * (60 if unit == HOURS else 1)
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

    # -- dates only (for extraction that works in days) --------------------------------

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if not later)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def add_working_days_to_date(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start``."""
        day = start
        for _ in range(days):
            day = self.next_working_day(day)
        return day


def is_working_day(calendar: WorkingCalendar, day: dt.date) -> bool:
    """Whether ``day`` is worked in ``calendar`` (for callers that pass plain data)."""
    return calendar.is_working_day(day)


def working_days_between(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    """Working days in ``calendar`` after ``start`` up to and including ``end``."""
    return calendar.working_days_between(start, end)


def add_working_days(calendar: WorkingCalendar, start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` in ``calendar``."""
    return calendar.add_working_days_to_date(start, days)
