"""The tracker's lead list and lead page: saved filters, date range, fixed query count,
row-level access for fee earners, bulk actions and quick actions through services."""

import datetime as dt

import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import timezone

from leads.choices import ActivityKind, Status
from leads.models import Activity, InboundMessage, Lead
from leadtrack.reports.hours import LONDON
from tests.factories import LeadFactory

LIST_URL = "/admin/leads/lead/"


def rows(response) -> int:
    return response.content.decode().count('class="action-select"')


def test_list_query_count_does_not_grow_with_page_size(people, client, django_assert_num_queries):
    client.force_login(people["partner"])
    LeadFactory.create_batch(3, owner=people["earner"], tier="A")
    response = client.get(LIST_URL)
    assert rows(response) == 3
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    LeadFactory.create_batch(
        40, owner=people["colleague"], tier="B", next_action_due_at=timezone.now()
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST_URL)
    assert rows(response) == 43
    assert len(many.captured_queries) == len(few.captured_queries)


def test_saved_filters_and_arrival_range(people, client):
    earner = people["earner"]
    now = timezone.now()
    mine_overdue = LeadFactory(
        owner=earner, status=Status.ASSIGNED, next_action_due_at=now - dt.timedelta(hours=1)
    )
    mine_answered = LeadFactory(
        owner=earner, first_response_at=now, tier="A", status=Status.CONTACTED
    )
    LeadFactory(owner=None, tier="A")
    LeadFactory(owner=people["colleague"], tier="A", status=Status.WON)
    old = LeadFactory(arrived_at=dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC), owner=earner)
    client.force_login(people["partner"])
    assert rows(client.get(LIST_URL, {"view": "unowned"})) == 1
    assert rows(client.get(LIST_URL, {"view": "tier_a_open"})) == 2
    assert rows(client.get(LIST_URL, {"view": "awaiting"})) == 3
    client.force_login(earner)
    assert rows(client.get(LIST_URL, {"view": "mine"})) == 3
    page = client.get(LIST_URL, {"view": "my_overdue"}).content.decode()
    assert mine_overdue.reference in page and mine_answered.reference not in page
    assert "OVERDUE" in page
    # 23:30 UTC on 15 January is 15 January in London (GMT).
    response = client.get(LIST_URL, {"arrived_from": "2026-01-15", "arrived_to": "2026-01-15"})
    assert rows(response) == 1 and old.reference in response.content.decode()
    # A nonsense date is refused with the admin's "bad filter" redirect, not an error.
    assert client.get(LIST_URL, {"arrived_from": "15/01/2026"}).status_code == 302


def test_fee_earner_sees_own_and_team_leads_only(people, client):
    own = LeadFactory(owner=people["earner"])
    team = LeadFactory(owner=people["colleague"])
    other = LeadFactory(owner=people["outsider"])
    unowned = LeadFactory(owner=None)
    client.force_login(people["earner"])
    page = client.get(LIST_URL).content.decode()
    assert own.reference in page and team.reference in page
    assert other.reference not in page and unowned.reference not in page
    assert client.get(f"{LIST_URL}{team.pk}/change/").status_code == 200
    assert client.get(f"{LIST_URL}{other.pk}/change/").status_code == 302  # "does not exist"
    response = client.post(f"{LIST_URL}{other.pk}/quick/note/", {"text": "Sneaky"})
    assert response.status_code == 404
    assert not Activity.objects.filter(lead=other, kind=ActivityKind.NOTE).exists()
    client.force_login(people["partner"])
    page = client.get(LIST_URL).content.decode()
    assert other.reference in page and unowned.reference in page


def test_bulk_status_change_needs_a_reason_to_lose_and_goes_through_the_service(people, client):
    leads = LeadFactory.create_batch(2, owner=people["earner"], status=Status.ASSIGNED)
    client.force_login(people["earner"])
    post = {"action": "change_status", ACTION_CHECKBOX_NAME: [lead.pk for lead in leads]}
    form_page = client.post(LIST_URL, post)
    assert "Change status" in form_page.content.decode()
    refused = client.post(
        LIST_URL, {**post, "apply": "1", "status": "lost", "reason": ""}, follow=True
    )
    assert "Give a reason" in refused.content.decode()
    assert set(Lead.objects.values_list("status", flat=True)) == {Status.ASSIGNED}
    client.post(LIST_URL, {**post, "apply": "1", "status": "lost", "reason": "Went elsewhere"})
    assert set(Lead.objects.values_list("status", flat=True)) == {Status.LOST}
    entry = Activity.objects.filter(kind=ActivityKind.STATUS_CHANGED).first()
    assert entry.actor == people["earner"] and entry.data["reason"] == "Went elsewhere"


def test_export_csv_of_selected_leads(people, client):
    lead = LeadFactory(owner=people["earner"], tier="A", estimated_value=2500)
    lead.contact.organisation = "=HYPERLINK(evil)"
    lead.contact.save()
    client.force_login(people["partner"])
    response = client.post(LIST_URL, {"action": "export_csv", ACTION_CHECKBOX_NAME: [lead.pk]})
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("reference,arrived_at,channel")
    assert lead.reference in body and "2500.00" in body
    assert "'=HYPERLINK(evil)" in body


def test_lead_page_quick_actions_and_safe_messages(people, client):
    lead = LeadFactory(owner=people["earner"], status=Status.ASSIGNED)
    InboundMessage.objects.create(
        provider="web_form",
        channel="web_form",
        lead=lead,
        payload={"message": "<script>alert(1)</script> Please call me"},
    )
    client.force_login(people["earner"])
    page = client.get(f"{LIST_URL}{lead.pk}/change/").content.decode()
    for heading in ("Origin", "Identity", "Qualification", "Ownership", "Progress"):
        assert f">{heading}<" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Please call me" in page
    assert "<script>alert(1)" not in page
    assert f"/admin/leads/lead/{lead.pk}/reassign/" in page
    client.post(f"{LIST_URL}{lead.pk}/quick/note/", {"text": "Left a voicemail"})
    response = client.post(
        f"{LIST_URL}{lead.pk}/quick/status/", {"status": "disqualified", "reason": ""}, follow=True
    )
    assert "Give a reason" in response.content.decode()
    client.post(f"{LIST_URL}{lead.pk}/quick/status/", {"status": "contacted", "reason": ""})
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED
    kinds = list(lead.activities.values_list("kind", flat=True))
    assert kinds == [ActivityKind.NOTE, ActivityKind.STATUS_CHANGED]
    assert client.get(f"{LIST_URL}{lead.pk}/quick/note/").status_code == 403


def test_arrival_times_display_in_london(people, client):
    LeadFactory(arrived_at=dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC))
    LeadFactory(arrived_at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC))
    client.force_login(people["partner"])
    with time_machine.travel(dt.datetime(2026, 7, 2, 12, 0, tzinfo=dt.UTC)):
        html = client.get(LIST_URL).content.decode()
    # This year's without the year, day first, on the 24-hour clock; last year's with it.
    assert "Wed 1 Jul 09:00" in html
    assert "31 Dec 2025 23:30" in html
    assert LONDON.key == "Europe/London"


def test_logging_a_call_from_the_lead_page_completes_the_follow_up(people, client):
    from followups.choices import FollowUpKind
    from tests.followups.factories import FollowUpFactory

    lead = LeadFactory(owner=people["earner"], status=Status.ASSIGNED)
    followup = FollowUpFactory(
        lead=lead, kind=FollowUpKind.FIRST_CONTACT, due_at=timezone.now() + dt.timedelta(hours=2)
    )
    client.force_login(people["earner"])
    refused = client.post(f"{LIST_URL}{lead.pk}/quick/call/", {"summary": ""}, follow=True)
    assert "summary" in refused.content.decode()
    followup.refresh_from_db()
    assert followup.completed_at is None
    response = client.post(
        f"{LIST_URL}{lead.pk}/quick/call/",
        {"outcome": "reached", "summary": "Discussed the tribunal deadline"},
        follow=True,
    )
    assert "Call logged. The lead is now Contacted" in response.content.decode()
    followup.refresh_from_db()
    lead.refresh_from_db()
    assert followup.completed_at is not None
    assert lead.first_response_at is not None
    entry = lead.activities.get(kind=ActivityKind.CALL_LOGGED)
    assert entry.actor == people["earner"]
    client.post(
        f"{LIST_URL}{lead.pk}/quick/meeting/",
        {"outcome": "reached", "summary": "Met to go through the claim"},
    )
    assert lead.activities.filter(kind=ActivityKind.MEETING_LOGGED).count() == 1
