"""Rules that hold on every surface: the firm's closure reasons (the status service, so
the admin's bulk action and quick action obey them as the API does), and the token
throttle behind a proxy (a forged X-Forwarded-For per request does not reset it)."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from followups.models import ClosureReason
from leads.choices import Status
from leads.services import lead_change_status
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reasons():
    ClosureReason.objects.create(text="Instructed another firm", for_lost=True)


@pytest.fixture
def partner(db):
    return UserFactory(username="pat.partner", is_superuser=True)


def test_the_status_service_refuses_a_reason_not_on_the_firms_list(reasons):
    lead = LeadFactory(status=Status.CONTACTED)
    with pytest.raises(ValidationError, match="Instructed another firm"):
        lead_change_status(lead=lead, status=Status.LOST, reason="meh")
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED
    changed = lead_change_status(
        lead=lead, status=Status.LOST, reason="instructed another firm: cheaper"
    )
    assert changed.closed_reason == "Instructed another firm: cheaper"


def test_the_admin_bulk_action_shows_the_services_refusal(client, partner, reasons):
    lead = LeadFactory(status=Status.CONTACTED)
    client.force_login(partner)
    response = client.post(
        reverse("admin:leads_lead_changelist"),
        {
            "action": "change_status",
            "_selected_action": [lead.pk],
            "apply": "1",
            "status": "lost",
            "reason": "meh",
        },
        follow=True,
    )
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED
    assert "Instructed another firm" in response.content.decode()


def test_the_lead_pages_quick_action_shows_the_services_refusal(client, partner, reasons):
    lead = LeadFactory(status=Status.CONTACTED)
    client.force_login(partner)
    response = client.post(
        reverse("admin:leads_lead_quick", args=[lead.pk, "status"]),
        {"status": "lost", "reason": "meh"},
        follow=True,
    )
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED
    assert "Instructed another firm" in response.content.decode()


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_new_forwarded_address_per_request_does_not_bypass_the_token_throttle(
    settings, monkeypatch, proxies
):
    cache.clear()
    # DRF reads the rates once, when the throttle class is defined.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    settings.AXES_ENABLED = False
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "NUM_PROXIES": proxies,
    }
    client = APIClient()
    answers = []
    for n in range(6):
        # The client forges the left part; with one trusted proxy, the proxy appends
        # the address it saw (always the same client), which is what counts.
        forwarded = f"203.0.113.{n}, 198.51.100.7" if proxies else f"203.0.113.{n}"
        response = client.post(
            "/api/v1/auth/token/",
            {"username": "nobody", "password": "guess"},
            HTTP_X_FORWARDED_FOR=forwarded,
            REMOTE_ADDR="10.0.0.1",
        )
        answers.append(response.status_code)
    assert answers == [400, 400, 400, 429, 429, 429]
