"""An ESP's inbound webhook is answered through its own short middleware stack: the
security headers, the body-size limit and a fixed policy that lets a JSON answer load
nothing; no session, user, CSRF, messages, history or Axes. Every other page, anymail's
tracking webhooks included, goes through the whole stack."""

from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client

from leads.models import InboundMessage
from leadtrack.middleware import INBOUND_CONTENT_SECURITY_POLICY
from tests.leads.inbound_support import (
    basic_auth,
    corpus,
    inbound_settings,  # noqa: F401 (fixture)
    post_postmark,
    postmark_payload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inbound_settings")]


@pytest.fixture
def sessions_seen():
    """The requests the session middleware is asked about."""
    real = SessionMiddleware.process_request
    with mock.patch.object(
        SessionMiddleware, "process_request", autospec=True, side_effect=real
    ) as process_request:
        yield process_request


@pytest.fixture
def not_queued():
    with mock.patch("leads.services.inbound.inbound_email_enqueue"):
        yield


@pytest.mark.usefixtures("not_queued")
def test_a_stored_email_is_answered_with_the_security_headers_and_no_session(sessions_seen):
    response = post_postmark(Client(), postmark_payload(corpus("gmail_enquiry.eml")))

    assert response.status_code == 200
    assert response.json() == {"detail": "Stored; it will be processed in a moment."}
    assert response["Content-Type"] == "application/json"
    assert response["Content-Security-Policy"] == INBOUND_CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Set-Cookie" not in response and "Vary" not in response
    assert not sessions_seen.called
    assert InboundMessage.objects.count() == 1


def test_a_refused_post_is_answered_through_the_short_stack_too(sessions_seen):
    response = post_postmark(
        Client(), postmark_payload(corpus("gmail_enquiry.eml")), auth=basic_auth("x:wrong")
    )

    assert response.status_code == 401
    assert response["Content-Security-Policy"] == INBOUND_CONTENT_SECURITY_POLICY
    assert not sessions_seen.called
    assert not InboundMessage.objects.exists()


def test_the_body_size_limit_still_applies_to_a_webhook(settings):
    settings.LEADTRACK_MAX_BODY_BYTES = 1000

    response = post_postmark(Client(), postmark_payload(corpus("gmail_enquiry.eml")))

    assert response.status_code == 413
    assert "the largest accepted is 1000 bytes" in response.json()["detail"]
    assert not InboundMessage.objects.exists()


def test_every_other_page_goes_through_the_whole_stack(sessions_seen):
    client = Client()
    tracking = client.post(
        "/anymail/postmark/tracking/", data="{}", content_type="application/json", **basic_auth()
    )
    health = client.get("/health/")

    assert sessions_seen.call_count == 2
    for response in (tracking, health):
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_misspelt_webhook_address_is_the_sites_own_404(sessions_seen):
    response = Client().post(
        "/anymail/postmark/inbound-typo/",
        data="{}",
        content_type="application/json",
        **basic_auth(),
    )

    assert response.status_code == 404
    assert sessions_seen.called
