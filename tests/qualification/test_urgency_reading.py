"""Urgency read relative to the enquiry's arrival, in the firm's one working calendar:
past-tense dates are not deadlines, stated time limits are counted from their event, an
unfair dismissal gets the tribunal's limit, emergencies are urgent and a deadline that has
passed is said to have passed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from firm.calendar import WorkingCalendar
from qualification.extraction import Enquiry, extract
from qualification.extraction.text import prepare
from qualification.extraction.urgency import find_urgency, working_days_between
from qualification.scoring import Rules, assess

LONDON = ZoneInfo("Europe/London")
ARRIVED = dt.datetime(2026, 11, 16, 20, 18, tzinfo=LONDON)  # a Monday evening


def read(message: str, arrived: dt.datetime = ARRIVED, calendar=None):
    return find_urgency(prepare(subject="", body=message), arrived_at=arrived, calendar=calendar)


@pytest.mark.parametrize(
    ("message", "due", "basis"),
    [
        (
            "HMRC asks me to respond within 30 days (letter dated 10 November).",
            dt.date(2026, 12, 10),
            "30 days from 10 Nov 2026",
        ),
        (
            "Grant of probate issued on 4 September. I've read she only has 6 months from the "
            "grant to bring a claim.",
            dt.date(2027, 3, 4),
            "6 months from 4 Sep 2026",
        ),
        (
            "The letter (dated 10 November) says we have 20 working days to make representations.",
            dt.date(2026, 12, 8),
            "20 working days from 10 Nov 2026",
        ),
        (
            "I was hurt at work in March 2024 and I've read there's a three-year limit.",
            dt.date(2027, 3, 1),
            "3 years from 1 Mar 2024",
        ),
        (
            "I was dismissed on 12 September and want to bring an unfair dismissal claim.",
            dt.date(2026, 12, 11),
            "Tribunal limit, three months less a day from the dismissal on 12 Sep 2026",
        ),
    ],
)
def test_a_stated_time_limit_is_counted_from_its_event(message, due, basis):
    found = read(message)
    assert (found.due, found.due_basis) == (due, basis)


@pytest.mark.parametrize(
    "message",
    [
        "Bought a car in July. Within 3 weeks the gearbox went.",
        "Heads were signed on Friday, £5.5m enterprise value.",
        "got hit in the face by a football at the park today, some kids playing",
        "I honestly thought I had 6 months to claim after I was dismissed on 2 April.",
    ],
)
def test_a_date_told_in_the_past_is_not_a_deadline(message):
    assert read(message).due is None


def test_a_hard_wrapped_phone_note_keeps_its_court_date():
    note = "He was charged with drink driving, first court\ndate at Brighton Magistrates 9 June."
    found = read(note, arrived=dt.datetime(2026, 5, 26, 9, 20, tzinfo=LONDON))
    assert (found.due, found.due_cue) == (dt.date(2026, 6, 9), "court")


@pytest.mark.parametrize(
    "message",
    [
        "The police want to interview him at 4 today.",
        "He has threatened to take the kids abroad to his family.",
        "I need a non-molestation order, he turned up at my flat on Christmas Day.",
        "Dad is in the hospice and the nurses think he has days rather than weeks.",
        "We need an injunction before the trade show.",
    ],
)
def test_emergencies_are_urgent_phrases(message):
    assert read(message).urgent


def test_a_deadline_that_has_passed_is_said_so_and_is_not_a_future_date():
    enquiry = Enquiry(
        message="I completely missed the self assessment deadline, it was last Saturday.",
        arrived_at=ARRIVED,
    )
    signals = extract(enquiry, ())
    assert signals.urgency.due is None
    assert signals.urgency.passed.startswith("missed the self assessment deadline")
    basis = assess(signals, Rules(version=1)).basis
    assert any(line.startswith("A deadline has already passed") for line in basis)


def test_working_days_are_counted_in_the_firms_calendar():
    closed = WorkingCalendar.standard(closures=[dt.date(2026, 11, 18), dt.date(2026, 11, 19)])
    start, end = dt.date(2026, 11, 16), dt.date(2026, 11, 20)
    assert working_days_between(start, end) == 4
    assert working_days_between(start, end, calendar=closed) == 2
    scottish = WorkingCalendar.standard(nation="SCT")  # 30 November: St Andrew's Day
    assert working_days_between(dt.date(2026, 11, 27), dt.date(2026, 12, 1)) == 2
    assert working_days_between(dt.date(2026, 11, 27), dt.date(2026, 12, 1), calendar=scottish) == 1
    enquiry = Enquiry(
        message="The hearing is on Friday 20 November.", arrived_at=ARRIVED, calendar=closed
    )
    basis = assess(extract(enquiry, ()), Rules(version=1)).basis
    assert "Hearing date 20 Nov 2026: 2 working days away" in basis


@pytest.mark.parametrize(
    "message",
    [
        "My ex says he's taking our 2 kids to Poland this friday and not coming back.",
        "He is removing both children to Lahore next week.",
    ],
)
def test_a_threat_to_take_the_children_away_is_urgent(message):
    found = find_urgency(prepare(subject="", body=message), arrived_at=ARRIVED)
    assert found.urgent


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("His visa is expiring on 1 December and he would have to stop work.", "2026-12-01"),
        (
            "We are completing the purchase of a competitor's three gyms (an asset purchase) "
            "on Friday 27 November.",
            "2026-11-27",
        ),
        ("My son turns 18 on 4 December and has to apply before then.", "2026-12-04"),
    ],
)
def test_a_date_some_way_after_its_deadline_word_is_the_deadline(message, expected):
    found = find_urgency(prepare(subject="", body=message), arrived_at=ARRIVED)
    assert found.due is not None and found.due.isoformat() == expected


@pytest.mark.parametrize(
    "message",
    [
        "Selling our house, asking £350k, and expecting an offer this week. Please quote.",
        "Would like a quote by email today for the sale and purchase.",
        "He would like a meeting next week, Wednesday best.",
    ],
)
def test_when_they_want_our_answer_is_not_the_matters_deadline(message):
    found = find_urgency(prepare(subject="", body=message), arrived_at=ARRIVED)
    assert found.due is None


def test_a_hearing_next_week_is_still_a_deadline_when_they_want_a_call():
    message = "The tribunal hearing is next week and we would like a call today."
    found = find_urgency(prepare(subject="", body=message), arrived_at=ARRIVED)
    assert found.due is not None and found.due_cue in ("tribunal", "hearing")
