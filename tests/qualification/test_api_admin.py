"""The qualification as users see it: the API's contract fields (without N+1 queries on
lists), the lead's admin page, the tier override form and the re-qualify action; and the
labelled set's agreement with the demo model."""

import pytest
from django.urls import reverse

from leads.choices import ActivityKind
from qualification import services
from tests.factories import LeadFactory, UserFactory

CONTRACT = {
    "requirement_type",
    "commercial_significance",
    "estimated_value",
    "urgency",
    "decision_position",
    "score",
    "basis",
    "recommended_action",
    "model_version",
}


def qualified(**kwargs):
    lead = LeadFactory(**kwargs)
    services.lead_qualify(lead=lead)
    lead.refresh_from_db()
    return lead


def test_api_detail_shows_the_contract_fields(demo_model, api_client):
    lead = qualified(
        subject="Divorce", message="My husband and I are separating; the house is worth £900,000."
    )
    body = api_client.get(f"/api/v1/leads/{lead.pk}/").json()
    qualification = body["qualification"]
    assert set(qualification) == CONTRACT
    assert qualification["requirement_type"] == "Family"
    assert qualification["model_version"] == demo_model.version
    assert isinstance(qualification["estimated_value"], str)
    assert body["tier"] == lead.tier


def test_api_shows_null_before_qualification(demo_model, api_client):
    lead = LeadFactory()
    assert api_client.get(f"/api/v1/leads/{lead.pk}/").json()["qualification"] is None


def test_api_list_makes_no_query_per_lead(demo_model, api_client, django_assert_max_num_queries):
    for number in range(3):
        qualified(message=f"Tax return help please {number}")
    with django_assert_max_num_queries(6) as captured:
        api_client.get("/api/v1/leads/")
    few = len(captured.captured_queries)
    for number in range(10):
        qualified(message=f"Payroll for {number} staff")
    with django_assert_max_num_queries(few):
        response = api_client.get("/api/v1/leads/")
    assert response.json()["count"] == 13


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="partner", is_superuser=True))
    return client


def test_lead_admin_page_shows_the_qualification(demo_model, admin_client):
    lead = qualified(subject="R&D tax credits", message="We spent £400k on R&D last year.")
    page = admin_client.get(reverse("admin:leads_lead_change", args=[lead.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "R&amp;D tax credits: read from" in text
    assert "Override the tier" in text


def test_override_form_needs_a_reason_and_then_changes_the_tier(demo_model, admin_client):
    lead = qualified(message="Please call me back.")
    url = reverse("admin:leads_lead_override_tier", args=[lead.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"tier": "A", "reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = admin_client.post(url, {"tier": "A", "reason": "Known to the senior partner"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.tier == "A"
    assert lead.qualification.tier != "A"


def test_requalify_admin_action(demo_model, admin_client):
    lead = qualified(message="Help with a VAT return")
    response = admin_client.post(
        reverse("admin:leads_lead_changelist"),
        {"action": "requalify", "_selected_action": [lead.pk]},
    )
    assert response.status_code == 302
    assert lead.activities.filter(kind=ActivityKind.QUALIFIED).count() == 2


def test_model_admin_pages_render(demo_model, admin_client):
    draft = services.qualification_model_draft(name="Draft", based_on=demo_model)
    services.qualification_model_trial(model=draft)
    for model in (demo_model, draft):
        page = admin_client.get(
            reverse("admin:qualification_qualificationmodel_change", args=[model.pk])
        )
        assert page.status_code == 200
    assert (
        admin_client.get(reverse("admin:qualification_qualificationresult_changelist")).status_code
        == 200
    )
