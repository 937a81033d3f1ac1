"""``generate_demo_data``: bulk leads that follow the tracker's rules, so the reports have
true things to show; and a clear error when the demo firm is missing."""

import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command

from leads.choices import CLOSED_STATUSES, ActivityKind, Status
from leads.models import Activity, Lead
from leadtrack.management.commands.generate_demo_data import DemoData
from leadtrack.reports import REPORTS
from qualification.models import QualificationResult
from tests.factories import UserFactory


@pytest.fixture
def demo_firm(db):
    call_command("load_demo_firm", stdout=None, verbosity=0)


def test_generated_leads_follow_the_rules(demo_firm):
    before = Lead.objects.count()
    call_command("generate_demo_data", leads=300, days=120)
    assert Lead.objects.count() == before + 300
    generated = Lead.objects.order_by("-pk")[:300]
    for lead in generated:
        assert lead.captured_at >= lead.arrived_at
        if lead.first_response_at:
            assert lead.first_response_at >= lead.arrived_at
        assert (lead.closed_at is not None) == (lead.status in CLOSED_STATUSES)
        if lead.status in (Status.LOST, Status.DISQUALIFIED):
            assert lead.closed_reason
    changes = Activity.objects.filter(kind=ActivityKind.STATUS_CHANGED)
    assert changes.count() > 300
    last = {}
    for entry in changes.order_by("lead_id", "at", "pk"):
        assert entry.data["from"] == last.get(entry.lead_id, Status.NEW)
        last[entry.lead_id] = entry.data["to"]
    assert all(Lead.objects.get(pk=pk).status == status for pk, status in list(last.items())[:50])
    assert QualificationResult.objects.count() >= 300


def test_reports_run_on_generated_data(demo_firm, client):
    call_command("generate_demo_data", leads=200, days=60)
    client.force_login(UserFactory(username="boss", is_superuser=True))
    for slug in REPORTS:
        assert client.get(f"/admin/reports/{slug}/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_generate_needs_the_demo_firm(db):
    with pytest.raises(CommandError, match="load_demo_firm"):
        call_command("generate_demo_data", leads=10)
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_demo_data", leads=0)


def test_status_changes_are_never_after_now_so_none_is_dropped():
    now = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
    demo = DemoData(owners=[1], days=30, now=now, areas=[1], model_id=1)
    random.seed(7)
    for _ in range(2000):
        age_days = random.choice([60 / 86400, 0.01, 0.5, 3, 40])
        arrived = now - dt.timedelta(days=age_days)
        times = demo.times(arrived, 5, age_days)
        assert times[0] == arrived
        assert times == sorted(times)
        assert times[-1] <= now
