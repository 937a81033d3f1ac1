"""The reply box's URLs: only those who may work on the lead reach them, bad input is a
clear message that changes nothing, and the page's query count stays fixed."""

import pytest

from followups.choices import ReplyPurpose
from followups.models import ReplyTemplate
from leads.choices import EmailKind, EmailState
from leads.models import OutboundEmail
from tests.factories import LeadFactory, firm_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return firm_people()


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_fee_earner_replies_to_their_own_lead(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    lead = LeadFactory(owner=people["earner"], contact__email="rachel@example.com")
    client = signed_in(client, people["earner"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/leads/lead/{lead.pk}/reply/",
            {"subject": "Re: your enquiry", "body": "Hello Rachel", "action": "send"},
        )
    assert response.status_code == 302 and response.url.endswith("#conversation")
    email = OutboundEmail.objects.get(lead=lead, kind=EmailKind.REPLY)
    assert email.state == EmailState.SENT and email.sent_by == people["earner"]
    assert [m.to for m in mailoutbox] == [["rachel@example.com"]]


def test_a_fee_earner_in_another_team_cannot_reply(client, people):
    lead = LeadFactory(owner=people["earner"])
    client = signed_in(client, people["outsider"])
    response = client.post(
        f"/admin/leads/lead/{lead.pk}/reply/", {"subject": "Re: x", "body": "Hi"}
    )
    assert response.status_code in (403, 404)
    assert not OutboundEmail.objects.filter(kind=EmailKind.REPLY).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"subject": "", "body": "Hello"},
        {"subject": "Re: x", "body": ""},
        {"subject": "Re: x", "body": "Hello", "draft": "not-a-number"},
        {"subject": "Re: x" * 100, "body": "Hello"},
    ],
)
def test_bad_input_is_a_message_and_changes_nothing(client, people, data):
    lead = LeadFactory(owner=people["earner"])
    client = signed_in(client, people["partner"])
    response = client.post(f"/admin/leads/lead/{lead.pk}/reply/", data, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert not OutboundEmail.objects.filter(kind=EmailKind.REPLY).exists()


def test_another_leads_draft_cannot_be_sent_from_this_one(client, people):
    mine, other = LeadFactory(owner=people["earner"]), LeadFactory(owner=people["earner"])
    draft = OutboundEmail.objects.create(
        lead=other,
        kind=EmailKind.REPLY,
        dedupe_key="reply:x",
        to=["a@example.com"],
        subject="Draft",
        body_text="Draft",
        message_id="<draft@x>",
        state=EmailState.DRAFT,
    )
    client = signed_in(client, people["partner"])
    response = client.post(
        f"/admin/leads/lead/{mine.pk}/reply/",
        {"subject": "Re: x", "body": "Hello", "draft": draft.pk},
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.state == EmailState.DRAFT


def test_the_reply_box_fills_a_template_for_the_lead(client, people):
    lead = LeadFactory(owner=people["earner"], contact__name="Rachel Green")
    template = ReplyTemplate.objects.create(
        name="Chase", purpose=ReplyPurpose.CHASE, body="Dear {enquirer_first_name}, {unknown}"
    )
    client = signed_in(client, people["partner"])
    page = client.get(f"/admin/leads/lead/{lead.pk}/change/?reply_template={template.pk}")
    body = page.context["reply_box"]["body"]
    assert body == "Dear Rachel, {unknown}"  # an unknown placeholder is left for the writer
    junk = client.get(f"/admin/leads/lead/{lead.pk}/change/?reply_template=abc&reply_draft=%00")
    assert junk.status_code == 200


def test_template_with_an_unknown_placeholder_is_refused(db):
    from django.core.exceptions import ValidationError

    template = ReplyTemplate(name="x", purpose=ReplyPurpose.CHASE, body="Hi {enquirer}")
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        template.full_clean()


def test_lead_page_query_count_does_not_grow_with_messages_out(
    client, people, django_assert_max_num_queries
):
    lead = LeadFactory(owner=people["earner"])
    client = signed_in(client, people["partner"])
    client.get(f"/admin/leads/lead/{lead.pk}/change/")
    for number in range(2):
        OutboundEmail.objects.create(
            lead=lead,
            kind=EmailKind.REPLY,
            dedupe_key=f"reply:{number}",
            to=["a@example.com"],
            subject="S",
            body_text="B",
            message_id=f"<m{number}@x>",
            state=EmailState.FAILED,
            error="SMTPException: refused",
        )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(f"/admin/leads/lead/{lead.pk}/change/")
    for number in range(2, 12):
        OutboundEmail.objects.create(
            lead=lead,
            kind=EmailKind.REPLY,
            dedupe_key=f"reply:{number}",
            to=["a@example.com"],
            subject="S",
            body_text="B",
            message_id=f"<m{number}@x>",
            state=EmailState.FAILED,
            error="SMTPException: refused",
        )
    with django_assert_max_num_queries(len(few)):
        page = client.get(f"/admin/leads/lead/{lead.pk}/change/")
    assert page.content.decode().count("Retry sending") == 12
