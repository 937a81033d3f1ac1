"""The firm's profile and working calendar: one row each in the admin with history,
the environment's defaults until saved, loaded once per request and fresh after an edit,
and acknowledgements that promise only what is still true."""

import datetime as dt

import pytest

from firm.calendar import LONDON, WorkingCalendar
from firm.models import Closure, FirmCalendar, FirmProfile, WorkingHours
from firm.promises import response_promise
from firm.selectors import cache_clear, firm_profile, working_calendar
from firm.services import firm_calendar_ensure, firm_profile_ensure, firm_profile_update
from tests.factories import UserFactory

ENG = WorkingCalendar()


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="priya.shah", is_superuser=True)
    client.force_login(user)
    return client


def test_profile_defaults_come_from_the_environment_until_saved(db, settings):
    settings.LEADTRACK_FIRM_NAME = "Harrow & Pike LLP"
    settings.DEFAULT_FROM_EMAIL = "Leadtrack <hello@harrowpike.example>"
    settings.LEADTRACK_RESPONSE_PROMISE = "within two working days"
    profile = firm_profile()
    assert profile.pk is not None and not FirmProfile.objects.exists()  # nothing written
    assert (profile.name, profile.email, profile.response_promise) == (
        "Harrow & Pike LLP",
        "hello@harrowpike.example",
        "within two working days",
    )
    assert profile.from_address() == "Harrow & Pike LLP <hello@harrowpike.example>"


def test_profile_is_one_row_add_refused_once_it_exists_and_delete_refused(admin_client):
    response = admin_client.get("/admin/firm/firmprofile/")
    profile = FirmProfile.objects.get()
    assert response.url == f"/admin/firm/firmprofile/{profile.pk}/change/"
    assert admin_client.get("/admin/firm/firmprofile/add/").status_code == 403
    assert admin_client.get(f"/admin/firm/firmprofile/{profile.pk}/delete/").status_code == 403
    page = admin_client.get(response.url).content.decode()
    assert "Regulation and registration" in page
    with pytest.raises(Exception):  # noqa: B017 (the database refuses a second row)
        FirmProfile.objects.create(id=2, trading_name="Other", email="x@example.com")


def test_profile_edits_are_kept_in_history_and_seen_at_once(admin_client):
    firm_profile_ensure()
    assert firm_profile().regulator == ""
    firm_profile_update(regulator="Solicitors Regulation Authority", regulator_number="654321")
    profile = firm_profile()
    assert profile.regulation_line == (
        "Authorised and regulated by the Solicitors Regulation Authority (number 654321)"
    )
    assert FirmProfile.objects.get().history.count() == 2
    page = admin_client.get(f"/admin/firm/firmprofile/{profile.pk}/history/")
    assert page.status_code == 200 and "Solicitors Regulation Authority" in page.content.decode()


def test_calendar_admin_offers_each_weekday_and_closures(admin_client):
    response = admin_client.get("/admin/firm/firmcalendar/", follow=True)
    page = response.content.decode()
    assert "England and Wales" in page
    assert WorkingHours.objects.count() == 7
    assert "Monday" in page and "Sunday" in page
    assert admin_client.get("/admin/firm/firmcalendar/add/").status_code == 403


def test_calendar_is_loaded_once_per_request_and_fresh_after_an_edit(db, django_assert_num_queries):
    calendar = firm_calendar_ensure()
    cache_clear()
    with django_assert_num_queries(2):
        working_calendar()
        working_calendar()
    friday = WorkingHours.objects.get(calendar=calendar, weekday=4)
    friday.closes_at = dt.time(16, 0)
    friday.save()  # invalidates
    assert working_calendar().opening_hours(dt.date(2026, 3, 6))[1] == london(2026, 3, 6, 16, 0)
    Closure.objects.create(
        calendar=calendar, first_day=dt.date(2026, 12, 29), last_day=dt.date(2026, 12, 31)
    )
    assert not working_calendar().is_working_day(dt.date(2026, 12, 30))


def test_a_request_starts_with_a_fresh_calendar(client, db):
    calendar = firm_calendar_ensure()
    working_calendar()
    # Another process edits the calendar: no signal reaches this one, but the next request
    # starts afresh.
    WorkingHours.objects.filter(calendar=calendar, weekday=5).update(is_open=True)
    client.get("/health/")
    assert 5 in working_calendar().weekdays


def test_the_calendar_follows_the_nation(db):
    calendar = firm_calendar_ensure()
    FirmCalendar.objects.filter(pk=calendar.pk).update(nation="SCT")
    cache_clear()
    assert not working_calendar().is_working_day(dt.date(2026, 11, 30))  # St Andrew's Day


def test_per_weekday_hours_shorter_fridays():
    calendar = WorkingCalendar(
        hours={
            **{day: (dt.time(9, 0), dt.time(17, 30)) for day in range(4)},
            4: (dt.time(9, 0), dt.time(16, 0)),
        }
    )
    # Friday 15:30 + 1 working hour: 30 minutes on Friday, 30 from Monday's opening.
    assert calendar.add(london(2026, 3, 6, 15, 30), 1, "hours") == london(2026, 3, 9, 9, 30)
    assert not calendar.is_open(london(2026, 3, 6, 16, 30))
    assert calendar.next_opening(london(2026, 3, 6, 16, 30)) == london(2026, 3, 9, 9, 0)


def test_plain_data_functions_for_extraction_in_days():
    from firm.calendar import add_working_days, is_working_day, working_days_between

    assert is_working_day(ENG, dt.date(2026, 4, 6)) is False  # Easter Monday
    assert add_working_days(ENG, dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)
    assert working_days_between(ENG, dt.date(2026, 4, 2), dt.date(2026, 4, 8)) == 2


def test_promise_is_kept_in_hours():
    promise = response_promise(
        calendar=ENG,
        promise="within one working day",
        arrived_at=london(2026, 3, 3, 10, 0),
        now=london(2026, 3, 3, 10, 1),
    )
    assert (promise.promise, promise.late, promise.office_closed) == (
        "within one working day",
        False,
        False,
    )


def test_outside_hours_the_promise_says_when_the_office_opens():
    promise = response_promise(
        calendar=ENG,
        promise="within one working day",
        arrived_at=london(2026, 3, 6, 19, 0),  # Friday evening
        now=london(2026, 3, 6, 19, 1),
    )
    assert promise.office_closed and not promise.late
    assert promise.opens_at == london(2026, 3, 9, 9, 0)


def test_an_enquiry_that_arrived_long_ago_is_not_promised_a_reply_within_a_day():
    promise = response_promise(
        calendar=ENG,
        promise="within one working day",
        arrived_at=london(2025, 11, 3, 10, 0),  # four months before the import
        now=london(2026, 3, 3, 10, 0),
    )
    assert promise.late and promise.promise == ""
    # A day and a bit of working time is already too late.
    late = response_promise(
        calendar=ENG,
        promise="within one working day",
        arrived_at=london(2026, 3, 2, 10, 0),
        now=london(2026, 3, 3, 11, 0),
    )
    assert late.late
