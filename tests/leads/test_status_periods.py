"""Status periods: every status change records the period it ended (status, start, end,
seconds, the forward stage it led to, the furthest stage reached before) in the same
transaction as its timeline entry; the periods follow the timeline when leads merge;
migration 0005 builds them from an existing timeline exactly as the service would have."""

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from leads.choices import ActivityKind, Status
from leads.models import Activity, StatusPeriod
from leads.services import lead_change_status, lead_merge
from tests.factories import ActivityFactory, LeadFactory

pytestmark = pytest.mark.django_db

ARRIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
FIELDS = (
    "lead_id",
    "lead_arrived_at",
    "status",
    "started_at",
    "ended_at",
    "seconds",
    "stage",
    "furthest_before",
)


def periods(lead=None) -> list[tuple]:
    rows = StatusPeriod.objects.order_by("lead_id", "ended_at", "pk")
    if lead is not None:
        rows = rows.filter(lead=lead)
    return list(rows.values_list(*FIELDS))


def change(lead, status, at, reason=""):
    with time_machine.travel(at, tick=False):
        won = {"agreed_fee": "3000", "matter_reference": "M-7"} if status == Status.WON else {}
        return lead_change_status(lead=lead, status=status, reason=reason, **won)


def walk(lead):
    """new 2 h → assigned 1 day → contacted, back to assigned, lost, reopened, won."""
    change(lead, Status.ASSIGNED, ARRIVED + timedelta(hours=2))
    change(lead, Status.CONTACTED, ARRIVED + timedelta(days=1, hours=2))
    change(lead, Status.ASSIGNED, ARRIVED + timedelta(days=2))
    change(lead, Status.LOST, ARRIVED + timedelta(days=3), reason="Went elsewhere")
    change(lead, Status.PROPOSAL, ARRIVED + timedelta(days=10), reason="Came back")
    change(lead, Status.WON, ARRIVED + timedelta(days=12))


def test_each_change_records_the_period_it_ended():
    lead = LeadFactory(arrived_at=ARRIVED, status=Status.NEW)
    walk(lead)
    day = timedelta(days=1)
    two_hours = ARRIVED + timedelta(hours=2)
    next_day = ARRIVED + timedelta(days=1, hours=2)
    assert periods(lead) == [
        (lead.pk, ARRIVED, "new", ARRIVED, two_hours, 7200.0, 1, 0),
        (lead.pk, ARRIVED, "assigned", two_hours, next_day, 86400.0, 2, 1),
        (lead.pk, ARRIVED, "contacted", next_day, ARRIVED + 2 * day, 79200.0, 1, 2),
        (lead.pk, ARRIVED, "assigned", ARRIVED + 2 * day, ARRIVED + 3 * day, 86400.0, None, 2),
        (lead.pk, ARRIVED, "lost", ARRIVED + 3 * day, ARRIVED + 10 * day, 7 * 86400.0, 4, 2),
        (lead.pk, ARRIVED, "proposal", ARRIVED + 10 * day, ARRIVED + 12 * day, 2 * 86400.0, 5, 4),
    ]


def test_a_period_says_what_its_timeline_entry_says():
    lead = LeadFactory(arrived_at=ARRIVED, status=Status.NEW)
    walk(lead)
    entries = Activity.objects.filter(lead=lead, kind=ActivityKind.STATUS_CHANGED)
    for entry, period in zip(entries.order_by("at", "pk"), periods(lead), strict=True):
        since = datetime.fromisoformat(entry.data["since"])
        assert period[2:5] == (entry.data["from"], since, entry.at)
        assert period[5] == (entry.at - since).total_seconds()


def test_a_refused_change_records_no_period():
    lead = LeadFactory(arrived_at=ARRIVED, status=Status.NEW)
    with pytest.raises(ValidationError):
        change(lead, Status.LOST, ARRIVED + timedelta(hours=1))  # no reason given
    assert periods() == []


def test_merge_moves_the_periods_to_the_lead_kept_with_its_arrival():
    keep = LeadFactory(arrived_at=ARRIVED, status=Status.NEW)
    merged = LeadFactory(arrived_at=ARRIVED - timedelta(days=20), status=Status.NEW)
    change(keep, Status.ASSIGNED, ARRIVED + timedelta(hours=1))
    change(keep, Status.CONTACTED, ARRIVED + timedelta(hours=2))
    change(merged, Status.ASSIGNED, ARRIVED - timedelta(days=19))
    change(merged, Status.MEETING, ARRIVED - timedelta(days=18))

    with time_machine.travel(ARRIVED + timedelta(days=1), tick=False):
        lead_merge(keep=keep, merge=merged, actor=None)

    assert periods(merged) == []
    # In time order along the joined timeline: the merged lead's two changes came first,
    # so the kept lead's reached nothing new.
    assert [(row[0], row[1], row[2], row[6], row[7]) for row in periods(keep)] == [
        (keep.pk, ARRIVED, "new", 1, 0),
        (keep.pk, ARRIVED, "assigned", 3, 1),
        (keep.pk, ARRIVED, "new", 1, 3),
        (keep.pk, ARRIVED, "assigned", 2, 3),
    ]
    # The periods went where the timeline went.
    assert Activity.objects.filter(lead=keep, kind=ActivityKind.STATUS_CHANGED).count() == 4


def test_a_change_after_a_merge_counts_what_either_lead_reached():
    keep = LeadFactory(arrived_at=ARRIVED, status=Status.NEW)
    merged = LeadFactory(arrived_at=ARRIVED - timedelta(days=1), status=Status.NEW)
    change(merged, Status.PROPOSAL, ARRIVED - timedelta(hours=1))
    with time_machine.travel(ARRIVED + timedelta(hours=1), tick=False):
        lead_merge(keep=keep, merge=merged, actor=None)
    keep.refresh_from_db()
    change(keep, Status.ASSIGNED, ARRIVED + timedelta(hours=2))
    assert [row[7] for row in periods(keep)] == [0, 4]


def test_periods_go_when_their_lead_is_deleted():
    lead = LeadFactory(arrived_at=ARRIVED, status=Status.NEW)
    change(lead, Status.ASSIGNED, ARRIVED + timedelta(hours=1))
    lead.delete()
    assert periods() == []


def test_backfill_builds_the_periods_the_service_would_have():
    migration = importlib.import_module("leads.migrations.0005_status_period")
    lead = LeadFactory(arrived_at=ARRIVED, status=Status.NEW)
    walk(lead)
    other = LeadFactory(arrived_at=ARRIVED + timedelta(hours=1), status=Status.NEW)
    change(other, Status.DISQUALIFIED, ARRIVED + timedelta(hours=3), reason="Spam")
    written = periods()
    assert len(written) == 7

    StatusPeriod.objects.all().delete()
    migration.backfill_status_periods(apps, SimpleNamespace(connection=connection))

    assert periods() == written


def test_backfill_reads_timeline_entries_written_before_periods_were_kept():
    migration = importlib.import_module("leads.migrations.0005_status_period")
    lead = LeadFactory(arrived_at=ARRIVED, status=Status.CONTACTED)
    for hours, since, old, new in [(1, 0, "new", "assigned"), (5, 1, "assigned", "contacted")]:
        ActivityFactory(
            lead=lead,
            kind=ActivityKind.STATUS_CHANGED,
            at=ARRIVED + timedelta(hours=hours),
            data={
                "from": old,
                "to": new,
                "reason": "",
                "since": (ARRIVED + timedelta(hours=since)).isoformat(),
            },
            status_period=False,
        )
    ActivityFactory(lead=lead, kind=ActivityKind.NOTE, summary="Not a status change")
    assert periods() == []

    migration.backfill_status_periods(apps, SimpleNamespace(connection=connection))

    one_hour = ARRIVED + timedelta(hours=1)
    assert periods() == [
        (lead.pk, ARRIVED, "new", ARRIVED, one_hour, 3600.0, 1, 0),
        (lead.pk, ARRIVED, "assigned", one_hour, ARRIVED + timedelta(hours=5), 14400.0, 2, 1),
    ]
