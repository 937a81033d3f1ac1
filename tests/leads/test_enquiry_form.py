"""The public enquiry form at /enquire/: validation, honeypot, CSRF, rate limit, capture
with its practice-area hint, tracking data and acknowledgement."""

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client

from leads.choices import Channel
from leads.models import Contact, InboundMessage, Lead
from qualification.models import PracticeArea

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
URL = "/enquire/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def areas(db):
    return [
        PracticeArea.objects.create(name="Employment", slug="employment"),
        PracticeArea.objects.create(name="Residential property", slug="residential-property"),
        PracticeArea.objects.create(name="Criminal defence", slug="criminal", accepts_work=False),
    ]


def form_data(**overrides):
    data = {
        "name": "Rachel Turner",
        "email": "rachel@example.com",
        "phone": "07912 345678",
        "organisation": "",
        "practice_area": "employment",
        "message": "I was dismissed after raising a grievance.",
        "how_heard": "search",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def nothing_written() -> bool:
    return not (
        Lead.objects.exists() or Contact.objects.exists() or InboundMessage.objects.exists()
    )


def test_form_shows_the_firms_open_practice_areas_and_is_embeddable(client, areas):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="employment"' in html
    assert 'value="residential-property"' in html
    assert "criminal" not in html
    assert "csrfmiddlewaretoken" in html
    assert "X-Frame-Options" not in response.headers
    assert 'lang="en-GB"' in html
    assert 'name="viewport"' in html
    assert 'autocomplete="email"' in html


def test_other_pages_still_refuse_framing(client, areas):
    assert client.get("/admin/login/").headers["X-Frame-Options"] == "DENY"


def test_utm_parameters_and_referrer_are_carried_into_the_form(client, areas):
    query = urlencode(
        {"utm_source": "google", "utm_campaign": "autumn", "referrer": "https://www.google.com/"}
    )
    html = client.get(f"{URL}?{query}").content.decode()
    assert '<input type="hidden" name="utm_source" value="google">' in html
    assert '<input type="hidden" name="utm_campaign" value="autumn">' in html
    assert '<input type="hidden" name="referrer" value="https://www.google.com/">' in html


def test_referer_header_is_kept_when_no_referrer_is_passed(client, areas):
    html = client.get(URL, HTTP_REFERER="https://firm.example/contact").content.decode()
    assert 'name="referrer" value="https://firm.example/contact"' in html


@time_machine.travel(NOW, tick=False)
def test_valid_enquiry_is_captured_acknowledged_and_thanked(
    client, areas, django_capture_on_commit_callbacks
):
    data = form_data(utm_source="google", utm_medium="cpc", referrer="https://www.google.com/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response.url == "/enquire/thanks/"
    lead = Lead.objects.get()
    assert lead.channel == Channel.WEB_FORM
    assert lead.arrived_at == NOW
    assert lead.contact.phone == "+447912345678"
    assert lead.contact.email == "rachel@example.com"
    assert lead.practice_area_hint == "employment"
    assert lead.source == "google"
    assert lead.utm == {
        "utm_source": "google",
        "utm_medium": "cpc",
        "referrer": "https://www.google.com/",
    }
    assert lead.consent is True
    assert "reply to my enquiry" in lead.consent_text
    inbound = InboundMessage.objects.get()
    assert inbound.payload["client_address"] == "203.0.113.9"
    assert inbound.payload["how_heard"] == "Search engine"
    assert "csrfmiddlewaretoken" not in inbound.payload["fields"]
    assert len(mail.outbox) == 1
    assert lead.reference in mail.outbox[0].subject
    thanks = client.get(response.url)
    assert "Thank you" in thanks.content.decode()
    assert "X-Frame-Options" not in thanks.headers


@time_machine.travel(NOW, tick=False)
def test_how_heard_is_the_source_without_utm(client, areas):
    client.post(URL, form_data(how_heard="recommendation"))
    assert Lead.objects.get().source == "Recommended by someone"


@time_machine.travel(NOW, tick=False)
def test_not_sure_leaves_no_practice_area_hint(client, areas):
    client.post(URL, form_data(practice_area=""))
    assert Lead.objects.get().practice_area_hint == ""


def test_honeypot_filled_looks_like_success_and_captures_nothing(client, areas):
    response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert nothing_written()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter your name."),
        ({"email": ""}, "Enter your email address, so that we can reply."),
        ({"email": "rachel@"}, "Enter an email address in the form name@example.co.uk."),
        ({"name": "   "}, "Enter your name."),
        ({"message": ""}, "Tell us briefly what you need help with."),
        (
            {"message": "x" * 20_001},
            "The message is 20,001 characters long; the most we accept is 20,000.",
        ),
        ({"consent": ""}, "Tick the box to let us use your details to reply."),
        ({"practice_area": "criminal"}, "Select a valid choice."),
        ({"name": "Eve\r\nBcc: victim@example.com"}, "Your name must be on one line"),
        ({"organisation": "Evil\nCorp"}, "Organisation must be on one line"),
    ],
)
def test_invalid_enquiry_shows_a_clear_message_and_writes_nothing(
    client, areas, overrides, message
):
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "There is a problem with your enquiry" in html
    assert 'aria-invalid="true"' in html
    assert nothing_written()


def test_long_message_has_no_maxlength_for_a_browser_to_cut_it_silently(client, areas):
    html = client.get(URL).content.decode()
    textarea = html[html.index("<textarea") : html.index("</textarea>")]
    assert "maxlength" not in textarea


@pytest.mark.parametrize(
    ("phone", "stored", "unverified"),
    [
        ("07700 900123", "+447700900123", True),  # Ofcom's drama range: possible, unallocated
        ("07912 345678", "+447912345678", False),
    ],
)
def test_possible_phone_number_is_kept_and_flagged_if_unverified(
    client, areas, phone, stored, unverified
):
    response = client.post(URL, form_data(phone=phone))
    assert response.status_code == 302
    contact = Lead.objects.get().contact
    assert (contact.phone, contact.phone_unverified) == (stored, unverified)


def test_phone_that_cannot_be_a_number_never_refuses_the_enquiry(client, areas):
    response = client.post(URL, form_data(phone="12345"))
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.contact.phone == ""
    assert "“12345”, which cannot be a phone number" in lead.activities.get(kind="note").summary


def test_the_same_form_posted_twice_is_one_lead(client, areas):
    page = client.get(URL).content.decode()
    key = page.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    first = client.post(URL, form_data(submission_key=key))
    again = client.post(URL, form_data(submission_key=key))
    assert (first.status_code, again.status_code) == (302, 302)
    assert Lead.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def test_the_same_text_posted_again_without_a_key_is_one_lead(client, areas):
    client.post(URL, form_data())
    client.post(URL, form_data())
    lead = Lead.objects.get()
    assert InboundMessage.objects.filter(lead=lead).count() == 2
    assert "arrived again by web form" in lead.activities.get(kind="note").summary


def test_entered_values_are_kept_when_the_form_is_shown_again(client, areas):
    html = client.post(URL, form_data(email="rachel@")).content.decode()
    assert 'value="Rachel Turner"' in html
    assert "I was dismissed after raising a grievance." in html


def test_post_without_csrf_token_is_refused_with_a_helpful_page(areas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, form_data())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your enquiry was not sent" in html
    assert "Open the enquiry form in a new window" in html
    assert nothing_written()


def test_post_with_csrf_token_is_accepted(areas):
    client = Client(enforce_csrf_checks=True)
    client.get(URL)
    token = client.cookies["csrftoken"].value
    response = client.post(URL, form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert Lead.objects.count() == 1


def test_rate_limit_answers_429_per_address(client, areas, settings):
    settings.LEADTRACK_ENQUIRY_RATE_LIMIT = 2
    for number in range(2):
        response = client.post(
            URL, form_data(email=f"person{number}@example.com"), REMOTE_ADDR="198.51.100.7"
        )
        assert response.status_code == 302
    blocked = client.post(URL, form_data(email="third@example.com"), REMOTE_ADDR="198.51.100.7")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Please wait a moment" in blocked.content.decode()
    assert not Lead.objects.filter(contact__email="third@example.com").exists()
    other = client.post(URL, form_data(email="other@example.com"), REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302


def test_forwarded_for_header_is_ignored_without_a_trusted_proxy(client, areas, settings):
    settings.LEADTRACK_ENQUIRY_RATE_LIMIT = 1
    settings.LEADTRACK_TRUSTED_PROXY_COUNT = 0
    client.post(URL, form_data(), REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.1.1.1")
    dodge = client.post(
        URL, form_data(), REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="2.2.2.2"
    )
    assert dodge.status_code == 429


def test_behind_one_trusted_proxy_the_client_address_is_the_last_forwarded(client, areas, settings):
    settings.LEADTRACK_ENQUIRY_RATE_LIMIT = 1
    settings.LEADTRACK_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    first = client.post(
        URL, form_data(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5"
    )
    assert first.status_code == 302
    # A forged left-most entry does not change the address the proxy saw.
    forged = client.post(
        URL, form_data(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.5"
    )
    assert forged.status_code == 429
    another = client.post(URL, form_data(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert another.status_code == 302
    assert InboundMessage.objects.order_by("pk").first().payload["client_address"] == "203.0.113.5"


def test_form_post_with_an_unknown_charset_is_read_as_utf8(client, areas):
    response = client.generic(
        "POST",
        URL,
        urlencode(form_data(name="Zoë Smith")).encode(),
        content_type="application/x-www-form-urlencoded; charset=klingon",
    )
    assert response.status_code == 302
    assert Contact.objects.get().name == "Zoë Smith"


def test_form_post_with_bytes_that_are_not_utf8_is_not_a_server_error(client, areas):
    raw = urlencode(form_data(name="Jos\xe9"), encoding="latin-1").encode()
    response = client.post(URL, raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    # Undecodable bytes become U+FFFD rather than failing the enquiry.
    assert Contact.objects.get().name == "Jos\ufffd"
