"""The lead page's conversation shows the words of every message on the lead, whichever
channel it came by, never "(no text)" when the text is stored."""

import pytest

from leads.choices import Channel, InboundKind
from leads.models import InboundMessage
from leads.services import ContactDetails, lead_capture
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def page_of(client, lead) -> str:
    response = client.get(f"/admin/leads/lead/{lead.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="conversation"')
    return html[start : html.index("</fieldset>", start)]


def test_form_enquiry_text_is_shown(admin_client):
    lead = lead_capture(
        channel=Channel.WEB_FORM,
        contact=ContactDetails(name="Rachel Turner", email="rachel@example.com"),
        message="I was dismissed after raising a grievance.",
        payload={"fields": {"message": "I was dismissed after raising a grievance."}},
    ).lead
    section = page_of(admin_client, lead)
    assert "I was dismissed after raising a grievance." in section
    assert "(no text)" not in section


def test_email_text_is_shown_from_the_stored_email(admin_client):
    stored = InboundMessage.objects.create(
        provider="postmark",
        channel=Channel.EMAIL,
        external_id="<enquiry@example.com>",
        subject="Lease",
        body_text="Hello,\n\nMy landlord wants a 20% rise.\n\n> quoted history",
        summary="Hello,\n\nMy landlord wants a 20% rise.",
    )
    lead = lead_capture(
        channel=Channel.EMAIL,
        contact=ContactDetails(email="tom@baker.example"),
        message=stored.summary,
        inbound=stored,
    ).lead
    section = page_of(admin_client, lead)
    assert "My landlord wants a 20% rise." in section
    assert "(no text)" not in section


def test_rows_stored_before_the_text_was_kept_on_the_row_show_their_payload_text(
    admin_client,
):
    lead = lead_capture(
        channel=Channel.PHONE,
        contact=ContactDetails(email="ann@example.com"),
        message="Called about probate.",
    ).lead
    InboundMessage.objects.create(
        provider="web_form",
        channel=Channel.WEB_FORM,
        kind=InboundKind.ENQUIRY,
        lead=lead,
        payload={"fields": {"message": "An older form post, text in its fields."}},
    )
    section = page_of(admin_client, lead)
    assert "Called about probate." in section
    assert "An older form post, text in its fields." in section
