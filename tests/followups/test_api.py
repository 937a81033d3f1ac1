"""The follow-ups API and the lead's next action: read, complete, reschedule, snooze,
with clear errors; no N+1 on the lead list."""

import datetime as dt

import pytest
import time_machine

from firm.calendar import LONDON
from followups.choices import CompletedHow
from followups.models import ClosureReason, FollowUp
from leads.choices import Status
from tests.factories import LeadFactory
from tests.followups.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def followup(staff_user):
    lead = LeadFactory(owner=staff_user, status=Status.ASSIGNED, tier="A")
    item = FollowUpFactory(lead=lead, owner=staff_user, due_at=NOW - dt.timedelta(hours=1))
    lead.next_action_due_at = item.due_at
    lead.save()
    return item


@time_machine.travel(NOW, tick=False)
def test_lead_detail_has_its_next_action(api_client, followup):
    data = api_client.get(f"/api/v1/leads/{followup.lead_id}/").json()
    assert data["next_action"] == {
        "id": followup.pk,
        "kind": "first_contact",
        "due_at": "2026-03-02T09:00:00Z",
        "guidance": followup.guidance,
        "is_overdue": True,
    }


def test_lead_list_has_no_n_plus_one(api_client, staff_user, django_assert_max_num_queries):
    for _ in range(15):
        FollowUpFactory(lead=LeadFactory(owner=staff_user), owner=staff_user)
    with django_assert_max_num_queries(6):
        response = api_client.get("/api/v1/leads/")
    assert all(row["next_action"] for row in response.json()["results"])


@time_machine.travel(NOW, tick=False)
def test_get_and_complete_a_followup(api_client, followup):
    assert api_client.get(f"/api/v1/followups/{followup.pk}/").json()["is_overdue"] is True
    response = api_client.patch(
        f"/api/v1/followups/{followup.pk}/",
        {"completed_at": "2026-03-02T09:55:00Z", "note": "Called"},
        format="json",
    )
    assert response.status_code == 200, response.content
    followup.refresh_from_db()
    assert followup.completed_how == CompletedHow.MANUAL
    assert followup.completed_at == dt.datetime(2026, 3, 2, 9, 55, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_reschedule_and_snooze(api_client, followup):
    response = api_client.patch(
        f"/api/v1/followups/{followup.pk}/",
        {"due_at": "2026-03-03T11:00:00+00:00", "reason": "Client asked"},
        format="json",
    )
    assert response.status_code == 200
    response = api_client.patch(
        f"/api/v1/followups/{followup.pk}/",
        {"snooze_until": "2026-03-04T11:00:00+00:00", "reason": "Abroad"},
        format="json",
    )
    assert response.json()["snooze_count"] == 1


@time_machine.travel(NOW, tick=False)
def test_bad_changes_are_clear_400s_and_change_nothing(api_client, followup):
    url = f"/api/v1/followups/{followup.pk}/"
    for body, word in [
        ({}, "exactly one"),
        ({"due_at": "2026-03-03T11:00:00Z", "completed_at": "2026-03-02T09:00:00Z"}, "exactly"),
        ({"due_at": "2020-01-01T10:00:00Z"}, "future"),
        ({"snooze_until": "2026-03-03T11:00:00Z"}, "reason"),
        ({"snooze_until": "2026-03-03T11:00:00Z", "reason": "x", "colour": "red"}, "colour"),
    ]:
        response = api_client.patch(url, body, format="json")
        assert response.status_code == 400, body
        assert word in response.json()["detail"], response.json()
    followup.refresh_from_db()
    assert followup.due_at == NOW - dt.timedelta(hours=1) and followup.completed_at is None
    assert api_client.put(url, {}, format="json").status_code == 405


def test_list_mine_and_overdue(api_client, followup, staff_user):
    FollowUpFactory(lead=LeadFactory(), owner=None, due_at=NOW + dt.timedelta(days=400))
    mine = api_client.get("/api/v1/followups/?mine=true&overdue=true").json()
    assert [row["id"] for row in mine["results"]] == [followup.pk]


def test_status_reason_must_come_from_the_firms_list(api_client, followup):
    ClosureReason.objects.create(text="Instructed another firm", for_disqualified=False)
    url = f"/api/v1/leads/{followup.lead_id}/status/"
    response = api_client.post(url, {"status": "lost", "reason": "meh"}, format="json")
    assert response.status_code == 400
    assert "Instructed another firm" in response.json()["detail"]
    response = api_client.post(
        url, {"status": "lost", "reason": "instructed another firm: cheaper"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["closed_reason"] == "Instructed another firm: cheaper"
    assert response.json()["next_action"] is None
    assert not FollowUp.objects.filter(lead=followup.lead, completed_at__isnull=True).exists()


def test_log_a_call_through_the_api(api_client, followup):
    response = api_client.post(
        f"/api/v1/leads/{followup.lead_id}/calls/", {"summary": "Spoke to her"}, format="json"
    )
    assert response.status_code == 201, response.content
    followup.refresh_from_db()
    assert followup.completed_how == CompletedHow.CALL_LOGGED
    bad = api_client.post(f"/api/v1/leads/{followup.lead_id}/notes/", {}, format="json")
    assert bad.status_code == 400


def test_a_call_through_the_api_carries_its_outcome(api_client, followup):
    url = f"/api/v1/leads/{followup.lead_id}/calls/"
    bad = api_client.post(url, {"summary": "Rang", "outcome": "engaged"}, format="json")
    assert bad.status_code == 400
    assert "outcome" in bad.json()["errors"]
    response = api_client.post(url, {"summary": "Rang", "outcome": "no_answer"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["summary"] == "Call (no answer): Rang"
    assert response.json()["data"]["outcome"] == "no_answer"
    followup.refresh_from_db()
    assert followup.completed_how == CompletedHow.CONTACT_ATTEMPTED
    retry = FollowUp.objects.get(lead=followup.lead, completed_at__isnull=True)
    assert "No answer on" in retry.guidance
    refused = api_client.post(
        f"/api/v1/leads/{followup.lead_id}/meetings/",
        {"summary": "x", "outcome": "wrong_number"},
        format="json",
    )
    assert refused.status_code == 400
    assert "Say how the meeting went" in str(refused.json())
