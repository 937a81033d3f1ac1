"""The lead page: the summary a fee earner needs first (who, what they asked, tier and
why, owner, next action and when it is due), then the conversation as one timeline,
then the origin details; closing as lost or disqualified offers the firm's reasons as a
choice with details, on the page and in the list's bulk action; winning asks for the
agreed fee and the matter reference. Query count fixed whatever the conversation's
length."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followups.models import ClosureReason, FollowUp
from leads.choices import ActivityKind, Channel, Status
from leads.models import InboundMessage
from leads.services import lead_add_note, lead_log_call
from qualification.models import QualificationModel
from tests.factories import ContactFactory, LeadFactory, QualificationResultFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reasons(db):
    ClosureReason.objects.create(text="Instructed another firm", for_disqualified=False)
    ClosureReason.objects.create(text="Price", for_disqualified=False, position=1)
    ClosureReason.objects.create(text="Outside our practice areas", for_lost=False)


@pytest.fixture
def lead(people):
    lead = LeadFactory(
        owner=people["earner"],
        status=Status.CONTACTED,
        tier="A",
        estimated_value=Decimal("4700"),
        contact=ContactFactory(
            name="Rachel Turner", organisation="Turner Design Ltd", phone="+447700900123"
        ),
        subject="Unfair dismissal",
        message="I was dismissed last Friday after raising a grievance.",
        assigned_at=timezone.now() - dt.timedelta(hours=2),
    )
    QualificationResultFactory(
        lead=lead,
        model_version=QualificationModel.objects.create(version=1, name="Launch"),
        tier="A",
        basis=["Employment: dismissal", "Likely fee £4,700"],
    )
    FollowUp.objects.create(
        lead=lead,
        stage="contacted",
        kind="book_meeting",
        owner=people["earner"],
        due_at=timezone.now() - dt.timedelta(minutes=30),
        guidance="Offer a first meeting this week",
    )
    return lead


def page(client, user, lead) -> str:
    client.force_login(user)
    response = client.get(reverse("admin:leads_lead_change", args=[lead.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_summary_comes_first_and_the_origin_details_last(client, people, lead):
    html = page(client, people["partner"], lead)
    summary = html.index('id="lead-summary"')
    for text in (
        "Rachel Turner",
        "Turner Design Ltd",
        "07700 900123",
        "I was dismissed last Friday after raising a grievance.",
        "A (priority)",
        "Employment: dismissal",
        "likely fee £4,700",
        "Tom Earner",
        "Book a meeting",
        "Offer a first meeting this week",
    ):
        assert html.index(text, summary) < html.index('id="conversation"'), text
    assert "OVERDUE" in html[summary : html.index('id="conversation"')]
    assert html.index('id="conversation"') < html.index('id="technical"')
    assert html.index('id="technical"') < html.index(">Origin<")
    assert "4700.00" not in html


def test_django_wording_is_replaced(client, people, lead):
    html = page(client, people["partner"], lead)
    assert "Change lead" not in html
    assert f"<h1>{lead.reference}: Rachel Turner</h1>" in html
    assert "Leads › Leads" not in html.replace("&rsaquo;", "›")


def test_inline_rows_carry_no_repeated_label(client, people, lead):
    html = page(client, people["partner"], lead)
    # The follow-ups table's rows: no "Follow-up object" / str(obj) paragraph above each.
    assert f"<p>{FollowUp.objects.get(lead=lead)}</p>" not in html
    assert "<b>Qualification:</b>" not in html
    # The other apps' sections label their values without Django's trailing colon.
    assert "Client due diligence:" not in html and "Client due diligence" in html


def test_the_conversation_is_one_timeline_oldest_first(client, people, lead):
    InboundMessage.objects.create(
        provider="postmark",
        channel=Channel.EMAIL,
        external_id="<first@example.com>",
        lead=lead,
        summary="Can we talk tomorrow?",
        received_at=timezone.now() - dt.timedelta(hours=3),
    )
    lead_log_call(
        lead=lead,
        summary="Spoke to Rachel, booked a meeting",
        outcome="reached",
        actor=people["earner"],
    )
    lead_add_note(lead=lead, text="Bring the contract", actor=people["earner"])
    html = page(client, people["partner"], lead)
    section = html[html.index('id="conversation"') : html.index('id="technical"')]
    order = [
        section.index("Can we talk tomorrow?"),
        section.index("Spoke to Rachel, booked a meeting"),
        section.index("Bring the contract"),
    ]
    assert order == sorted(order)
    assert "Tom Earner" in section


def test_closing_offers_the_firms_reasons_grouped_by_status(client, people, lead, reasons):
    html = page(client, people["partner"], lead)
    form = html[
        html.index('id="quick-status"') : html.index("</form>", html.index('id="quick-status"'))
    ]
    assert '<optgroup label="Lost">' in form and '<optgroup label="Disqualified">' in form
    lost = form[
        form.index('<optgroup label="Lost">') : form.index('<optgroup label="Disqualified">')
    ]
    assert "Instructed another firm" in lost and "Price" in lost
    assert "Outside our practice areas" not in lost
    assert 'name="reason"' in form and 'name="agreed_fee"' in form


def test_the_quick_action_closes_with_the_chosen_reason_and_details(client, people, lead, reasons):
    client.force_login(people["partner"])
    url = reverse("admin:leads_lead_quick", args=[lead.pk, "status"])
    response = client.post(
        url,
        {"status": "lost", "closure_reason": "Price", "reason": "quoted £3,000 elsewhere"},
        follow=True,
    )
    assert "Status changed to Lost." in response.content.decode()
    lead.refresh_from_db()
    assert (lead.status, lead.closed_reason) == (Status.LOST, "Price: quoted £3,000 elsewhere")


def test_a_reason_for_the_other_status_is_refused_with_the_list(client, people, lead, reasons):
    client.force_login(people["partner"])
    url = reverse("admin:leads_lead_quick", args=[lead.pk, "status"])
    response = client.post(url, {"status": "disqualified", "closure_reason": "Price"}, follow=True)
    assert "Outside our practice areas" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == Status.CONTACTED


def test_winning_from_the_page_asks_for_the_fee_and_matter(client, people, lead):
    client.force_login(people["partner"])
    url = reverse("admin:leads_lead_quick", args=[lead.pk, "status"])
    refused = client.post(url, {"status": "won"}, follow=True).content.decode()
    assert "Give the fee the client agreed" in refused
    assert "Give the matter reference" in refused
    response = client.post(
        url, {"status": "won", "agreed_fee": "5200", "matter_reference": "EMP/0042"}, follow=True
    )
    html = response.content.decode()
    assert "Status changed to Won." in html
    lead.refresh_from_db()
    assert (lead.agreed_fee, lead.matter_reference) == (Decimal("5200.00"), "EMP/0042")
    summary = html[html.index('id="lead-summary"') : html.index('id="conversation"')]
    assert "£5,200" in summary and "EMP/0042" in summary


def test_the_bulk_action_offers_the_reasons_and_applies_them(client, people, lead, reasons):
    other = LeadFactory(owner=people["earner"], status=Status.ASSIGNED)
    client.force_login(people["partner"])
    changelist = reverse("admin:leads_lead_changelist")
    chosen = {"action": "change_status", "_selected_action": [lead.pk, other.pk]}
    form = client.post(changelist, chosen).content.decode()
    assert '<optgroup label="Lost">' in form and "Instructed another firm" in form
    client.post(
        changelist,
        {**chosen, "apply": "1", "status": "lost", "closure_reason": "Instructed another firm"},
    )
    lead.refresh_from_db()
    other.refresh_from_db()
    assert lead.closed_reason == other.closed_reason == "Instructed another firm"


def test_the_page_costs_the_same_queries_for_a_short_or_long_conversation(client, people, lead):
    client.force_login(people["partner"])
    url = reverse("admin:leads_lead_change", args=[lead.pk])
    lead_add_note(lead=lead, text="First", actor=people["earner"])
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for number in range(15):
        lead_add_note(lead=lead, text=f"Note {number}", actor=people["partner"])
        lead_log_call(
            lead=lead, summary=f"Call {number}", outcome="no_answer", actor=people["earner"]
        )
        InboundMessage.objects.create(
            provider="postmark",
            channel=Channel.EMAIL,
            external_id=f"<m{number}@example.com>",
            lead=lead,
            summary=f"Message {number}",
        )
    assert lead.activities.filter(kind=ActivityKind.NOTE).count() == 16
    with CaptureQueriesContext(connection) as long:
        client.get(url)
    assert len(long) == len(short)
