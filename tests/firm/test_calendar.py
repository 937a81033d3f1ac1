"""Due times in working time: opening hours, weekends, bank holidays of each UK nation,
the firm's closure dates, both clock changes, Christmas, and calendar time for tier A."""

import datetime as dt

import pytest

from firm.calendar import LONDON, WorkingCalendar

ENG = WorkingCalendar(nation="ENG")
SCT = WorkingCalendar(nation="SCT")
NIR = WorkingCalendar(nation="NIR")


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("start", "interval", "unit", "expected"),
    [
        # Tier A: one working hour, inside opening hours.
        (london(2026, 3, 4, 10, 15), 1, "hours", london(2026, 3, 4, 11, 15)),
        # Arrives late afternoon: the hour runs over into the next morning.
        (london(2026, 3, 4, 17, 0), 1, "hours", london(2026, 3, 5, 9, 30)),
        # Arrives at night: counting starts at opening.
        (london(2026, 3, 4, 22, 0), 1, "hours", london(2026, 3, 5, 10, 0)),
        # Arrives before opening.
        (london(2026, 3, 4, 7, 0), 1, "hours", london(2026, 3, 4, 10, 0)),
        # Tier B: four working hours from Friday afternoon ends Monday.
        (london(2026, 3, 6, 15, 0), 4, "hours", london(2026, 3, 9, 10, 30)),
        # Arrives on Saturday: Monday's opening plus the interval.
        (london(2026, 3, 7, 11, 0), 4, "hours", london(2026, 3, 9, 13, 0)),
        # Tier C: two working days from Monday 10:00 is Wednesday 10:00.
        (london(2026, 3, 2, 10, 0), 2, "days", london(2026, 3, 4, 10, 0)),
        # Two working days from Thursday 16:00 is Monday 16:00.
        (london(2026, 3, 5, 16, 0), 2, "days", london(2026, 3, 9, 16, 0)),
        # Minutes, and exactly at closing: the next opening.
        (london(2026, 3, 4, 17, 30), 30, "minutes", london(2026, 3, 5, 9, 30)),
        (london(2026, 3, 4, 17, 0), 30, "minutes", london(2026, 3, 4, 17, 30)),
    ],
)
def test_working_time_interval_rules(start, interval, unit, expected):
    assert ENG.add(start, interval, unit) == expected


def test_spring_clock_change_counts_real_working_hours():
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026. Friday 17:00 GMT + 1 working
    # hour = 30 minutes on Friday + 30 minutes from Monday's 09:00 BST.
    due = ENG.add(london(2026, 3, 27, 17, 0), 1, "hours")
    assert due == london(2026, 3, 30, 9, 30)
    assert due.utcoffset() == dt.timedelta(hours=1)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 3, 30, 8, 30, tzinfo=dt.UTC)


def test_autumn_clock_change_counts_real_working_hours():
    # Clocks go back on Sunday 25 October 2026: Monday opens at 09:00 GMT.
    due = ENG.add(london(2026, 10, 23, 16, 30), 2, "hours")
    assert due == london(2026, 10, 26, 10, 0)
    assert due.utcoffset() == dt.timedelta(0)


def test_calendar_time_across_the_clock_change():
    # Tier A in calendar time: one hour after Sunday 00:30 GMT is 02:30 BST (01:00-02:00
    # does not exist that night).
    start = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)
    due = ENG.add(start, 1, "hours", calendar_time=True)
    assert due - start == dt.timedelta(hours=1)
    assert due.astimezone(LONDON).hour == 2
    # A calendar day keeps the wall-clock time across the change.
    friday = london(2026, 3, 27, 10, 0)
    assert ENG.add(friday, 3, "days", calendar_time=True) == london(2026, 3, 30, 10, 0)


def test_calendar_time_counts_nights_and_weekends():
    saturday_night = london(2026, 3, 7, 23, 0)
    assert ENG.add(saturday_night, 1, "hours", calendar_time=True) == london(2026, 3, 8, 0, 0)


def test_christmas_skips_bank_holidays_and_weekend():
    # 2026: Christmas Friday 25, Boxing Day Saturday 26, substitute Monday 28 December.
    due = ENG.add(london(2026, 12, 24, 16, 0), 4, "hours")
    assert due == london(2026, 12, 29, 11, 30)


def test_christmas_with_the_firm_closed_until_new_year():
    closed = WorkingCalendar(
        nation="ENG",
        closures=frozenset({dt.date(2026, 12, 29), dt.date(2026, 12, 30), dt.date(2026, 12, 31)}),
    )
    # 1 January 2027 (Friday) is a bank holiday and 2-3 January a weekend: Monday 4th.
    assert closed.add(london(2026, 12, 24, 17, 0), 1, "hours") == london(2027, 1, 4, 9, 30)
    assert closed.next_working_day(dt.date(2026, 12, 24)) == dt.date(2027, 1, 4)


def test_new_year_in_scotland_includes_2_january():
    # 2 January is a bank holiday in Scotland only.
    start = london(2026, 12, 31, 17, 0)
    assert ENG.add(start, 1, "hours") == london(2027, 1, 4, 9, 30)  # 2-3 Jan is a weekend
    assert SCT.is_working_day(dt.date(2026, 1, 2)) is False
    assert ENG.is_working_day(dt.date(2026, 1, 2)) is True


def test_scotland_saint_andrews_day_and_summer_holiday():
    # St Andrew's Day, Monday 30 November 2026: Scotland is closed, England is not.
    start = london(2026, 11, 27, 17, 0)  # Friday
    assert SCT.add(start, 1, "hours") == london(2026, 12, 1, 9, 30)
    assert ENG.add(start, 1, "hours") == london(2026, 11, 30, 9, 30)
    # Summer bank holiday: first Monday of August in Scotland, last Monday in England.
    assert SCT.is_working_day(dt.date(2026, 8, 3)) is False
    assert ENG.is_working_day(dt.date(2026, 8, 3)) is True
    assert ENG.is_working_day(dt.date(2026, 8, 31)) is False


def test_northern_ireland_saint_patricks_day_and_twelfth():
    start = london(2026, 3, 16, 17, 0)  # Monday; 17 March is St Patrick's Day
    assert NIR.add(start, 1, "hours") == london(2026, 3, 18, 9, 30)
    assert ENG.add(start, 1, "hours") == london(2026, 3, 17, 9, 30)
    # Battle of the Boyne: Monday 13 July 2026 (the 12th is a Sunday).
    assert NIR.is_working_day(dt.date(2026, 7, 13)) is False
    assert ENG.is_working_day(dt.date(2026, 7, 13)) is True


def test_england_easter_monday():
    # Easter Monday 6 April 2026 is a bank holiday in England and Wales, not in Scotland.
    start = london(2026, 4, 2, 17, 0)  # Thursday before Good Friday
    assert ENG.add(start, 1, "hours") == london(2026, 4, 7, 9, 30)
    assert SCT.add(start, 1, "hours") == london(2026, 4, 6, 9, 30)


def test_custom_opening_hours_and_saturday_working():
    calendar = WorkingCalendar.standard(
        opens_at=dt.time(8, 0), closes_at=dt.time(12, 0), weekdays={0, 1, 2, 3, 4, 5}
    )
    assert calendar.add(london(2026, 3, 6, 11, 0), 2, "hours") == london(2026, 3, 7, 9, 0)
    # One working day from opening is that day's close.
    assert calendar.add(london(2026, 3, 6, 8, 0), 1, "days") == london(2026, 3, 6, 12, 0)


def test_working_between_and_is_open():
    assert ENG.working_between(london(2026, 3, 6, 17, 0), london(2026, 3, 9, 10, 0)) == (
        dt.timedelta(hours=1, minutes=30)
    )
    assert ENG.is_open(london(2026, 3, 9, 9, 0))
    assert not ENG.is_open(london(2026, 3, 8, 12, 0))


def test_a_calendar_without_working_days_is_a_clear_error():
    with pytest.raises(ValueError, match="no working day"):
        WorkingCalendar(hours={}).add(london(2026, 3, 6, 10, 0), 1, "hours")
