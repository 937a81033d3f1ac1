"""Status changes record when the status they end began, so reports read the time spent
in each status from one timeline entry; existing entries are backfilled the same way."""

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.db import connection

from leads.choices import ActivityKind, Status
from leads.models import Activity
from leads.services import lead_change_status
from tests.factories import ActivityFactory, LeadFactory

pytestmark = pytest.mark.django_db

ARRIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def changes(lead) -> list[dict]:
    entries = Activity.objects.filter(lead=lead, kind=ActivityKind.STATUS_CHANGED)
    return [entry.data for entry in entries.order_by("at", "pk")]


def test_each_change_records_when_the_status_it_ends_began():
    lead = LeadFactory(arrived_at=ARRIVED, status=Status.NEW)
    with time_machine.travel(ARRIVED + timedelta(hours=2), tick=False):
        lead_change_status(lead=lead, status=Status.ASSIGNED)
    with time_machine.travel(ARRIVED + timedelta(days=3), tick=False):
        lead_change_status(lead=lead, status=Status.LOST, reason="Went elsewhere")
    first, second = changes(lead)
    assert first["since"] == ARRIVED.isoformat()
    assert second["since"] == (ARRIVED + timedelta(hours=2)).isoformat()
    assert (second["from"], second["to"]) == (Status.ASSIGNED, Status.LOST)


def test_backfill_records_since_on_existing_changes_and_keeps_recorded_ones():
    migration = importlib.import_module("leads.migrations.0004_activity_status_index")
    lead = LeadFactory(arrived_at=ARRIVED, status=Status.CONTACTED)
    for hours, old, new in [(1, "new", "assigned"), (5, "assigned", "contacted")]:
        ActivityFactory(
            lead=lead,
            kind=ActivityKind.STATUS_CHANGED,
            at=ARRIVED + timedelta(hours=hours),
            data={"from": old, "to": new, "reason": ""},
        )
    kept = LeadFactory(arrived_at=ARRIVED)
    ActivityFactory(
        lead=kept,
        kind=ActivityKind.STATUS_CHANGED,
        at=ARRIVED + timedelta(hours=1),
        data={"from": "new", "to": "assigned", "reason": "", "since": "2026-11-01T00:00:00+00:00"},
    )
    migration.backfill_since(apps, SimpleNamespace(connection=connection))
    first, second = changes(lead)
    assert datetime.fromisoformat(first["since"]) == ARRIVED
    assert datetime.fromisoformat(second["since"]) == ARRIVED + timedelta(hours=1)
    assert second["from"] == "assigned"
    assert changes(kept)[0]["since"] == "2026-11-01T00:00:00+00:00"
