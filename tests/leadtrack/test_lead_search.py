"""A partner or fee earner finds a lead by the phone number however it is typed, in the
admin's lead list and through the API's ``search``, by the one search selector."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from leads.selectors import phone_search_forms
from tests.factories import ContactFactory, LeadFactory

LIST_URL = "/admin/leads/lead/"
TYPED = ["020 7946 0123", "+44 20 7946 0123", "02079460123", "(020) 7946-0123", "+442079460123"]


@pytest.fixture
def leads(people):
    wanted = LeadFactory(
        owner=people["earner"], contact=ContactFactory(name="Rachel Osei", phone="+442079460123")
    )
    other = LeadFactory(
        owner=people["earner"], contact=ContactFactory(name="Sam Patel", phone="+447700900456")
    )
    return wanted, other


@pytest.mark.parametrize("typed", TYPED)
def test_the_lead_list_finds_a_lead_by_phone_in_any_format(people, client, leads, typed):
    wanted, other = leads
    client.force_login(people["earner"])
    page = client.get(LIST_URL, {"q": typed}).content.decode()
    assert wanted.reference in page
    assert other.reference not in page


@pytest.mark.parametrize("typed", TYPED[:3])
def test_the_api_search_finds_a_lead_by_phone_in_any_format(people, leads, typed):
    wanted, _ = leads
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=people["partner"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api.get("/api/v1/leads/", {"search": typed}).json()
    assert [row["reference"] for row in body["results"]] == [wanted.reference]


def test_words_still_search_names_and_a_short_number_is_not_a_phone(people, client, leads):
    wanted, other = leads
    client.force_login(people["partner"])
    page = client.get(LIST_URL, {"q": "rachel osei"}).content.decode()
    assert wanted.reference in page and other.reference not in page
    assert phone_search_forms("12345") == []
    assert phone_search_forms("LD-2026-00012") == []
