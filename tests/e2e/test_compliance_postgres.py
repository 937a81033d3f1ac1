"""Compliance on real PostgreSQL: the trigram index is installed and used for conflict
candidates; the retention schedule run with time moved on; and erasure leaves nothing of
the person in any table."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.models import ClientMatter, ErasureRecord, RetentionPolicy
from compliance.services import conflict_check_run, conflict_index_client_matter, retention_run
from leads.choices import Status
from leads.models import Contact, Lead
from tests.compliance.test_privacy import (
    EMAIL,
    LONDON_NOON,
    NAME,
    PHONE,
    close,
    enquiry,
    every_text_holding,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_conflict_candidates_come_through_the_trigram_index_too():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'conflict_index_folded_trgm'")
        assert cursor.fetchone() is not None
    matter = ClientMatter.objects.create(
        client_reference="C9", matter_reference="M9", client_name="Oluwaseun Abernethy-Kowalczyk"
    )
    conflict_index_client_matter(matter=matter)
    lead = enquiry(name="Oluwasen Abernathy-Kowalczik", email="o@ak.example", phone="")
    with CaptureQueriesContext(connection) as queries:
        check = conflict_check_run(lead=lead)
    assert any(" %% " in q["sql"] or " % " in q["sql"] for q in queries.captured_queries)
    match = check.matches.get(record_kind="client")
    assert any("spelt alike" in reason for reason in match.reasons)


def test_retention_anonymises_a_lead_not_instructed_twelve_months_on():
    # The migration's defaults do not survive a transactional test's flush: the same here.
    RetentionPolicy.objects.get_or_create(
        name="Not instructed: anonymise after 12 months",
        defaults={"outcome": "lost", "action": "anonymise", "after_days": 365},
    )
    with time_machine.travel(LONDON_NOON, tick=False):
        lead = enquiry()
        close(lead, Status.LOST, "Chose another firm")
    with time_machine.travel(LONDON_NOON + timedelta(days=364), tick=False):
        assert retention_run().summary.endswith("nothing to do.")
    with time_machine.travel(LONDON_NOON + timedelta(days=366), tick=False):
        run = retention_run()
    assert "1 lead was anonymised" in run.summary
    lead.refresh_from_db()
    assert (lead.message, lead.status) == ("", Status.LOST)
    assert Contact.objects.get(pk=lead.contact_id).email == ""


def test_erasure_on_postgresql_leaves_nothing_in_any_table(admin_client):
    lead = enquiry()
    conflict_check_run(lead=lead)
    response = admin_client.post(
        reverse("admin:leads_contact_changelist"),
        {"action": "erase_contact", "_selected_action": [lead.contact_id], "confirm": "yes",
         "request": "Email of 2 December", "received_on": "2026-12-01"},
    )  # fmt: skip
    assert response.status_code == 302
    assert ErasureRecord.objects.count() == 1
    assert every_text_holding([NAME, EMAIL, PHONE, "Quarrington"]) == []
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_a_large_conflict_index_is_sized_from_postgresqls_statistics_not_counted(monkeypatch):
    from compliance.services import conflicts

    lead = enquiry(name="Ngozi Adeyemi-Hart", email="ngozi@adeyemi.example", phone="")
    conflict_check_run(lead=lead)  # indexes the enquirer
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE compliance_conflictindexentry")
    small = conflicts.conflict_index_size()
    monkeypatch.setattr(conflicts, "RECORDS_ESTIMATED_FROM", 1)
    with CaptureQueriesContext(connection) as queries:
        check = conflict_check_run(lead=lead)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert not counts, counts
    assert any("reltuples" in query["sql"] for query in queries.captured_queries)
    assert check.records_searched >= 1 and small >= 1
