"""A merged lead's open follow-ups are closed when it is merged (``lead_merged`` has its
receiver here), so no sweep escalates an obligation for a lead that no longer stands alone."""

import datetime as dt

import pytest
import time_machine

from followups import services
from followups.choices import CompletedHow
from followups.models import Escalation
from followups.working_time import LONDON
from leads.choices import ActivityKind, EmailKind, Status
from leads.models import OutboundEmail
from leads.services import lead_merge
from tests.factories import ContactFactory, LeadFactory
from tests.followups.factories import FollowUpFactory, make_firm

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # Monday


@pytest.fixture
def firm():
    return make_firm()


def _overdue_pair(owner):
    contact = ContactFactory(email="jane@example.com")
    keep = LeadFactory(owner=owner, tier="A", contact=contact)
    merged = LeadFactory(owner=owner, tier="A", contact=contact)
    followup = FollowUpFactory(lead=merged, owner=owner, due_at=DUE, next_escalation_at=DUE)
    return keep, merged, followup


def test_merging_closes_the_merged_leads_open_followups(firm):
    keep, merged, followup = _overdue_pair(firm.earner.user)
    with time_machine.travel(DUE - dt.timedelta(hours=1), tick=False):
        lead_merge(keep=keep, merge=merged, actor=None)

    followup.refresh_from_db()
    assert followup.completed_at is not None
    assert followup.completed_how == CompletedHow.LEAD_CLOSED
    assert followup.completion_note == f"lead merged into {keep.reference}"
    assert followup.next_escalation_at is None
    merged.refresh_from_db()
    assert merged.status == Status.MERGED
    assert merged.next_action_due_at is None
    assert merged.activities.filter(kind=ActivityKind.FOLLOWUP_COMPLETED).exists()


def test_next_sweep_does_not_escalate_a_merged_leads_followup(firm):
    keep, merged, followup = _overdue_pair(firm.earner.user)
    with time_machine.travel(DUE - dt.timedelta(hours=1), tick=False):
        lead_merge(keep=keep, merge=merged, actor=None)

    with time_machine.travel(DUE + dt.timedelta(hours=1), tick=False):
        result = services.escalation_sweep()

    assert (result.due, result.escalations) == (0, 0)
    assert not Escalation.objects.filter(followup=followup).exists()
    assert not OutboundEmail.objects.filter(kind=EmailKind.ESCALATION).exists()


def test_the_kept_leads_followups_stay_open(firm):
    keep, merged, _ = _overdue_pair(firm.earner.user)
    kept_followup = FollowUpFactory(lead=keep, owner=firm.earner.user, due_at=DUE)
    lead_merge(keep=keep, merge=merged, actor=None)
    kept_followup.refresh_from_db()
    assert kept_followup.completed_at is None
