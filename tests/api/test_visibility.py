"""Through the API a fee earner reads and changes only their own and their team's leads
and follow-ups (leadtrack.access, as in the admin): another team's lead is a 404 on every
route, for reading and for changing; a partner sees the whole firm."""

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from followups.models import FollowUp
from leads.choices import Status
from tests.factories import LeadFactory, firm_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    people = firm_people()
    mine = LeadFactory(owner=people["earner"], status=Status.ASSIGNED)
    team = LeadFactory(owner=people["colleague"], status=Status.ASSIGNED)
    other = LeadFactory(owner=people["outsider"], status=Status.ASSIGNED)
    unowned = LeadFactory(owner=None)
    followups = {
        key: FollowUp.objects.create(
            lead=lead, stage="assigned", kind="call", owner=lead.owner, due_at=timezone.now()
        )
        for key, lead in (("mine", mine), ("team", team), ("other", other))
    }
    return people, {"mine": mine, "team": team, "other": other, "unowned": unowned}, followups


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_fee_earner_lists_only_their_own_and_their_teams_leads(firm):
    people, leads, _ = firm
    body = client_for(people["earner"]).get("/api/v1/leads/").json()
    assert {row["reference"] for row in body["results"]} == {
        leads["mine"].reference,
        leads["team"].reference,
    }
    assert body["count"] == 2


def test_a_partner_lists_the_whole_firm(firm):
    people, leads, _ = firm
    body = client_for(people["partner"]).get("/api/v1/leads/").json()
    assert body["count"] == len(leads)


@pytest.mark.parametrize(
    "method, path, data",
    [
        ("get", "/api/v1/leads/{id}/", None),
        ("get", "/api/v1/leads/{id}/activities/", None),
        ("post", "/api/v1/leads/{id}/status/", {"status": "contacted"}),
        ("post", "/api/v1/leads/{id}/notes/", {"text": "Not my lead"}),
        ("post", "/api/v1/leads/{id}/calls/", {"summary": "Rang them"}),
        ("post", "/api/v1/leads/{id}/meetings/", {"summary": "Met them"}),
        ("post", "/api/v1/leads/{id}/assign/", {"member": 1, "reason": "Mine now"}),
    ],
)
def test_another_teams_lead_is_not_found_on_any_route_and_nothing_changes(firm, method, path, data):
    people, leads, _ = firm
    other = leads["other"]
    before = (other.status, other.owner_id, other.activities.count())
    response = getattr(client_for(people["earner"]), method)(
        path.format(id=other.pk), data, format="json"
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert (other.status, other.owner_id, other.activities.count()) == before


def test_a_fee_earner_sees_and_completes_only_follow_ups_on_leads_they_may_see(firm):
    people, _, followups = firm
    client = client_for(people["earner"])
    listed = {row["id"] for row in client.get("/api/v1/followups/").json()["results"]}
    assert listed == {followups["mine"].pk, followups["team"].pk}
    other = followups["other"]
    assert client.get(f"/api/v1/followups/{other.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/followups/{other.pk}/",
        {"completed_at": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.completed_at is None


def test_a_user_without_change_permission_may_read_but_not_change(firm):
    people, leads, _ = firm
    reader = people["earner"]
    reader.groups.clear()
    from django.contrib.auth.models import Permission

    reader.user_permissions.add(Permission.objects.get(codename="view_lead"))
    client = client_for(reader)
    lead = leads["mine"]
    assert client.get(f"/api/v1/leads/{lead.pk}/").status_code == 200
    response = client.post(f"/api/v1/leads/{lead.pk}/notes/", {"text": "hello"}, format="json")
    assert response.status_code == 403
    assert "may read this but not change it" in response.json()["detail"]


def test_capture_cannot_name_another_teams_lead_by_its_reference(firm):
    people, leads, _ = firm
    other = leads["other"]
    response = client_for(people["earner"]).post(
        "/api/v1/leads/",
        {
            "contact": {"name": "Jo Bloggs", "email": "jo@example.com"},
            "message": "More about my matter",
            "reference": other.reference,
        },
        format="json",
    )
    assert response.status_code == 400
    assert f"No lead you may see has the reference “{other.reference}”" in json.dumps(
        response.json(), ensure_ascii=False
    )
    assert other.activities.count() == 0
