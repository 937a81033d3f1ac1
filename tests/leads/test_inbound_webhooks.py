"""Each ESP's webhook as the ESP sends it (Postmark JSON, Mailgun signed raw MIME,
SendGrid Inbound Parse), and payloads that cannot be decoded: a clear 4xx and nothing
written. What is stored and processed later is in test_inbound_store_first.py."""

import json
from datetime import timedelta

import pytest

from leads.choices import RawFormat
from leads.models import InboundMessage, Lead
from tests.leads.inbound_support import (
    NOW,
    WEBHOOK_SECRET,
    basic_auth,
    corpus,
    frozen_clock,  # noqa: F401 (fixture)
    inbound_settings,  # noqa: F401 (fixture)
    mailgun_fields,
    post_mailgun,
    post_postmark,
    post_sendgrid,
    postmark_payload,
    sendgrid_fields,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("inbound_settings", "frozen_clock"),
]


def nothing_written():
    return not InboundMessage.objects.exists() and not Lead.objects.exists()


# --- Mailgun -----------------------------------------------------------------------


def test_mailgun_signed_raw_mime_is_captured(client):
    mime = corpus("gmail_enquiry.eml")

    response = post_mailgun(client, mailgun_fields(mime))

    assert response.status_code == 200, response.content
    inbound = InboundMessage.objects.get()
    assert inbound.provider == "mailgun"
    assert bytes(inbound.raw_bytes) == mime.encode()
    assert inbound.raw_format == RawFormat.MIME
    # Mailgun gives an event timestamp: it is the arrival time.
    assert inbound.arrival_basis == "esp_timestamp"
    assert inbound.arrived_at == NOW - timedelta(seconds=30)
    assert inbound.lead.contact.email == "jane.doe@gmail.com"


def test_mailgun_wrong_signature_is_refused(client):
    fields = mailgun_fields(corpus("gmail_enquiry.eml"), key="key-someone-else")

    response = post_mailgun(client, fields)

    assert response.status_code == 401
    assert "signature" in response.json()["detail"].lower()
    assert nothing_written()


def test_mailgun_without_a_signing_key_is_answered_as_not_configured(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": WEBHOOK_SECRET}

    response = post_mailgun(client, mailgun_fields(corpus("gmail_enquiry.eml")))

    assert response.status_code == 503
    assert "MAILGUN_WEBHOOK_SIGNING_KEY" in response.json()["detail"]
    assert nothing_written()


# --- SendGrid ----------------------------------------------------------------------


def test_sendgrid_inbound_parse_fields_are_captured(client):
    response = post_sendgrid(client, sendgrid_fields(corpus("gmail_enquiry.eml")))

    assert response.status_code == 200, response.content
    inbound = InboundMessage.objects.get()
    assert inbound.provider == "sendgrid"
    assert inbound.raw_format == RawFormat.FORM
    assert b'name="headers"' in bytes(inbound.raw_bytes)
    assert inbound.spam_score == 0.1
    assert inbound.lead.subject == "Help with a commercial lease renewal"


def test_sendgrid_raw_mime_is_captured_once_when_replayed(client):
    mime = corpus("with_attachment.eml")
    fields = {"email": mime, "envelope": json.dumps({"to": ["x@y.z"], "from": "ben@c.uk"})}

    for _ in range(3):
        assert post_sendgrid(client, fields).status_code == 200

    inbound = InboundMessage.objects.get()
    assert bytes(inbound.raw_bytes) == mime.encode()
    assert inbound.attachments.count() == 1
    assert Lead.objects.count() == 1


# --- Authentication ----------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [{}, basic_auth("postmark-inbound:wrong"), {"HTTP_AUTHORIZATION": "Basic !!!"}],
    ids=["none", "wrong", "garbled"],
)
def test_wrong_basic_auth_is_refused(client, auth):
    response = post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")), auth=auth)

    assert response.status_code == 401
    assert "basic auth" in response.json()["detail"]
    assert nothing_written()


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")
def test_webhooks_refuse_deliveries_until_a_secret_is_set(client, settings):
    settings.ANYMAIL = {}

    response = post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")), auth={})

    assert response.status_code == 503
    assert "ANYMAIL_WEBHOOK_SECRET" in response.json()["detail"]
    assert nothing_written()


# --- Bad payloads ------------------------------------------------------------------


def test_malformed_json_is_refused(client):
    response = client.post(
        "/anymail/postmark/inbound/",
        data='{"From": "jane@example.com", ',
        content_type="application/json",
        **basic_auth(),
    )

    assert response.status_code == 403  # Postmark's "do not retry"
    assert "could not be read" in response.json()["detail"]
    assert nothing_written()


def test_tracking_webhook_posted_to_the_inbound_url_says_what_to_fix(client):
    payload = {"RecordType": "Delivery", "MessageID": "x", "Recipient": "a@b.c"}

    response = post_postmark(client, payload)

    assert response.status_code == 403
    assert "Postmark's *Delivery* webhook" in response.json()["detail"]
    assert nothing_written()


def test_ten_megabyte_body_is_refused_before_it_is_read(client):
    payload = postmark_payload(corpus("gmail_enquiry.eml"))
    payload["TextBody"] = "x" * (10 * 1024 * 1024)

    response = post_postmark(client, payload)

    assert response.status_code == 413
    assert nothing_written()


def test_every_inbound_url_anymail_supports_is_mounted():
    from django.urls import resolve

    for esp in [
        "amazon_ses",
        "brevo",
        "mailersend",
        "mailgun",
        "mailjet",
        "mailtrap",
        "postal",
        "postmark",
        "resend",
        "sendgrid",
        "sparkpost",
        "sendinblue",
    ]:
        match = resolve(f"/anymail/{esp}/inbound/")
        assert match.func.view_class.__module__.startswith("leads.inbound.esp."), esp
    assert resolve("/anymail/mailgun/inbound_mime/").func.view_class.__module__ == (
        "leads.inbound.esp.mailgun"
    )
    assert resolve("/anymail/postmark/tracking/").func.view_class.__module__.startswith("anymail")
