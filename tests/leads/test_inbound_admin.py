"""The inbound emails in the admin: every kind visible, hostile HTML inert, attachments
downloaded rather than rendered, spam released by a person."""

import pytest

from leads.choices import InboundKind
from leads.models import InboundMessage, Lead
from tests.factories import UserFactory
from tests.leads.inbound_support import (
    corpus,
    frozen_clock,  # noqa: F401 (fixture)
    inbound_settings,  # noqa: F401 (fixture)
    post_postmark,
    postmark_payload,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("inbound_settings", "frozen_clock"),
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="ops", is_superuser=True))
    return client


def test_every_kind_of_email_is_listed(client, admin_client, django_assert_max_num_queries):
    for name in [
        "gmail_enquiry.eml",
        "outlook_out_of_office.eml",
        "dsn_bounce.eml",
        "mailing_list.eml",
        "hostile_html.eml",
    ]:
        post_postmark(client, postmark_payload(corpus(name)))

    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/leads/inboundmessage/")

    assert response.status_code == 200
    for label in ["New enquiry", "Auto-reply", "Bounce", "Mailing list"]:
        assert label in response.content.decode()


def test_hostile_html_is_shown_inert(client, admin_client):
    post_postmark(client, postmark_payload(corpus("hostile_html.eml")))
    inbound = InboundMessage.objects.get()

    page = admin_client.get(f"/admin/leads/inboundmessage/{inbound.pk}/change/").content.decode()

    assert "supplier contract" in page
    assert "tracker.example/pixel.gif" not in page.split("Raw payload")[0]
    assert "<script>alert" not in page
    assert 'src="https://tracker.example' not in page


def test_attachment_downloads_as_a_file(client, admin_client):
    post_postmark(client, postmark_payload(corpus("with_attachment.eml")))
    inbound = InboundMessage.objects.get()
    attachment = inbound.attachments.get()

    response = admin_client.get(
        f"/admin/leads/inboundmessage/{inbound.pk}/attachment/{attachment.pk}/"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert 'attachment; filename="draft_agreement.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_attachment_download_needs_sign_in(client):
    post_postmark(client, postmark_payload(corpus("with_attachment.eml")))
    inbound = InboundMessage.objects.get()

    response = client.get(
        f"/admin/leads/inboundmessage/{inbound.pk}/attachment/{inbound.attachments.get().pk}/"
    )

    assert response.status_code == 302


def test_spam_released_from_the_admin_becomes_a_lead(client, admin_client):
    payload = postmark_payload(corpus("gmail_enquiry.eml"))
    payload["RawEmail"] = "X-Spam-Status: Yes\n" + payload["RawEmail"]
    post_postmark(client, payload)
    inbound = InboundMessage.objects.get(kind=InboundKind.SPAM)

    admin_client.post(
        "/admin/leads/inboundmessage/",
        {"action": "process_again", "_selected_action": [inbound.pk]},
    )

    inbound.refresh_from_db()
    assert inbound.kind == InboundKind.ENQUIRY
    assert Lead.objects.get().contact.email == "jane.doe@gmail.com"


def test_lead_page_lists_its_emails(client, admin_client):
    post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml")))
    lead = Lead.objects.get()

    page = admin_client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()

    assert "jane.doe@gmail.com" in page
    assert "Help with a commercial lease renewal" in page
