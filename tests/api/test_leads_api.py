"""The REST API contract: token auth, capture with Idempotency-Key, list with filters and
search, detail, timeline and status; bad input answered with clear JSON and no writes."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from leads.models import Activity, Contact, InboundMessage, Lead
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "contact": {
        "name": "Jo Bloggs",
        "email": "Jo@Example.com",
        "phone": "020 7946 0000",
        "organisation": "Bloggs Ltd",
    },
    "message": "We need advice on a shareholder dispute.",
    "source": "Partner website",
}


def _nothing_written():
    return (Lead.objects.count(), Contact.objects.count(), InboundMessage.objects.count())


def test_token_is_issued_for_a_valid_password_and_authenticates():
    UserFactory(username="integration")
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "integration", "password": "correct-horse-battery"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/leads/").status_code == 200


def test_wrong_password_gets_a_clear_400():
    UserFactory(username="integration")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "integration", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "Unable to log in" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Bearer abc", ""])
def test_bad_or_missing_token_is_refused(header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post("/api/v1/leads/", VALID, format="json")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert _nothing_written() == (0, 0, 0)


def test_non_staff_account_is_forbidden():
    client = APIClient()
    client.force_authenticate(UserFactory(username="client-portal", is_staff=False))
    response = client.get("/api/v1/leads/")
    assert response.status_code == 403
    assert "ask a partner" in response.json()["detail"]


def test_capture_creates_a_lead_with_the_contract_fields(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/leads/", VALID, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("LD-")
    assert body["channel"] == "api"
    assert body["contact"] == {
        "name": "Jo Bloggs",
        "email": "jo@example.com",
        "phone": "+442079460000",
        "organisation": "Bloggs Ltd",
    }
    assert body["status"] == "new"
    for field in ("tier", "qualification", "owner", "next_action", "first_response_at"):
        assert field in body
    lead = Lead.objects.get()
    assert lead.pipeline_complete  # the pipeline ran after commit (eager tasks)
    assert lead.inbound_messages.get().raw  # the raw request body is kept
    assert lead.activities.first().kind == "captured"


def test_capture_keeps_the_supplied_arrival_time_and_channel(api_client):
    arrived = "2026-11-20T09:15:00+00:00"
    response = api_client.post(
        "/api/v1/leads/", {**VALID, "arrived_at": arrived, "channel": "social"}, format="json"
    )
    assert response.status_code == 201
    lead = Lead.objects.get()
    assert lead.channel == "social"
    assert lead.arrived_at.isoformat() == arrived
    assert lead.captured_at > lead.arrived_at


def test_idempotency_key_returns_the_first_lead(api_client):
    first = api_client.post("/api/v1/leads/", VALID, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api_client.post("/api/v1/leads/", VALID, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Lead.objects.count() == 1
    other = api_client.post(
        "/api/v1/leads/",
        {**VALID, "contact": {"email": "someone.else@example.com"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert other.status_code == 201
    # The same person sending the same text again under a new key, moments later, is the
    # same enquiry resubmitted: the first lead again (200, not a 3rd).
    joined = api_client.post("/api/v1/leads/", VALID, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert joined.status_code == 200
    assert joined.json()["id"] == first.json()["id"]
    assert Lead.objects.count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"message": "no contact"}, "contact"),
        ({**VALID, "contact": {"name": "No way to reply"}}, "email"),
        ({**VALID, "contact": {"email": "not-an-email"}}, "email"),
        ({**VALID, "contact": {"phone": "12"}}, "phone"),
        ({**VALID, "unexpected": "field"}, "unexpected"),
        ({**VALID, "contact": {**VALID["contact"], "nickname": "JB"}}, "nickname"),
        ({**VALID, "message": 42}, "message"),
        ({**VALID, "consent": "perhaps"}, "consent"),
        ({**VALID, "channel": "carrier-pigeon"}, "channel"),
        ({**VALID, "arrived_at": "31/02/2026"}, "arrived_at"),
        ({**VALID, "arrived_at": "2099-01-01T00:00:00Z"}, "arrived_at"),
        ({**VALID, "arrived_at": "1970-01-01T00:00:00Z"}, "arrived_at"),
        ({**VALID, "utm": "google"}, "utm"),
    ],
)
def test_bad_input_is_a_clear_400_and_writes_nothing(api_client, payload, field):
    response = api_client.post("/api/v1/leads/", payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert field in json.dumps(body["errors"])
    assert _nothing_written() == (0, 0, 0)


def test_malformed_json_is_a_clear_400(api_client):
    response = api_client.post("/api/v1/leads/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert _nothing_written() == (0, 0, 0)


@override_settings(LEADTRACK_MAX_BODY_BYTES=10_000)
def test_oversized_body_is_refused_with_413(api_client):
    payload = {**VALID, "message": "x" * 20_000}
    response = api_client.post("/api/v1/leads/", payload, format="json")
    assert response.status_code == 413
    assert "largest accepted" in response.json()["detail"]
    assert _nothing_written() == (0, 0, 0)


def test_too_long_idempotency_key_is_refused(api_client):
    response = api_client.post(
        "/api/v1/leads/", VALID, format="json", HTTP_IDEMPOTENCY_KEY="k" * 201
    )
    assert response.status_code == 400
    assert _nothing_written() == (0, 0, 0)


def test_list_filters_search_and_pagination(api_client, staff_user):
    now = timezone.now()
    LeadFactory(
        channel="email",
        arrived_at=now - timedelta(days=3),
        status="new",
        contact__organisation="Acme Widgets Ltd",
    )
    LeadFactory(
        channel="web_form",
        arrived_at=now - timedelta(days=1),
        status="won",
        tier="A",
        owner=staff_user,
    )
    LeadFactory(channel="phone", arrived_at=now, tier="C", source="Yellow Pages")

    def refs(query: str) -> int:
        response = api_client.get(f"/api/v1/leads/?{query}")
        assert response.status_code == 200, response.content
        return response.json()["count"]

    assert refs("") == 3
    assert refs("channel=email") == 1
    assert refs("status=won") == 1
    assert refs("tier=A&tier=C") == 2
    assert refs(f"owner={staff_user.pk}") == 1
    assert refs("source=yellow%20pages") == 1
    after = (now - timedelta(days=2)).isoformat().replace("+", "%2B")
    assert refs(f"arrived_after={after}") == 2
    assert refs(f"arrived_before={after}") == 1
    assert refs("search=acme") == 1
    page = api_client.get("/api/v1/leads/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    newest_first = [lead["channel"] for lead in api_client.get("/api/v1/leads/").json()["results"]]
    assert newest_first == ["phone", "web_form", "email"]


def test_unknown_filter_value_is_a_clear_400(api_client):
    response = api_client.get("/api/v1/leads/?status=pending")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_list_query_count_does_not_grow_with_page_size(api_client, django_assert_max_num_queries):
    LeadFactory.create_batch(30)
    with django_assert_max_num_queries(6) as small:
        api_client.get("/api/v1/leads/?page_size=5")
    with django_assert_max_num_queries(len(small.captured_queries)):
        api_client.get("/api/v1/leads/?page_size=30")


def test_detail_and_timeline(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post("/api/v1/leads/", VALID, format="json").json()
    detail = api_client.get(f"/api/v1/leads/{created['id']}/")
    assert detail.status_code == 200
    assert detail.json()["reference"] == created["reference"]
    timeline = api_client.get(f"/api/v1/leads/{created['id']}/activities/").json()
    kinds = [entry["kind"] for entry in timeline]
    # Later pipeline steps (qualification, routing) add their own entries in between.
    assert kinds[0] == "captured" and kinds[-1] == "acknowledgement_sent"
    assert timeline[0]["actor"] == "Fiona Partner"
    assert timeline[-1]["actor"] is None
    assert api_client.get("/api/v1/leads/999999/").status_code == 404


def test_status_change_enforces_transitions_and_reasons(api_client):
    lead_id = api_client.post("/api/v1/leads/", VALID, format="json").json()["id"]
    url = f"/api/v1/leads/{lead_id}/status/"

    lost = api_client.post(url, {"status": "lost"}, format="json")
    assert lost.status_code == 400
    assert "reason" in lost.json()["errors"]

    bare_win = api_client.post(url, {"status": "won"}, format="json")
    assert bare_win.status_code == 400
    assert set(bare_win.json()["errors"]) == {"agreed_fee", "matter_reference"}

    win = {"status": "won", "agreed_fee": "4700.00", "matter_reference": "EMP/0042"}
    jump = api_client.post(url, win, format="json")
    assert jump.status_code == 200  # skipping ahead on the forward path is allowed
    assert (jump.json()["agreed_fee"], jump.json()["matter_reference"]) == ("4700.00", "EMP/0042")

    reopen = api_client.post(url, {"status": "new", "reason": "mistake"}, format="json")
    assert reopen.status_code == 400
    assert "cannot go from Won to New" in reopen.json()["detail"]

    lost = api_client.post(url, {"status": "lost", "reason": "x"}, format="json")
    assert lost.status_code == 400  # closed leads must be reopened first

    reopened = api_client.post(
        url, {"status": "contacted", "reason": "Client came back"}, format="json"
    )
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "contacted"
    kinds = Activity.objects.filter(lead_id=lead_id, kind="status_changed").count()
    assert kinds == 2


def test_schema_and_docs_are_served():
    client = APIClient()
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/leads/" in schema.content
    assert client.get("/api/v1/docs/").status_code == 200
