"""The calendar's move from followups to firm keeps what the firm had set up: nation,
opening hours, working days and closure dates."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("followups", "0001_initial"), ("firm", "0001_profile_and_calendar")]
AFTER = [("followups", "0002_calendar_moves_to_firm")]


@pytest.mark.django_db(transaction=True)
def test_the_business_calendar_and_closure_dates_move_to_the_firms_calendar():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("followups", "BusinessCalendar").objects.create(
        nation="SCT",
        opens_at=dt.time(8, 30),
        closes_at=dt.time(17, 0),
        saturday=True,
        friday=False,
    )
    old.get_model("followups", "ClosureDate").objects.create(
        date=dt.date(2026, 12, 29), description="Christmas"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    calendar = new.get_model("firm", "FirmCalendar").objects.get()
    assert calendar.nation == "SCT"
    hours = {
        row.weekday: (row.is_open, row.opens_at, row.closes_at)
        for row in new.get_model("firm", "WorkingHours").objects.all()
    }
    assert hours[0] == (True, dt.time(8, 30), dt.time(17, 0))
    assert hours[4][0] is False and hours[5][0] is True and hours[6][0] is False
    closure = new.get_model("firm", "Closure").objects.get()
    assert (closure.first_day, closure.last_day, closure.description) == (
        dt.date(2026, 12, 29),
        dt.date(2026, 12, 29),
        "Christmas",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
