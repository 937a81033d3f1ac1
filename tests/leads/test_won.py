"""Winning a lead records the fee the client agreed and the firm's matter reference,
through the status service (so every surface asks for both); reopening clears them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from leads.choices import ActivityKind, Status
from leads.money import pounds
from leads.services import lead_change_status
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_win_needs_the_agreed_fee_and_the_matter_reference():
    lead = LeadFactory(status=Status.PROPOSAL)
    with pytest.raises(ValidationError) as refused:
        lead_change_status(lead=lead, status=Status.WON)
    assert set(refused.value.message_dict) == {"agreed_fee", "matter_reference"}
    with pytest.raises(ValidationError, match="amount in pounds"):
        lead_change_status(
            lead=lead, status=Status.WON, agreed_fee="lots", matter_reference="EMP/1"
        )
    with pytest.raises(ValidationError, match="amount in pounds"):
        lead_change_status(lead=lead, status=Status.WON, agreed_fee="-5", matter_reference="E")
    lead.refresh_from_db()
    assert lead.status == Status.PROPOSAL and lead.agreed_fee is None


def test_the_win_is_recorded_on_the_lead_and_its_timeline():
    user = UserFactory(first_name="Priya", last_name="Shah")
    lead = LeadFactory(status=Status.PROPOSAL)
    lead_change_status(
        lead=lead,
        status=Status.WON,
        agreed_fee="£4,700",
        matter_reference="  EMP/2026/0042 ",
        actor=user,
    )
    lead.refresh_from_db()
    assert (lead.agreed_fee, lead.matter_reference) == (Decimal("4700.00"), "EMP/2026/0042")
    change = lead.activities.get(kind=ActivityKind.STATUS_CHANGED)
    assert change.summary == (
        "Status changed from Proposal to Won (agreed fee £4,700, matter EMP/2026/0042)"
    )
    assert change.data["agreed_fee"] == "4700.00"
    assert change.data["matter_reference"] == "EMP/2026/0042"


def test_reopening_a_won_lead_clears_its_fee_and_matter():
    lead = LeadFactory(status=Status.PROPOSAL)
    lead_change_status(lead=lead, status=Status.WON, agreed_fee=1200, matter_reference="M1")
    lead_change_status(lead=lead, status=Status.PROPOSAL, reason="Client withdrew instruction")
    lead.refresh_from_db()
    assert (lead.agreed_fee, lead.matter_reference, lead.closed_reason) == (None, "", "")


def test_other_statuses_ignore_the_win_fields():
    lead = LeadFactory(status=Status.NEW)
    lead_change_status(lead=lead, status=Status.CONTACTED, agreed_fee=99, matter_reference="X")
    lead.refresh_from_db()
    assert (lead.agreed_fee, lead.matter_reference) == (None, "")


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("4700"), "£4,700"), (Decimal("4700.50"), "£4,700.50"), (None, "—"), (0, "£0")],
)
def test_money_reads_as_pounds(amount, text):
    assert pounds(amount) == text
