"""POST /api/v1/leads/: capture through the API, its idempotency and joining, and every
kind of bad input answered with a clear 4xx that changes nothing."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from leads.choices import ActivityKind, Channel
from leads.models import Contact, InboundMessage, Lead

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
URL = "/api/v1/leads/"


def body(**overrides):
    data = {
        "contact": {
            "name": "Jane Doe",
            "email": "jane@example.com",
            "phone": "020 7946 0000",
            "organisation": "Doe Ltd",
        },
        "message": "We need help with a shareholder dispute.",
        "source": "LinkedIn lead form",
    }
    data.update(overrides)
    return data


def nothing_written() -> bool:
    return not (
        Lead.objects.exists() or Contact.objects.exists() or InboundMessage.objects.exists()
    )


@time_machine.travel(NOW, tick=False)
def test_capture_returns_201_with_the_lead(api_client):
    response = api_client.post(URL, body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["channel"] == "api"
    assert data["reference"].startswith("LD-2026-")
    assert data["contact"]["phone"] == "+442079460000"
    assert data["arrived_at"] == "2026-11-25T10:00:00Z"


@time_machine.travel(NOW, tick=False)
def test_social_lead_keeps_its_channel_and_supplied_arrival_time(api_client):
    response = api_client.post(
        URL,
        body(channel="social", arrived_at="2026-11-24T18:30:00+00:00"),
        format="json",
    )
    assert response.status_code == 201
    lead = Lead.objects.get()
    assert lead.channel == Channel.SOCIAL
    assert lead.arrived_at == datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
    assert lead.captured_at == NOW


@time_machine.travel(NOW, tick=False)
def test_idempotency_key_makes_a_repeat_return_the_first_lead(api_client):
    first = api_client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    again = api_client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Lead.objects.count() == 1
    assert InboundMessage.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_message_naming_the_lead_reference_joins_it_and_answers_200(api_client):
    first = api_client.post(URL, body(), format="json")
    reference = first.json()["reference"]
    second = api_client.post(
        URL, body(message="Also a lease question.", reference=reference), format="json"
    )
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    timeline = api_client.get(f"{URL}{first.json()['id']}/activities/").json()
    assert [entry["kind"] for entry in timeline] == [
        ActivityKind.CAPTURED,
        ActivityKind.MESSAGE_RECEIVED,
    ]
    assert f"The API call named {reference}" in timeline[1]["summary"]


@time_machine.travel(NOW, tick=False)
def test_known_contact_with_a_new_matter_gets_a_new_lead_answered_201(api_client):
    first = api_client.post(URL, body(), format="json")
    second = api_client.post(URL, body(message="Now a question about a will."), format="json")
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert Contact.objects.count() == 1
    timeline = api_client.get(f"{URL}{second.json()['id']}/activities/").json()
    assert ActivityKind.SECOND_ENQUIRY in [entry["kind"] for entry in timeline]


@time_machine.travel(NOW, tick=False)
def test_unknown_reference_is_refused_and_nothing_written(api_client):
    response = api_client.post(URL, body(reference="LD-2026-99999"), format="json")
    assert response.status_code == 400
    assert "No lead has the reference" in json.dumps(response.json())
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_message_over_the_shared_limit_is_refused_with_its_length(api_client, settings):
    settings.LEADTRACK_MESSAGE_MAX_CHARS = 50
    response = api_client.post(URL, body(message="x" * 51), format="json")
    assert response.status_code == 400
    assert "51 characters long; the most we accept is 50" in json.dumps(response.json())
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (body(contact={"name": "No Way"}), "email", "email address or a phone number"),
        (body(contact={"email": "not-an-email"}), "email", "valid email"),
        (body(contact={"phone": "12"}), "phone", "cannot be a phone number"),
        (body(colour="blue"), "colour", "not recognised"),
        (body(contact={"email": "a@example.com", "fax": "1"}), "fax", "not recognised"),
        (body(message=["a", "list"]), "message", "not a number, list or object"),
        (body(consent="perhaps"), "consent", "valid boolean"),
        (body(utm="campaign"), "utm", "dictionary"),
        (body(channel="pigeon"), "channel", "not a valid choice"),
        (body(arrived_at="2026-02-30T10:00:00Z"), "arrived_at", "wrong format"),
        (body(arrived_at="yesterday"), "arrived_at", "wrong format"),
        (body(arrived_at="2026-11-26T10:00:00+00:00"), "arrived_at", "in the future"),
        (body(arrived_at="2010-01-01T10:00:00+00:00"), "arrived_at", "days ago"),
        (
            body(contact={"name": "Eve\r\nBcc: x@example.com", "email": "e@example.com"}),
            "name",
            "one line",
        ),
        ({"message": "no contact"}, "contact", "required"),
    ],
)
def test_bad_input_is_a_clear_400_and_writes_nothing(api_client, data, field, words):
    response = api_client.post(URL, data, format="json")
    assert response.status_code == 400, response.json()
    payload = response.json()
    flat = json.dumps(payload["errors"])
    assert field in flat
    assert words.lower() in flat.lower()
    assert payload["detail"]
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_naive_arrival_time_is_refused(api_client, settings):
    response = api_client.post(URL, body(arrived_at="2026-11-24T10:00:00"), format="json")
    assert response.status_code == 400
    assert "UTC offset" in response.json()["errors"]["arrived_at"][0]
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_malformed_json_is_a_400(api_client):
    response = api_client.post(URL, b'{"contact": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_body_that_is_not_utf8_is_a_400(api_client):
    raw = json.dumps(body()).replace("Jane Doe", "Jos\xe9").encode("latin-1")
    response = api_client.post(URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_declared_charset_is_honoured(api_client):
    raw = json.dumps(body(), ensure_ascii=False).replace("Jane", "Jos\xe9").encode("latin-1")
    response = api_client.post(URL, raw, content_type="application/json; charset=latin-1")
    assert response.status_code == 201
    assert Contact.objects.get().name == "Jos\xe9 Doe"


@time_machine.travel(NOW, tick=False)
def test_unknown_charset_with_bytes_that_are_not_utf8_is_a_400(api_client):
    raw = json.dumps(body(), ensure_ascii=False).replace("Jane", "Jos\xe9").encode("latin-1")
    response = api_client.post(URL, raw, content_type="application/json; charset=klingon")
    assert response.status_code == 400
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_json_that_is_not_an_object_is_a_400(api_client):
    response = api_client.post(URL, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_oversized_body_is_refused_with_413(api_client, settings):
    settings.LEADTRACK_MAX_BODY_BYTES = 2_000
    response = api_client.post(URL, body(message="x" * 5_000), format="json")
    assert response.status_code == 413
    assert "bytes" in response.json()["detail"]
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_nul_characters_are_refused(api_client):
    response = api_client.post(URL, body(message="Hello\u0000 world"), format="json")
    assert response.status_code == 400
    assert "Null characters" in response.json()["errors"]["message"][0]
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_overlong_idempotency_key_is_refused(api_client):
    response = api_client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 201)
    assert response.status_code == 400
    assert nothing_written()


def test_bad_token_is_a_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.post(URL, body(), format="json")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert nothing_written()


def test_no_credentials_is_refused(anonymous_api_client):
    response = anonymous_api_client.post(URL, body(), format="json")
    assert response.status_code in (401, 403)
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_token_of_a_non_staff_account_is_forbidden(django_user_model):
    user = django_user_model.objects.create_user(
        "website", password="x-long-password", is_staff=False
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = client.post(URL, body(), format="json")
    assert response.status_code == 403
    assert "API access" in response.json()["detail"]
    assert nothing_written()


@time_machine.travel(NOW, tick=False)
def test_valid_token_captures(staff_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    response = client.post(URL, body(), format="json")
    assert response.status_code == 201
